package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/app/apptest"
	"github.com/khanhhoa/investportal/internal/web"
)

func noEnv(string) string { return "" }

func TestPercentile(t *testing.T) {
	var sorted []time.Duration
	for i := 1; i <= 1000; i++ {
		sorted = append(sorted, time.Duration(i)*time.Millisecond)
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{50, 500 * time.Millisecond}, {95, 950 * time.Millisecond}, {99, 990 * time.Millisecond}, {100, time.Second}, {0.01, time.Millisecond}} {
		if got := percentile(sorted, c.p); got != c.want {
			t.Errorf("p%v = %v, want %v", c.p, got, c.want)
		}
	}
	if got := percentile(nil, 99); got != 0 {
		t.Errorf("p99 of nothing = %v, want 0", got)
	}
	if got := percentile([]time.Duration{7}, 50); got != 7 {
		t.Errorf("p50 of one sample = %v, want 7", got)
	}
}

func TestRecorderKeepsBoundedSample(t *testing.T) {
	r := newRecorder(1000)
	// 10,000 answers: the first 9,900 take 1 ms, the last 100 take 1 s.
	for i := range 10_000 {
		d := time.Millisecond
		if i >= 9_900 {
			d = time.Second
		}
		r.answer(200, d)
	}
	r.answer(503, 5*time.Second)
	r.fail("timeout")
	if len(r.samples) != 1000 {
		t.Fatalf("kept %d samples, want the cap of 1000", len(r.samples))
	}
	s := r.summary("x", "list", 2*time.Second)
	if s.Requests != 10_002 || s.Status["200"] != 10_000 || s.Status["503"] != 1 || s.Transport["timeout"] != 1 {
		t.Fatalf("counts: %+v", s)
	}
	if s.Max != 5000 {
		t.Errorf("max %v ms, want the exact 5000 although the sample may have dropped it", s.Max)
	}
	if s.P50 != 1 || s.RPS != 5001 {
		t.Errorf("p50 %v ms, rps %v; want 1 ms and 5001", s.P50, s.RPS)
	}
	if !(s.P50 <= s.P95 && s.P95 <= s.P99 && s.P99 <= s.Max) {
		t.Errorf("percentiles out of order: %+v", s)
	}
	if s.serverErrors() != 2 {
		t.Errorf("server errors %d, want 2 (one 503, one timeout)", s.serverErrors())
	}
}

func TestParseMix(t *testing.T) {
	m, err := parseMix(" list=60, search=20,stats=10,file=5,edit=5")
	if err != nil {
		t.Fatal(err)
	}
	if m.String() != defaultMix {
		t.Errorf("mix %q, want %q", m.String(), defaultMix)
	}
	d := newDeck(m, 7)
	count := map[string]int{}
	for _, c := range d {
		count[c]++
	}
	if len(d) != 20 || count[classList] != 12 || count[classSearch] != 4 || count[classStats] != 2 || count[classFile] != 1 || count[classEdit] != 1 {
		t.Errorf("deck of the default mix: %v", count)
	}
	// Five workers on a deck of five start on five different classes.
	d = newDeck(mix{classList: 1, classSearch: 1, classStats: 1, classFile: 1, classEdit: 1}, 7)
	first := map[string]bool{}
	for w := range 5 {
		first[d.at(w, 5, 0)] = true
	}
	if len(first) != 5 || d.at(0, 5, 5) != d.at(0, 5, 0) {
		t.Errorf("deck %v: first classes %v", d, first)
	}
	for _, c := range []struct{ in, want string }{
		{"", "empty"},
		{"list", "want class=weight"},
		{"=5", "want class=weight"},
		{"lists=60", `unknown class "lists"`},
		{"list=60,list=5", "twice"},
		{"list=-1", "whole number from 0 to 1000"},
		{"list=1.5", "whole number from 0 to 1000"},
		{"list=x", "whole number from 0 to 1000"},
		{"list=1001", "whole number from 0 to 1000"},
		{"list=0,search=0", "every weight is 0"},
	} {
		t.Run(c.in, func(t *testing.T) {
			_, err := parseMix(c.in)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("parseMix(%q) = %v, want an error saying %q", c.in, err, c.want)
			}
		})
	}
}

