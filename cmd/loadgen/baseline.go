package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"time"
)

// staticPath is where a portal started with LOADGEN_BASELINE_FILE serves
// that file's bytes, through the static handler and middleware that serve
// its CSS and JavaScript (internal/web.BaselinePath; a test keeps the two
// equal). A portal without the setting answers 404 there.
const staticPath = "/static/loadgen-baseline.html"

// fetchOnce reads the page the baseline copies. A portal that sheds load
// (503 or 429) is asked again, up to 10 times a second apart.
func fetchOnce(ctx context.Context, c *http.Client, u string) ([]byte, string, error) {
	for try := 1; ; try++ {
		body, ctype, status, err := fetch(ctx, c, u)
		if err != nil {
			return nil, "", err
		}
		if status == http.StatusOK {
			return body, ctype, nil
		}
		if (status != http.StatusServiceUnavailable && status != http.StatusTooManyRequests) || try == 10 {
			return nil, "", &statusError{url: u, status: status}
		}
		select {
		case <-ctx.Done():
			return nil, "", ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// statusError is an answer other than 200 where one was needed.
type statusError struct {
	url    string
	status int
}

func (e *statusError) Error() string {
	return fmt.Sprintf("GET %s: %d %s (the baseline needs a page that answers 200)", e.url, e.status, http.StatusText(e.status))
}

func fetch(ctx context.Context, c *http.Client, u string) ([]byte, string, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, "", 0, err
	}
	res, err := c.Do(req)
	if err != nil {
		return nil, "", 0, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, "", 0, err
	}
	return body, res.Header.Get("Content-Type"), res.StatusCode, nil
}

// phase drives GET base+path with conns workers for d and summarizes it.
func phase(ctx context.Context, o options, base, path, name string) (Summary, int64, error) {
	client := newClient(o.conns, o.timeout)
	defer client.CloseIdleConnections()
	t := &traffic{base: base, client: client, stats: newStats()}
	elapsed := drive(ctx, o.duration, o.conns, o.seed, func(ctx context.Context, _, _ int, _ *rand.Rand) error {
		_, err := t.get(ctx, classList, name, path)
		return err
	})
	if ctx.Err() != nil {
		return Summary{}, 0, errors.New("interrupted")
	}
	return t.stats.all.summary(name, classList, elapsed), t.stats.cut.Load(), nil
}

// baselineHelp says how to give the portal the bytes it serves at
// staticPath.
func baselineHelp(page string) string {
	return fmt.Sprintf("save the page with `loadgen -base URL -baseline=%s -save-baseline FILE`, "+
		"then start the portal with LOADGEN_BASELINE_FILE=FILE (for load tests only)", page)
}

// saveBaseline writes the page's bytes to file, for LOADGEN_BASELINE_FILE.
func saveBaseline(ctx context.Context, o options, stdout io.Writer) error {
	client := newClient(1, o.timeout)
	defer client.CloseIdleConnections()
	body, _, err := fetchOnce(ctx, client, o.base+o.baseline)
	if err != nil {
		return err
	}
	if err := os.WriteFile(o.saveBaseline, body, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d bytes of %s to %s\nstart the portal with LOADGEN_BASELINE_FILE=%s, then run loadgen -baseline=%s\n",
		len(body), o.baseline, o.saveBaseline, o.saveBaseline, o.baseline)
	return nil
}

// runBaseline measures the portal's static copy of o.baseline, then the
// page itself, with the same client settings, one after the other. The
// copy must hold the very bytes the page answers now.
func runBaseline(ctx context.Context, o options) (Report, error) {
	rep := Report{Base: o.base, Mode: "baseline", Duration: o.duration.String(), Connections: o.conns}
	client := newClient(1, o.timeout)
	body, _, err := fetchOnce(ctx, client, o.base+o.baseline)
	if err != nil {
		client.CloseIdleConnections()
		return rep, err
	}
	static, _, err := fetchOnce(ctx, client, o.base+staticPath)
	client.CloseIdleConnections()
	var se *statusError
	switch {
	case errors.As(err, &se) && se.status == http.StatusNotFound:
		return rep, fmt.Errorf("the portal serves no baseline at %s: %s", staticPath, baselineHelp(o.baseline))
	case err != nil:
		return rep, err
	case !bytes.Equal(body, static):
		return rep, fmt.Errorf("the portal's baseline (%d bytes at %s) is not the page %s answers now (%d bytes): %s, and restart the portal (it reads the file once)",
			len(static), staticPath, o.baseline, len(body), baselineHelp(o.baseline))
	}
	rep.Notes = append(rep.Notes,
		"static: the same bytes served by the portal's own static handler at "+staticPath+" (LOADGEN_BASELINE_FILE), behind the same middleware as its CSS and JavaScript",
		"no gzip is asked for in either phase; both send the same identity bytes")
	staticSum, cutS, err := phase(ctx, o, o.base, staticPath, "GET "+staticPath)
	if err != nil {
		return rep, err
	}
	portalSum, cutP, err := phase(ctx, o, o.base, o.baseline, "GET "+o.baseline)
	if err != nil {
		return rep, err
	}
	b := &Baseline{Path: o.baseline, Bytes: len(body), Static: staticSum, Portal: portalSum}
	if staticSum.RPS > 0 {
		b.Ratio = portalSum.RPS / staticSum.RPS
	}
	rep.Baseline = b
	rep.Interrupted = cutS + cutP
	rep.Elapsed = o.duration.Seconds()
	rep.Failed = staticSum.serverErrors()+portalSum.serverErrors() > 0
	return rep, nil
}
