package search

import (
	"context"
	"errors"
	"html"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
)

// RunConformance checks that an engine behaves as the Engine contract says,
// on a fixed bilingual fixture of opportunities and projects in Khánh Hòa.
// newEngine must return a new, empty engine each call (closing it is the
// caller's cleanup); RunConformance calls Setup itself. Every engine the
// portal can use must pass it.
func RunConformance(t *testing.T, newEngine func(t *testing.T) Engine) {
	t.Helper()
	fixture := ConformanceFixture()
	byID := map[string]Doc{}
	for _, d := range fixture {
		byID[d.ID] = d
	}

	fresh := func(t *testing.T) Engine {
		t.Helper()
		e := newEngine(t)
		if err := e.Setup(conformanceCtx(t)); err != nil {
			t.Fatalf("%s: Setup: %v", e.Name(), err)
		}
		return e
	}
	upsert := func(t *testing.T, e Engine, docs ...Doc) {
		t.Helper()
		if err := e.Upsert(conformanceCtx(t), docs); err != nil {
			t.Fatalf("%s: Upsert: %v", e.Name(), err)
		}
	}
	count := func(t *testing.T, e Engine) int {
		t.Helper()
		n, err := e.Count(conformanceCtx(t))
		if err != nil {
			t.Fatalf("%s: Count: %v", e.Name(), err)
		}
		return n
	}
	find := func(t *testing.T, e Engine, q Query) Result {
		t.Helper()
		res, err := e.Search(conformanceCtx(t), q)
		if err != nil {
			t.Fatalf("%s: Search(%+v): %v", e.Name(), q, err)
		}
		return res
	}
	hitFor := func(t *testing.T, res Result, id string) Hit {
		t.Helper()
		for _, h := range res.Hits {
			if h.ID == id {
				return h
			}
		}
		t.Fatalf("no hit %s among %v", id, hitIDs(res))
		return Hit{}
	}
	expectIDs := func(t *testing.T, res Result, want []string) {
		t.Helper()
		got := hitIDs(res)
		slices.Sort(got)
		want = slices.Clone(want)
		slices.Sort(want)
		if !slices.Equal(got, want) || res.Total != len(want) {
			t.Fatalf("hits %v (total %d), want %v (total %d)", got, res.Total, want, len(want))
		}
	}
	expectContains := func(t *testing.T, res Result, ids ...string) {
		t.Helper()
		got := hitIDs(res)
		for _, id := range ids {
			if !slices.Contains(got, id) {
				t.Fatalf("hits %v lack %s", got, id)
			}
		}
		if res.Total < len(got) {
			t.Fatalf("total %d below the %d hits on the page", res.Total, len(got))
		}
	}
	all := func(q Query) Query { q.PerPage = MaxPerPage; return q }

	e := fresh(t)
	upsert(t, e, fixture...)

	t.Run("SetupIsIdempotent", func(t *testing.T) {
		if err := e.Setup(conformanceCtx(t)); err != nil {
			t.Fatalf("second Setup: %v", err)
		}
		if n := count(t, e); n != len(fixture) {
			t.Fatalf("Count after second Setup = %d, want %d", n, len(fixture))
		}
	})
	t.Run("CountMatchesFixture", func(t *testing.T) {
		if n := count(t, e); n != len(fixture) {
			t.Fatalf("Count = %d, want %d", n, len(fixture))
		}
	})
	t.Run("EmptyTextMatchesAll", func(t *testing.T) {
		res := find(t, e, all(Query{}))
		expectIDs(t, res, slices.Collect(maps.Keys(byID)))
		for _, h := range res.Hits {
			d := byID[h.ID]
			if h.Type != d.Type || h.Code != d.Code {
				t.Fatalf("hit %s has type %q code %q, want %q %q", h.ID, h.Type, h.Code, d.Type, d.Code)
			}
			if len(h.Highlights) != 0 {
				t.Fatalf("hit %s has highlights %v without query text", h.ID, h.Highlights)
			}
		}
	})
	t.Run("HitsCarryTextsAndFacets", func(t *testing.T) {
		// A page of hits is shown from the index alone: each hit holds the
		// document's title, summary and facet values, with and without text.
		for _, q := range []Query{all(Query{}), all(Query{Text: "khanh hoa"}), all(Query{Text: "wind", Lang: "en"})} {
			res := find(t, e, q)
			if len(res.Hits) == 0 {
				t.Fatalf("no hits for %+v", q)
			}
			for _, h := range res.Hits {
				d := byID[h.ID]
				if h.Title != d.Title || h.Summary != d.Summary {
					t.Fatalf("%+v: hit %s has title %+v summary %+v, want %+v %+v", q, h.ID, h.Title, h.Summary, d.Title, d.Summary)
				}
				want := d.facetValues()
				if len(h.Facets) != len(want) {
					t.Fatalf("%+v: hit %s has facets %v, want %v", q, h.ID, h.Facets, want)
				}
				for k, vs := range want {
					got := slices.Clone(h.Facets[k])
					slices.Sort(got)
					vs = slices.Clone(vs)
					slices.Sort(vs)
					if !slices.Equal(got, vs) {
						t.Fatalf("%+v: hit %s facet %s = %v, want %v", q, h.ID, k, h.Facets[k], vs)
					}
				}
				if h.Facet("sector") != d.Facets["sector"] {
					t.Fatalf("hit %s Facet(sector) = %q, want %q", h.ID, h.Facet("sector"), d.Facets["sector"])
				}
			}
		}
	})
	t.Run("DiacriticsInsensitiveKhanhHoa", func(t *testing.T) {
		expectContains(t, find(t, e, all(Query{Text: "khanh hoa"})), "prj-khanh-hoa-wind", "opp-van-phong-wind")
	})
	t.Run("WordsTogetherInTitleRankFirst", func(t *testing.T) {
		res := find(t, e, Query{Text: "khanh hoa"})
		if len(res.Hits) == 0 || res.Hits[0].ID != "prj-khanh-hoa-wind" {
			t.Fatalf("hits %v: want prj-khanh-hoa-wind, whose title holds both words side by side, first", hitIDs(res))
		}
	})
	t.Run("DiacriticsInsensitiveCamLam", func(t *testing.T) {
		expectContains(t, find(t, e, all(Query{Text: "cam lam"})), "opp-cam-lam-urban", "prj-cam-lam-residential", "prj-cam-lam-coastal-road")
	})
	t.Run("DiacriticsInsensitiveDienGioEveryWordMustMatch", func(t *testing.T) {
		res := find(t, e, all(Query{Text: "dien gio"}))
		expectContains(t, res, "opp-van-phong-wind", "prj-khanh-hoa-wind")
		if slices.Contains(hitIDs(res), "opp-ninh-hoa-rooftop-solar") {
			t.Fatalf("hits %v include the solar opportunity, which has điện but not gió", hitIDs(res))
		}
	})
	t.Run("DMatchesDStroke", func(t *testing.T) {
		expectContains(t, find(t, e, all(Query{Text: "dam mon"})), "opp-dam-mon-ecotourism")
	})
	t.Run("AccentedQuery", func(t *testing.T) {
		expectContains(t, find(t, e, all(Query{Text: "Vân Phong"})), "opp-van-phong-wind", "opp-nam-van-phong-port", "prj-van-phong-transshipment")
	})
	t.Run("DecomposedInputIsNormalized", func(t *testing.T) {
		// "Đầm Môn" typed with combining marks (NFD).
		expectContains(t, find(t, e, all(Query{Text: "\u0110a\u0302\u0300m Mo\u0302n"})), "opp-dam-mon-ecotourism")
	})
	t.Run("TypoTolerantTourism", func(t *testing.T) {
		expectContains(t, find(t, e, all(Query{Text: "tourisn"})), "opp-bai-dai-resort", "prj-bac-cam-ranh-resort")
	})
	t.Run("TypoTolerantVanPhong", func(t *testing.T) {
		expectContains(t, find(t, e, all(Query{Text: "vann phong"})), "opp-van-phong-wind", "opp-nam-van-phong-port", "prj-van-phong-transshipment")
	})
	t.Run("LastWordIsPrefix", func(t *testing.T) {
		expectContains(t, find(t, e, all(Query{Text: "aquacul"})), "opp-van-ninh-aquaculture")
	})
	t.Run("EnglishQueryFindsEnglishText", func(t *testing.T) {
		expectContains(t, find(t, e, all(Query{Text: "lobster farming"})), "opp-van-ninh-aquaculture", "prj-van-ninh-lobster")
		expectContains(t, find(t, e, all(Query{Text: "the wind farm"})), "prj-khanh-hoa-wind", "opp-van-phong-wind")
	})
	t.Run("VietnameseQueryFindsVietnameseText", func(t *testing.T) {
		expectContains(t, find(t, e, all(Query{Text: "khu đô thị"})), "opp-cam-lam-urban")
		expectContains(t, find(t, e, all(Query{Text: "tôm hùm"})), "opp-van-ninh-aquaculture", "prj-van-ninh-lobster")
	})
	t.Run("NoMatch", func(t *testing.T) {
		res := find(t, e, Query{Text: "qxzvwk"})
		if res.Total != 0 || len(res.Hits) != 0 {
			t.Fatalf("got %v (total %d), want nothing", hitIDs(res), res.Total)
		}
	})
	t.Run("TypeFilter", func(t *testing.T) {
		res := find(t, e, all(Query{Type: TypeProject}))
		expectIDs(t, res, fixtureIDs(fixture, func(d Doc) bool { return d.Type == TypeProject }))
	})
	t.Run("FilterAnyValueWithinField", func(t *testing.T) {
		res := find(t, e, all(Query{Filters: map[string][]string{"sector": {"energy", "tourism"}}}))
		expectIDs(t, res, fixtureIDs(fixture, func(d Doc) bool {
			return d.Facets["sector"] == "energy" || d.Facets["sector"] == "tourism"
		}))
	})
	t.Run("FiltersEveryField", func(t *testing.T) {
		res := find(t, e, all(Query{Filters: map[string][]string{"sector": {"energy"}, "location": {"van_ninh"}}}))
		expectIDs(t, res, []string{"opp-van-phong-wind", "prj-khanh-hoa-wind"})
	})
	t.Run("FilterWithText", func(t *testing.T) {
		res := find(t, e, all(Query{Text: "cam ranh", Filters: map[string][]string{"sector": {"tourism"}}}))
		expectContains(t, res, "opp-bai-dai-resort", "prj-bac-cam-ranh-resort")
		for _, h := range res.Hits {
			if byID[h.ID].Facets["sector"] != "tourism" {
				t.Fatalf("hit %s is not in tourism", h.ID)
			}
		}
	})
	t.Run("FacetCounts", func(t *testing.T) {
		res := find(t, e, Query{Facets: []string{"sector", "location"}})
		for _, key := range []string{"sector", "location"} {
			want := facetCounts(fixture, key, func(Doc) bool { return true })
			if !maps.Equal(res.Facets[key], want) {
				t.Fatalf("facet %s = %v, want %v", key, res.Facets[key], want)
			}
		}
	})
	t.Run("FacetCountsFollowQueryAndOtherFilters", func(t *testing.T) {
		res := find(t, e, Query{
			Type:    TypeOpportunity,
			Filters: map[string][]string{"location": {"van_ninh"}},
			Facets:  []string{"sector", "location", "stage"},
		})
		isOpp := func(d Doc) bool { return d.Type == TypeOpportunity }
		wantSector := facetCounts(fixture, "sector", func(d Doc) bool { return isOpp(d) && d.Facets["location"] == "van_ninh" })
		wantLocation := facetCounts(fixture, "location", isOpp)
		if !maps.Equal(res.Facets["sector"], wantSector) {
			t.Fatalf("sector counts %v, want %v", res.Facets["sector"], wantSector)
		}
		if !maps.Equal(res.Facets["location"], wantLocation) {
			t.Fatalf("location counts %v (its own filter must not apply), want %v", res.Facets["location"], wantLocation)
		}
		if st, ok := res.Facets["stage"]; !ok || len(st) != 0 {
			t.Fatalf("stage counts %v (present: %v), want an empty map: opportunities have no stage", st, ok)
		}
		if res.Total != len(fixtureIDs(fixture, func(d Doc) bool { return isOpp(d) && d.Facets["location"] == "van_ninh" })) {
			t.Fatalf("total %d does not follow the filters", res.Total)
		}
	})
	t.Run("SortNumericDescending", func(t *testing.T) {
		res := find(t, e, all(Query{Sort: "capital:desc"}))
		want := sortedIDs(fixture, "capital", true)
		if got := hitIDs(res); !slices.Equal(got, want) {
			t.Fatalf("order %v, want %v", got, want)
		}
	})
	t.Run("SortAscendingMissingLast", func(t *testing.T) {
		res := find(t, e, all(Query{Sort: "published:asc"}))
		want := sortedIDs(fixture, "published", false)
		got := hitIDs(res)
		if !slices.Equal(got, want) {
			t.Fatalf("order %v, want %v", got, want)
		}
		if got[len(got)-1] != "prj-ninh-hoa-hospital" {
			t.Fatalf("the document without a published date is not last: %v", got)
		}
	})
	t.Run("SortWithText", func(t *testing.T) {
		res := find(t, e, all(Query{Text: "van phong", Sort: "capital:asc"}))
		expectContains(t, res, "opp-van-phong-wind", "prj-van-phong-transshipment")
		for i := 1; i < len(res.Hits); i++ {
			if byID[res.Hits[i-1].ID].Sort["capital"] > byID[res.Hits[i].ID].Sort["capital"] {
				t.Fatalf("hits %v are not in ascending capital", hitIDs(res))
			}
		}
	})
	t.Run("Pagination", func(t *testing.T) {
		seen := map[string]bool{}
		for page, size := range []int{6, 6, 6, 2, 0} {
			res := find(t, e, Query{Sort: "capital:desc", Page: page + 1, PerPage: 6})
			if res.Total != len(fixture) || len(res.Hits) != size {
				t.Fatalf("page %d: %d hits, total %d; want %d hits, total %d", page+1, len(res.Hits), res.Total, size, len(fixture))
			}
			for _, h := range res.Hits {
				if seen[h.ID] {
					t.Fatalf("page %d repeats %s", page+1, h.ID)
				}
				seen[h.ID] = true
			}
		}
		if len(seen) != len(fixture) {
			t.Fatalf("pages covered %d documents, want %d", len(seen), len(fixture))
		}
	})
	t.Run("HighlightMarksMatch", func(t *testing.T) {
		h := hitFor(t, find(t, e, all(Query{Text: "seaport", Lang: "en"})), "opp-nam-van-phong-port")
		if got, want := h.Highlights["title"], "South Van Phong general <mark>seaport</mark>"; got != want {
			t.Fatalf("title highlight %q, want %q", got, want)
		}
	})
	t.Run("HighlightWithoutDiacritics", func(t *testing.T) {
		h := hitFor(t, find(t, e, all(Query{Text: "dien gio", Lang: "vi"})), "opp-van-phong-wind")
		if got, want := h.Highlights["title"], "Nhà máy <mark>điện</mark> <mark>gió</mark> Vân Phong"; got != want {
			t.Fatalf("title highlight %q, want %q", got, want)
		}
	})
	t.Run("HighlightEscapesHTML", func(t *testing.T) {
		h := hitFor(t, find(t, e, all(Query{Text: "innovation", Lang: "en"})), "opp-dien-khanh-university")
		if got, want := h.Highlights["summary"], "Campus with R&amp;D centre &amp; &lt;<mark>innovation</mark>&gt; labs"; got != want {
			t.Fatalf("summary highlight %q, want %q", got, want)
		}
		if title, ok := h.Highlights["title"]; ok {
			t.Fatalf("title highlighted as %q though it does not match", title)
		}
	})
	t.Run("HighlightPrefersLanguage", func(t *testing.T) {
		for lang, want := range map[string]string{
			"en": "North Cam <mark>Ranh</mark> peninsula resort complex",
			"vi": "Tổ hợp nghỉ dưỡng Bắc bán đảo Cam <mark>Ranh</mark>",
		} {
			h := hitFor(t, find(t, e, all(Query{Text: "ranh", Lang: lang})), "prj-bac-cam-ranh-resort")
			if got := h.Highlights["title"]; got != want {
				t.Fatalf("lang %s: title highlight %q, want %q", lang, got, want)
			}
		}
	})
	t.Run("HighlightCropsLongBody", func(t *testing.T) {
		h := hitFor(t, find(t, e, all(Query{Text: "PPP", Lang: "vi"})), "opp-van-phong-wind")
		body := h.Highlights["body"]
		if !strings.HasPrefix(body, cropMarker) || !strings.Contains(body, "<mark>PPP</mark>") {
			t.Fatalf("body highlight %q: want it cropped (leading %s) around <mark>PPP</mark>", body, cropMarker)
		}
		if n := len(strings.Fields(body)); n > cropWords+5 {
			t.Fatalf("body highlight has %d words, want at most about %d", n, cropWords)
		}
	})
	t.Run("InvalidQueryIsInvalid", func(t *testing.T) {
		for _, q := range []Query{
			{Sort: "nope:desc"},
			{Sort: "capital:sideways"},
			{Filters: map[string][]string{"nope": {"x"}}},
			{Facets: []string{"nope"}},
			{Type: "building"},
		} {
			if _, err := e.Search(conformanceCtx(t), q); !errors.Is(err, apperr.ErrInvalid) {
				t.Fatalf("Search(%+v) error %v, want an invalid error", q, err)
			}
		}
	})
	t.Run("RejectsUnknownKeys", func(t *testing.T) {
		bad := []Doc{
			{ID: "bad-1", Type: TypeProject, Facets: map[string]string{"colour": "red"}},
			{ID: "bad-2", Type: TypeProject, Sort: map[string]int64{"height": 1}},
			{ID: "bad-3", Type: "building"},
			{Type: TypeProject},
		}
		for _, d := range bad {
			if err := e.Upsert(conformanceCtx(t), []Doc{d}); err == nil {
				t.Fatalf("Upsert(%+v) succeeded, want an error", d)
			}
		}
		if n := count(t, e); n != len(fixture) {
			t.Fatalf("Count = %d after rejected upserts, want %d", n, len(fixture))
		}
	})

	t.Run("UpsertReplaces", func(t *testing.T) {
		e := fresh(t)
		doc := Doc{ID: "opp-1", Type: TypeOpportunity, Code: "CH-1", Title: Text{VI: "Cảng cá Hòn Rớ", EN: "Hon Ro fishing port"}, Version: 1}
		upsert(t, e, doc)
		expectIDs(t, find(t, e, Query{Text: "hon ro"}), []string{"opp-1"})
		doc.Title = Text{VI: "Chợ đầu mối Diên Khánh", EN: "Dien Khanh wholesale market"}
		doc.Version = 2
		upsert(t, e, doc)
		expectIDs(t, find(t, e, Query{Text: "hon ro"}), nil)
		expectIDs(t, find(t, e, Query{Text: "cho dau moi"}), []string{"opp-1"})
		if n := count(t, e); n != 1 {
			t.Fatalf("Count = %d after replacing, want 1", n)
		}
	})
	t.Run("Delete", func(t *testing.T) {
		e := fresh(t)
		upsert(t, e, fixture[:3]...)
		if err := e.Delete(conformanceCtx(t), []string{fixture[0].ID, fixture[1].ID, "never-indexed"}); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if n := count(t, e); n != 1 {
			t.Fatalf("Count = %d after deleting 2 of 3, want 1", n)
		}
		expectIDs(t, find(t, e, Query{}), []string{fixture[2].ID})
	})
	t.Run("ResetKeepsSettings", func(t *testing.T) {
		e := fresh(t)
		upsert(t, e, fixture...)
		if err := e.Reset(conformanceCtx(t)); err != nil {
			t.Fatalf("Reset: %v", err)
		}
		if n := count(t, e); n != 0 {
			t.Fatalf("Count = %d after Reset, want 0", n)
		}
		expectIDs(t, find(t, e, Query{}), nil)
		upsert(t, e, fixture[:4]...)
		res := find(t, e, Query{Filters: map[string][]string{"sector": {"real_estate"}}, Facets: []string{"sector"}, Sort: "capital:desc"})
		expectIDs(t, res, fixtureIDs(fixture[:4], func(d Doc) bool { return d.Facets["sector"] == "real_estate" }))
	})
	t.Run("HitCarriesEveryValueOfAMultiFacet", func(t *testing.T) {
		e := fresh(t)
		doc := Doc{ID: "opp-m", Type: TypeOpportunity, Code: "CH-M", Title: Text{VI: "Bến cảng Ninh Thủy", EN: "Ninh Thuy port"},
			Facets: map[string]string{"sector": "logistics"}, MultiFacets: map[string][]string{"form": {"ppp", "bot", "fdi"}}}
		upsert(t, e, doc)
		res := find(t, e, Query{Text: "ninh thuy"})
		expectIDs(t, res, []string{"opp-m"})
		got := slices.Clone(res.Hits[0].Facets["form"])
		slices.Sort(got)
		if !slices.Equal(got, []string{"bot", "fdi", "ppp"}) || res.Hits[0].Facet("sector") != "logistics" {
			t.Fatalf("hit facets %v", res.Hits[0].Facets)
		}
	})
	t.Run("HighlightsInPageLanguageOnly", func(t *testing.T) {
		for _, c := range []struct{ text, lang string }{
			{"nhà máy", "en"}, {"bệnh viện", "en"}, {"hospital", "vi"}, {"cam ranh", "en"}, {"cam ranh", "vi"},
		} {
			res := find(t, e, all(Query{Text: c.text, Lang: c.lang}))
			if len(res.Hits) == 0 {
				t.Fatalf("%q: no hits", c.text)
			}
			for _, h := range res.Hits {
				d := byID[h.ID]
				texts := map[string]Text{"title": d.Title, "summary": d.Summary, "body": d.Body}
				for field, hl := range h.Highlights {
					want := c.lang
					if _, fellBack := texts[field].In(c.lang); fellBack {
						want = "vi"
					}
					if got := h.HighlightLang[field]; got != want {
						t.Errorf("%q on a %s page: %s's %s highlight %q is in %q, want %q", c.text, c.lang, h.ID, field, hl, got, want)
					}
					if plain := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(hl); want == c.lang && !strings.Contains(html.EscapeString(texts[field].Get(c.lang)), strings.TrimPrefix(strings.TrimSuffix(plain, cropMarker), cropMarker)) {
						t.Errorf("%q: %s's %s highlight %q is not from its %s text", c.text, h.ID, field, hl, c.lang)
					}
				}
			}
		}
		// Only the Vietnamese title matches; the English one is shown, so
		// no title highlight.
		h := hitFor(t, find(t, e, all(Query{Text: "nhà máy điện gió", Lang: "en"})), "opp-van-phong-wind")
		if hl, ok := h.Highlights["title"]; ok {
			t.Fatalf("English page: title highlight %q from the Vietnamese title", hl)
		}
		// No English text at all: the Vietnamese one is highlighted, and
		// says so.
		h = hitFor(t, find(t, e, all(Query{Text: "bệnh viện", Lang: "en"})), "prj-ninh-hoa-hospital")
		if got, want := h.Highlights["title"], "<mark>Bệnh</mark> <mark>viện</mark> đa khoa Ninh Hòa"; got != want || h.HighlightLang["title"] != "vi" {
			t.Fatalf("title highlight %q in %q, want %q in vi", got, h.HighlightLang["title"], want)
		}
	})
	t.Run("Ranking", func(t *testing.T) {
		e := fresh(t)
		upsert(t, e, RankingFixture()...)
		top := func(t *testing.T, q Query, n int) []string {
			t.Helper()
			ids := hitIDs(find(t, e, q))
			return ids[:min(n, len(ids))]
		}
		t.Run("PlaceNameMatchesAsPhrase", func(t *testing.T) {
			for _, text := range []string{"nha trang resort", "Nha Trang resort", "resort nha trang"} {
				for _, lang := range []string{"vi", "en"} {
					got := top(t, Query{Text: text, Lang: lang}, 3)
					want := []string{"rk-w-hon-tre-resort", "rk-x-nha-trang-resort", "rk-y-nha-trang-hot-spring"}
					if s := slices.Sorted(slices.Values(got)); !slices.Equal(s, want) {
						t.Errorf("%q (%s): top 3 %v, want the Nha Trang resorts %v (not the water plant or the mariculture zone)", text, lang, got, want)
					}
					// Nha Trang is one name: nhà (house) and trang (as in
					// trang bị, trang trại) apart do not make it.
					if all := hitIDs(find(t, e, all(Query{Text: text, Lang: lang}))); slices.Contains(all, "rk-a-water-plant") || slices.Contains(all, "rk-b-mariculture") {
						t.Errorf("%q (%s): hits %v include a document without the words Nha Trang side by side", text, lang, all)
					}
				}
			}
		})
		t.Run("PlaceNameWithAndWithoutDiacritics", func(t *testing.T) {
			for _, text := range []string{"cam lam", "Cam Lâm", "CAM LAM"} {
				got := top(t, Query{Text: text}, 2)
				if s := slices.Sorted(slices.Values(got)); !slices.Equal(s, []string{"rk-c-cam-lam-airport-city", "rk-d-cam-lam-hospital"}) {
					t.Errorf("%q: top 2 %v, want the two Cam Lâm opportunities before the plant for oranges (cam) and forest products (lâm sản)", text, got)
				}
			}
			for _, text := range []string{"nha trang", "Nha Trang"} {
				got := top(t, Query{Text: text}, 3)
				for _, id := range got {
					if !strings.Contains(id, "nha-trang") && !strings.Contains(id, "hon-tre") {
						t.Errorf("%q: top 3 %v include %s, which is not in Nha Trang", text, got, id)
					}
				}
			}
		})
		t.Run("AdjacentWordsBeforeScattered", func(t *testing.T) {
			for _, text := range []string{"cold store", "kho lạnh", "kho lanh"} {
				got := top(t, Query{Text: text + " "}, 2)
				if !slices.Equal(got, []string{"rk-z-adjacent", "rk-a-scattered"}) {
					t.Errorf("%q: top 2 %v, want the words side by side (rk-z-adjacent) before the words apart", text, got)
				}
			}
		})
	})
	t.Run("IDsWithAnyCharacters", func(t *testing.T) {
		e := fresh(t)
		odd := []string{"opp/2025:ü 1", "x-abc", "67a1f0c2e4b0a1b2c3d4e5f6"}
		var docs []Doc
		for i, id := range odd {
			docs = append(docs, Doc{ID: id, Type: TypeOpportunity, Code: "CH-9" + string(rune('0'+i)), Title: Text{VI: "Bến du thuyền Nha Trang", EN: "Nha Trang marina"}})
		}
		upsert(t, e, docs...)
		expectIDs(t, find(t, e, Query{Text: "marina"}), odd)
		if err := e.Delete(conformanceCtx(t), odd[:1]); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		expectIDs(t, find(t, e, Query{Text: "marina"}), odd[1:])
	})
}

