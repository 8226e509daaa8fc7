package project

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Collection is the MongoDB collection that holds projects.
const Collection = "projects"

// Store keeps projects in MongoDB.
type Store struct {
	c     *mongo.Collection
	meta  *mongo.Collection
	snaps snapshots
	log   *slog.Logger
}

// NewStore returns a store on db.
func NewStore(db *mongo.Database) *Store {
	return &Store{c: db.Collection(Collection), meta: db.Collection(revCollection)}
}

// EnsureIndexes creates the indexes lists and stats rely on.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	return mongodb.EnsureIndexes(ctx, s.c,
		mongo.IndexModel{Keys: bson.D{{Key: "code", Value: 1}}, Options: options.Index().SetUnique(true).SetName("code_unique")},
		mongo.IndexModel{Keys: bson.D{{Key: "capitalVnd", Value: -1}}, Options: options.Index().SetName("capital")},
		mongo.IndexModel{Keys: bson.D{{Key: "sector", Value: 1}}, Options: options.Index().SetName("sector")},
		mongo.IndexModel{Keys: bson.D{{Key: "location", Value: 1}}, Options: options.Index().SetName("location")},
		mongo.IndexModel{Keys: bson.D{{Key: "stage", Value: 1}}, Options: options.Index().SetName("stage")},
	)
}

// Count returns the number of stored projects.
func (s *Store) Count(ctx context.Context) (int64, error) {
	return s.c.CountDocuments(ctx, bson.D{})
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
			docs = append(docs, &ps[i])
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
	return s.bumpRevision(ctx)
}

// Create stores a new project; a taken code is a field error.
func (s *Store) Create(ctx context.Context, p *Project, now time.Time) error {
	if err := p.Validate(); err != nil {
		return err
	}
	p.CreatedAt, p.UpdatedAt, p.Version = now.UTC(), now.UTC(), 1
	if _, err := s.c.InsertOne(ctx, p); err != nil {
		if mongodb.IsDuplicateKey(err) {
			return &apperr.Error{Code: apperr.CodeInvalid, MessageID: "error.invalid", Fields: map[string]string{"code": "project.error.code_taken"}}
		}
		return fmt.Errorf("insert project: %w", err)
	}
	s.written(ctx, p.Code)
	return nil
}

// Get returns the project with the code.
func (s *Store) Get(ctx context.Context, code string) (*Project, error) {
	var p Project
	err := s.c.FindOne(ctx, bson.D{{Key: "code", Value: code}},
		options.FindOne().SetProjection(bson.D{{Key: historyField, Value: 0}})).Decode(&p)
	if mongodb.IsNoDocuments(err) {
		return nil, apperr.NotFound("project.error.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("get project %s: %w", code, err)
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
