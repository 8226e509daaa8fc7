package project

import (
	"context"
	"math"
	"sort"
	"strings"

	"github.com/khanhhoa/investportal/internal/fold"
	"github.com/khanhhoa/investportal/internal/place"
)

// Lists and figures are answered from the read model (readmodel.go): no
// database work per request, whatever the backend.

// List returns one page of projects matching f, which must be validated.
func (s *Store) List(ctx context.Context, f Filter) (Page[Project], error) {
	m, err := s.model(ctx)
	if err != nil {
		return Page[Project]{}, err
	}
	q := fold.String(f.Query)
	fc := f.codes()
	from := (f.Page - 1) * f.PerPage
	// An export asks for every row in one page (PerPage up to MaxInt): the
	// slice grows as rows match rather than being sized by PerPage.
	page := Page[Project]{Items: make([]Project, 0, min(f.PerPage, 100)), Page: f.Page, PerPage: f.PerPage}
	m.mu.RLock()
	defer m.mu.RUnlock()
	match := func(e *entry) bool {
		return fc.matches(e) && f.matches(e.p) && (q == "" || strings.Contains(e.folded, q))
	}
	if f.less(nil) == nil {
		// The model is in code order: count the matches and keep the
		// page's, without gathering them all.
		n := 0
		for i := range m.items {
			if e := &m.items[i]; match(e) {
				if n >= from && n-from < f.PerPage {
					page.Items = append(page.Items, clone(e.p))
				}
				n++
			}
		}
		page.Total = int64(n)
		return page, nil
	}
	matched := make([]*entry, 0, 256)
	for i := range m.items {
		if e := &m.items[i]; match(e) {
			matched = append(matched, e)
		}
	}
	sort.SliceStable(matched, f.less(matched))
	to := from + min(f.PerPage, max(len(matched)-from, 0))
	for i := from; i < to; i++ {
		page.Items = append(page.Items, clone(matched[i].p))
	}
	page.Total = int64(len(matched))
	return page, nil
}

// Revision returns a number that moves whenever the read model changes
// (this process's writes at once, other processes' as it follows them), so
// whatever was computed from List at one revision holds until it moves.
func (s *Store) Revision(ctx context.Context) (int64, error) {
	return s.readNumber(ctx, func(m *readModel) int64 { return m.gen })
}

// clone copies a project of the model for a caller, who may change it.
func clone(p *Project) Project {
	c := *p
	c.StageHistory = append([]StageDate(nil), p.StageHistory...)
	if p.Disbursements != nil {
		c.Disbursements = append([]Disbursement(nil), p.Disbursements...)
	}
	if p.ExpectedCompletion != nil {
		d := *p.ExpectedCompletion
		c.ExpectedCompletion = &d
	}
	return c
}

// Stats returns the pipeline figures, kept up to date by every write.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	m, err := s.model(ctx)
	if err != nil {
		return Stats{}, err
	}
	return m.figures(), nil
}

// filterCodes are a filter's kind, stage, sector and location as entry
// codes; 0 where the filter does not ask, or asks for a value outside the
// known lists (then Filter.matches compares the text).
type filterCodes struct {
	kind, stage, sector, location uint8
	capMin, capMax                int64
}

func (f Filter) codes() filterCodes {
	fc := filterCodes{kind: position(Kinds, f.Kind), stage: position(Stages, f.Stage),
		sector: position(Sectors, f.Sector), location: position(place.Locations, f.Location),
		capMin: math.MinInt64, capMax: math.MaxInt64}
	if f.CapitalMin != nil {
		fc.capMin = *f.CapitalMin
	}
	if f.CapitalMax != nil {
		fc.capMax = *f.CapitalMax
	}
	return fc
}

// matches is the quick test on the entry's inline fields.
func (fc filterCodes) matches(e *entry) bool {
	return (fc.kind == 0 || e.kind == fc.kind) && (fc.stage == 0 || e.stage == fc.stage) &&
		(fc.sector == 0 || e.sector == fc.sector) && (fc.location == 0 || e.location == fc.location) &&
		e.capital >= fc.capMin && e.capital <= fc.capMax
}

func (f Filter) matches(p *Project) bool {
	switch {
	case f.Kind != "" && p.Kind != f.Kind,
		f.Sector != "" && p.Sector != f.Sector,
		f.Location != "" && p.Location != f.Location,
		f.Unit != "" && p.Unit != f.Unit,
		f.Province != "" && p.Province() != f.Province,
		f.Stage != "" && p.Stage != f.Stage,
		f.CapitalMin != nil && p.CapitalVND < *f.CapitalMin,
		f.CapitalMax != nil && p.CapitalVND > *f.CapitalMax:
		return false
	}
	return true
}

// less orders by the filter's sort, the code breaking ties (the slice
// starts in code order and the sort is stable); nil keeps code order
// (List does not call it then).
func (f Filter) less(es []*entry) func(i, j int) bool {
	switch f.Sort {
	case "name":
		return func(i, j int) bool { return es[i].nameKey < es[j].nameKey }
	case "capital_desc":
		return func(i, j int) bool { return es[i].capital > es[j].capital }
	case "capital_asc":
		return func(i, j int) bool { return es[i].capital < es[j].capital }
	case "licensed_desc":
		return func(i, j int) bool { return es[i].p.LicensedYear > es[j].p.LicensedYear }
	case "licensed_asc":
		return func(i, j int) bool { return es[i].p.LicensedYear < es[j].p.LicensedYear }
	default:
		return nil
	}
}

// Exists reports whether a project with the code is stored, from the read
// model.
func (s *Store) Exists(ctx context.Context, code string) (bool, error) {
	m, err := s.model(ctx)
	if err != nil {
		return false, err
	}
	_, ok := m.get(code)
	return ok, nil
}
