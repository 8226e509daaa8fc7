package main

// The crash test: the portal runs as a separate process on a data
// directory while clients write at full speed; it is killed (SIGKILL) at a
// random moment, started again on the same directory, and every write it
// acknowledged must be there. 3 rounds by default; CRASH_ROUNDS=60 for the
// long variant.
//
// The portal process is this test binary started again with
// PORTAL_CRASH_CHILD=1 (see init below): it runs the same run() as the
// portal command, and saves linking a second 75 MB binary, which costs
// more than the rest of the test on a busy machine.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/place"
	"github.com/khanhhoa/investportal/internal/project"
	"go.mongodb.org/mongo-driver/bson"
	drv "go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

const crashChildEnv = "PORTAL_CRASH_CHILD"

// A test binary started with PORTAL_CRASH_CHILD=1 is the portal, serving
// with the settings in its environment until it is killed.
func init() {
	if os.Getenv(crashChildEnv) != "1" {
		return
	}
	if err := run(nil, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "portal:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

const (
	crashAdmin    = "crash-admin@example.vn"
	crashPassword = "Crash-test-passphrase-8153"
)

// crashPortal is one run of the portal process.
type crashPortal struct {
	cmd       *exec.Cmd
	url       string
	mongoAddr string
	out       *crashLog
	exited    chan struct{}
}

// crashLog keeps the end of the portal processes' output for failure
// messages.
type crashLog struct {
	mu  sync.Mutex
	buf []byte
}

func (l *crashLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	if len(l.buf) > 64<<10 {
		l.buf = l.buf[len(l.buf)-32<<10:]
	}
	return len(p), nil
}

func (l *crashLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(l.buf)
}

// startCrashPortal starts the portal on dir with fresh free ports and
// waits until it answers /readyz; its output goes to out.
func startCrashPortal(t *testing.T, dir string, out *crashLog) *crashPortal {
	t.Helper()
	httpAddr, mongoAddr := mongotest.FreeAddr(t), mongotest.FreeAddr(t)
	_, port, _ := net.SplitHostPort(httpAddr)
	p := &crashPortal{url: "http://" + httpAddr, mongoAddr: mongoAddr, out: out, exited: make(chan struct{})}
	p.cmd = exec.Command(os.Args[0])
	p.cmd.Env = append(os.Environ(),
		crashChildEnv+"=1", "DATA_DIR="+dir, "HOST=127.0.0.1", "PORT="+port, "BASE_URL="+p.url,
		"MONGO_EMBEDDED_ADDR="+mongoAddr, "DEMO=false", "ADMIN_EMAIL="+crashAdmin, "ADMIN_PASSWORD="+crashPassword,
		"LOG_LEVEL=warn", "MONGO_URI=", "MEILI_URL=", "SMTP_URL=", "METRICS_ADDR=")
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = p.cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() { p.kill() })

	began := time.Now()
	deadline := began.Add(90 * time.Second)
	for {
		select {
		case <-p.exited:
			t.Fatalf("portal exited at start:\n%s", p.out)
		default:
		}
		lastAnswer := ""
		if r, err := http.Get(p.url + "/readyz"); err == nil {
			body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<10))
			_ = r.Body.Close()
			if r.StatusCode == http.StatusOK {
				t.Logf("portal ready in %v", time.Since(began).Round(time.Millisecond))
				return p
			}
			lastAnswer = fmt.Sprintf("%d %s", r.StatusCode, body)
		} else {
			lastAnswer = err.Error()
		}
		if time.Now().After(deadline) {
			// What /readyz last said names the part still loading.
			t.Fatalf("portal not ready after 90 s (last /readyz: %s):\n%s", lastAnswer, p.out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// kill ends the process with SIGKILL and waits for it.
func (p *crashPortal) kill() {
	if p.cmd.Process != nil {
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
	}
	<-p.exited
}

// withDB opens the portal's embedded database with the driver for f, and
// closes it again while the portal runs (a client left open to a killed
// server would wait for it at the end of the test).
func (p *crashPortal) withDB(t *testing.T, f func(db *drv.Database)) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := drv.Connect(ctx, options.Client().ApplyURI("mongodb://"+p.mongoAddr+"/"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Disconnect(ctx) }()
	f(c.Database("portal"))
}

// crashLedger is every write the portal acknowledged.
type crashLedger struct {
	mu        sync.Mutex
	projects  map[string]ackedProject // by code
	obstacles map[string]string       // tracking code -> title
	writes    int                     // acknowledged writes
}

type ackedProject struct {
	name    string
	version int64
	jobs    int
}

// crashClient sends JSON, from a given loopback source address when set.
func crashClient(source net.IP) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second}
	if source != nil {
		d.LocalAddr = &net.TCPAddr{IP: source}
	}
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 4}}
}

func crashSend(ctx context.Context, c *http.Client, method, url string, body any, header ...string) (int, http.Header, []byte, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return 0, nil, nil, err
	}
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(b))
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	r, err := c.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer r.Body.Close()
	out, err := io.ReadAll(r.Body)
	if err != nil {
		return 0, nil, nil, err // cut off: not acknowledged
	}
	return r.StatusCode, r.Header, out, nil
}

