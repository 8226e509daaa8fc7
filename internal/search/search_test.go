package search

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/seed"
)

func TestFold(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Khánh Hòa":            "khanh hoa",
		"Cam Lâm":              "cam lam",
		"điện gió":             "dien gio",
		"ĐẦM MÔN":              "dam mon",
		"Vạn Ninh":             "van ninh",
		"Trường đại học":       "truong dai hoc",
		"\u0110a\u0302\u0300m": "dam", // decomposed "Đầm"
		"Offshore 500 MW":      "offshore 500 mw",
		"":                     "",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseText(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in         string
		words      []string
		lastPrefix bool
	}{
		{"", nil, false},
		{"   ", nil, false},
		{"khanh hoa", []string{"khanh", "hoa"}, true},
		{"wind farm ", []string{"wind", "farm"}, false},
		{"the port of Cam Ranh", []string{"port", "Cam", "Ranh"}, true},
		{"the", []string{"the"}, true},
		{"Tổ công tác, tổ", []string{"Tổ", "công", "tác"}, true},
		{"R&D <lab>", []string{"R", "D", "lab"}, true},
	} {
		p := parseText(c.in)
		if !slices.Equal(p.words, c.words) || p.lastPrefix != c.lastPrefix {
			t.Errorf("parseText(%q) = %q prefix %v, want %q prefix %v", c.in, p.words, p.lastPrefix, c.words, c.lastPrefix)
		}
	}
}

func TestMarkRanges(t *testing.T) {
	t.Parallel()
	text := "R&D <b>điện</b> gió"
	got, ok := markedToHTML(markRanges(text, []span{{7, 14}, {19, 23}, {7, 10}}, false))
	if !ok {
		t.Fatal("no mark")
	}
	if want := "R&amp;D &lt;b&gt;<mark>điện</mark>&lt;/b&gt; <mark>gió</mark>"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if _, ok := markedToHTML(markRanges("plain", nil, false)); ok {
		t.Fatal("text without ranges reported a mark")
	}

	var long []string
	for i := range 100 {
		long = append(long, fmt.Sprintf("w%d", i))
	}
	body := strings.Join(long, " ")
	start := len("w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 ")
	cropped, _ := markedToHTML(markRanges(body, []span{{start + 30*4, start + 30*4 + 3}}, true))
	if cropped[:len(cropMarker)] != cropMarker || cropped[len(cropped)-len(cropMarker):] != cropMarker {
		t.Fatalf("crop of a middle match lacks markers at both ends: %q", cropped)
	}
	if !strings.Contains(cropped, "<mark>w40</mark>") {
		t.Fatalf("crop %q lost the match", cropped)
	}
}

func TestMeiliID(t *testing.T) {
	t.Parallel()
	seen := map[string]string{}
	for _, id := range []string{"abc-1_X", "67a1f0c2e4b0a1b2c3d4e5f6", "opp/2025:ü 1", "x-6f7070", "x-abc", "h-1", string(make([]byte, 600))} {
		got := meiliID(id)
		if !meiliLegalID.MatchString(got) {
			t.Errorf("meiliID(%q) = %q is not a legal Meilisearch id", id, got)
		}
		if other, dup := seen[got]; dup {
			t.Errorf("meiliID(%q) = meiliID(%q) = %q", id, other, got)
		}
		seen[got] = id
	}
	if meiliID("abc-1_X") != "abc-1_X" {
		t.Error("a legal id was changed")
	}
}

