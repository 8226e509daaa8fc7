package opportunity

import (
	"context"
	"fmt"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/place"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

// facetsFromDB counts as Facets does, in the database: each facet is one
// pipeline with a single $group accumulator, which is what FerretDB
// computes correctly. Tests compare the read model with it.
func (s *Store) facetsFromDB(ctx context.Context, f Filter) (*FacetCounts, error) {
	if err := f.Normalize(); err != nil {
		return nil, err
	}
	out := &FacetCounts{}
	for _, fc := range []struct {
		field string
		dst   *map[string]int64
	}{
		{facetSector, &out.Sector},
		{facetLocation, &out.Location},
		{facetUnit, &out.Unit},
		{facetForm, &out.Form},
		{facetBand, &out.CapitalBand},
		{facetStatus, &out.Status},
	} {
		m, err := s.countBy(ctx, f.query(fc.field), fc.field)
		if err != nil {
			return nil, err
		}
		*fc.dst = m
	}
	byLoc, err := s.countBy(ctx, f.query(facetProvince), facetLocation)
	if err != nil {
		return nil, err
	}
	out.Province = map[string]int64{}
	for loc, n := range byLoc {
		out.Province[place.ProvinceOf(loc)] += n
	}
	return out, nil
}

// countBy runs $match, an $unwind for array fields, then a $group with one
// $sum accumulator.
func (s *Store) countBy(ctx context.Context, match bson.D, field string) (map[string]int64, error) {
	pipe := mongo.Pipeline{{{Key: "$match", Value: match}}}
	if field == facetForm {
		pipe = append(pipe, bson.D{{Key: "$unwind", Value: "$" + field}})
	}
	pipe = append(pipe, bson.D{{Key: "$group", Value: bson.D{
		{Key: "_id", Value: "$" + field},
		{Key: "n", Value: bson.D{{Key: "$sum", Value: 1}}},
	}}})
	cur, err := s.opps.Mongo().Aggregate(ctx, pipe)
	if err != nil {
		return nil, apperr.Internal(fmt.Errorf("facet %s: %w", field, err))
	}
	var rows []struct {
		ID string `bson:"_id"`
		N  int64  `bson:"n"`
	}
	if err := cur.All(ctx, &rows); err != nil {
		return nil, apperr.Internal(fmt.Errorf("facet %s: %w", field, err))
	}
	m := make(map[string]int64, len(rows))
	for _, r := range rows {
		if r.ID != "" {
			m[r.ID] += r.N
		}
	}
	return m, nil
}