// writeProjects creates projects and changes each once, as fast as the
// portal answers, until ctx ends; it records what was acknowledged.
func writeProjects(ctx context.Context, t *testing.T, base, token, prefix string, l *crashLedger, unexpected *atomic.Int64) {
	c := crashClient(nil)
	auth := []string{"Authorization", "Bearer " + token}
	for i := 0; ctx.Err() == nil; i++ {
		code := fmt.Sprintf("%s-%d", prefix, i)
		name := "Dự án thử sự cố " + code
		in := crashProjectInput(code, name)
		status, h, body, err := crashSend(ctx, c, http.MethodPost, base+"/api/v1/projects", in, auth...)
		if err != nil {
			continue // no answer: not acknowledged
		}
		if status != http.StatusCreated {
			if status >= 500 || status == http.StatusBadRequest {
				unexpected.Add(1)
				t.Logf("create %s: %d %s", code, status, body)
			}
			continue
		}
		var p struct {
			Version int64 `json:"version"`
			Jobs    int   `json:"jobs"`
		}
		if err := json.Unmarshal(body, &p); err != nil {
			t.Errorf("create %s: %v in %s", code, err, body)
			return
		}
		l.mu.Lock()
		l.projects[code] = ackedProject{name: name, version: p.Version, jobs: p.Jobs}
		l.writes++
		l.mu.Unlock()

		jobs := 1000 + i
		status, _, body, err = crashSend(ctx, c, http.MethodPatch, base+"/api/v1/projects/"+code,
			map[string]any{"jobs": jobs, "reason": "crash test"}, append(auth, "If-Match", h.Get("ETag"))...)
		if err != nil {
			continue
		}
		if status != http.StatusOK {
			if status >= 500 || status == http.StatusBadRequest {
				unexpected.Add(1)
				t.Logf("change %s: %d %s", code, status, body)
			}
			continue
		}
		if err := json.Unmarshal(body, &p); err != nil {
			t.Errorf("change %s: %v in %s", code, err, body)
			return
		}
		l.mu.Lock()
		l.projects[code] = ackedProject{name: name, version: p.Version, jobs: p.Jobs}
		l.writes++
		l.mu.Unlock()
	}
}

// crashProjectInput is a valid new domestic project.
func crashProjectInput(code, name string) map[string]any {
	return map[string]any{
		"code":              code,
		"kind":              "domestic",
		"name":              map[string]string{"vi": name},
		"investor":          map[string]string{"name": "Công ty CP Thử Nghiệm", "country": "VN"},
		"sector":            project.Sectors[0],
		"location":          place.Locations[0],
		"unit":              place.MainUnit(place.Locations[0]),
		"landAreaCentiHa":   1250,
		"registeredCapital": map[string]any{"amount": 125_000_000_000, "currency": "VND"},
		"jobs":              10,
		"stage":             "licensed",
	}
}

// nextSource hands out loopback source addresses (127.1.x.y): filing is
// limited per address, and each writer moves on when its address is used
// up, so that the portal is written to at full speed.
var nextSource atomic.Uint32

func sourceIP() net.IP {
	n := nextSource.Add(1)
	return net.IPv4(127, 1, byte(n>>8), byte(n))
}

// fileObstacles files obstacles anonymously until ctx ends.
func fileObstacles(ctx context.Context, t *testing.T, base, prefix string, l *crashLedger, unexpected *atomic.Int64) {
	d, _ := obstacle.TaxCheckDigit("420123456")
	taxCode := "420123456" + strconv.Itoa(d)
	c := crashClient(sourceIP())
	for i := 0; ctx.Err() == nil; i++ {
		title := fmt.Sprintf("Vướng mắc thử %s-%d", prefix, i)
		in := map[string]string{
			"businessName": "Công ty TNHH Thử Sự Cố", "taxCode": taxCode, "contactPerson": "Nguyễn Văn An",
			"email": "an.nguyen@example.vn", "phone": "0905 123 456", "lang": "vi", "category": string(obstacle.Categories[0]),
			"title": title, "description": "Mô tả đủ dài cho một vướng mắc thử nghiệm.",
		}
		status, _, body, err := crashSend(ctx, c, http.MethodPost, base+"/api/v1/obstacles", in)
		if err != nil {
			continue
		}
		switch {
		case status == http.StatusTooManyRequests:
			c = crashClient(sourceIP())
			continue
		case status != http.StatusCreated:
			unexpected.Add(1)
			t.Logf("file %s: %d %s", title, status, body)
			continue
		}
		var f struct {
			TrackingCode string `json:"trackingCode"`
		}
		if err := json.Unmarshal(body, &f); err != nil || f.TrackingCode == "" {
			t.Errorf("file %s: %v in %s", title, err, body)
			return
		}
		l.mu.Lock()
		l.obstacles[f.TrackingCode] = title
		l.writes++
		l.mu.Unlock()
	}
}

