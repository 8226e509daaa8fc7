package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Report is what a run prints, as text or as JSON.
type Report struct {
	Base        string   `json:"base"`
	Mode        string   `json:"mode"` // mix or baseline
	Duration    string   `json:"duration"`
	Connections int      `json:"connections"`
	Mix         string   `json:"mix,omitempty"`
	Notes       []string `json:"notes,omitempty"`
	// Elapsed is how long the (last) phase ran, in seconds.
	Elapsed float64   `json:"elapsed_s"`
	Routes  []Summary `json:"routes"`
	Classes []Summary `json:"classes"`
	Overall Summary   `json:"overall"`
	// Interrupted are requests cut short by an interrupt (Ctrl-C); they
	// are counted nowhere else. Requests in flight when the time is up
	// are waited for and counted.
	Interrupted int64     `json:"interrupted"`
	Baseline    *Baseline `json:"baseline,omitempty"`
	// Failed is true when a 5xx or a transport error was seen.
	Failed bool `json:"failed"`
}

// Baseline compares one portal page with a static copy of its bytes.
type Baseline struct {
	Path  string `json:"path"`
	Bytes int    `json:"bytes"`
	// Static is the portal's static copy of the page's bytes, Portal the
	// page itself.
	Static Summary `json:"static"`
	Portal Summary `json:"portal"`
	// Ratio is portal requests/s over static requests/s.
	Ratio float64 `json:"ratio"`
}

// fill takes the figures of a phase from s.
func (r *Report) fill(s *stats, elapsed time.Duration) {
	r.Elapsed = elapsed.Seconds()
	s.mu.Lock()
	order := slices.Clone(s.order)
	s.mu.Unlock()
	// Routes grouped by class in class order, then by name.
	rank := func(c string) int { return slices.Index(classNames, c) }
	slices.SortStableFunc(order, func(a, b string) int {
		if d := rank(s.classOf[a]) - rank(s.classOf[b]); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	for _, name := range order {
		r.Routes = append(r.Routes, s.routes[name].summary(name, s.classOf[name], elapsed))
	}
	for _, c := range classNames {
		if rec, ok := s.classes[c]; ok {
			r.Classes = append(r.Classes, rec.summary(c, c, elapsed))
		}
	}
	r.Overall = s.all.summary("overall", "", elapsed)
	r.Interrupted = s.cut.Load()
	r.Failed = r.Failed || r.Overall.serverErrors() > 0
}

const lineFormat = "%-7s %-36s %9s %9s %9s %9s %9s %9s  %s\n"

// write prints the report as aligned text.
func (r *Report) write(w io.Writer) {
	fmt.Fprintf(w, "loadgen %s: %s, %s, %d connections", r.Mode, r.Base, r.Duration, r.Connections)
	if r.Mix != "" {
		fmt.Fprintf(w, ", mix %s", r.Mix)
	}
	fmt.Fprintln(w)
	for _, n := range r.Notes {
		fmt.Fprintln(w, "note:", n)
	}
	fmt.Fprintln(w)
	if r.Baseline == nil {
		r.writeTable(w)
	} else {
		r.writeBaseline(w)
	}
	if r.Failed {
		fmt.Fprintln(w, "FAILED: 5xx answers or transport errors were seen (exit status 1)")
	} else {
		fmt.Fprintln(w, "no 5xx answers and no transport errors")
	}
}

func (r *Report) writeTable(w io.Writer) {
	fmt.Fprintf(w, lineFormat, "class", "route", "requests", "req/s", "p50", "p95", "p99", "max", "not 2xx (status: count)")
	for _, s := range r.Routes {
		writeLine(w, s.Class, s.Name, s)
	}
	fmt.Fprintln(w)
	for _, s := range r.Classes {
		writeLine(w, s.Class, "(all of the class)", s)
	}
	writeLine(w, "overall", "", r.Overall)
	fmt.Fprintf(w, "\nran %.1f s (no request starts after %s; those in flight then are waited for and counted)\n", r.Elapsed, r.Duration)
	if r.Interrupted > 0 {
		fmt.Fprintf(w, "interrupted: %d requests were cut short and are not counted\n", r.Interrupted)
	}
}

func (r *Report) writeBaseline(w io.Writer) {
	b := r.Baseline
	fmt.Fprintf(w, "baseline page %s (%d bytes), each phase %s\n", b.Path, b.Bytes, r.Duration)
	fmt.Fprintf(w, lineFormat, "phase", "target", "requests", "req/s", "p50", "p95", "p99", "max", "not 2xx (status: count)")
	writeLine(w, "static", "the same bytes, static handler", b.Static)
	writeLine(w, "portal", "the portal's page (above)", b.Portal)
	fmt.Fprintf(w, "ratio portal/static: %.1f%% (%.0f / %.0f req/s); p99 portal %s, static %s\n",
		100*b.Ratio, b.Portal.RPS, b.Static.RPS, fmtMS(b.Portal.P99, b.Portal), fmtMS(b.Static.P99, b.Static))
	if r.Interrupted > 0 {
		fmt.Fprintf(w, "interrupted: %d requests were cut short and are not counted\n", r.Interrupted)
	}
}

func writeLine(w io.Writer, class, name string, s Summary) {
	fmt.Fprintf(w, lineFormat, class, name, strconv.FormatInt(s.Requests, 10), strconv.FormatFloat(s.RPS, 'f', 1, 64),
		fmtMS(s.P50, s), fmtMS(s.P95, s), fmtMS(s.P99, s), fmtMS(s.Max, s), notOK(s))
}

// fmtMS writes a latency in milliseconds, or "-" when nothing was answered.
func fmtMS(v float64, s Summary) string {
	if s.Requests == 0 || len(s.Status) == 0 {
		return "-"
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + "ms"
}

// notOK lists the answers outside 2xx and the transport errors.
func notOK(s Summary) string {
	var parts []string
	codes := make([]string, 0, len(s.Status))
	for c := range s.Status {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for _, c := range codes {
		if !strings.HasPrefix(c, "2") {
			parts = append(parts, fmt.Sprintf("%s: %d", c, s.Status[c]))
		}
	}
	kinds := make([]string, 0, len(s.Transport))
	for k := range s.Transport {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("transport %q: %d", k, s.Transport[k]))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}
