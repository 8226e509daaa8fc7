package mongodb_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/mongodb"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
)

// TestLookupIndexMakesIDLookupsIndexed: on the embedded FerretDB a lookup
// by _id scans the SQLite table until EnsureLookupIndex has run, and is an
// indexed search afterwards; finds and updates by _id still see and change
// the right document, and the index follows inserts made after it.
func TestLookupIndexMakesIDLookupsIndexed(t *testing.T) {
	if os.Getenv(mongotest.URIEnv) != "" {
		t.Skip("the lookup index is for the embedded database only")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := mongotest.MustOpenDB(t).Collection("things")
	ids := make([]primitive.ObjectID, 50)
	docs := make([]any, len(ids))
	for i := range ids {
		ids[i] = primitive.NewObjectID()
		docs[i] = bson.D{{Key: "_id", Value: ids[i]}, {Key: "n", Value: i}}
	}
	if _, err := c.InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}
	plan, err := mongodb.ExplainLookup(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, "SCAN") {
		t.Fatalf("before the lookup index FerretDB's _id lookup should scan, plan %q", plan)
	}
	if err := mongodb.EnsureLookupIndex(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := mongodb.EnsureLookupIndex(ctx, c); err != nil { // once is enough; twice is harmless
		t.Fatal(err)
	}
	plan, err = mongodb.ExplainLookup(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, "USING INDEX") || !strings.Contains(plan, "__id_lookup") {
		t.Fatalf("after EnsureLookupIndex the _id lookup should use the index, plan %q", plan)
	}

	late := primitive.NewObjectID()
	if _, err := c.InsertOne(ctx, bson.D{{Key: "_id", Value: late}, {Key: "n", Value: 99}}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []primitive.ObjectID{ids[0], ids[37], late} {
		res, err := c.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$inc", Value: bson.D{{Key: "n", Value: 1000}}}})
		if err != nil || res.MatchedCount != 1 || res.ModifiedCount != 1 {
			t.Fatalf("update %s: %+v %v", id.Hex(), res, err)
		}
	}
	want := map[primitive.ObjectID]int32{ids[0]: 1000, ids[37]: 1037, ids[49]: 49, late: 1099}
	for id, n := range want {
		var got struct {
			N int32 `bson:"n"`
		}
		if err := c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&got); err != nil || got.N != n {
			t.Fatalf("find %s: n=%d, want %d (%v)", id.Hex(), got.N, n, err)
		}
	}
	if n, err := c.CountDocuments(ctx, bson.D{}); err != nil || n != 51 {
		t.Fatalf("count %d %v", n, err)
	}
}

// TestLookupIndexWaitsForTheCollection: before the collection exists there
// is nothing to index and nothing is remembered, so a later call indexes it.
func TestLookupIndexWaitsForTheCollection(t *testing.T) {
	if os.Getenv(mongotest.URIEnv) != "" {
		t.Skip("the lookup index is for the embedded database only")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db := mongotest.MustOpenDB(t)
	if _, err := db.Collection("first").InsertOne(ctx, bson.D{{Key: "x", Value: 1}}); err != nil {
		t.Fatal(err)
	}
	c := db.Collection("later")
	if err := mongodb.EnsureLookupIndex(ctx, c); err != nil {
		t.Fatal(err)
	}
	if _, err := c.InsertOne(ctx, bson.D{{Key: "x", Value: 1}}); err != nil {
		t.Fatal(err)
	}
	if err := mongodb.EnsureLookupIndex(ctx, c); err != nil {
		t.Fatal(err)
	}
	plan, err := mongodb.ExplainLookup(ctx, c)
	if err != nil || !strings.Contains(plan, "USING INDEX") {
		t.Fatalf("plan %q %v", plan, err)
	}
}

// TestOpenIndexesExistingCollections: a database written before (by an
// older portal, or by `portal seed`) gets the lookup index on every
// collection when the embedded database is opened again.
func TestOpenIndexesExistingCollections(t *testing.T) {
	if os.Getenv(mongotest.URIEnv) != "" {
		t.Skip("the lookup index is for the embedded database only")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	open := func() *mongodb.DB {
		db, err := mongodb.Open(ctx, mongodb.Options{Database: "portal", DataDir: dir, EmbeddedAddr: mongotest.FreeAddr(t)})
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	db := open()
	for _, name := range []string{"projects", "users"} {
		if _, err := db.Database.Collection(name).InsertOne(ctx, bson.D{{Key: "x", Value: 1}}); err != nil {
			t.Fatal(err)
		}
	}
	if plan, err := mongodb.ExplainLookup(ctx, db.Database.Collection("projects")); err != nil || !strings.Contains(plan, "SCAN") {
		t.Fatalf("a collection created after Open is not indexed yet: plan %q %v", plan, err)
	}
	if err := db.Close(ctx); err != nil {
		t.Fatal(err)
	}
	db = open()
	defer db.Close(ctx)
	for _, name := range []string{"projects", "users"} {
		plan, err := mongodb.ExplainLookup(ctx, db.Database.Collection(name))
		if err != nil || !strings.Contains(plan, "USING INDEX") {
			t.Fatalf("%s after reopening: plan %q %v", name, plan, err)
		}
	}
}
