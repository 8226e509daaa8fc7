package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/seed"
)

// benchDocs generates n opportunities and projects from the fixture's
// vocabulary, the same for every run.
func benchDocs(n int) []Doc {
	r := rand.New(rand.NewPCG(1, 2))
	fixture := ConformanceFixture()
	var viWords, enWords []string
	for _, d := range fixture {
		viWords = append(viWords, strings.Fields(d.Title.VI+" "+d.Summary.VI+" "+d.Body.VI)...)
		enWords = append(enWords, strings.Fields(d.Title.EN+" "+d.Summary.EN+" "+d.Body.EN)...)
	}
	pick := func(words []string, k int) string {
		out := make([]string, k)
		for i := range out {
			out[i] = words[r.IntN(len(words))]
		}
		return strings.Join(out, " ")
	}
	docs := make([]Doc, n)
	for i := range docs {
		base := fixture[i%len(fixture)]
		d := base
		d.ID = fmt.Sprintf("%s-%04d", base.ID, i)
		d.Code = fmt.Sprintf("%s-%04d", base.Code, i)
		d.Title = Text{VI: base.Title.VI + " " + pick(viWords, 3), EN: base.Title.EN + " " + pick(enWords, 3)}
		d.Summary = Text{VI: pick(viWords, 20), EN: pick(enWords, 20)}
		d.Body = Text{VI: pick(viWords, 120), EN: pick(enWords, 120)}
		d.Sort = map[string]int64{"capital": int64(r.IntN(50000)), "published": 1700000000 + int64(i)*3600}
		docs[i] = d
	}
	return docs
}

func BenchmarkBleveSearch(b *testing.B) {
	ctx := context.Background()
	e, err := NewBleve("")
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	if err := e.Upsert(ctx, benchDocs(2000)); err != nil {
		b.Fatal(err)
	}
	queries := []Query{
		{Text: "dien gio van phong", Facets: []string{"sector", "location"}, Lang: "vi"},
		{Text: "tourisn resort", Filters: map[string][]string{"location": {"cam_ranh"}}, Facets: []string{"sector", "location"}, Lang: "en"},
		{Type: TypeProject, Sort: "capital:desc", Facets: []string{"stage"}, Page: 3},
		{Text: "cam lam", Sort: "published:desc", Filters: map[string][]string{"sector": {"real_estate", "infrastructure"}}},
	}
	for _, q := range queries {
		b.Run(fmt.Sprintf("%q", q.Text+"/"+q.Sort), func(b *testing.B) {
			for b.Loop() {
				e.cache.invalidate() // measure the engine, not the cache
				res, err := e.Search(ctx, q)
				if err != nil {
					b.Fatal(err)
				}
				if res.Total == 0 {
					b.Fatalf("no hits for %+v", q)
				}
			}
		})
	}
}

// BenchmarkSearch measures the site search at demo scale (the seed's
// opportunities and 735 projects in an on-disk index): "engine" is one
// uncached engine query, "page" the engine query plus building the rows a
// results page shows from the hits alone (no database read), and "cached"
// a repeated query answered until the next write.
//
//	go test ./internal/search -run '^$' -bench BenchmarkSearch
func BenchmarkSearch(b *testing.B) {
	ctx := context.Background()
	opps, err := seed.Opportunities()
	if err != nil {
		b.Fatal(err)
	}
	projects := seed.Projects(1, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	docs := make([]Doc, 0, len(opps)+len(projects))
	for i := range opps {
		docs = append(docs, OpportunityDoc(&opps[i]))
	}
	for i := range projects {
		docs = append(docs, ProjectDoc(&projects[i]))
	}
	e, err := NewBleve(filepath.Join(b.TempDir(), "index"))
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	if err := e.Upsert(ctx, docs); err != nil {
		b.Fatal(err)
	}
	texts := []string{"resort", "wind power", "khu cong nghiep", "cảng biển", "du lich", "Nha Trang", "nuôi trồng thủy sản", "hotel"}
	uncached := func(b *testing.B, i int) Result {
		e.cache.invalidate() // measure the engine, not the cache
		res, err := e.Search(ctx, Query{Text: texts[i%len(texts)], Lang: "en"})
		if err != nil {
			b.Fatal(err)
		}
		return res
	}
	b.Run("engine", func(b *testing.B) {
		i := 0
		for b.Loop() {
			uncached(b, i)
			i++
		}
	})
	b.Run("page", func(b *testing.B) {
		i := 0
		for b.Loop() {
			res := uncached(b, i)
			i++
			rows := make([]string, 0, len(res.Hits))
			for _, h := range res.Hits {
				rows = append(rows, h.Code+h.Title.Get("en")+h.Facet("sector")+h.Facet("location")+h.Highlights["title"])
			}
			if len(rows) == 0 && res.Total > 0 {
				b.Fatal("no rows")
			}
		}
	})
	b.Run("cached", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if _, err := e.Search(ctx, Query{Text: texts[i%len(texts)], Lang: "en"}); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// BenchmarkSearchStored measures uncached searches on an index built by
// the portal, such as the one `portal seed --scale 100` and `portal
// reindex` leave under DATA_DIR/search (copy it first: the benchmark opens
// it for writing). The queries are the load generator's (cmd/loadgen), in
// both languages, each with the site search's page size:
//
//	SEARCH_BENCH_INDEX=/tmp/copy/search go test ./internal/search -run '^$' -bench SearchStored -cpuprofile cpu.out
func BenchmarkSearchStored(b *testing.B) {
	dir := os.Getenv("SEARCH_BENCH_INDEX")
	if dir == "" {
		b.Skip("set SEARCH_BENCH_INDEX to a copy of a portal's search index directory")
	}
	e, err := NewBleve(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	if n, err := e.Count(context.Background()); err != nil || n == 0 {
		b.Fatalf("index at %s: %d documents, %v (an older format is replaced by an empty one)", dir, n, err)
	}
	texts := []string{
		"resort", "wind power", "logistics", "seaport", "industrial park", "hotel", "solar", "LNG",
		"Vân Phong", "Van Phong", "cảng biển", "cang bien", "khu công nghiệp", "khu cong nghiep",
		"điện gió", "dien gio", "du lịch", "du lich", "Cam Ranh", "Nha Trang", "nhà máy", "nuôi trồng thủy sản",
	}
	ctx := context.Background()
	i := 0
	for b.Loop() {
		e.cache.invalidate() // measure the engine, not the cache
		q := Query{Text: texts[i%len(texts)], Lang: []string{"vi", "en"}[i/len(texts)%2], PerPage: DefaultPerPage}
		if _, err := e.Search(ctx, q); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
