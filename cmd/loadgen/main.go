// Command loadgen drives a running portal for a fixed time and number of
// connections with the realistic mix of issue 11, and prints per route,
// per class and overall the requests, requests/s, p50/p95/p99/max latency
// and the answers by status.
//
//	loadgen [-base http://127.0.0.1:8080] [-duration 30s] [-c 64]
//	        [-mix list=60,search=20,stats=10,file=5,edit=5] [-token kh_…]
//	        [-baseline[=/en/projects?…]] [-save-baseline FILE] [-json]
//
// The classes: list and detail pages of projects and opportunities in both
// languages (list), site search in English and Vietnamese (search),
// dashboards and public figures (stats), obstacle filing through the API
// (file) and board edits with ETags (edit, only with a token). The file
// and edit classes write: obstacles are filed and job counts toggled, so
// point loadgen at a test portal, never at the province's.
//
// With -baseline, loadgen instead compares one page (the English project
// list with two filters, by default) with the same bytes served by the
// portal's own static handler, as issue 11 asks: it drives
// /static/loadgen-baseline.html, then the page, with the same client, and
// prints the ratio of their requests/s. The portal serves that static
// copy only when started with LOADGEN_BASELINE_FILE=FILE (never by
// default); loadgen writes nothing into the portal, it only reads. So:
//
//	loadgen -base URL -save-baseline /tmp/page.html   # the page's bytes, once
//	LOADGEN_BASELINE_FILE=/tmp/page.html portal serve   # (re)start the portal
//	loadgen -base URL -baseline                        # measure
//
// -baseline refuses to run when the static copy is not byte for byte the
// page the portal answers now (save it again and restart the portal).
//
// The exit status is 1 if any answer was a 5xx or any request got no
// answer, 2 for a wrong command line, 0 otherwise.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// options are the command line.
type options struct {
	base     string
	duration time.Duration
	conns    int
	mix      mix
	token    string
	baseline string // a path on base; empty: no baseline
	// saveBaseline is a file to write the baseline page's bytes to.
	saveBaseline string
	timeout      time.Duration
	json         bool
	seed         uint64
}

// baselineFlag is -baseline alone (the default page) or -baseline=PATH.
type baselineFlag struct{ path *string }

func (b baselineFlag) String() string {
	if b.path == nil {
		return ""
	}
	return *b.path
}

func (b baselineFlag) Set(v string) error {
	switch v {
	case "true":
		*b.path = defaultBaseline
	case "false":
		*b.path = ""
	default:
		*b.path = v
	}
	return nil
}

func (baselineFlag) IsBoolFlag() bool { return true }

const usageHead = `usage: loadgen [flags]

Drives a running portal (start one on a test DATA_DIR: the file and edit
classes file obstacles and edit projects) and prints per route, per class
and overall: requests, requests/s, p50/p95/p99/max latency, and answers
by status. Exit status 1 if any 5xx or transport error was seen.

Flags:
`

func parseOptions(args []string, getenv func(string) string, stdout io.Writer) (options, error) {
	o := options{}
	var mixText string
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.base, "base", "http://127.0.0.1:8080", "base URL of the portal")
	fs.DurationVar(&o.duration, "duration", 30*time.Second, "how long to drive each phase")
	fs.IntVar(&o.conns, "c", 64, "concurrent connections (one worker each)")
	fs.StringVar(&mixText, "mix", defaultMix, "relative weights of the classes list, search, stats, file, edit")
	fs.StringVar(&o.token, "token", "", "API token of a board account for the edit class (default $LOADGEN_TOKEN); without one, edits are skipped")
	fs.Var(baselineFlag{&o.baseline}, "baseline", "compare a page with its bytes served by the portal's static handler (start the portal with LOADGEN_BASELINE_FILE, see -save-baseline): -baseline alone takes "+defaultBaseline+", or -baseline=PATH")
	fs.StringVar(&o.saveBaseline, "save-baseline", "", "write the baseline page's bytes (-baseline=PATH, or the default page) to this file, for the portal's LOADGEN_BASELINE_FILE, and stop")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "give up on one request after this long (counted as a transport error)")
	fs.BoolVar(&o.json, "json", false, "print the report as JSON")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the random choices, for repeatable runs")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usageHead)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
		}
		return o, err
	}
	if o.token == "" {
		o.token = getenv("LOADGEN_TOKEN") // not a flag default: -h would print it
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q (a baseline page is given as -baseline=PATH)", fs.Arg(0))
	}
	u, err := url.Parse(o.base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || strings.Trim(u.Path, "/") != "" {
		return o, fmt.Errorf("-base %q: want the portal's root, such as http://127.0.0.1:8080", o.base)
	}
	o.base = trimBase(o.base)
	if o.duration <= 0 {
		return o, fmt.Errorf("-duration %v: want a positive duration, such as 30s", o.duration)
	}
	if o.conns < 1 || o.conns > 10_000 {
		return o, fmt.Errorf("-c %d: want 1 to 10000 connections", o.conns)
	}
	if o.timeout <= 0 {
		return o, fmt.Errorf("-timeout %v: want a positive duration", o.timeout)
	}
	if o.baseline != "" && !strings.HasPrefix(o.baseline, "/") {
		return o, fmt.Errorf("-baseline=%q: want a path on the portal, such as %s", o.baseline, defaultBaseline)
	}
	if o.saveBaseline != "" && o.baseline == "" {
		o.baseline = defaultBaseline
	}
	if o.mix, err = parseMix(mixText); err != nil {
		return o, err
	}
	return o, nil
}