// checkLedger reads the database and counts the acknowledged writes that
// are missing or older than acknowledged.
func checkLedger(t *testing.T, db *drv.Database, l *crashLedger) (lost int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	l.mu.Lock()
	defer l.mu.Unlock()

	cur, err := db.Collection(project.Collection).Find(ctx, bson.M{"code": bson.M{"$regex": "^CR"}},
		options.Find().SetProjection(bson.M{"code": 1, "name": 1, "version": 1, "jobs": 1}))
	if err != nil {
		t.Fatal(err)
	}
	var stored []project.Project
	if err := cur.All(ctx, &stored); err != nil {
		t.Fatal(err)
	}
	byCode := map[string]project.Project{}
	for _, p := range stored {
		byCode[p.Code] = p
	}
	for code, want := range l.projects {
		got, ok := byCode[code]
		switch {
		case !ok:
			t.Errorf("project %s was acknowledged (version %d) and is gone", code, want.version)
			lost++
		case got.Version < want.version, got.Name.VI != want.name,
			got.Version == want.version && got.Jobs != want.jobs:
			t.Errorf("project %s: stored version %d, jobs %d; acknowledged version %d, jobs %d", code, got.Version, got.Jobs, want.version, want.jobs)
			lost++
		}
	}

	codes := make([]string, 0, len(l.obstacles))
	for c := range l.obstacles {
		codes = append(codes, c)
	}
	cur, err = db.Collection(obstacle.CollObstacles).Find(ctx, bson.M{"trackingCode": bson.M{"$in": codes}},
		options.Find().SetProjection(bson.M{"trackingCode": 1, "title": 1}))
	if err != nil {
		t.Fatal(err)
	}
	var obs []obstacle.Obstacle
	if err := cur.All(ctx, &obs); err != nil {
		t.Fatal(err)
	}
	found := map[string]string{}
	for _, o := range obs {
		found[o.TrackingCode] = o.Title
	}
	for code, title := range l.obstacles {
		if found[code] != title {
			t.Errorf("obstacle %s (%q) was acknowledged and is stored as %q", code, title, found[code])
			lost++
		}
	}
	return lost
}

// issueCrashToken makes an API token for the administrator the portal
// created at its first start.
func issueCrashToken(t *testing.T, db *drv.Database) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	accounts := account.NewStore(db, account.Options{})
	u, err := accounts.GetByEmail(ctx, crashAdmin)
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := accounts.IssueToken(ctx, u.ID, "crash test", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// TestCrashKeepsAcknowledgedWrites kills the portal with SIGKILL while it
// is being written to, over CRASH_ROUNDS rounds (3 by default), and checks
// after each restart that every acknowledged write is stored.
func TestCrashKeepsAcknowledgedWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the portal process several times")
	}
	rounds := 3
	if v := os.Getenv("CRASH_ROUNDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("CRASH_ROUNDS=%q: want a positive number", v)
		}
		rounds = n
	}
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))

	dir := t.TempDir()
	out := &crashLog{}
	p := startCrashPortal(t, dir, out)
	var token string
	p.withDB(t, func(db *drv.Database) { token = issueCrashToken(t, db) })
	l := &crashLedger{projects: map[string]ackedProject{}, obstacles: map[string]string{}}
	var unexpected atomic.Int64
	totalLost := 0
	for round := 1; round <= rounds; round++ {
		before := l.writes
		ctx, stop := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for g := range 3 {
			wg.Go(func() { writeProjects(ctx, t, p.url, token, fmt.Sprintf("CR%d-%d", round, g), l, &unexpected) })
		}
		for g := range 2 {
			wg.Go(func() { fileObstacles(ctx, t, p.url, fmt.Sprintf("%d-%d", round, g), l, &unexpected) })
		}
		// Kill at a random moment once writes are flowing.
		wait := time.Duration(200+rng.IntN(1300)) * time.Millisecond
		time.Sleep(wait)
		for i := 0; i < 100; i++ {
			l.mu.Lock()
			n := l.writes - before
			l.mu.Unlock()
			if n > 0 {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		p.kill()
		stop()
		t0 := time.Now()
		wg.Wait()
		t1 := time.Now()
		p = startCrashPortal(t, dir, out)
		t2 := time.Now()
		var lost int
		p.withDB(t, func(db *drv.Database) { lost = checkLedger(t, db, l) })
		totalLost += lost
		t.Logf("round %d: killed after %v, %d writes acknowledged this round, %d in all, %d lost (writers stopped in %v, restart %v, check %v)",
			round, wait, l.writes-before, l.writes, lost, t1.Sub(t0).Round(time.Millisecond), t2.Sub(t1).Round(time.Millisecond), time.Since(t2).Round(time.Millisecond))
		if l.writes == before {
			t.Errorf("round %d: no write was acknowledged before the kill", round)
		}
	}
	t.Logf("crash test: %d rounds, %d acknowledged writes (%d projects, %d obstacles), %d lost, %d unexpected answers",
		rounds, l.writes, len(l.projects), len(l.obstacles), totalLost, unexpected.Load())
	if n := unexpected.Load(); n > 0 {
		t.Errorf("%d writes got a 5xx or 400 answer; the portal's log ends:\n%s", n, p.out)
	}
}
