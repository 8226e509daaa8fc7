package opportunity

import (
	"context"
)

// ByCodes returns the stored opportunities with the given codes, by code
// (a page of search hits), from the catalogue's rows; a code not stored is
// absent.
func (s *Store) ByCodes(ctx context.Context, codes []string) (map[string]*Opportunity, error) {
	out := make(map[string]*Opportunity, len(codes))
	if len(codes) == 0 {
		return out, nil
	}
	err := s.readCatalogue(ctx, func(m *catalogueModel) {
		for _, code := range codes {
			if r, ok := m.rows[code]; ok {
				o := *r.item
				out[code] = &o
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
