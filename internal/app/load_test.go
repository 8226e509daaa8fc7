package app_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/app/apptest"
)

// loadClients is how many clients hammer the public routes at once.
const loadClients = 32

// loadSeconds is how long the load test runs: LOAD_SECONDS, default 8 so
// that `go test ./...` stays quick (the long variant uses 20).
func loadSeconds(t *testing.T) time.Duration {
	t.Helper()
	v := os.Getenv("LOAD_SECONDS")
	if v == "" {
		return 8 * time.Second
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		t.Fatalf("LOAD_SECONDS=%q: want a positive number of seconds", v)
	}
	return time.Duration(n) * time.Second
}

// loadHeapBound is the most the heap in use may grow over its level at the
// start: LOAD_HEAP_MB, default 300.
func loadHeapBound(t *testing.T) uint64 {
	t.Helper()
	mb := 300
	if v := os.Getenv("LOAD_HEAP_MB"); v != "" {
		var err error
		if mb, err = strconv.Atoi(v); err != nil || mb <= 0 {
			t.Fatalf("LOAD_HEAP_MB=%q: want a positive number", v)
		}
	}
	return uint64(mb) << 20
}

var loadCSRF = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// loadRoute is one public route the clients call; do sends one request
// and returns its status.
type loadRoute struct {
	name string
	do   func(c *http.Client, base string, i int) (int, error)
}

func loadGet(path func(i int) string) func(c *http.Client, base string, i int) (int, error) {
	return func(c *http.Client, base string, i int) (int, error) {
		res, err := c.Get(base + path(i))
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode, nil
	}
}

