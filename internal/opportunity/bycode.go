package opportunity

import (
	"context"
)

// ByCodes returns the stored opportunities with the given codes, by code
// (a page of search hits): found in the catalogue's rows, read by _id; a
// code not stored is absent.
func (s *Store) ByCodes(ctx context.Context, codes []string) (map[string]*Opportunity, error) {
	out := make(map[string]*Opportunity, len(codes))
	if len(codes) == 0 {
		return out, nil
	}
	m := s.catalogueModel()
	m.follow.Lock()
	if err := m.sync(ctx); err != nil {
		m.follow.Unlock()
		return nil, err
	}
	ids := make([]any, 0, len(codes))
	for _, code := range codes {
		if r, ok := m.rows[code]; ok {
			ids = append(ids, r.ID)
		}
	}
	m.follow.Unlock()
	items, err := s.byIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range items {
		out[items[i].Code] = &items[i]
	}
	return out, nil
}
