package project

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/khanhhoa/investportal/internal/mongodb"
	"github.com/khanhhoa/investportal/internal/paging"
	"github.com/khanhhoa/investportal/internal/record"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Collection is the MongoDB collection that holds projects.
const Collection = "projects"

// Store keeps projects in MongoDB.
type Store struct {
	rec *record.Collection
	c   *mongo.Collection
	// meta holds the watch settings (settings).
	meta     *mongo.Collection
	settings *record.Collection
	// f is the read model and its following of the change log.
	f       follower
	log     *slog.Logger
	onWrite func()
}

// metaCollection holds small documents such as the watch settings.
const metaCollection = "meta"

// NewStore returns a store on db.
func NewStore(db *mongo.Database) *Store {
	c := db.Collection(Collection)
	meta := db.Collection(metaCollection)
	return &Store{
		c: c,
		// Records are addressed by _id, the one key the embedded FerretDB
		// finds without reading every document; the read model maps codes
		// to it.
		rec:      record.New(c, record.Options{NotFound: "project.error.not_found", Conflict: "project.error.changed"}),
		meta:     meta,
		settings: record.New(meta, record.Options{Conflict: "project.error.settings_changed", Unindexed: true}),
		f:        newFollower(),
	}
}

// SetLogger sets where the store reports what it handles without failing
// a request (a write stored but not announced); slog.Default() if unset.
func (s *Store) SetLogger(l *slog.Logger) { s.log = l }

func (s *Store) logger() *slog.Logger {
	if s.log == nil {
		return slog.Default()
	}
	return s.log
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
// again after an interruption adds only what is missing. The inserted
// projects join this process's read model at once; other processes reload
// theirs (one change entry asks them to), and a new checkpoint spares the
// next start that reload.
func (s *Store) InsertMissing(ctx context.Context, ps []Project, progress func(done int)) error {
	if err := s.ensureLoaded(ctx); err != nil {
		return err
	}
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
	var inserted []*Project
	flush := func(done int) error {
		if len(docs) > 0 {
			if _, err := s.c.InsertMany(ctx, docs, options.InsertMany().SetOrdered(true)); err != nil {
				return fmt.Errorf("insert projects: %w", err)
			}
			for _, d := range docs {
				// As stored (times in milliseconds, UTC), for the model.
				p := new(Project)
				if err := bson.Unmarshal(d.(bson.Raw), p); err != nil {
					return fmt.Errorf("insert projects: %w", err)
				}
				inserted = append(inserted, p)
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
			if ps[i].ID.IsZero() {
				ps[i].ID = primitive.NewObjectID()
			}
			// Marshalled once, for the insert and for the model.
			raw, err := bson.Marshal(seedDoc{Project: &ps[i], NeedsIndex: true})
			if err != nil {
				return fmt.Errorf("project %s: %w", ps[i].Code, err)
			}
			docs = append(docs, bson.Raw(raw))
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
	if len(inserted) == 0 {
		return nil
	}
	s.f.m.mu.Lock()
	s.f.m.putAll(inserted)
	s.f.m.mu.Unlock()
	s.announce(ctx, changeEntry{Code: reloadAll})
	if err := s.poll(ctx); err != nil {
		return err
	}
	if err := s.SaveCheckpoint(ctx); err != nil {
		s.logger().Warn("save projects checkpoint", "err", err)
	}
	return nil
}

// Get returns the project with the code, from the read model (no history;
// see History).
func (s *Store) Get(ctx context.Context, code string) (*Project, error) {
	m, err := s.model(ctx)
	if err != nil {
		return nil, err
	}
	p, ok := m.get(code)
	if !ok {
		return nil, s.rec.NotFound()
	}
	c := clone(p)
	return &c, nil
}

// idOf returns the _id of the project with the code: from the read model,
// or for a project another process created since the model last looked,
// from the database.
func (s *Store) idOf(ctx context.Context, code string) (primitive.ObjectID, error) {
	m, err := s.model(ctx)
	if err != nil {
		return primitive.NilObjectID, err
	}
	if p, ok := m.get(code); ok && !p.ID.IsZero() {
		return p.ID, nil
	}
	var doc struct {
		ID primitive.ObjectID `bson:"_id"`
	}
	err = s.c.FindOne(ctx, bson.D{{Key: "code", Value: code}},
		options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}})).Decode(&doc)
	if mongodb.IsNoDocuments(err) {
		return primitive.NilObjectID, s.rec.NotFound()
	}
	if err != nil {
		return primitive.NilObjectID, fmt.Errorf("find project %s: %w", code, err)
	}
	return doc.ID, nil
}

// Page is one page of a list.
type Page[T any] struct {
	Items   []T   `json:"items"`
	Total   int64 `json:"total"`
	Page    int   `json:"page"`
	PerPage int   `json:"per_page"`
}

// Pages returns the number of pages.
func (p Page[T]) Pages() int { return paging.Count(p.Total, p.PerPage) }
