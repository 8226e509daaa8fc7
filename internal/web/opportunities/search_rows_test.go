package opportunities_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/khanhhoa/investportal/internal/bilingual"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/search"
	"github.com/khanhhoa/investportal/internal/web/opportunities"
	"github.com/khanhhoa/investportal/internal/web/site"
	"go.mongodb.org/mongo-driver/event"
)

// TestSearchPagesReadFewRecords: a page of site-search hits is built from
// the index alone (no read of the projects or opportunities collections),
// its rows show what the records hold, and a catalogue page finds its
// opportunities in the catalogue's memory and reads only those it shows,
// by _id (the one filter the embedded FerretDB answers without decoding
// every document), counted by a command monitor.
func TestSearchPagesReadFewRecords(t *testing.T) {
	e := newOppEnv(t)
	var counting atomic.Bool
	var reads, byOtherThanID atomic.Int64
	mon := &event.CommandMonitor{Started: func(_ context.Context, ev *event.CommandStartedEvent) {
		if !counting.Load() {
			return
		}
		for _, cmd := range []string{"find", "aggregate", "count"} {
			if coll, ok := ev.Command.Lookup(cmd).StringValueOK(); ok && (coll == project.Collection || coll == opportunity.CollOpportunities) {
				reads.Add(1)
				if f, _ := ev.Command.Lookup("filter").DocumentOK(); cmd != "find" || len(f) == 0 || f.Index(0).Key() != "_id" {
					byOtherThanID.Add(1)
				}
			}
		}
	}}
	ctx := context.Background()
	db := mongotest.MonitoredDB(t, e.DB, mon)
	deps := e.Deps
	deps.Projects, deps.Opportunities, deps.Search = project.NewStore(db), opportunity.NewStore(db), e.ix.Engine()
	srv, err := site.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	e.Srv = srv

	counting.Store(true)
	var page opportunities.SearchPage
	r := e.Get("/api/v1/search?q=nha+trang&per_page=20&lang=en")
	counting.Store(false)
	if err := json.Unmarshal([]byte(r.Body), &page); err != nil || r.Status != 200 || len(page.Items) != 20 {
		t.Fatalf("site search: %d %s", r.Status, r.Body[:min(len(r.Body), 300)])
	}
	if n := reads.Load(); n != 0 {
		t.Errorf("a page of 20 site-search hits read the records %d times, want 0", n)
	}
	kinds := map[string]int{}
	for _, h := range page.Items {
		kinds[h.Type]++
		var title, sector, location string
		switch h.Type {
		case search.TypeProject:
			p, err := e.Projects.Get(ctx, h.Code)
			if err != nil {
				t.Fatal(err)
			}
			title, sector, location = p.Name.Get("en"), p.Sector, p.Location
		case search.TypeOpportunity:
			o, err := e.opps.Get(ctx, h.Code)
			if err != nil {
				t.Fatal(err)
			}
			title, sector, location = o.Title.Get("en"), o.Sector, o.Location
		}
		if h.Title != title || h.Sector != sector || h.Location != location || !strings.HasSuffix(h.URL, "/"+h.Code) || !strings.HasPrefix(h.URL, "/en/") {
			t.Errorf("row %+v, record has title %q sector %q location %q", h, title, sector, location)
		}
	}
	if kinds[search.TypeProject] == 0 {
		t.Errorf("no project among the hits: %v", kinds)
	}

	e.Get("/en/opportunities") // the catalogue's rows are loaded once, at first use
	reads.Store(0)
	counting.Store(true)
	d := e.Get("/en/opportunities?q=khanh+hoa&per_page=50").Doc(t)
	counting.Store(false)
	cards := d.Find("[data-testid=opp-card]").Length()
	if cards < 2 {
		t.Fatalf("catalogue shows %d cards", cards)
	}
	if n := reads.Load(); n > int64(cards) || byOtherThanID.Load() != 0 {
		t.Errorf("a catalogue page of %d cards made %d reads, %d of them not by _id alone", cards, n, byOtherThanID.Load())
	}
}

// rebuildingEngine answers as an index being rebuilt does.
type rebuildingEngine struct{ search.Engine }

func (r rebuildingEngine) Search(ctx context.Context, q search.Query) (search.Result, error) {
	res, err := r.Engine.Search(ctx, q)
	res.Rebuilding = true
	return res, err
}

