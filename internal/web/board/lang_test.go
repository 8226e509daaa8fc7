package board_test

import (
	"context"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
)

// TestWatchListMarksVietnameseOnlyNames: on the English watch list a
// project without an English name shows its Vietnamese name marked
// lang="vi" with the visible VI tag; one with an English name shows it
// unmarked; the Vietnamese list marks nothing. So do the stage and
// disbursement pages.
func TestWatchListMarksVietnameseOnlyNames(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	ctx := context.Background()
	w, err := e.Projects.WatchSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	items, err := e.Projects.Watch(ctx, w, e.Srv.Now())
	if err != nil || len(items) < 2 {
		t.Fatalf("%d slow projects (%v), want two", len(items), err)
	}
	// The first slow project loses its English name; the second keeps one.
	bare, named := items[0].Project, items[1].Project
	empty, english := "", "Harbour View Resort"
	if _, err := e.Projects.Update(ctx, bare.Code, bare.Version, project.Changes{NameEN: &empty}, project.Actor{ID: "test", Name: "test"}, e.Srv.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Projects.Update(ctx, named.Code, named.Version, project.Changes{NameEN: &english}, project.Actor{ID: "test", Name: "test"}, e.Srv.Now()); err != nil {
		t.Fatal(err)
	}
	c := e.As(account.RoleBoard)
	name := func(d *goquery.Document, code string) *goquery.Selection {
		return d.Find(`[data-testid=watch-list] tr[data-code="` + code + `"] [data-testid=watch-name]`)
	}

	d := c.Get("/en/board/watch").Doc(t)
	cell := name(d, bare.Code)
	if got := strings.TrimSpace(cell.Find("[lang=vi]").Text()); got != bare.Name.VI || strings.TrimSpace(cell.Find(".lang-tag").Text()) != "VI" {
		t.Errorf("Vietnamese-only name shown as %q (cell %q), want it marked lang=vi with a VI tag", got, cell.Text())
	}
	cell = name(d, named.Code)
	if got := strings.TrimSpace(cell.Text()); got != english || cell.Find("[lang], .lang-tag").Length() != 0 {
		t.Errorf("English name shown as %q", got)
	}
	d = c.Get("/vi/board/watch").Doc(t)
	if got := strings.TrimSpace(name(d, bare.Code).Text()); got != bare.Name.VI || d.Find("[data-testid=watch-list] .lang-tag").Length() != 0 {
		t.Errorf("Vietnamese list: %q, or it marks a name", got)
	}
	for _, page := range []string{"stage", "disbursements"} {
		d := c.Get("/en/board/projects/" + bare.Code + "/" + page).Doc(t)
		if got := sitetest.Text(d, "main [lang=vi]"); got != bare.Name.VI || d.Find("main .lang-tag").Length() != 1 {
			t.Errorf("%s page shows the Vietnamese-only name as %q", page, got)
		}
	}
}
