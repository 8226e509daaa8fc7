package project_test

import (
	"context"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/seed"
)

// BenchmarkList is the English list page's query: 20 rows, two filters,
// at demo scale, from the loaded read model.
func BenchmarkList(b *testing.B) {
	s, _ := seeded(b)
	ctx := context.Background()
	f := project.Filter{Kind: project.Domestic, Sector: "tourism", PerPage: 20}
	if err := f.Validate(); err != nil {
		b.Fatal(err)
	}
	if _, err := s.List(ctx, f); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.List(ctx, f); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListAtScale100 is the list query on the 73,500 projects of
// `portal seed --scale 100` held in the read model: the English list
// page's two filters (20 rows), a text query, and a sort by capital over
// one filter.
func BenchmarkListAtScale100(b *testing.B) {
	s := project.NewStore(mongotest.MustOpenDB(b))
	s.LoadForBenchmark(seed.Projects(100, time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)))
	ctx := context.Background()
	for _, c := range []struct {
		name string
		f    project.Filter
	}{
		{"two_filters", project.Filter{Kind: project.Domestic, Sector: "tourism", PerPage: 20}},
		{"text", project.Filter{Query: "nha trang", PerPage: 20}},
		{"sort_capital", project.Filter{Sector: "energy", Sort: "capital_desc", PerPage: 20}},
	} {
		f := c.f
		if err := f.Validate(); err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			page, err := s.List(ctx, f)
			if err != nil || len(page.Items) != 20 {
				b.Fatalf("%d rows of %d, %v", len(page.Items), page.Total, err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.List(ctx, f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkStats is the public figures at demo scale, right after a write
// (the worst case: rolled up again) and between writes (cached).
func BenchmarkStats(b *testing.B) {
	s, _ := seeded(b)
	ctx := context.Background()
	if _, err := s.Stats(ctx); err != nil {
		b.Fatal(err)
	}
	b.Run("cached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Stats(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkFiguresAtScale100 measures, on the 73,500 projects of
// `portal seed --scale 100` held in memory, what a write costs the figures
// (one project out, one in) and what rolling them up again costs (the
// first Stats after a write; later ones are cached).
func BenchmarkFiguresAtScale100(b *testing.B) {
	ps := seed.Projects(100, time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC))
	a := project.NewFigures(ps)
	b.Run("write", func(b *testing.B) {
		p := &ps[len(ps)/2]
		for b.Loop() {
			a.Add(p, -1)
			a.Add(p, 1)
		}
	})
	b.Run("rollup", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = a.Stats()
		}
	})
	b.Run("from_scratch", func(b *testing.B) {
		for b.Loop() {
			_ = project.ComputeStats(ps)
		}
	})
}