// TestSearchSaysWhenTheIndexIsRebuilding: while the index is rebuilt the
// search API and the catalogue API carry rebuilding, and the pages show a
// notice in the reader's language; otherwise they do not.
func TestSearchSaysWhenTheIndexIsRebuilding(t *testing.T) {
	e := newOppEnv(t)
	check := func(want bool) {
		t.Helper()
		for _, path := range []string{"/api/v1/search?q=van+phong", "/api/v1/opportunities?q=van+phong"} {
			var got struct {
				Rebuilding *bool `json:"rebuilding"`
			}
			r := e.Get(path)
			if err := json.Unmarshal([]byte(r.Body), &got); err != nil || r.Status != 200 || got.Rebuilding == nil || *got.Rebuilding != want {
				t.Errorf("%s: %d rebuilding %v, want %v", path, r.Status, got.Rebuilding, want)
			}
		}
		for _, lang := range []string{"vi", "en"} {
			for _, path := range []string{"/search?q=van+phong", "/opportunities?q=van+phong"} {
				d := e.Get("/" + lang + path).Doc(t)
				notice := strings.TrimSpace(d.Find("[data-testid=search-rebuilding]").Text())
				if want != (notice != "") {
					t.Errorf("%s%s: rebuilding notice %q, want one: %v", lang, path, notice, want)
				}
				if want && notice != e.Bundle.For(lang).T("oppweb.rebuilding") {
					t.Errorf("%s%s: notice %q is not the %s message", lang, path, notice, lang)
				}
			}
		}
	}
	check(false)
	e.serve(rebuildingEngine{e.ix.Engine()})
	check(true)
}

// TestSearchPageShowsOneLanguage: the site search shows every title,
// summary and highlight in the page's language; a record without text in
// it shows the Vietnamese marked with lang="vi" and a visible VI tag; and
// "nha trang resort" no longer finds the water plant (nhà máy nước) or the
// mariculture zone (trang trại).
func TestSearchPageShowsOneLanguage(t *testing.T) {
	e := newOppEnv(t)
	ctx := context.Background()
	texts := func(h *goquery.Selection) (title, summary bilingual.Text) {
		code := h.Find(".code").Text()
		if h.AttrOr("data-type", "") == search.TypeOpportunity {
			o, err := e.opps.Get(ctx, code)
			if err != nil {
				t.Fatal(err)
			}
			return o.Title, o.Summary
		}
		p, err := e.Projects.Get(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		return p.Name, bilingual.Text{}
	}
	plain := func(s *goquery.Selection) string {
		return strings.TrimSpace(s.Clone().Find(".lang-tag").Remove().End().Text())
	}
	marked := 0
	for _, c := range []struct{ lang, q string }{
		{"en", "nha trang resort"}, {"vi", "resort"}, {"en", "khu nghi duong"}, {"vi", "hospital"}, {"en", "nhà máy"},
	} {
		d := e.Get("/" + c.lang + "/search?q=" + url.QueryEscape(c.q) + "&per_page=100").Doc(t)
		hits := d.Find("[data-testid=search-hit]")
		if hits.Length() == 0 {
			t.Fatalf("/%s/search?q=%s: no hits", c.lang, c.q)
		}
		hits.Each(func(_ int, h *goquery.Selection) {
			title, summary := texts(h)
			code := h.Find(".code").Text()
			if c.q == "nha trang resort" && (code == "OPP-VN-004" || code == "OPP-CR-004") {
				t.Errorf("nha trang resort finds %s", code)
			}
			for _, f := range []struct {
				sel  string
				text bilingual.Text
			}{{"[data-testid=search-link]", title}, {"[data-testid=search-summary]", summary}} {
				el := h.Find(f.sel)
				if f.text.VI == "" {
					continue
				}
				want, fellBack := f.text.In(c.lang)
				if got := plain(el); got != want {
					t.Errorf("/%s/search?q=%s: %s shows %q, want %q", c.lang, c.q, code, got, want)
				}
				if got := el.Find("[lang=vi]").Length() > 0 && el.Find(".lang-tag").Text() == "VI"; got != fellBack {
					t.Errorf("/%s/search?q=%s: %s %s marked as Vietnamese %v, want %v", c.lang, c.q, code, f.sel, got, fellBack)
				}
				if fellBack {
					marked++
				}
			}
			if b := h.Find("[data-testid=search-body]"); b.Length() > 0 && b.Find("[lang]").Length() > 0 {
				t.Errorf("/%s/search?q=%s: %s body highlight in another language: %s", c.lang, c.q, code, b.Text())
			}
		})
	}
	if marked == 0 {
		t.Error("no hit without English text was seen: the fallback marking went untested")
	}
}
