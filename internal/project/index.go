package project

import (
	"context"
	"errors"
	"fmt"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"github.com/khanhhoa/investportal/internal/record"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// The search index is derived from the stored projects. Every write marks
// its project pending in the same update (record.Collection, needsIndex).
// On MongoDB the indexer reads the pending projects with one indexed query
// and clears the marks of what it indexed in one bulk write (record's
// Pending and MarkIndexed); a project written since keeps its mark.
//
// On the embedded FerretDB (see embedded) clearing a mark would rewrite
// the whole project document, so the indexer's side lives apart: the
// collection IndexStateCollection records the version the search index
// last took in ({_id: code, v: version}), and a project is pending while
// that record is missing or names another version than the stored one.
// FerretDB 1.24 can neither compare two fields of a document (it refuses
// $expr with $lt) nor update many documents quickly, so the pending
// projects are found by comparing the read model with the records, and
// marking is one batched insert. A stale or out-of-order mark only makes a
// project pending again, so no lock is needed.

// embedded reports whether the store works around the embedded FerretDB
// (the one place the project store asks mongodb.FeaturesOf): there the
// search indexer's marks are kept apart from the projects, as FerretDB
// rewrites a whole project document, history included, for every update
// (about 15 to 50 ms each), so marking each project indexed would cost
// more than indexing it. On MongoDB the marks are the record's
// needsIndex, set by every write and cleared in one bulk write.
func (s *Store) embedded() bool { return mongodb.FeaturesOf(s.c.Database()).Embedded }

// IndexStateCollection holds the indexed version of each project.
const IndexStateCollection = "project_index_state"

type indexState struct {
	Code    string `bson:"_id"`
	Version int64  `bson:"v"`
}

func (s *Store) indexState() *mongo.Collection {
	return s.c.Database().Collection(IndexStateCollection)
}

// IndexRevision returns a number that moves whenever the read model
// changes (this process's writes and those it follows from others). An
// indexer that found nothing pending at revision r need not look again
// until the revision moves. On MongoDB, where finding the pending projects
// is one indexed query, it returns -1: look every time.
func (s *Store) IndexRevision(ctx context.Context) (int64, error) {
	if !s.embedded() {
		return -1, nil
	}
	return s.Revision(ctx)
}

// PendingIndex returns the projects, in code order, whose search-index
// entry is missing or behind their stored version; limit < 1 returns all.
// After a crash the indexer simply asks again.
func (s *Store) PendingIndex(ctx context.Context, limit int) ([]Project, error) {
	if !s.embedded() {
		out := []Project{}
		err := s.rec.Pending(ctx, limit, bson.D{{Key: "code", Value: 1}}, &out)
		return out, err
	}
	m, err := s.model(ctx)
	if err != nil {
		return nil, err
	}
	cur, err := s.indexState().Find(ctx, bson.D{}, options.Find().SetBatchSize(5000))
	if err != nil {
		return nil, fmt.Errorf("read project index state: %w", err)
	}
	indexed := make(map[string]int64, 1024)
	for cur.Next(ctx) {
		var st indexState
		if err := cur.Decode(&st); err != nil {
			_ = cur.Close(ctx)
			return nil, fmt.Errorf("read project index state: %w", err)
		}
		indexed[st.Code] = st.Version
	}
	if err := cur.Err(); err != nil {
		return nil, fmt.Errorf("read project index state: %w", err)
	}
	_ = cur.Close(ctx)
	out := []Project{}
	m.mu.RLock()
	defer m.mu.RUnlock()
	for i := range m.items {
		p := m.items[i].p
		if v, ok := indexed[p.Code]; !ok || v != p.Version {
			out = append(out, clone(p))
			if limit > 0 && len(out) == limit {
				break
			}
		}
	}
	return out, nil
}

// CountPendingIndex returns how many projects the search index is behind on.
func (s *Store) CountPendingIndex(ctx context.Context) (int64, error) {
	if !s.embedded() {
		return s.rec.CountPending(ctx)
	}
	ps, err := s.PendingIndex(ctx, 0)
	return int64(len(ps)), err
}

// IndexedVersion names a project and the version of it the search index
// holds.
type IndexedVersion struct {
	Code    string
	Version int64
}

// MarkIndexed records that the search index holds the given versions. A
// project written since stays pending, its stored version being another.
// On the embedded database new records go in one unordered insert and the
// few that exist already are replaced one by one.
func (s *Store) MarkIndexed(ctx context.Context, done []IndexedVersion) error {
	if len(done) == 0 {
		return nil
	}
	if !s.embedded() {
		marks := make([]record.Indexed, 0, len(done))
		for _, d := range done {
			id, err := s.idOf(ctx, d.Code)
			if errors.Is(err, apperr.ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			marks = append(marks, record.Indexed{ID: id, Version: d.Version})
		}
		return s.rec.MarkIndexed(ctx, marks...)
	}
	docs := make([]any, len(done))
	for i, d := range done {
		docs[i] = indexState(d)
	}
	_, err := s.indexState().InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err == nil {
		return nil
	}
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) {
		return fmt.Errorf("mark projects indexed: %w", err)
	}
	for _, we := range bwe.WriteErrors {
		if (we.Code != 11000 && we.Code != 11001) || we.Index < 0 || we.Index >= len(done) {
			return fmt.Errorf("mark projects indexed: %w", err)
		}
		d := done[we.Index]
		if _, err := s.indexState().ReplaceOne(ctx, bson.D{{Key: "_id", Value: d.Code}},
			indexState(d), options.Replace().SetUpsert(true)); err != nil {
			return fmt.Errorf("mark project %s indexed: %w", d.Code, err)
		}
	}
	return nil
}

// MarkAllForIndex makes every project pending again, for a full rebuild of
// the search index, and returns how many projects there are. On the
// embedded database it drops the index records at once.
func (s *Store) MarkAllForIndex(ctx context.Context) (int64, error) {
	if !s.embedded() {
		return s.rec.MarkAllForIndex(ctx)
	}
	if err := s.indexState().Drop(ctx); err != nil {
		return 0, fmt.Errorf("mark projects for indexing: %w", err)
	}
	return s.IndexCount(ctx)
}

// IndexCount returns how many projects there are, from the read model
// (the embedded database counts a large collection slowly).
func (s *Store) IndexCount(ctx context.Context) (int64, error) {
	return s.readNumber(ctx, func(m *readModel) int64 { return int64(len(m.items)) })
}

// Scan calls fn with every stored project, batch at a time, in code order,
// for rebuilding the search index; an error from fn stops the scan.
func (s *Store) Scan(ctx context.Context, batch int, fn func([]Project) error) error {
	if batch < 1 {
		batch = 500
	}
	m, err := s.model(ctx)
	if err != nil {
		return err
	}
	for start := 0; ; start += batch {
		// A batch is copied out under the lock; fn runs without it, and
		// the model may change between batches (a write is then pending
		// for the indexer anyway).
		m.mu.RLock()
		end := min(start+batch, len(m.items))
		var ps []Project
		for i := start; i < end; i++ {
			ps = append(ps, clone(m.items[i].p))
		}
		m.mu.RUnlock()
		if len(ps) == 0 {
			return nil
		}
		if err := fn(ps); err != nil {
			return err
		}
	}
}