func TestMeiliFilter(t *testing.T) {
	t.Parallel()
	n, err := normalize(Query{Type: TypeProject, Filters: map[string][]string{
		"sector": {"energy", `odd "quoted" \ value`}, "location": {"van_ninh"}, "stage": nil,
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := `type = "project" AND f_location IN ["van_ninh"] AND f_sector IN ["energy", "odd \"quoted\" \\ value"]`
	if got := meiliFilter(n, ""); got != want {
		t.Fatalf("filter\n%s\nwant\n%s", got, want)
	}
	if got, want := meiliFilter(n, "sector"), `type = "project" AND f_location IN ["van_ninh"]`; got != want {
		t.Fatalf("filter without sector %s, want %s", got, want)
	}
}

func TestNormalizeDefaults(t *testing.T) {
	t.Parallel()
	n, err := normalize(Query{Page: -3, PerPage: 5000, Lang: "fr", Facets: []string{"sector", "sector"}})
	if err != nil {
		t.Fatal(err)
	}
	if n.Page != 1 || n.PerPage != MaxPerPage || n.Lang != "vi" || !slices.Equal(n.facets, []string{"sector"}) {
		t.Fatalf("normalized %+v", n)
	}
	n, _ = normalize(Query{})
	if n.PerPage != DefaultPerPage {
		t.Fatalf("PerPage default %d", n.PerPage)
	}
}

func TestBleveConformanceInMemory(t *testing.T) {
	t.Parallel()
	RunConformance(t, func(t *testing.T) Engine {
		b, err := NewBleve("")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = b.Close() })
		return b
	})
}

func TestBleveConformanceOnDisk(t *testing.T) {
	t.Parallel()
	RunConformance(t, func(t *testing.T) Engine {
		b, err := NewBleve(filepath.Join(t.TempDir(), "index"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = b.Close() })
		return b
	})
}

func TestBleveReopensOnDisk(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir() // exists and is empty: NewBleve must create the index in it
	b, err := NewBleve(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Upsert(ctx, ConformanceFixture()[:5]); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	b, err = NewBleve(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if n, _ := b.Count(ctx); n != 5 {
		t.Fatalf("Count after reopening = %d, want 5", n)
	}
	res, err := b.Search(ctx, Query{Text: "dien gio"})
	if err != nil || len(res.Hits) == 0 || res.Hits[0].ID != "opp-van-phong-wind" {
		t.Fatalf("search after reopening: %v %v", hitIDs(res), err)
	}
}

// TestMeiliConformance runs the suite against a real Meilisearch when
// MEILI_URL is set (MEILI_MASTER_KEY if it has one), on throw-away indexes.
func TestMeiliConformance(t *testing.T) {
	t.Parallel()
	url := os.Getenv("MEILI_URL")
	if url == "" {
		t.Skip("MEILI_URL is not set: no Meilisearch server to run the conformance suite against (the contract test covers the protocol)")
	}
	key := os.Getenv("MEILI_MASTER_KEY")
	run := time.Now().UnixNano()
	n := 0
	RunConformance(t, func(t *testing.T) Engine {
		n++
		m, err := NewMeili(url, key, fmt.Sprintf("conformance_%d_%d", run, n))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := m.dropIndex(ctx); err != nil {
				t.Errorf("drop index: %v", err)
			}
			_ = m.Close()
		})
		return m
	})
}

// TestBleveCacheFollowsWrites: a repeated search is answered from the
// cache, a caller changing its result does not change the next one, and
// every write (upsert, delete, reset) is seen by the next search.
func TestBleveCacheFollowsWrites(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b, err := NewBleve("")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	fixture := ConformanceFixture()
	if err := b.Upsert(ctx, fixture); err != nil {
		t.Fatal(err)
	}
	q := Query{Text: "dien gio", Facets: []string{"sector"}}
	first, err := b.Search(ctx, q)
	if err != nil || len(first.Hits) == 0 {
		t.Fatalf("search: %v %v", hitIDs(first), err)
	}
	want := hitIDs(first)
	first.Hits[0].ID = "changed"
	first.Facets["sector"]["energy"] = -1
	again, err := b.Search(ctx, q)
	if err != nil || !slices.Equal(hitIDs(again), want) || again.Facets["sector"]["energy"] < 1 {
		t.Fatalf("second search %v facets %v (%v), want %v", hitIDs(again), again.Facets, err, want)
	}
	// A new document matching the query appears at once.
	extra := Doc{ID: "opp-new-wind", Type: TypeOpportunity, Code: "CH-W", Title: Text{VI: "Điện gió Cam Lâm", EN: "Cam Lam wind power"},
		Facets: map[string]string{"sector": "energy"}}
	if err := b.Upsert(ctx, []Doc{extra}); err != nil {
		t.Fatal(err)
	}
	res, err := b.Search(ctx, q)
	if err != nil || !slices.Contains(hitIDs(res), extra.ID) || res.Total != len(want)+1 {
		t.Fatalf("after upsert: %v total %d (%v)", hitIDs(res), res.Total, err)
	}
	if err := b.Delete(ctx, []string{extra.ID}); err != nil {
		t.Fatal(err)
	}
	if res, err = b.Search(ctx, q); err != nil || slices.Contains(hitIDs(res), extra.ID) {
		t.Fatalf("after delete: %v (%v)", hitIDs(res), err)
	}
	if err := b.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if res, err = b.Search(ctx, q); err != nil || res.Total != 0 {
		t.Fatalf("after reset: %v (%v)", hitIDs(res), err)
	}
}

// TestBleveRanksDiacriticExactFirst: a word typed with its diacritics ranks
// the documents that spell it so above those whose words only fold to it,
// and the same word typed without them ranks the reverse. Meilisearch
// folds diacritics before it ranks, so this is the embedded engine's own.
func TestBleveRanksDiacriticExactFirst(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b, err := NewBleve("")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Upsert(ctx, RankingFixture()); err != nil {
		t.Fatal(err)
	}
	first := func(text string) string {
		res, err := b.Search(ctx, Query{Text: text + " "})
		if err != nil || len(res.Hits) == 0 {
			t.Fatalf("%q: %v %v", text, hitIDs(res), err)
		}
		return res.Hits[0].ID
	}
	// "nhà": the water plant's title starts with Nhà máy; three titles
	// hold Nha Trang.
	if got := first("nhà"); got != "rk-a-water-plant" {
		t.Errorf("nhà: first hit %s, want rk-a-water-plant (Nhà máy nước …)", got)
	}
	if got := first("nha"); !strings.Contains(got, "nha-trang") && !strings.Contains(got, "hon-tre") {
		t.Errorf("nha: first hit %s, want one in Nha Trang", got)
	}
}

// TestBleveDemoRanking runs the searches of issue 12 on the demo data
// (the seed's opportunities and projects): "nha trang resort" no longer
// brings the Bắc Vân Phong water plant (Nhà máy nước, OPP-VN-004) or the
// Cam Ranh mariculture zone (OPP-CR-004), its first hits are in Nha Trang
// and the first is the Nha Trang Luxury Resort.
func TestBleveDemoRanking(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	opps, err := seed.Opportunities()
	if err != nil {
		t.Fatal(err)
	}
	projects := seed.Projects(1, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	docs := make([]Doc, 0, len(opps)+len(projects))
	for i := range opps {
		docs = append(docs, OpportunityDoc(&opps[i]))
	}
	for i := range projects {
		docs = append(docs, ProjectDoc(&projects[i]))
	}
	b, err := NewBleve("")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Upsert(ctx, docs); err != nil {
		t.Fatal(err)
	}
	for _, q := range []Query{
		{Text: "nha trang resort", Lang: "en"},
		{Text: "nha trang resort", Lang: "en", Type: TypeOpportunity},
		{Text: "Nha Trang resort", Lang: "vi"},
	} {
		res, err := b.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for i, h := range res.Hits {
			if h.Code == "OPP-VN-004" || h.Code == "OPP-CR-004" {
				t.Errorf("%+v: hit %d is %s %q", q, i+1, h.Code, h.Title.EN)
			}
			if i < 3 && q.Type == "" && !strings.Contains(h.Title.EN, "Nha Trang") {
				t.Errorf("%+v: hit %d is %s %q, want one in Nha Trang in the top 3", q, i+1, h.Code, h.Title.EN)
			}
			if i == 0 && q.Type == "" && !strings.Contains(h.Title.EN, "Nha Trang Luxury Resort") {
				t.Errorf("%+v: first hit %s %q, want Nha Trang Luxury Resort", q, h.Code, h.Title.EN)
			}
		}
	}
}
