package project_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/khanhhoa/investportal/internal/fold"
	"github.com/khanhhoa/investportal/internal/place"
	"github.com/khanhhoa/investportal/internal/project"
)

// TestListPagesMatchEveryStoredProject checks List's pages and totals
// against the stored projects filtered, sorted and cut into pages here,
// for filters, a text query, sorts and pages past the end.
func TestListPagesMatchEveryStoredProject(t *testing.T) {
	t.Parallel()
	s, db := sharedSeeded(t)
	all := stored(t, db)
	ctx := context.Background()
	capMin := int64(500) * 1_000_000_000
	for _, c := range []struct {
		name string
		f    project.Filter
	}{
		{"everything", project.Filter{}},
		{"two filters", project.Filter{Kind: project.Domestic, Sector: "tourism"}},
		{"two filters page 2", project.Filter{Kind: project.Domestic, Sector: "tourism", Page: 2, PerPage: 7}},
		{"past the end", project.Filter{Kind: project.FDI, Page: 50}},
		{"text", project.Filter{Query: "nha"}},
		{"capital and sort", project.Filter{CapitalMin: &capMin, Sort: "capital_desc", PerPage: 50}},
		{"sort by name page 3", project.Filter{Sector: "energy", Sort: "name", Page: 3, PerPage: 5}},
		{"sort code", project.Filter{Location: "cam_ranh", Sort: "code", Page: 2}},
		{"unit", project.Filter{Unit: "bac_cam_ranh"}},
		{"province", project.Filter{Province: "khanh_hoa", Sort: "name", Page: 2}},
		{"old place name", project.Filter{Query: "Cam Lâm"}},
		{"new place name folded", project.Filter{Query: "bac cam ranh"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := c.f
			if err := f.Validate(); err != nil {
				t.Fatal(err)
			}
			got, err := s.List(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			want := expectedPage(all, f)
			if got.Total != int64(want.total) {
				t.Errorf("total %d, want %d", got.Total, want.total)
			}
			var codes []string
			for _, p := range got.Items {
				codes = append(codes, p.Code)
			}
			if !slices.Equal(codes, want.codes) {
				t.Errorf("page %v\nwant %v", codes, want.codes)
			}
		})
	}
}

type page struct {
	total int
	codes []string
}

// expectedPage filters, sorts and pages ps by f the slow, obvious way.
func expectedPage(ps []project.Project, f project.Filter) page {
	q := fold.String(f.Query)
	var match []project.Project
	for _, p := range ps {
		text := fold.String(strings.Join([]string{p.Code, p.Name.VI, p.Name.EN, p.Investor.Name, place.Names(p.Location, p.Unit)}, " \x00 "))
		switch {
		case f.Kind != "" && p.Kind != f.Kind, f.Sector != "" && p.Sector != f.Sector,
			f.Location != "" && p.Location != f.Location, f.Stage != "" && p.Stage != f.Stage,
			f.Unit != "" && p.Unit != f.Unit, f.Province != "" && p.Province() != f.Province,
			f.CapitalMin != nil && p.CapitalVND < *f.CapitalMin, f.CapitalMax != nil && p.CapitalVND > *f.CapitalMax,
			q != "" && !strings.Contains(text, q):
			continue
		}
		match = append(match, p)
	}
	slices.SortFunc(match, func(a, b project.Project) int {
		var d int
		switch f.Sort {
		case "name":
			d = strings.Compare(fold.String(a.Name.VI), fold.String(b.Name.VI))
		case "capital_desc":
			d = -cmpInt(a.CapitalVND, b.CapitalVND)
		}
		if d != 0 {
			return d
		}
		return strings.Compare(a.Code, b.Code)
	})
	out := page{total: len(match)}
	for i := (f.Page - 1) * f.PerPage; i < len(match) && i < f.Page*f.PerPage; i++ {
		out.codes = append(out.codes, match[i].Code)
	}
	return out
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