func TestCommandLine(t *testing.T) {
	var out, errs bytes.Buffer
	if code := run(context.Background(), []string{"-h"}, noEnv, &out, &errs); code != 0 || !strings.Contains(out.String(), "-baseline") {
		t.Errorf("-h: exit %d, usage %q", code, out.String())
	}
	for _, args := range [][]string{
		{"-mix", "list=60,serch=20"},
		{"-c", "0"},
		{"-base", "ftp://127.0.0.1"},
		{"-base", "http://127.0.0.1:8080/en"},
		{"-baseline", "/en/projects"},
		{"-baseline=en/projects"},
		{"-duration", "-1s"},
	} {
		errs.Reset()
		if code := run(context.Background(), args, noEnv, &out, &errs); code != 2 || !strings.Contains(errs.String(), "loadgen:") {
			t.Errorf("%q: exit %d, stderr %q; want 2 and a message", args, code, errs.String())
		}
	}
	o, err := parseOptions([]string{"-baseline", "-base", "http://127.0.0.1:9/"}, func(string) string { return "kh_env" }, &out)
	if err != nil || o.baseline != defaultBaseline || o.base != "http://127.0.0.1:9" || o.token != "kh_env" {
		t.Errorf("options %+v, %v", o, err)
	}
}

// TestAgainstPortal runs the generator for 2 s with 8 connections against
// the whole portal with the demo data, then the baseline for 1 s a phase.
func TestAgainstPortal(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the whole portal")
	}
	cfg := apptest.Config(t, t.TempDir())
	cfg.LoadgenBaselineFile = filepath.Join(t.TempDir(), "page.html")
	p := apptest.Start(t, cfg)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	u, err := p.Accounts.GetByEmail(ctx, "board@demo.local")
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := p.Accounts.IssueToken(ctx, u.ID, "loadgen test", time.Now())
	if err != nil {
		t.Fatal(err)
	}

	// One request of each class first, so that first-use costs (caches,
	// templates, the search index) do not eat the short run.
	warm := &traffic{base: p.URL, token: token, client: newClient(1, time.Minute), stats: newStats()}
	if warm.targets, err = discover(ctx, warm.client, p.URL); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range classNames {
		if err := warm.one(ctx, rng, c); err != nil {
			t.Fatalf("warm-up %s: %v", c, err)
		}
	}

	// Equal weights, so that each class surely gets requests in 2 s on a
	// busy machine.
	var out, errs bytes.Buffer
	code := run(ctx, []string{"-base", p.URL, "-duration", "2s", "-c", "8", "-token", token, "-json",
		"-mix", "list=20,search=20,stats=20,file=20,edit=20"}, noEnv, &out, &errs)
	var rep Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("report does not parse: %v\n%s\n%s", err, out.String(), errs.String())
	}
	if code != 0 || rep.Failed {
		t.Fatalf("exit %d, failed %v: %s %s", code, rep.Failed, out.String(), errs.String())
	}
	byClass := map[string]Summary{}
	for _, s := range rep.Classes {
		byClass[s.Name] = s
	}
	for _, c := range classNames {
		if byClass[c].Requests == 0 {
			t.Errorf("class %s got no requests: %s", c, out.String())
		}
	}
	for _, s := range append(append(rep.Routes, rep.Classes...), rep.Overall) {
		if s.serverErrors() != 0 {
			t.Errorf("%s: 5xx or transport errors: %+v", s.Name, s)
		}
		if s.Requests > 0 && (!(s.P50 <= s.P95 && s.P95 <= s.P99 && s.P99 <= s.Max) || s.Max <= 0) {
			t.Errorf("%s: percentiles out of order: %+v", s.Name, s)
		}
		// Only the limiter (429) and the ETag check (412) may refuse: any
		// other 4xx means a request loadgen builds is wrong.
		for status, n := range s.Status {
			// The overall row (no class) adds up every class's answers.
			overall := s.Class == ""
			if status[0] == '4' && !(status == "429" && (s.Class == classFile || overall)) && !(status == "412" && (s.Class == classEdit || overall)) {
				t.Errorf("%s: %d answers %s", s.Name, n, status)
			}
		}
	}
	routes := map[string]Summary{}
	for _, s := range rep.Routes {
		routes[s.Name] = s
	}
	if routes["POST /api/v1/obstacles"].Status["201"] == 0 || routes["PATCH /api/v1/projects/{code}"].Status["200"] == 0 {
		t.Errorf("no filing or no edit succeeded: %s", out.String())
	}
	var total int64
	for _, s := range rep.Classes {
		total += s.Requests
	}
	if total != rep.Overall.Requests || rep.Overall.RPS <= 0 {
		t.Errorf("classes add up to %d, overall %d at %v/s", total, rep.Overall.Requests, rep.Overall.RPS)
	}

	// The text report names every class.
	var text bytes.Buffer
	rep.write(&text)
	t.Log("\n" + text.String())
	for _, c := range classNames {
		if !strings.Contains(text.String(), "\n"+c+" ") {
			t.Errorf("text report lacks class %s:\n%s", c, text.String())
		}
	}

	// The baseline: none until the page is saved to the portal's
	// LOADGEN_BASELINE_FILE, then the same bytes from its static handler.
	out.Reset()
	errs.Reset()
	if code := run(ctx, []string{"-base", p.URL, "-duration", "1s", "-baseline"}, noEnv, &out, &errs); code != 1 || !strings.Contains(errs.String(), "serves no baseline") || !strings.Contains(errs.String(), "-save-baseline") {
		t.Fatalf("baseline before saving: exit %d, %q", code, errs.String())
	}
	if code := run(ctx, []string{"-base", p.URL, "-save-baseline", cfg.LoadgenBaselineFile}, noEnv, &out, &errs); code != 0 {
		t.Fatalf("save-baseline: exit %d, %s", code, errs.String())
	}
	saved, err := os.ReadFile(cfg.LoadgenBaselineFile)
	if err != nil || !bytes.Contains(saved, []byte(`data-testid="result-count"`)) {
		t.Fatalf("saved page: %v, %d bytes", err, len(saved))
	}
	out.Reset()
	code = run(ctx, []string{"-base", p.URL, "-duration", "1s", "-c", "8", "-baseline", "-json"}, noEnv, &out, &errs)
	rep = Report{}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || code != 0 || rep.Baseline == nil {
		t.Fatalf("baseline: exit %d, %v: %s %s", code, err, out.String(), errs.String())
	}
	b := rep.Baseline
	if b.Static.Status["200"] == 0 || b.Portal.Status["200"] == 0 || b.Bytes == 0 || b.Ratio <= 0 {
		t.Errorf("baseline: %+v", b)
	}
	if b.Ratio != b.Portal.RPS/b.Static.RPS {
		t.Errorf("ratio %v, want %v", b.Ratio, b.Portal.RPS/b.Static.RPS)
	}
	if b.Static.Name != "GET "+staticPath || b.Bytes != len(saved) {
		t.Errorf("static phase %q, %d bytes; want GET %s and %d bytes", b.Static.Name, b.Bytes, staticPath, len(saved))
	}
}