// conformanceCtx bounds one engine call in the suite.
func conformanceCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func hitIDs(res Result) []string {
	out := make([]string, 0, len(res.Hits))
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	return out
}

func fixtureIDs(docs []Doc, keep func(Doc) bool) []string {
	var out []string
	for _, d := range docs {
		if keep(d) {
			out = append(out, d.ID)
		}
	}
	return out
}

func facetCounts(docs []Doc, key string, keep func(Doc) bool) map[string]int {
	out := map[string]int{}
	for _, d := range docs {
		if v, ok := d.Facets[key]; ok && keep(d) {
			out[v]++
		}
	}
	return out
}

// sortedIDs orders docs by a sort key, those without it last.
func sortedIDs(docs []Doc, key string, desc bool) []string {
	docs = slices.Clone(docs)
	slices.SortStableFunc(docs, func(a, b Doc) int {
		av, aok := a.Sort[key]
		bv, bok := b.Sort[key]
		switch {
		case aok != bok:
			if aok {
				return -1
			}
			return 1
		case av == bv:
			return 0
		case (av < bv) != desc:
			return -1
		}
		return 1
	})
	return fixtureIDs(docs, func(Doc) bool { return true })
}

// ConformanceFixture returns the documents RunConformance indexes: ten
// opportunities and ten projects in Khánh Hòa, in Vietnamese and English,
// with distinct capitals and publication dates (one project has none and no
// English text).
func ConformanceFixture() []Doc {
	opp := func(id, code string, title, summary, body Text, sector, location, form, band, status, zone string, capital, published int64) Doc {
		d := Doc{
			ID: id, Type: TypeOpportunity, Code: code, Title: title, Summary: summary, Body: body,
			Facets: map[string]string{"sector": sector, "location": location, "form": form, "capital_band": band, "status": status},
			Sort:   map[string]int64{"capital": capital, "published": published},
		}
		if zone != "" {
			d.Facets["zone"] = zone
		}
		return d
	}
	prj := func(id, code string, title, summary, body Text, sector, location, kind, stage, status, zone string, capital, published int64) Doc {
		d := Doc{
			ID: id, Type: TypeProject, Code: code, Title: title, Summary: summary, Body: body,
			Facets: map[string]string{"sector": sector, "location": location, "kind": kind, "stage": stage, "status": status},
			Sort:   map[string]int64{"capital": capital},
		}
		if published != 0 {
			d.Sort["published"] = published
		}
		if zone != "" {
			d.Facets["zone"] = zone
		}
		return d
	}
	return []Doc{
		opp("opp-van-phong-wind", "CH-2025-001",
			Text{VI: "Nhà máy điện gió Vân Phong", EN: "Van Phong wind power plant"},
			Text{VI: "Dự án điện gió ngoài khơi tại Khu kinh tế Vân Phong, tỉnh Khánh Hòa.", EN: "Offshore wind power project in the Van Phong Economic Zone, Khanh Hoa province."},
			Text{VI: "Tỉnh Khánh Hòa kêu gọi nhà đầu tư xây dựng nhà máy điện gió công suất 500 MW tại vịnh Vân Phong, huyện Vạn Ninh. " +
				"Khu vực có tốc độ gió trung bình cao quanh năm, gần lưới điện quốc gia và cảng nước sâu. " +
				"Nhà đầu tư được hưởng ưu đãi về thuế thu nhập doanh nghiệp, miễn tiền thuê đất trong thời gian xây dựng và hỗ trợ thủ tục từ Ban Quản lý Khu kinh tế. " +
				"Hình thức đầu tư đối tác công tư (PPP).",
				EN: "Khanh Hoa province invites investors to build a 500 MW wind farm in Van Phong Bay, Van Ninh district. " +
					"The area has high average wind speeds all year and is close to the national grid and a deep-water port. " +
					"Investors receive corporate income tax incentives, land rent exemption during construction and support from the Economic Zone Authority. " +
					"Public–private partnership."},
			"energy", "van_ninh", "ppp", "xl", "open", "van_phong_ez", 12000, 1709251200),
		opp("opp-bai-dai-resort", "CH-2025-002",
			Text{VI: "Khu nghỉ dưỡng cao cấp Bãi Dài", EN: "Bai Dai luxury resort"},
			Text{VI: "Khu nghỉ dưỡng ven biển 5 sao tại Bãi Dài, thành phố Cam Ranh.", EN: "Five-star beachfront resort at Bai Dai, Cam Ranh city."},
			Text{VI: "Khu đất 120 ha ven biển Bãi Dài, cách sân bay quốc tế Cam Ranh 10 km, phù hợp phát triển du lịch nghỉ dưỡng cao cấp, biệt thự và sân golf.", EN: "A 120 ha beachfront site at Bai Dai, 10 km from Cam Ranh International Airport, suited to high-end tourism: resort, villas and a golf course."},
			"tourism", "cam_ranh", "direct", "l", "open", "cam_ranh_bay", 8500, 1712000000),
		opp("opp-cam-lam-urban", "CH-2025-003",
			Text{VI: "Khu đô thị mới Cam Lâm", EN: "Cam Lam new urban area"},
			Text{VI: "Khu đô thị sân bay hiện đại tại huyện Cam Lâm.", EN: "Modern airport city in Cam Lam district."},
			Text{VI: "Đô thị sân bay Cam Lâm được quy hoạch trên 2.000 ha với nhà ở, thương mại, giáo dục và y tế, kết nối đường cao tốc Bắc – Nam.", EN: "The Cam Lam airport city is planned on 2,000 ha with housing, retail, schools and healthcare, connected to the North–South expressway."},
			"real_estate", "cam_lam", "bid", "xl", "open", "cam_lam_urban", 25000, 1714500000),
		opp("opp-nam-van-phong-port", "CH-2025-004",
			Text{VI: "Cảng tổng hợp Nam Vân Phong", EN: "South Van Phong general seaport"},
			Text{VI: "Cảng tổng hợp và dịch vụ hậu cần phía nam vịnh Vân Phong.", EN: "General cargo seaport and logistics services in the south of Van Phong Bay."},
			Text{VI: "Cảng có thể tiếp nhận tàu 100.000 tấn, gắn với khu công nghiệp Ninh Thủy, thị xã Ninh Hòa.", EN: "The port can receive 100,000-tonne vessels and serves the Ninh Thuy industrial park in Ninh Hoa town."},
			"logistics", "ninh_hoa", "ppp", "xl", "open", "van_phong_ez", 15000, 1717200000),
		opp("opp-van-ninh-aquaculture", "CH-2025-005",
			Text{VI: "Vùng nuôi trồng thủy sản công nghệ cao Vạn Ninh", EN: "Van Ninh high-tech aquaculture zone"},
			Text{VI: "Nuôi tôm hùm và cá biển bằng lồng HDPE ngoài khơi huyện Vạn Ninh.", EN: "Lobster and marine fish farming in HDPE cages off Van Ninh district."},
			Text{VI: "Vùng nuôi 300 ha với trại giống, nhà máy thức ăn và kho lạnh; ưu tiên công nghệ tuần hoàn nước và truy xuất nguồn gốc.", EN: "A 300 ha farming zone with a hatchery, feed mill and cold storage; recirculating water technology and traceability preferred."},
			"aquaculture", "van_ninh", "direct", "m", "open", "", 1200, 1719800000),
		opp("opp-ninh-hoa-rooftop-solar", "CH-2025-006",
			Text{VI: "Điện mặt trời áp mái khu công nghiệp Ninh Hòa", EN: "Rooftop solar at Ninh Hoa industrial park"},
			Text{VI: "Lắp đặt điện mặt trời trên mái nhà xưởng, bán điện trực tiếp cho doanh nghiệp.", EN: "Solar panels on factory roofs selling power directly to tenants."},
			Text{VI: "Tổng diện tích mái khoảng 40 ha, công suất dự kiến 30 MWp.", EN: "About 40 ha of roof area, expected capacity 30 MWp."},
			"energy", "ninh_hoa", "direct", "s", "open", "industrial_park", 300, 1722400000),
		opp("opp-nha-trang-hospital", "CH-2025-007",
			Text{VI: "Bệnh viện quốc tế Nha Trang", EN: "Nha Trang international hospital"},
			Text{VI: "Bệnh viện đa khoa 500 giường đạt chuẩn quốc tế phục vụ người dân và khách du lịch.", EN: "A 500-bed general hospital to international standards for residents and visitors."},
			Text{VI: "Khu đất 5 ha tại phường Phước Long, thành phố Nha Trang.", EN: "A 5 ha site in Phuoc Long ward, Nha Trang city."},
			"healthcare", "nha_trang", "direct", "l", "open", "", 3000, 1725000000),
		opp("opp-cam-ranh-logistics", "CH-2025-008",
			Text{VI: "Trung tâm logistics Cam Ranh", EN: "Cam Ranh logistics centre"},
			Text{VI: "Trung tâm phân phối hàng hóa gắn với cảng Cam Ranh và sân bay.", EN: "Distribution centre linked to Cam Ranh port and the airport."},
			Text{VI: "Kho bãi, kho lạnh và dịch vụ hải quan trên diện tích 50 ha.", EN: "Warehousing, cold storage and customs services on 50 ha."},
			"logistics", "cam_ranh", "ppp", "m", "closed", "cam_ranh_bay", 2000, 1727700000),
		opp("opp-dam-mon-ecotourism", "CH-2025-009",
			Text{VI: "Khu du lịch sinh thái Đầm Môn", EN: "Dam Mon eco-tourism area"},
			Text{VI: "Du lịch sinh thái biển, lặn ngắm san hô và làng chài tại Đầm Môn.", EN: "Marine eco-tourism, coral diving and a fishing village at Dam Mon."},
			Text{VI: "Đầm Môn nằm trên bán đảo Hòn Gốm, huyện Vạn Ninh, với bãi cát trắng và rạn san hô.", EN: "Dam Mon lies on the Hon Gom peninsula, Van Ninh district, with white sand beaches and coral reefs."},
			"tourism", "van_ninh", "direct", "m", "open", "van_phong_ez", 1800, 1730400000),
		opp("opp-dien-khanh-university", "CH-2025-010",
			Text{VI: "Trường đại học quốc tế Diên Khánh", EN: "Dien Khanh international university"},
			Text{VI: "Khuôn viên đại học với trung tâm R&D và phòng thí nghiệm <đổi mới>.", EN: "Campus with R&D centre & <innovation> labs"},
			Text{VI: "Khu đất 60 ha tại huyện Diên Khánh, cách trung tâm Nha Trang 15 km.", EN: "A 60 ha site in Dien Khanh district, 15 km from central Nha Trang."},
			"education", "dien_khanh", "ppp", "l", "open", "", 4000, 1733000000),

		prj("prj-khanh-hoa-wind", "DA-2023-011",
			Text{VI: "Nhà máy điện gió Khánh Hòa", EN: "Khanh Hoa wind farm"},
			Text{VI: "Nhà máy điện gió trên bờ 90 MW tại huyện Vạn Ninh.", EN: "A 90 MW onshore wind farm in Van Ninh district."},
			Text{VI: "Dự án do nhà đầu tư nước ngoài thực hiện, đang lắp đặt tua-bin.", EN: "Built by a foreign investor; turbines are being installed."},
			"energy", "van_ninh", "fdi", "construction", "active", "", 9000, 1680000000),
		prj("prj-bac-cam-ranh-resort", "DA-2023-012",
			Text{VI: "Tổ hợp nghỉ dưỡng Bắc bán đảo Cam Ranh", EN: "North Cam Ranh peninsula resort complex"},
			Text{VI: "Tổ hợp khách sạn, biệt thự và sân golf đã đi vào hoạt động.", EN: "Hotels, villas and a golf course, now operating."},
			Text{VI: "Tổ hợp góp phần đưa Cam Ranh thành điểm đến du lịch quốc tế.", EN: "The complex helps make Cam Ranh an international tourism destination."},
			"tourism", "cam_ranh", "fdi", "operating", "active", "cam_ranh_bay", 20000, 1682600000),
		prj("prj-cam-ranh-seafood", "DA-2023-013",
			Text{VI: "Nhà máy chế biến thủy sản Cam Ranh", EN: "Cam Ranh seafood processing plant"},
			Text{VI: "Chế biến tôm, cá xuất khẩu.", EN: "Processing shrimp and fish for export."},
			Text{VI: "Nhà máy công suất 20.000 tấn mỗi năm.", EN: "Capacity of 20,000 tonnes a year."},
			"aquaculture", "cam_ranh", "domestic", "operating", "active", "", 500, 1685200000),
		prj("prj-cam-lam-residential", "DA-2023-014",
			Text{VI: "Khu dân cư Cam Lâm", EN: "Cam Lam residential area"},
			Text{VI: "Khu dân cư 45 ha gần sân bay Cam Ranh.", EN: "A 45 ha residential area near Cam Ranh airport."},
			Text{VI: "Đang bồi thường, giải phóng mặt bằng.", EN: "Compensation and site clearance under way."},
			"real_estate", "cam_lam", "domestic", "site_clearance", "active", "cam_lam_urban", 3500, 1687800000),
		prj("prj-van-phong-transshipment", "DA-2023-015",
			Text{VI: "Cảng trung chuyển quốc tế Vân Phong", EN: "Van Phong international transshipment port"},
			Text{VI: "Bến container nước sâu cho tàu mẹ.", EN: "Deep-water container terminal for mother vessels."},
			Text{VI: "Dự án đã được chấp thuận chủ trương đầu tư.", EN: "The investment policy has been approved."},
			"logistics", "van_ninh", "fdi", "approved", "active", "van_phong_ez", 30000, 1690400000),
		prj("prj-van-ninh-lobster", "DA-2023-016",
			Text{VI: "Trang trại nuôi tôm hùm Vạn Ninh", EN: "Van Ninh lobster farm"},
			Text{VI: "Nuôi tôm hùm bông bằng lồng nổi.", EN: "Spiny lobster farming in floating cages."},
			Text{VI: "Trang trại đã được cấp phép, chuẩn bị thả giống.", EN: "Licensed; stocking is being prepared."},
			"aquaculture", "van_ninh", "domestic", "licensed", "active", "", 150, 1693000000),
		prj("prj-nha-trang-hotel", "DA-2023-017",
			Text{VI: "Khách sạn 5 sao Nha Trang", EN: "Nha Trang five-star hotel"},
			Text{VI: "Khách sạn 40 tầng trên đường Trần Phú.", EN: "A 40-storey hotel on Tran Phu street."},
			Text{VI: "Đang thi công phần thân, dự kiến hoàn thành năm 2027.", EN: "Superstructure under construction, completion expected in 2027."},
			"tourism", "nha_trang", "domestic", "construction", "active", "", 2500, 1695600000),
		prj("prj-khanh-son-solar", "DA-2023-018",
			Text{VI: "Nhà máy điện mặt trời Khánh Sơn", EN: "Khanh Son solar power plant"},
			Text{VI: "Điện mặt trời 50 MWp ở huyện miền núi Khánh Sơn.", EN: "A 50 MWp solar plant in the mountain district of Khanh Son."},
			Text{VI: "Dự án đang đề xuất, chờ bổ sung quy hoạch điện.", EN: "Proposed, awaiting inclusion in the power development plan."},
			"energy", "khanh_son", "domestic", "proposed", "active", "", 1500, 1698200000),
		prj("prj-cam-lam-coastal-road", "DA-2023-019",
			Text{VI: "Đường ven biển Cam Lâm", EN: "Cam Lam coastal road"},
			Text{VI: "Tuyến đường ven biển dài 20 km nối sân bay Cam Ranh với Nha Trang.", EN: "A 20 km coastal road linking Cam Ranh airport and Nha Trang."},
			Text{VI: "Đường đang được thi công theo hình thức đối tác công tư.", EN: "The road is being built as a public–private partnership."},
			"infrastructure", "cam_lam", "domestic", "construction", "active", "", 5000, 1700800000),
		prj("prj-ninh-hoa-hospital", "DA-2023-020",
			Text{VI: "Bệnh viện đa khoa Ninh Hòa"},
			Text{VI: "Bệnh viện 300 giường tại thị xã Ninh Hòa."},
			Text{VI: "Dự án tạm dừng do vướng mắc về đất đai."},
			"healthcare", "ninh_hoa", "domestic", "suspended", "suspended", "", 800, 0),
	}
}

