package mongodb_test

import (
	"context"
	"os"
	"testing"

	"github.com/khanhhoa/investportal/internal/mongodb"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"go.mongodb.org/mongo-driver/bson"
)

// TestFeaturesTellFerretDBFromMongoDB: the switch must say "embedded" for
// the in-process FerretDB and for a FerretDB reached by URI (it names
// itself in buildInfo), and not for a MongoDB at TEST_MONGO_URI.
func TestFeaturesTellFerretDBFromMongoDB(t *testing.T) {
	srv := mongotest.Server(t)
	f := mongodb.FeaturesOf(mongotest.MustOpenDB(t))
	if os.Getenv(mongotest.URIEnv) == "" {
		if !srv.Embedded || !f.Embedded || f.IsolatedUpdates() || f.TTLIndexes() || f.Transactions {
			t.Fatalf("embedded FerretDB: %+v", f)
		}
		// The same server reached by its URI, as MONGO_URI would.
		db, err := mongodb.Open(context.Background(), mongodb.Options{URI: srv.URI, Database: "features"})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close(context.Background())
		if db.Embedded || !db.Features.Embedded {
			t.Fatalf("FerretDB by URI not recognised: embedded=%v features=%+v", db.Embedded, db.Features)
		}
		return
	}
	// TEST_MONGO_URI may name a FerretDB server too (how the tests'
	// routing is checked where no MongoDB can be installed): ask the
	// server what it is, independently of detectFeatures.
	var info bson.M
	if err := srv.Client.Database("admin").RunCommand(context.Background(), bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err != nil {
		t.Fatal(err)
	}
	_, ferret := info["ferretdbVersion"]
	if ferret {
		if !f.Embedded || f.IsolatedUpdates() {
			t.Fatalf("FerretDB at %s not recognised: %+v", mongotest.URIEnv, f)
		}
		return
	}
	if f.Embedded || !f.IsolatedUpdates() {
		t.Fatalf("MongoDB at %s taken for FerretDB: %+v", mongotest.URIEnv, f)
	}
}
