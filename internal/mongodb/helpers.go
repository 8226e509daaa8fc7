package mongodb

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Index is an index to create at start.
type Index = mongo.IndexModel

// EnsureIndexes creates those of a collection's indexes that do not exist
// yet, by name, so it can run at every start. Every index must be named.
// (Asking FerretDB 1.24 to create an index that already exists, after a
// restart, panics its connection handler, so existing ones are skipped.)
func EnsureIndexes(ctx context.Context, c *mongo.Collection, idx ...Index) error {
	cur, err := c.Indexes().List(ctx)
	if err != nil {
		return fmt.Errorf("list indexes on %s: %w", c.Name(), err)
	}
	var existing []struct {
		Name string `bson:"name"`
	}
	if err := cur.All(ctx, &existing); err != nil {
		return fmt.Errorf("list indexes on %s: %w", c.Name(), err)
	}
	have := map[string]bool{}
	for _, e := range existing {
		have[e.Name] = true
	}
	var missing []Index
	for _, i := range idx {
		if i.Options == nil || i.Options.Name == nil {
			return fmt.Errorf("index on %s has no name", c.Name())
		}
		if !have[*i.Options.Name] {
			missing = append(missing, i)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if _, err := c.Indexes().CreateMany(ctx, missing); err != nil {
		return fmt.Errorf("create indexes on %s: %w", c.Name(), err)
	}
	return nil
}

// IsNoDocuments reports whether err means that nothing matched.
func IsNoDocuments(err error) bool { return errors.Is(err, mongo.ErrNoDocuments) }

// IsDuplicateKey reports whether err is a unique-index violation.
func IsDuplicateKey(err error) bool { return mongo.IsDuplicateKeyError(err) }

// InsertSkippingDuplicates inserts docs in one unordered insert and returns
// how many were stored; documents refused for a duplicate key are skipped
// (a bulk load run again adds only what is missing).
func InsertSkippingDuplicates(ctx context.Context, c *mongo.Collection, docs []any) (int, error) {
	res, err := c.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err == nil {
		return len(res.InsertedIDs), nil
	}
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil {
		return 0, err
	}
	for _, we := range bwe.WriteErrors {
		if !mongo.IsDuplicateKeyError(we.WriteError) {
			return 0, err
		}
	}
	return len(docs) - len(bwe.WriteErrors), nil
}
