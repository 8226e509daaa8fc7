package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// listFilters are two filters each (the real parameters of the project
// list, internal/web/query.go), with 20 rows a page.
var listFilters = []string{
	"kind=domestic&sector=tourism",
	"kind=fdi&sector=industry",
	"sector=real_estate&location=nha_trang",
	"sector=energy&location=ninh_hoa",
	"kind=domestic&location=cam_ranh",
	"sector=logistics&stage=operating",
	"kind=fdi&stage=construction",
	"sector=tourism&location=cam_lam",
}

// defaultBaseline is the English project list with the first filters.
var defaultBaseline = "/en/projects?" + listFilters[0] + "&per_page=20"

// catalogueFilters are the opportunity catalogue's facets (none, one, two).
var catalogueFilters = []string{"", "sector=tourism", "location=van_ninh", "sector=energy&location=ninh_hoa", "sector=industry"}

// searchQueries are what investors type: English, Vietnamese with and
// without diacritics.
var searchQueries = []string{
	"resort", "wind power", "logistics", "seaport", "industrial park", "hotel", "solar", "LNG",
	"Vân Phong", "Van Phong", "cảng biển", "cang bien", "khu công nghiệp", "khu cong nghiep",
	"điện gió", "dien gio", "du lịch", "du lich", "Cam Ranh", "Nha Trang", "nhà máy", "nuôi trồng thủy sản",
}

var langs = []string{"vi", "en"}

// statsPaths are the dashboards and public figures.
var statsPaths = []struct{ name, path string }{
	{"GET /{lang}/dashboard", ""}, // the language is chosen per request
	{"GET /api/v1/projects/stats", "/api/v1/projects/stats"},
	{"GET /api/v1/obstacles/stats", "/api/v1/obstacles/stats"},
}

// obstacleBodies are valid filings (internal/web/obstacles/api.go,
// ObstacleSubmission); 4201234566 is a tax code with a valid check digit.
var obstacleBodies = []map[string]string{
	{"businessName": "Công ty TNHH Du lịch Biển Xanh (loadgen)", "taxCode": "4201234566", "contactPerson": "Nguyễn Văn An",
		"email": "an.nguyen@example.com", "phone": "0905 123 456", "lang": "vi", "category": "land_site_clearance",
		"title": "Chậm bàn giao mặt bằng (thử tải)", "description": "Còn 2,4 ha chưa hoàn thành bồi thường, giải phóng mặt bằng; đây là hồ sơ thử tải."},
	{"businessName": "Blue Bay Logistics Co., Ltd (loadgen)", "taxCode": "4201234566", "contactPerson": "Tran Thi Binh",
		"email": "binh.tran@example.com", "phone": "0258 3822 123", "lang": "en", "category": "construction_permits",
		"title": "Construction permit pending (load test)", "description": "The construction permit has been pending for three months; this is a load-test filing."},
}

// targets are the codes learned from the portal at start.
type targets struct {
	projects      []string
	opportunities []string
}

// discover learns up to 100 project and opportunity codes from the API.
func discover(ctx context.Context, c *http.Client, base string) (targets, error) {
	var t targets
	var err error
	if t.projects, err = codes(ctx, c, base+"/api/v1/projects?per_page=100"); err != nil {
		return t, err
	}
	if len(t.projects) == 0 {
		return t, errors.New("the portal lists no projects: seed it first (portal seed)")
	}
	if t.opportunities, err = codes(ctx, c, base+"/api/v1/opportunities?per_page=100"); err != nil {
		return t, err
	}
	return t, nil
}

func codes(ctx context.Context, c *http.Client, u string) ([]string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	res, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", u, res.Status)
	}
	var page struct {
		Items []struct {
			Code string `json:"code"`
		} `json:"items"`
	}
	if err := json.NewDecoder(res.Body).Decode(&page); err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	var out []string
	for _, it := range page.Items {
		if it.Code != "" {
			out = append(out, it.Code)
		}
	}
	return out, nil
}

