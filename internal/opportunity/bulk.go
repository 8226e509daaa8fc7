package opportunity

import (
	"context"
	"fmt"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/changelog"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"github.com/khanhhoa/investportal/internal/record"
	"go.mongodb.org/mongo-driver/bson"
)

// bulkBatch is how many opportunities one insert carries.
const bulkBatch = 1000

// bulkDoc is an opportunity as Create stores it (record.Insert): version
// 1, an empty history, waiting for the search indexer.
type bulkDoc struct {
	Doc        doc             `bson:",inline"`
	History    []record.Change `bson:"history"`
	NeedsIndex bool            `bson:"needsIndex"`
}

// InsertMissing stores those of list whose code is not stored yet, each as
// Create would (validated, version 1, an empty history, pending for the
// search indexer), in large unordered batches: for seeding many at once.
// Running it again after an interruption adds only what is missing; a code
// taken meanwhile is skipped. It sets the stored ones' CreatedAt, UpdatedAt
// and Version, returns how many it stored and tells progress how many of
// list it has been through. It does not call OnWrite's function: the
// caller wakes the indexer once when done. The catalogue's figures of
// every process are reloaded.
func (s *Store) InsertMissing(ctx context.Context, list []Opportunity, progress func(done int)) (int, error) {
	defer s.written(changelog.All)
	for i := range list {
		if err := list[i].Validate(); err != nil {
			return 0, fmt.Errorf("opportunity %s: %w", list[i].Code, err)
		}
	}
	c := s.opps.Mongo()
	codes, err := c.Distinct(ctx, "code", bson.D{})
	if err != nil {
		return 0, apperr.Internal(fmt.Errorf("read opportunity codes: %w", err))
	}
	stored := make(map[string]bool, len(codes))
	for _, v := range codes {
		if code, ok := v.(string); ok {
			stored[code] = true
		}
	}
	now := s.stamp()
	inserted := 0
	docs := make([]any, 0, bulkBatch)
	flush := func(done int) error {
		if len(docs) > 0 {
			n, err := mongodb.InsertSkippingDuplicates(ctx, c, docs)
			inserted += n
			if err != nil {
				return apperr.Internal(fmt.Errorf("insert opportunities: %w", err))
			}
			docs = docs[:0]
		}
		if progress != nil {
			progress(done)
		}
		return nil
	}
	for i := range list {
		o := &list[i]
		if !stored[o.Code] {
			stored[o.Code] = true // a code twice in list is stored once
			normalizeTimes(o)
			o.CreatedAt, o.UpdatedAt, o.Version = now, now, 1
			docs = append(docs, bulkDoc{
				Doc:     doc{Opportunity: *o, SearchText: o.SearchText(), CapitalBand: o.CapitalBand(), CapitalVND: VNDEquivalent(o.IndicativeCapital)},
				History: []record.Change{}, NeedsIndex: true,
			})
		}
		if len(docs) == bulkBatch {
			if err := flush(i + 1); err != nil {
				return inserted, err
			}
		}
	}
	return inserted, flush(len(list))
}
