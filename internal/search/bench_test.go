package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
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