// loadLogin signs in to a demo account, with the wrong password three
// times in four, as a password-guessing client mixed with real users.
func loadLogin(c *http.Client, base string, i int) (int, error) {
	res, err := c.Get(base + "/en/login")
	if err != nil {
		return 0, err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode >= 500 {
		return res.StatusCode, nil
	}
	m := loadCSRF.FindSubmatch(body)
	if m == nil {
		return 0, fmt.Errorf("login page %d without a CSRF token", res.StatusCode)
	}
	password := "demo-password-1"
	if i%4 != 0 {
		password = fmt.Sprintf("wrong-password-%d", i)
	}
	form := url.Values{"_csrf": {string(m[1])}, "email": {"board@demo.local"}, "password": {password}}
	res, err = c.PostForm(base+"/en/login", form)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

// routeStats are one route's counts, updated by every client.
type routeStats struct {
	mu       sync.Mutex
	statuses map[int]int
	errors   map[string]int
	latency  []time.Duration
}

// TestPublicRoutesUnderLoad starts the whole portal with the demo data and
// lets 32 clients hammer sign-in (wrong and right passwords), the obstacle
// and project statistics, site search and the project list for
// LOAD_SECONDS. No answer may be a 5xx or fail to arrive, and the heap in
// use may not grow more than LOAD_HEAP_MB over its level at the start.
// 429 answers (rate limits) are fine and counted.
func TestPublicRoutesUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test skipped in -short mode")
	}
	duration, bound := loadSeconds(t), loadHeapBound(t)
	p := apptest.Start(t, apptest.Config(t, t.TempDir()))

	queries := []string{"wind", "resort", "Vân Phong", "logistics", "cảng", "solar power", "Cam Ranh", "LNG", "hotel", "industrial park"}
	routes := []loadRoute{
		{"POST /en/login", loadLogin},
		{"GET /api/v1/obstacles/stats", loadGet(func(int) string { return "/api/v1/obstacles/stats" })},
		{"GET /api/v1/projects/stats", loadGet(func(int) string { return "/api/v1/projects/stats" })},
		{"GET /en/search", loadGet(func(i int) string { return "/en/search?q=" + url.QueryEscape(queries[i%len(queries)]) })},
		{"GET /en/projects", loadGet(func(i int) string {
			return []string{"/en/projects", "/en/projects?kind=fdi&sort=capital_desc", "/en/projects?page=" + strconv.Itoa(1+i%20), "/en/projects?sector=tourism"}[i%4]
		})},
	}
	stats := make([]*routeStats, len(routes))
	for i := range stats {
		stats[i] = &routeStats{statuses: map[int]int{}, errors: map[string]int{}}
	}

	// Warm up once per route, so that first-use costs (caches, indexes)
	// are in the starting level rather than counted as growth.
	warm := &http.Client{Timeout: 2 * time.Minute}
	for _, r := range routes {
		if _, err := r.do(warm, p.URL, 1); err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	startHeap, startSys := ms.HeapInuse, ms.Sys
	var peakHeap, peakSys atomic.Uint64
	peakHeap.Store(startHeap)
	peakSys.Store(startSys)
	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stopSampling:
				return
			case <-tick.C:
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peakHeap.Load() {
					peakHeap.Store(m.HeapInuse)
				}
				if m.Sys > peakSys.Load() {
					peakSys.Store(m.Sys)
				}
			}
		}
	}()

	deadline := time.Now().Add(duration)
	var wg sync.WaitGroup
	for g := range loadClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			jar, _ := cookiejar.New(nil)
			c := &http.Client{Jar: jar, Timeout: 60 * time.Second,
				Transport: &http.Transport{MaxIdleConnsPerHost: 4},
				// Keep redirects (a successful sign-in) as answers.
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			defer c.CloseIdleConnections()
			// Each client keeps to one route, so that a slow route does
			// not hold back the load on the others.
			k := g % len(routes)
			for i := g; time.Now().Before(deadline); i += loadClients {
				start := time.Now()
				status, err := routes[k].do(c, p.URL, i)
				st := stats[k]
				st.mu.Lock()
				if err != nil {
					st.errors[shortErr(err)]++
				} else {
					st.statuses[status]++
					st.latency = append(st.latency, time.Since(start))
				}
				st.mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := duration + time.Since(deadline)
	close(stopSampling)
	<-sampled

	t.Logf("%d clients for %s; heap in use %d MB at the start, peak %d MB (+%d MB, bound +%d MB); runtime Sys %d → %d MB",
		loadClients, elapsed.Round(time.Millisecond), startHeap>>20, peakHeap.Load()>>20, (peakHeap.Load()-startHeap)>>20, bound>>20, startSys>>20, peakSys.Load()>>20)
	total := 0
	for k, r := range routes {
		st := stats[k]
		n := 0
		var parts []string
		for _, code := range sortedCodes(st.statuses) {
			n += st.statuses[code]
			parts = append(parts, fmt.Sprintf("%d×%d", st.statuses[code], code))
		}
		for e, c := range st.errors {
			n += c
			parts = append(parts, fmt.Sprintf("%d× %s", c, e))
		}
		total += n
		t.Logf("%-30s %6d requests, %7.1f/s, p50 %s p99 %s: %s", r.name, n, float64(n)/elapsed.Seconds(),
			percentile(st.latency, 50), percentile(st.latency, 99), strings.Join(parts, " "))
		for code, c := range st.statuses {
			if code >= 500 {
				t.Errorf("%s: %d answers with status %d", r.name, c, code)
			}
		}
		for e, c := range st.errors {
			t.Errorf("%s: %d requests without an answer: %s", r.name, c, e)
		}
	}
	t.Logf("total %d requests, %.1f/s", total, float64(total)/elapsed.Seconds())
	if grew := peakHeap.Load() - startHeap; grew > bound {
		t.Errorf("heap in use grew by %d MB under load, over the bound of %d MB", grew>>20, bound>>20)
	}
}

func sortedCodes(m map[int]int) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

func percentile(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[min(len(s)-1, len(s)*p/100)].Round(time.Millisecond)
}

// shortErr keeps the kind of a transport error, without the addresses.
func shortErr(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		s = s[i+2:]
	}
	return s
}
