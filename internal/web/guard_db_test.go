package web_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/holidays"
	"github.com/khanhhoa/investportal/internal/mail"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/obstacle/obstaclestats"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/ratelimit"
	"github.com/khanhhoa/investportal/internal/web/site"
	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
)

// tcpProxy forwards a loopback port to the database; down() cuts every
// connection and refuses new ones, as an outage or a partition would, and
// up() serves again on the same port.
type tcpProxy struct {
	t      *testing.T
	addr   string
	target string

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]bool
}

func newTCPProxy(t *testing.T, target string) *tcpProxy {
	p := &tcpProxy{t: t, addr: "127.0.0.1:0", target: target, conns: map[net.Conn]bool{}}
	p.up()
	t.Cleanup(p.down)
	return p
}

func (p *tcpProxy) up() {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", p.target)
			if err != nil {
				in.Close()
				continue
			}
			p.mu.Lock()
			p.conns[in], p.conns[out] = true, true
			p.mu.Unlock()
			go func() { io.Copy(out, in); out.Close() }()
			go func() { io.Copy(in, out); in.Close() }()
		}
	}()
}

func (p *tcpProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
	p.conns = map[net.Conn]bool{}
}

// TestDatabaseOutageFailsFast: with the database unreachable, requests
// that need it get 503 with Retry-After within a second (not a 500 after
// the driver's timeout), in the reader's language; signed-in users keep
// their session cookie; static files and /healthz still serve; and once
// the database is back, requests succeed again.
func TestDatabaseOutageFailsFast(t *testing.T) {
	e := sitetest.New(t)
	target := strings.TrimSuffix(strings.TrimPrefix(mongotest.Server(t).URI, "mongodb://"), "/")
	if i := strings.IndexAny(target, "/?"); i >= 0 {
		target = target[:i]
	}
	proxy := newTCPProxy(t, target)
	ctx := context.Background()
	db, err := mongodb.Open(ctx, mongodb.Options{URI: "mongodb://" + proxy.addr + "/?directConnection=true", Database: e.DB.Name()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close(context.Background()) })
	pdb := db.Database
	mailer, err := mail.New(pdb, "", "")
	if err != nil {
		t.Fatal(err)
	}
	deps := e.Deps
	deps.DB, deps.DBHealth = db, db.Health
	deps.Projects = project.NewStore(pdb)
	deps.Accounts = account.NewStore(pdb, account.Options{})
	deps.Limiter = ratelimit.New(pdb)
	deps.Opportunities = opportunity.NewStore(pdb)
	deps.Obstacles = obstacle.NewStore(pdb, holidays.MustEmbedded(), obstacle.Options{KeySecret: []byte("web-test-secret")})
	deps.ObstacleStats = obstaclestats.New(pdb, deps.Obstacles, obstaclestats.Options{})
	deps.Mail = mailer
	srv, err := site.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	e.Srv = srv
	staff := e.As(account.RoleBoard)
	sid := staff.Cookies["sid"]
	pages := []string{"/en/projects", "/vi/board", "/api/v1/projects", "/en/dashboard", "/api/v1/obstacles/stats", "/vi/"}
	for _, p := range pages {
		if r := staff.Get(p); r.Status != 200 {
			t.Fatalf("before the outage %s: %d", p, r.Status)
		}
	}

	proxy.down()
	var slowest time.Duration
	for round := 0; round < 2; round++ {
		for _, p := range pages {
			start := time.Now()
			r := staff.Send(http.MethodGet, p, nil, "Accept-Language", "en")
			took := time.Since(start)
			slowest = max(slowest, took)
			if r.Status != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" || took > 1500*time.Millisecond {
				t.Errorf("during the outage %s: %d Retry-After %q in %v", p, r.Status, r.Header.Get("Retry-After"), took)
			}
			if strings.HasPrefix(p, "/api/") && !strings.Contains(r.Body, "briefly unavailable") ||
				strings.HasPrefix(p, "/vi/") && !strings.Contains(r.Body, "chưa kết nối được cơ sở dữ liệu") {
				t.Errorf("during the outage %s: message not localized: %.300s", p, r.Body)
			}
			if staff.Cookies["sid"] != sid {
				t.Fatalf("during the outage %s: the session cookie was cleared", p)
			}
		}
	}
	t.Logf("slowest answer during the outage: %v", slowest)
	for _, p := range []string{"/healthz", "/static/app.css"} {
		if r := staff.Get(p); r.Status != 200 {
			t.Errorf("during the outage %s: %d", p, r.Status)
		}
	}
	if r := staff.Get("/readyz"); r.Status != http.StatusServiceUnavailable {
		t.Errorf("during the outage /readyz: %d", r.Status)
	}

	proxy.up()
	back := time.Now()
	deadline := back.Add(15 * time.Second)
	for _, p := range pages {
		for {
			r := staff.Get(p)
			if r.Status == 200 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("after the outage %s: still %d", p, r.Status)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	t.Logf("every page answered again %v after the database came back", time.Since(back).Round(time.Millisecond))
	if staff.Cookies["sid"] != sid {
		t.Error("the session did not survive the outage")
	}
}
