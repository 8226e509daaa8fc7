package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/seed"
)

// TestLatency measures the embedded engine at demo scale, or at the scale
// in SEARCH_SCALE (100: the 73,500 projects of `portal seed --scale 100`):
// the time to index every opportunity and project into an on-disk index in
// batches of 500 (what `portal reindex` asks of the engine), then p50 and
// p99 of 1,000 mixed queries (text in English and Vietnamese without
// diacritics, some misspelt, with and without facet filters, sorts, type
// filters and later pages). It runs only with SEARCH_LATENCY=1:
//
//	SEARCH_LATENCY=1 go test ./internal/search -run TestLatency -v
//	SEARCH_LATENCY=1 SEARCH_SCALE=100 go test ./internal/search -run TestLatency -v -timeout 30m
func TestLatency(t *testing.T) {
	if os.Getenv("SEARCH_LATENCY") != "1" {
		t.Skip("set SEARCH_LATENCY=1 (and SEARCH_SCALE=N) to measure search latency")
	}
	scale := 1
	if v := os.Getenv("SEARCH_SCALE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("SEARCH_SCALE=%q", v)
		}
		scale = n
	}
	ctx := context.Background()
	opps, err := seed.Opportunities()
	if err != nil {
		t.Fatal(err)
	}
	projects := seed.Projects(scale, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	docs := make([]Doc, 0, len(opps)+len(projects))
	for i := range opps {
		docs = append(docs, OpportunityDoc(&opps[i]))
	}
	for i := range projects {
		docs = append(docs, ProjectDoc(&projects[i]))
	}
	e, err := NewBleve(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	start := time.Now()
	for i := 0; i < len(docs); i += 500 {
		if err := e.Upsert(ctx, docs[i:min(i+500, len(docs))]); err != nil {
			t.Fatal(err)
		}
	}
	build := time.Since(start)

	texts := []string{
		"wind power van phong", "dien gio van phong", "offshore wind", "khu nghi duong cam ranh",
		"resort", "lng", "cang bien", "logistics centre", "industrial park", "khu cong nghiep",
		"nha trang", "hotel", "khach san nha trang", "solar", "dien mat troi", "data centre",
		"hospital", "benh vien", "aquaculture", "nuoi trong thuy san", "turism resort", "indutrial",
		"cam lam", "bac van phong", "seaport", "durian", "sau rieng", "school", "trung tam thuong mai", "",
	}
	sectors := []string{"tourism", "energy", "industry", "logistics", "real_estate", "aquaculture"}
	locations := []string{"nha_trang", "cam_ranh", "ninh_hoa", "van_ninh", "cam_lam"}
	sorts := []string{"", "", "capital:desc", "published:desc", "updated:desc"}
	r := rand.New(rand.NewPCG(7, 11))
	lat := make([]time.Duration, 0, 1000)
	hits := 0
	for i := range 1000 {
		q := Query{Text: texts[r.IntN(len(texts))], Lang: []string{"vi", "en"}[i%2], Page: 1 + r.IntN(3),
			Facets: []string{"sector", "location"}}
		switch i % 4 {
		case 1:
			q.Type, q.Facets = TypeOpportunity, []string{"sector", "location", "form", "capital_band", "status"}
			q.Filters = map[string][]string{"sector": {sectors[r.IntN(len(sectors))]}}
		case 2:
			q.Type = TypeProject
			q.Filters = map[string][]string{"location": {locations[r.IntN(len(locations))]}}
			q.Facets = append(q.Facets, "stage", "kind")
		case 3:
			q.Sort = sorts[r.IntN(len(sorts))]
		}
		if q.Type != TypeOpportunity && q.Sort == "" && q.Text == "" {
			q.Sort = "capital:desc"
		}
		e.cache.invalidate() // measure the engine, not the cache of repeated queries
		t0 := time.Now()
		res, err := e.Search(ctx, q)
		if err != nil {
			t.Fatalf("%+v: %v", q, err)
		}
		lat = append(lat, time.Since(t0))
		if res.Total > 0 {
			hits++
		}
	}
	slices.Sort(lat)
	p := func(q float64) time.Duration { return lat[int(q*float64(len(lat)-1))] }
	report := fmt.Sprintf("scale %d: %d documents (%d opportunities, %d projects); index build %s; 1,000 mixed queries: p50 %s, p99 %s, max %s; %d with hits",
		scale, len(docs), len(opps), len(projects), build.Round(time.Millisecond), p(0.50).Round(10*time.Microsecond),
		p(0.99).Round(10*time.Microsecond), lat[len(lat)-1].Round(10*time.Microsecond), hits)
	t.Log(report)
	if hits < 500 {
		t.Errorf("only %d of 1,000 queries found anything: the query mix is wrong", hits)
	}
}
