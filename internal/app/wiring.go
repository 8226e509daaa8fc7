package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"path/filepath"

	"github.com/khanhhoa/investportal/internal/config"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"github.com/khanhhoa/investportal/internal/search"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

// sharedSecret returns the random secret every portal process on this
// database shares, creating it on first start. Racing first starts agree:
// the insert of all but one fails on the unique _id and they read the
// winner's.
func sharedSecret(ctx context.Context, db *mongo.Database) ([]byte, error) {
	c := db.Collection(metaCollection)
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	_, err := c.InsertOne(ctx, bson.D{{Key: "_id", Value: "app_secret"}, {Key: "value", Value: hex.EncodeToString(b[:])}})
	if err != nil && !mongodb.IsDuplicateKey(err) {
		return nil, fmt.Errorf("store app secret: %w", err)
	}
	var doc struct {
		Value string `bson:"value"`
	}
	if err := c.FindOne(ctx, bson.D{{Key: "_id", Value: "app_secret"}}).Decode(&doc); err != nil {
		return nil, fmt.Errorf("read app secret: %w", err)
	}
	return hex.DecodeString(doc.Value)
}

// searchDir is the embedded index's folder in DATA_DIR.
func searchDir(cfg config.Config) string { return filepath.Join(cfg.DataDir, "search") }

// openSearch picks Meilisearch when MEILI_URL is set, else the embedded
// Bleve index under DATA_DIR. On error the engine is a nil interface, not
// a nil pointer that closing would dereference.
func openSearch(cfg config.Config) (search.Engine, error) {
	if cfg.MeiliURL != "" {
		m, err := search.NewMeili(cfg.MeiliURL, cfg.MeiliKey, cfg.MeiliIndex)
		if err != nil {
			return nil, err
		}
		return m, nil
	}
	b, err := search.NewBleve(searchDir(cfg))
	if err != nil {
		return nil, err
	}
	return b, nil
}
