package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"time"
)

// staticServer serves one page's bytes on 127.0.0.1: the ceiling the
// portal's page is compared with. The portal has no static route for a
// fixed page, so Go's own HTTP server in this process stands in for the
// "portal's static handler" of issue 11; it shares the machine's CPU with
// the client as a static server on the same machine would.
type staticServer struct {
	srv *http.Server
	ln  net.Listener
	URL string
}

func startStatic(body []byte, contentType string) (*staticServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	length := strconv.Itoa(len(body))
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Length", length)
		_, _ = w.Write(body)
	})
	s := &staticServer{srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}, ln: ln, URL: "http://" + ln.Addr().String()}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

func (s *staticServer) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.srv.Shutdown(ctx)
}

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
			return nil, "", fmt.Errorf("GET %s: %d %s (the baseline needs a page that answers 200)", u, status, http.StatusText(status))
		}
		select {
		case <-ctx.Done():
			return nil, "", ctx.Err()
		case <-time.After(time.Second):
		}
	}
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

// runBaseline measures the static copy of o.baseline, then the portal's
// page, with the same client settings, one after the other.
func runBaseline(ctx context.Context, o options) (Report, error) {
	rep := Report{Base: o.base, Mode: "baseline", Duration: o.duration.String(), Connections: o.conns}
	client := newClient(1, o.timeout)
	body, ctype, err := fetchOnce(ctx, client, o.base+o.baseline)
	client.CloseIdleConnections()
	if err != nil {
		return rep, err
	}
	static, err := startStatic(body, ctype)
	if err != nil {
		return rep, err
	}
	rep.Notes = append(rep.Notes,
		"the static copy is served by Go's net/http inside loadgen on "+static.URL+": the portal has no static route serving a fixed page, so this stands in for issue 11's \"portal's own static handler\"",
		"no gzip is asked for in either phase; both send the same identity bytes")
	staticSum, cutS, err := phase(ctx, o, static.URL, o.baseline, "GET (static copy)")
	static.close()
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
