package opportunity

import (
	"cmp"
	"context"
	"slices"
)

// On the embedded FerretDB only a filter on _id alone avoids reading and
// decoding every opportunity (42 MB at 100 times the demo), so the store
// answers lists, pages of hits and a project's opportunities from the
// catalogue's rows in memory, and finds a single opportunity's _id there
// to read it.

// Warmed reports whether the catalogue's rows have been loaded once (by
// Start's loop or a first request); /readyz waits for it.
func (s *Store) Warmed() bool { return s.catalogueModel().loaded.Load() }

// readCatalogue calls read with the catalogue brought up to date, under
// its lock.
func (s *Store) readCatalogue(ctx context.Context, read func(m *catalogueModel)) error {
	m := s.catalogueModel()
	m.follow.Lock()
	defer m.follow.Unlock()
	if err := m.sync(ctx); err != nil {
		return err
	}
	read(m)
	return nil
}

// idOf finds the _id of the opportunity with the code (found false: there
// is none); it is the record collection's Lookup.
func (s *Store) idOf(ctx context.Context, key any) (id any, found bool, err error) {
	code, _ := key.(string)
	err = s.readCatalogue(ctx, func(m *catalogueModel) {
		var r facetRow
		r, found = m.rows[code]
		id = r.ID
	})
	return id, found, err
}

// selectPage returns the page f selects, in f's order, and how many
// match, from the catalogue's rows; the caller holds follow's lock.
func (m *catalogueModel) selectPage(f *Filter) (items []Opportunity, total int64) {
	terms := f.textTerms()
	var rows []*facetRow
	for code := range m.rows {
		r := m.rows[code]
		if f.matches(&r, "", terms) {
			rows = append(rows, &r)
		}
	}
	slices.SortFunc(rows, f.compare)
	from := min((f.Page-1)*f.PerPage, len(rows))
	to := from + min(f.PerPage, len(rows)-from)
	items = make([]Opportunity, 0, to-from)
	for _, r := range rows[from:to] {
		items = append(items, *r.item)
	}
	return items, int64(len(rows))
}

// compare orders rows as sortDoc orders documents.
func (f *Filter) compare(a, b *facetRow) int {
	var c int
	switch f.Sort {
	case SortCapitalDesc:
		c = cmp.Compare(b.CapitalVND, a.CapitalVND)
	case SortCapitalAsc:
		c = cmp.Compare(a.CapitalVND, b.CapitalVND)
	case SortCode:
	case SortUpdated:
		c = b.item.UpdatedAt.Compare(a.item.UpdatedAt)
	default:
		c = b.item.PublishedAt.Compare(a.item.PublishedAt)
	}
	if c != 0 {
		return c
	}
	return cmp.Compare(a.item.Code, b.item.Code)
}

// list returns the page f selects, from the catalogue's rows.
func (s *Store) list(ctx context.Context, f Filter) (*ListResult, error) {
	res := &ListResult{Page: f.Page, PerPage: f.PerPage}
	err := s.readCatalogue(ctx, func(m *catalogueModel) { res.Items, res.Total = m.selectPage(&f) })
	if err != nil {
		return nil, err
	}
	return res, nil
}