// RankingFixture returns the documents of RunConformance's ranking cases:
// three resorts in Nha Trang, a water plant and a mariculture zone whose
// words fold to "nha", "trang" and "resort" scattered (nhà máy, trang bị,
// resorts), two opportunities in Cam Lâm and a plant for oranges (cam) and
// forest products (lâm sản), and the words "cold store" and "kho lạnh"
// side by side in one title and apart in another. IDs of the documents
// that should rank lower sort first, so that a tie cannot pass for ranking.
func RankingFixture() []Doc {
	opp := func(id string, title, summary, body Text, sector, location string) Doc {
		return Doc{ID: id, Type: TypeOpportunity, Code: strings.ToUpper(id), Title: title, Summary: summary, Body: body,
			Facets: map[string]string{"sector": sector, "location": location}}
	}
	return []Doc{
		opp("rk-a-water-plant",
			Text{VI: "Nhà máy nước cấp cho các resort Bắc Vân Phong", EN: "Water plant for the North Van Phong resorts"},
			Text{VI: "Nhà máy nước sạch 60.000 m³/ngày, trang bị công nghệ lọc màng.", EN: "A 60,000 m³/day clean water plant with membrane filtration."},
			Text{VI: "Cấp nước cho khu kinh tế, các khu nghỉ dưỡng và khu dân cư ven vịnh Vân Phong.", EN: "Supplies water to the economic zone, resorts and coastal towns around Van Phong Bay."},
			"infrastructure", "van_ninh"),
		opp("rk-b-mariculture",
			Text{VI: "Trang trại nuôi biển công nghệ cao vịnh Cam Ranh", EN: "Cam Ranh bay hi-tech mariculture farm"},
			Text{VI: "Nhà bè và lồng nuôi cá biển, tôm hùm, cách xa các resort ven biển.", EN: "Raft houses and cages for marine fish and lobster, away from beach resorts."},
			Text{VI: "Vùng nuôi được quy hoạch theo tiêu chuẩn môi trường.", EN: "The zone is planned to environmental standards."},
			"aquaculture", "cam_ranh"),
		opp("rk-w-hon-tre-resort",
			Text{VI: "Khu vui chơi đảo Hòn Tre, vịnh Nha Trang", EN: "Hon Tre island park, Nha Trang Bay"},
			Text{VI: "Công viên giải trí và khách sạn trên đảo Hòn Tre.", EN: "A theme park and hotel on Hon Tre island."},
			Text{VI: "Mở rộng khu resort hiện có, đi cáp treo hoặc tàu từ cảng Nha Trang.", EN: "Extends the existing resort, reached by cable car or boat from Nha Trang port."},
			"tourism", "nha_trang"),
		opp("rk-x-nha-trang-resort",
			Text{VI: "Khu nghỉ dưỡng cao cấp Nha Trang", EN: "Nha Trang luxury resort"},
			Text{VI: "Khu nghỉ dưỡng 5 sao trên bán đảo Hòn Chồng, thành phố Nha Trang.", EN: "Five-star resort on the Hon Chong peninsula, Nha Trang city."},
			Text{VI: "Khu đất 30 ha ven biển với khách sạn, biệt thự và bến du thuyền.", EN: "A 30 ha beachfront site with a hotel, villas and a marina."},
			"tourism", "nha_trang"),
		opp("rk-y-nha-trang-hot-spring",
			Text{VI: "Khu du lịch suối khoáng nóng Nha Trang", EN: "Nha Trang hot springs"},
			Text{VI: "Tắm khoáng, tắm bùn và khu resort tại Vĩnh Phương, Nha Trang.", EN: "Mineral baths, mud spa and a resort at Vinh Phuong, Nha Trang."},
			Text{VI: "Mở rộng khu suối khoáng hiện có thêm 12 ha.", EN: "Extends the existing hot springs by 12 ha."},
			"tourism", "nha_trang"),
		opp("rk-a-orange-forest",
			Text{VI: "Nhà máy chế biến cam và lâm sản Khánh Vĩnh", EN: "Khanh Vinh orange and forest products processing plant"},
			Text{VI: "Chế biến cam, nước cam và lâm sản ngoài gỗ của huyện miền núi.", EN: "Processing oranges, orange juice and non-timber forest products of the mountain district."},
			Text{VI: "Vùng nguyên liệu cam 500 ha.", EN: "A 500 ha orange growing area."},
			"agriculture", "khanh_vinh"),
		opp("rk-c-cam-lam-airport-city",
			Text{VI: "Đô thị sân bay Cam Lâm", EN: "Cam Lam airport city"},
			Text{VI: "Khu đô thị hiện đại cạnh sân bay quốc tế Cam Ranh.", EN: "A modern city next to Cam Ranh international airport."},
			Text{VI: "Quy hoạch trên 2.000 ha.", EN: "Planned on 2,000 ha."},
			"real_estate", "cam_lam"),
		opp("rk-d-cam-lam-hospital",
			Text{VI: "Bệnh viện đa khoa Cam Lâm", EN: "Cam Lam general hospital"},
			Text{VI: "Bệnh viện 300 giường.", EN: "A 300-bed hospital."},
			Text{VI: "Khu đất 6 ha.", EN: "A 6 ha site."},
			"healthcare", "cam_lam"),
		opp("rk-a-scattered",
			Text{VI: "Kho hàng đông lạnh và chợ đầu mối", EN: "Cold chain hub and wholesale store"},
			Text{VI: "Trung tâm phân phối nông sản.", EN: "A farm produce distribution centre."},
			Text{VI: "Gần quốc lộ 1.", EN: "Near National Road 1."},
			"logistics", "dien_khanh"),
		opp("rk-z-adjacent",
			Text{VI: "Kho lạnh cảng cá Hòn Rớ", EN: "Hon Ro fishing port cold store"},
			Text{VI: "Bảo quản hải sản sau khai thác.", EN: "Keeps the catch fresh after landing."},
			Text{VI: "Sức chứa 5.000 tấn.", EN: "Holds 5,000 tonnes."},
			"logistics", "nha_trang"),
	}
}