func TestStaticPathIsThePortals(t *testing.T) {
	if staticPath != web.BaselinePath {
		t.Errorf("loadgen drives %s, the portal serves the baseline at %s", staticPath, web.BaselinePath)
	}
}

// TestBaselineRefusesOtherBytes checks that a static copy that is not the
// page the portal answers now stops the run, saying what to do.
func TestBaselineRefusesOtherBytes(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case staticPath:
			_, _ = w.Write([]byte("<p>yesterday's page</p>"))
		default:
			_, _ = w.Write([]byte("<p>today's page</p>"))
		}
	}))
	defer srv.Close()
	var out, errs bytes.Buffer
	code := run(context.Background(), []string{"-base", srv.URL, "-duration", "100ms", "-baseline"}, noEnv, &out, &errs)
	if code != 1 || !strings.Contains(errs.String(), "is not the page") || !strings.Contains(errs.String(), "restart the portal") {
		t.Errorf("exit %d, %q", code, errs.String())
	}
}

// TestServerErrorsFailTheRun checks the exit status against a fake portal
// whose pages all answer 500.
func TestServerErrorsFailTheRun(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/projects":
			_, _ = w.Write([]byte(`{"items":[{"code":"DA-0001"}]}`))
		case "/api/v1/opportunities":
			_, _ = w.Write([]byte(`{"items":[]}`))
		default:
			http.Error(w, "boom", http.StatusInternalServerError)
		}
	}))
	defer srv.Close()
	var out, errs bytes.Buffer
	code := run(context.Background(), []string{"-base", srv.URL, "-duration", "200ms", "-c", "2", "-mix", "search=1"}, noEnv, &out, &errs)
	if code != 1 || !strings.Contains(out.String(), "500: ") || !strings.Contains(out.String(), "FAILED") {
		t.Errorf("exit %d, report:\n%s%s", code, out.String(), errs.String())
	}
	// Without a token the edit class is left out, and the report says so.
	out.Reset()
	run(context.Background(), []string{"-base", srv.URL, "-duration", "100ms", "-c", "2"}, noEnv, &out, &errs)
	if !strings.Contains(out.String(), "edit: SKIPPED") || !strings.Contains(out.String(), "mix list=60,search=20,stats=10,file=5\n") || strings.Contains(out.String(), "PATCH") {
		t.Errorf("no token, report:\n%s", out.String())
	}
	// A portal that is not there: no codes can be learned.
	srv.Close()
	out.Reset()
	errs.Reset()
	if code := run(context.Background(), []string{"-base", srv.URL, "-duration", "200ms"}, noEnv, &out, &errs); code != 1 || !strings.Contains(errs.String(), "learning project codes") {
		t.Errorf("closed portal: exit %d, %q", code, errs.String())
	}
}
