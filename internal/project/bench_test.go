package project_test

import (
	"context"
	"testing"
	"time"

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
