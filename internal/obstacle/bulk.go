package obstacle

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// bulkBatch is how many obstacles one insert carries.
const bulkBatch = 1000

// InsertMissing stores obstacles made elsewhere as Import does (as they
// are, skipping ids already present, raising the per-year counters past
// their tracking numbers), but in large unordered batches: for seeding
// thousands at once. An obstacle refused for another duplicate key (a
// tracking code taken) is skipped, as Import skips it. It returns how many
// it stored and tells progress how many of obs it has been through.
func (s *Store) InsertMissing(ctx context.Context, obs []Obstacle, now time.Time, progress func(done int)) (int, error) {
	defer s.changed()
	ids, err := s.obstacles.Distinct(ctx, "_id", bson.D{})
	if err != nil {
		return 0, apperr.Internal(fmt.Errorf("read obstacle ids: %w", err))
	}
	stored := make(map[string]bool, len(ids))
	for _, v := range ids {
		if id, ok := v.(string); ok {
			stored[id] = true
		}
	}
	inserted := 0
	maxSeq := map[int]int64{}
	docs := make([]any, 0, bulkBatch)
	flush := func(done int) error {
		if len(docs) > 0 {
			n, err := mongodb.InsertSkippingDuplicates(ctx, s.obstacles, docs)
			inserted += n
			if err != nil {
				return apperr.Internal(fmt.Errorf("insert obstacles: %w", err))
			}
			docs = docs[:0]
		}
		if progress != nil {
			progress(done)
		}
		return nil
	}
	for i := range obs {
		o := obs[i]
		noteTrackingSeq(maxSeq, o.TrackingCode)
		if !stored[o.ID] {
			stored[o.ID] = true
			docs = append(docs, importable(o))
		}
		if len(docs) == bulkBatch {
			if err := flush(i + 1); err != nil {
				return inserted, err
			}
		}
	}
	if err := flush(len(obs)); err != nil {
		return inserted, err
	}
	return inserted, s.raiseCounters(ctx, maxSeq, now)
}

// importable fills in what an obstacle made elsewhere may lack: an
// idempotency key derived from its id (the index wants one unique key per
// obstacle) and an empty attachment list.
func importable(o Obstacle) Obstacle {
	if o.IdempotencyKey == "" {
		sum := sha256.Sum256([]byte("import:" + o.ID))
		o.IdempotencyKey = hex.EncodeToString(sum[:])
	}
	if o.Attachments == nil {
		o.Attachments = []Attachment{}
	}
	return o
}

// noteTrackingSeq raises maxSeq[year] to the number of the tracking code,
// for raiseCounters.
func noteTrackingSeq(maxSeq map[int]int64, trackingCode string) {
	var y int
	var seq int64
	if _, err := fmt.Sscanf(trackingCode, "VM-%d-%d", &y, &seq); err == nil && seq > maxSeq[y] {
		maxSeq[y] = seq
	}
}

// raiseCounters moves each year's tracking counter up to at least the
// number given, as Import does.
func (s *Store) raiseCounters(ctx context.Context, maxSeq map[int]int64, now time.Time) error {
	now = now.UTC().Truncate(time.Millisecond)
	for y, seq := range maxSeq {
		_, err := s.counters.UpdateOne(ctx, bson.M{"_id": counterID(y)},
			bson.M{"$max": bson.M{"seq": seq}, "$inc": bson.M{"version": int64(1)}, "$set": bson.M{"updatedAt": now}, "$setOnInsert": bson.M{"createdAt": now}},
			options.Update().SetUpsert(true))
		if err != nil {
			return apperr.Internal(err)
		}
	}
	return nil
}
