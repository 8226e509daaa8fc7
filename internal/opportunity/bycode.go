package opportunity

import (
	"context"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// ByCodes returns the stored opportunities with the given codes, by code,
// in one indexed read (a page of search hits); a code not stored is absent.
func (s *Store) ByCodes(ctx context.Context, codes []string) (map[string]*Opportunity, error) {
	out := make(map[string]*Opportunity, len(codes))
	if len(codes) == 0 {
		return out, nil
	}
	items, err := s.find(ctx, bson.D{{Key: "code", Value: bson.D{{Key: "$in", Value: codes}}}}, options.Find())
	if err != nil {
		return nil, err
	}
	for i := range items {
		out[items[i].Code] = &items[i]
	}
	return out, nil
}
