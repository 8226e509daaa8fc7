package project

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/khanhhoa/investportal/internal/mongodb"
	"github.com/khanhhoa/investportal/internal/record"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Collection is the MongoDB collection that holds projects.
const Collection = "projects"

// Store keeps projects in MongoDB.
type Store struct {
	rec *record.Collection
	c   *mongo.Collection
	// meta holds the revision counter and the watch settings (settings).
	meta     *mongo.Collection
	settings *record.Collection
	snaps    snapshots
	log      *slog.Logger
	onWrite  func()
}

// NewStore returns a store on db.
func NewStore(db *mongo.Database) *Store {
	c := db.Collection(Collection)
	meta := db.Collection(revCollection)
	return &Store{
		c:        c,
		rec:      record.New(c, record.Options{Key: "code", NotFound: "project.error.not_found", Conflict: "project.error.changed"}),
		meta:     meta,
		settings: record.New(meta, record.Options{Conflict: "project.error.settings_changed", Unindexed: true}),
	}
}

// OnWrite sets fn to be called after every stored project write (the
// search indexer's Notify); it must not block. Call it before the store is
// used.
func (s *Store) OnWrite(fn func()) {
	s.onWrite = fn
	s.rec.OnWrite(fn)
}

// EnsureIndexes creates the indexes lists, stats and the indexer rely on.
// On MongoDB it also marks pending the projects stored before writes
// marked them (no needsIndex field), so the indexer takes them in.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	err := mongodb.EnsureIndexes(ctx, s.c, append([]mongodb.Index{
		{Keys: bson.D{{Key: "code", Value: 1}}, Options: options.Index().SetUnique(true).SetName("code_unique")},
		{Keys: bson.D{{Key: "capitalVnd", Value: -1}}, Options: options.Index().SetName("capital")},
		{Keys: bson.D{{Key: "sector", Value: 1}}, Options: options.Index().SetName("sector")},
		{Keys: bson.D{{Key: "location", Value: 1}}, Options: options.Index().SetName("location")},
		{Keys: bson.D{{Key: "stage", Value: 1}}, Options: options.Index().SetName("stage")},
	}, record.Indexes("projects")...)...)
	if err != nil || s.embedded() {
		return err
	}
	_, err = s.c.UpdateMany(ctx, bson.D{{Key: record.FieldNeedsIndex, Value: bson.D{{Key: "$exists", Value: false}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: record.FieldNeedsIndex, Value: true}}}})
	if err != nil {
		return fmt.Errorf("mark older projects for indexing: %w", err)
	}
	return nil
}

// Count returns the number of stored projects.
func (s *Store) Count(ctx context.Context) (int64, error) {
	return s.c.CountDocuments(ctx, bson.D{})
}

// seedDoc is a project inserted by InsertMissing: no history, pending for
// the search index.
type seedDoc struct {
	*Project   `bson:",inline"`
	NeedsIndex bool `bson:"needsIndex"`
}

// InsertMissing stores, in batches, those of ps whose code is not stored
// yet, for seeding and imports: each is validated first, and running it
// again after an interruption adds only what is missing.
func (s *Store) InsertMissing(ctx context.Context, ps []Project, progress func(done int)) error {
	for i := range ps {
		if err := ps[i].Validate(); err != nil {
			return fmt.Errorf("project %s: %w", ps[i].Code, err)
		}
	}
	stored := map[string]bool{}
	codes, err := s.c.Distinct(ctx, "code", bson.D{})
	if err != nil {
		return fmt.Errorf("read project codes: %w", err)
	}
	for _, c := range codes {
		if code, ok := c.(string); ok {
			stored[code] = true
		}
	}
	const batch = 500
	docs := make([]any, 0, batch)
	flush := func(done int) error {
		if len(docs) > 0 {
			if _, err := s.c.InsertMany(ctx, docs, options.InsertMany().SetOrdered(true)); err != nil {
				return fmt.Errorf("insert projects: %w", err)
			}
			docs = docs[:0]
		}
		if progress != nil {
			progress(done)
		}
		return nil
	}
	for i := range ps {
		if !stored[ps[i].Code] {
			docs = append(docs, seedDoc{Project: &ps[i], NeedsIndex: true})
		}
		if len(docs) == batch {
			if err := flush(i + 1); err != nil {
				return err
			}
		}
	}
	if err := flush(len(ps)); err != nil {
		return err
	}
	if s.onWrite != nil {
		s.onWrite()
	}
	if !s.embedded() {
		return nil
	}
	return s.bumpRevision(ctx)
}

// Get returns the project with the code.
func (s *Store) Get(ctx context.Context, code string) (*Project, error) {
	var p Project
	if err := s.rec.Get(ctx, code, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// Page is one page of a list.
type Page[T any] struct {
	Items   []T   `json:"items"`
	Total   int64 `json:"total"`
	Page    int   `json:"page"`
	PerPage int   `json:"per_page"`
}

// Pages returns the number of pages.
func (p Page[T]) Pages() int {
	if p.PerPage == 0 {
		return 0
	}
	return int((p.Total + int64(p.PerPage) - 1) / int64(p.PerPage))
}