// newClient is the bounded keep-alive client of every phase: at most
// conns connections, all kept idle between requests, no proxy, no
// redirects followed (a 3xx is counted as it is, so no request leaves
// the base URL) and no gzip asked for (the portal and the static copy
// send the same identity bytes).
func newClient(conns int, timeout time.Duration) *http.Client {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &http.Client{Transport: tr, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// stats are the recorders of one phase: per route, per class, overall.
type stats struct {
	mu      sync.Mutex
	routes  map[string]*recorder
	order   []string          // routes in first-seen order
	classOf map[string]string // route → class
	classes map[string]*recorder
	all     *recorder
	// cut counts requests cut short by an interrupt; they are not
	// counted anywhere else.
	cut atomic.Int64
}

func newStats() *stats {
	return &stats{routes: map[string]*recorder{}, classOf: map[string]string{}, classes: map[string]*recorder{}, all: newRecorder(reservoirSize)}
}

func (s *stats) recorders(class, route string) (*recorder, *recorder) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.routes[route]
	if !ok {
		r = newRecorder(reservoirSize)
		s.routes[route], s.classOf[route] = r, class
		s.order = append(s.order, route)
	}
	c, ok := s.classes[class]
	if !ok {
		c = newRecorder(reservoirSize)
		s.classes[class] = c
	}
	return r, c
}

// errStopped is a request cut short by an interrupt.
var errStopped = errors.New("interrupted")

// answer is what a request got back.
type answer struct {
	status int
	header http.Header
	body   []byte // only when asked for
}

// send sends req, reads the answer to its end and records it under class
// and route.
func (s *stats) send(ctx context.Context, c *http.Client, class, route string, req *http.Request, keepBody bool) (answer, error) {
	r, cl := s.recorders(class, route)
	start := time.Now()
	res, err := c.Do(req.WithContext(ctx))
	var a answer
	if err == nil {
		a.status, a.header = res.StatusCode, res.Header
		if keepBody {
			a.body, err = io.ReadAll(res.Body)
		} else {
			_, err = io.Copy(io.Discard, res.Body)
		}
		res.Body.Close()
	}
	d := time.Since(start)
	if err != nil {
		if ctx.Err() != nil {
			s.cut.Add(1)
			return a, errStopped
		}
		kind := transportKind(err)
		for _, rec := range []*recorder{r, cl, s.all} {
			rec.fail(kind)
		}
		return a, err
	}
	for _, rec := range []*recorder{r, cl, s.all} {
		rec.answer(a.status, d)
	}
	return a, nil
}

// transportKind names an error without its URL, so that like errors
// are counted together.
func transportKind(err error) string {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timeout"
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return err.Error()
}

// traffic sends the requests of each class to one portal.
type traffic struct {
	base    string
	token   string
	client  *http.Client
	targets targets
	stats   *stats
}

func (t *traffic) get(ctx context.Context, class, route, path string) (answer, error) {
	req, err := http.NewRequest(http.MethodGet, t.base+path, nil)
	if err != nil {
		return answer{}, err
	}
	return t.stats.send(ctx, t.client, class, route, req, false)
}

// one sends one request (two for an edit) of class.
func (t *traffic) one(ctx context.Context, rng *rand.Rand, class string) error {
	lang := langs[rng.IntN(len(langs))]
	pick := func(list []string) string { return list[rng.IntN(len(list))] }
	switch class {
	case classList:
		n := rng.IntN(100)
		switch {
		case n < 40:
			_, err := t.get(ctx, class, "GET /{lang}/projects?filters", "/"+lang+"/projects?"+pick(listFilters)+"&per_page=20")
			return err
		case n < 70 || len(t.targets.opportunities) == 0:
			_, err := t.get(ctx, class, "GET /{lang}/projects/{code}", "/"+lang+"/projects/"+url.PathEscape(pick(t.targets.projects)))
			return err
		case n < 85:
			_, err := t.get(ctx, class, "GET /{lang}/opportunities?filters", "/"+lang+"/opportunities?"+pick(catalogueFilters))
			return err
		default:
			_, err := t.get(ctx, class, "GET /{lang}/opportunities/{code}", "/"+lang+"/opportunities/"+url.PathEscape(pick(t.targets.opportunities)))
			return err
		}
	case classSearch:
		_, err := t.get(ctx, class, "GET /{lang}/search?q=", "/"+lang+"/search?q="+url.QueryEscape(pick(searchQueries)))
		return err
	case classStats:
		p := statsPaths[rng.IntN(len(statsPaths))]
		path := p.path
		if path == "" {
			path = "/" + lang + "/dashboard"
		}
		_, err := t.get(ctx, class, p.name, path)
		return err
	case classFile:
		return t.file(ctx, rng)
	case classEdit:
		return t.edit(ctx, pick(t.targets.projects))
	}
	return fmt.Errorf("unknown class %q", class)
}

// file files an obstacle with its own Idempotency-Key.
func (t *traffic) file(ctx context.Context, rng *rand.Rand) error {
	body := obstacleBodies[rng.IntN(len(obstacleBodies))]
	if rng.IntN(2) == 0 {
		body = copyWith(body, "projectCode", t.targets.projects[rng.IntN(len(t.targets.projects))])
	}
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequest(http.MethodPost, t.base+"/api/v1/obstacles", bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", fmt.Sprintf("loadgen-%016x%016x", rng.Uint64(), rng.Uint64()))
	_, err = t.stats.send(ctx, t.client, classFile, "POST /api/v1/obstacles", req, false)
	return err
}

func copyWith(m map[string]string, k, v string) map[string]string {
	out := make(map[string]string, len(m)+1)
	for key, val := range m {
		out[key] = val
	}
	out[k] = v
	return out
}

// edit reads a project for its ETag and toggles the lowest bit of its
// job count with If-Match: a harmless change that a second edit undoes.
func (t *traffic) edit(ctx context.Context, code string) error {
	path := "/api/v1/projects/" + url.PathEscape(code)
	req, err := http.NewRequest(http.MethodGet, t.base+path, nil)
	if err != nil {
		return err
	}
	got, err := t.stats.send(ctx, t.client, classEdit, "GET /api/v1/projects/{code}", req, true)
	if err != nil || got.status != http.StatusOK {
		return err
	}
	var p struct {
		Jobs int `json:"jobs"`
	}
	if err := json.Unmarshal(got.body, &p); err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	b, err := json.Marshal(map[string]int{"jobs": p.Jobs ^ 1})
	if err != nil {
		return err
	}
	req, err = http.NewRequest(http.MethodPatch, t.base+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("If-Match", got.header.Get("ETag"))
	req.Header.Set("Authorization", "Bearer "+t.token)
	_, err = t.stats.send(ctx, t.client, classEdit, "PATCH /api/v1/projects/{code}", req, false)
	return err
}

// drive runs conns workers for d, each sending one request after
// another (its i-th by do). At the end no new request starts, and those
// in flight are waited for and counted (at most the client's timeout), so
// that the slowest answers are not left out of the percentiles. Ending ctx
// (an interrupt) cuts them instead. It returns the time it ran.
func drive(ctx context.Context, d time.Duration, conns int, seed uint64, do func(ctx context.Context, w, i int, rng *rand.Rand) error) time.Duration {
	start := time.Now()
	end := start.Add(d)
	var wg sync.WaitGroup
	for w := range conns {
		rng := rand.New(rand.NewPCG(seed, uint64(w)))
		wg.Go(func() {
			for i := 0; ctx.Err() == nil && time.Now().Before(end); i++ {
				// Errors are recorded by send; the worker carries on.
				_ = do(ctx, w, i, rng)
			}
		})
	}
	wg.Wait()
	return time.Since(start)
}

// trimBase drops a trailing slash so that paths can be appended.
func trimBase(s string) string { return strings.TrimRight(s, "/") }
