package opportunity

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// On the embedded FerretDB only a filter on _id alone avoids reading and
// decoding every opportunity (42 MB at 100 times the demo), so the store
// finds opportunities through the catalogue's rows in memory (their _id,
// facet and sort fields) and reads the page it shows by _id.

// Warmed reports whether the catalogue's rows have been loaded once (by
// Start's loop or a first request); /readyz waits for it.
func (s *Store) Warmed() bool { return s.catalogueModel().loaded.Load() }

// idOf finds the _id of the opportunity with the code (found false: there
// is none); it is the record collection's Lookup.
func (s *Store) idOf(ctx context.Context, key any) (any, bool, error) {
	code, _ := key.(string)
	m := s.catalogueModel()
	m.follow.Lock()
	defer m.follow.Unlock()
	if err := m.sync(ctx); err != nil {
		return nil, false, err
	}
	r, ok := m.rows[code]
	return r.ID, ok, nil
}

// selectPage returns the _ids of the page f selects, in f's order, and how
// many match, from the catalogue's rows.
func (m *catalogueModel) selectPage(f *Filter) (ids []any, total int64) {
	terms := f.textTerms()
	var rows []*facetRow
	for code := range m.rows {
		r := m.rows[code]
		if f.matches(&r, "", terms) {
			rows = append(rows, &r)
		}
	}
	slices.SortFunc(rows, f.compare)
	total = int64(len(rows))
	from := min((f.Page-1)*f.PerPage, len(rows))
	to := min(from+f.PerPage, len(rows))
	for _, r := range rows[from:to] {
		ids = append(ids, r.ID)
	}
	return ids, total
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
		c = b.UpdatedAt.Compare(a.UpdatedAt)
	default:
		c = b.PublishedAt.Compare(a.PublishedAt)
	}
	if c != 0 {
		return c
	}
	return cmp.Compare(a.Code, b.Code)
}

// list returns the page f selects: chosen in memory, read by _id.
func (s *Store) list(ctx context.Context, f Filter) (*ListResult, error) {
	m := s.catalogueModel()
	m.follow.Lock()
	if err := m.sync(ctx); err != nil {
		m.follow.Unlock()
		return nil, err
	}
	ids, total := m.selectPage(&f)
	m.follow.Unlock()
	items, err := s.byIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	return &ListResult{Items: items, Total: total, Page: f.Page, PerPage: f.PerPage}, nil
}

// byIDs reads the opportunities with the _ids, in that order, without
// their history; one that vanished meanwhile is left out. The database
// serves an $in on _id from its index, FerretDB only _id alone.
func (s *Store) byIDs(ctx context.Context, ids []any) ([]Opportunity, error) {
	items := make([]Opportunity, 0, len(ids))
	if len(ids) == 0 {
		return items, nil
	}
	c := s.opps.Mongo()
	if mongodb.FeaturesOf(c.Database()).IndexedFilters() {
		cur, err := c.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}},
			options.Find().SetProjection(s.opps.NoHistory()))
		if err != nil {
			return nil, apperr.Internal(fmt.Errorf("find opportunities: %w", err))
		}
		var found []struct {
			ID          any `bson:"_id"`
			Opportunity `bson:",inline"`
		}
		if err := cur.All(ctx, &found); err != nil {
			return nil, apperr.Internal(fmt.Errorf("read opportunities: %w", err))
		}
		byID := make(map[any]*Opportunity, len(found))
		for i := range found {
			byID[found[i].ID] = &found[i].Opportunity
		}
		for _, id := range ids {
			if o, ok := byID[id]; ok {
				items = append(items, *o)
			}
		}
		return items, nil
	}
	proj := options.FindOne().SetProjection(s.opps.NoHistory())
	for _, id := range ids {
		var o Opportunity
		err := c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}, proj).Decode(&o)
		switch {
		case mongodb.IsNoDocuments(err):
			continue
		case err != nil:
			return nil, apperr.Internal(fmt.Errorf("read opportunity %v: %w", id, err))
		}
		items = append(items, o)
	}
	return items, nil
}