// run is the whole command; it returns the exit status.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	o, err := parseOptions(args, getenv, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "loadgen:", err)
		fmt.Fprintln(stderr, "loadgen -h shows the flags")
		return 2
	}
	if o.saveBaseline != "" {
		if err := saveBaseline(ctx, o, stdout); err != nil {
			fmt.Fprintln(stderr, "loadgen:", err)
			return 1
		}
		return 0
	}
	var rep Report
	if o.baseline != "" {
		rep, err = runBaseline(ctx, o)
	} else {
		rep, err = runMix(ctx, o)
	}
	if err != nil {
		fmt.Fprintln(stderr, "loadgen:", err)
		return 1
	}
	if o.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintln(stderr, "loadgen:", err)
			return 1
		}
	} else {
		rep.write(stdout)
	}
	if rep.Failed {
		return 1
	}
	return 0
}

// loopback reports whether the base URL's host is this machine.
func loopback(base string) bool {
	u, err := url.Parse(base)
	if err != nil {
		return false
	}
	if u.Hostname() == "localhost" {
		return true
	}
	ip := net.ParseIP(u.Hostname())
	return ip != nil && ip.IsLoopback()
}

// runMix drives the portal with the mix for the duration.
func runMix(ctx context.Context, o options) (Report, error) {
	client := newClient(o.conns, o.timeout)
	defer client.CloseIdleConnections()
	rep := Report{Base: o.base, Mode: "mix", Duration: o.duration.String(), Connections: o.conns}
	if !loopback(o.base) {
		rep.Notes = append(rep.Notes, "the portal is not on this machine: the network is part of every latency below")
	}
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	tg, err := discover(dctx, client, o.base)
	cancel()
	if err != nil {
		return rep, fmt.Errorf("learning project codes: %w", err)
	}
	rep.Notes = append(rep.Notes, fmt.Sprintf("learned %d project and %d opportunity codes from the API", len(tg.projects), len(tg.opportunities)))
	m := mix{}
	for k, v := range o.mix {
		m[k] = v
	}
	if m[classEdit] > 0 && o.token == "" {
		rep.Notes = append(rep.Notes, fmt.Sprintf("edit: SKIPPED, no -token (or $LOADGEN_TOKEN) was given; its weight %d is left out of the mix", m[classEdit]))
		m[classEdit] = 0
	}
	if m[classList]+m[classSearch]+m[classStats]+m[classFile] == 0 {
		return rep, errors.New("nothing to send: the only class with weight is edit, and there is no token")
	}
	rep.Mix = m.String()
	if m[classFile] > 0 {
		rep.Notes = append(rep.Notes, "file: 429 answers are the portal's per-address limit on filings (30 per 10 minutes) working, not failures")
	}
	if m[classEdit] > 0 {
		rep.Notes = append(rep.Notes, "edit: 412 answers are two workers editing the same project at once, refused by the ETag check (If-Match) as they should be")
	}

	t := &traffic{base: o.base, token: o.token, client: client, targets: tg, stats: newStats()}
	d := newDeck(m, o.seed)
	elapsed := drive(ctx, o.duration, o.conns, o.seed, func(ctx context.Context, w, i int, rng *rand.Rand) error {
		return t.one(ctx, rng, d.at(w, o.conns, i))
	})
	rep.fill(t.stats, elapsed)
	return rep, nil
}
