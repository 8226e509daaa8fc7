package projects_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
	"go.mongodb.org/mongo-driver/bson/primitive"
)

// TestListPageIsTheSameForEveryVisitorUntilAnEdit checks the list page
// served to anonymous visitors (rendered once per revision of the read
// model): every visitor gets the page a render gives, with cookies of
// their own; an edit shows at once; signed-in users and visitors with a
// flash message get their own page, which no one else is served.
func TestListPageIsTheSameForEveryVisitorUntilAnEdit(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	const path = "/en/projects?kind=fdi&sector=tourism"
	first, second := e.Get(path), e.Get(path)
	if first.Status != 200 || second.Status != 200 || first.Body != second.Body {
		t.Fatalf("two visitors: %d and %d, same page %v", first.Status, second.Status, first.Body == second.Body)
	}
	c1, c2 := first.Header.Get("Set-Cookie"), second.Header.Get("Set-Cookie")
	if !strings.HasPrefix(c1, "csrf=") || !strings.HasPrefix(c2, "csrf=") || c1 == c2 {
		t.Errorf("anti-forgery cookies %q and %q: want one of their own each", c1, c2)
	}
	for _, r := range []sitetest.Response{first, second} {
		if r.Header.Get("Content-Language") != "en" || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") || r.Header.Get("Cache-Control") != "" {
			t.Errorf("headers %v", r.Header)
		}
	}
	// Gzip is a matter of the answer, not of the page kept.
	if z := e.Get(path, "Accept-Encoding", "gzip"); z.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("no gzip on request: %q", z.Header.Get("Content-Encoding"))
	}
	if again := e.Get(path); again.Body != first.Body {
		t.Error("a gzip answer changed the page kept")
	}

	// An edit is visible at once.
	code := strings.TrimSpace(first.Doc(t).Find("[data-testid=project-link]").First().Text())
	ctx := context.Background()
	pr, err := e.Projects.Get(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	name := "Cached Page Check Resort"
	if _, err := e.Projects.Update(ctx, pr.Code, pr.Version, project.Changes{NameEN: &name}, project.Actor{ID: "t", Name: "Tester"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if r := e.Get(path); !strings.Contains(r.Body, name) {
		t.Errorf("the edit of %s is not on the list", code)
	}

	// A signed-in user gets a page of their own, never kept for others.
	board := e.As(account.RoleBoard).Get(path)
	d := board.Doc(t)
	if d.Find("[data-testid=nav-board]").Length() == 0 || d.Find("[data-testid=logout]").Length() == 0 || board.Header.Get("Cache-Control") != "private, no-store" {
		t.Errorf("board user's page: nav %d, logout %d, Cache-Control %q", d.Find("[data-testid=nav-board]").Length(), d.Find("[data-testid=logout]").Length(), board.Header.Get("Cache-Control"))
	}
	anon := e.Get(path)
	if strings.Contains(anon.Body, `data-testid="logout"`) || strings.Contains(anon.Body, `data-testid="nav-board"`) || strings.Contains(anon.Body, `name="_csrf"`) {
		t.Error("a visitor was served the signed-in user's page")
	}
	if !strings.Contains(anon.Body, name) {
		t.Error("the visitor's page lost the edit")
	}

	// A flash message is shown once, to its visitor only.
	req, _ := http.NewRequest(http.MethodGet, path, nil)
	req.AddCookie(&http.Cookie{Name: "flash", Value: "login.signed_out"})
	flashed := e.Do(req)
	if !strings.Contains(flashed.Body, `data-testid="flash"`) {
		t.Error("the flash message is not shown")
	}
	if r := e.Get(path); strings.Contains(r.Body, `data-testid="flash"`) {
		t.Error("another visitor sees the flash message")
	}

	// The same query in Vietnamese is the Vietnamese page.
	if vi := e.Get("/vi/projects?kind=fdi&sector=tourism"); vi.Header.Get("Content-Language") != "vi" || !strings.Contains(vi.Body, `<html lang="vi">`) {
		t.Errorf("vi page: %q", vi.Header.Get("Content-Language"))
	}
}

// TestDashboardIsKeptUntilAnEdit: the dashboard served to anonymous
// visitors is rendered once per language and revision of the read model:
// the same page for two visitors, a new project counted at once, and a
// signed-in user's page of their own.
func TestDashboardIsKeptUntilAnEdit(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	first, second := e.Get("/en/dashboard"), e.Get("/en/dashboard")
	if first.Status != 200 || first.Body != second.Body {
		t.Fatalf("two visitors: %d, same page %v", first.Status, first.Body == second.Body)
	}
	if vi := e.Get("/vi/dashboard"); vi.Status != 200 || vi.Body == first.Body || vi.Header.Get("Content-Language") != "vi" {
		t.Errorf("the Vietnamese dashboard: %d, Content-Language %q, same as English %v", vi.Status, vi.Header.Get("Content-Language"), vi.Body == first.Body)
	}
	ctx := context.Background()
	st, err := e.Projects.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n := st.Kind(project.FDI).Count
	figure := func(n int64) string { return `<span class="big">` + strconv.FormatInt(n, 10) + " " }
	if !strings.Contains(first.Body, figure(n)) {
		t.Fatalf("the dashboard does not show %d FDI projects", n)
	}
	// A new FDI project is counted at once.
	page, err := e.Projects.List(ctx, project.Filter{Kind: project.FDI, Page: 1, PerPage: 1})
	if err != nil || len(page.Items) == 0 {
		t.Fatal(page, err)
	}
	p := page.Items[0]
	p.Code, p.Version, p.ID = "FDI-9901", 0, primitive.NilObjectID
	if err := e.Projects.CreateBy(ctx, &p, project.Actor{ID: "t", Name: "Tester"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if r := e.Get("/en/dashboard"); !strings.Contains(r.Body, figure(n+1)) {
		t.Errorf("after a new project the dashboard does not show %d FDI projects", n+1)
	}
	board := e.As(account.RoleBoard).Get("/en/dashboard")
	if board.Body == first.Body || board.Header.Get("Cache-Control") != "private, no-store" {
		t.Errorf("the board user got the visitors' page (Cache-Control %q)", board.Header.Get("Cache-Control"))
	}
}
