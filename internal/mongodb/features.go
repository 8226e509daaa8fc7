package mongodb

import (
	"context"
	"sync"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

// Features is the one switch between the embedded FerretDB and MongoDB.
// Everything the code does only because FerretDB 1.24 lacks something (see
// shared/MONGO-COMPAT.md and the README) asks this switch, so that on a
// real MongoDB the code uses the database's own features instead.
type Features struct {
	// Embedded is true for FerretDB. There an updateOne is a read followed
	// by a write without isolation, so writes to one document are
	// serialized in this process (LockDocument); $group is right for one
	// accumulator only; there are no TTL indexes, no transactions and no
	// change streams.
	Embedded bool
	// Transactions is true on a replica set or a sharded cluster (never
	// on FerretDB, never on a standalone mongod). The portal does not use
	// them (see the README: a write is one document, and the in-memory
	// read models would read a transaction's records before its commit);
	// it is reported at start so that an operator sees what was found.
	Transactions bool
}

// IsolatedUpdates reports whether an updateOne filtered on a version is
// atomic in the database itself, so no in-process lock is needed.
func (f Features) IsolatedUpdates() bool { return !f.Embedded }

// TTLIndexes reports whether the database expires documents itself.
func (f Features) TTLIndexes() bool { return !f.Embedded }

// features remembers what each client opened by Open (or told by
// SetFeatures) connects to; collections find it through their client.
var features sync.Map // *mongo.Client → Features

// FeaturesOf returns the features of the database a collection or
// database belongs to. A client this package did not open counts as
// embedded: its workarounds are correct on MongoDB too, only slower.
func FeaturesOf(db *mongo.Database) Features {
	if db == nil {
		return Features{Embedded: true}
	}
	if f, ok := features.Load(db.Client()); ok {
		return f.(Features)
	}
	return Features{Embedded: true}
}

// SetFeatures records the features of a client (Open does it).
func SetFeatures(c *mongo.Client, f Features) { features.Store(c, f) }

// detectFeatures asks the server what it is: FerretDB names itself in
// buildInfo, and hello tells a replica set (setName) or a mongos
// ("isdbgrid") from a standalone server.
func detectFeatures(ctx context.Context, c *mongo.Client, embedded bool) Features {
	if embedded {
		return Features{Embedded: true}
	}
	admin := c.Database("admin")
	var info bson.M
	if err := admin.RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err == nil {
		if _, ferret := info["ferretdbVersion"]; ferret {
			return Features{Embedded: true}
		}
		if _, ferret := info["ferretdbFeatures"]; ferret {
			return Features{Embedded: true}
		}
	}
	var hello bson.M
	if err := admin.RunCommand(ctx, bson.D{{Key: "hello", Value: 1}}).Decode(&hello); err != nil {
		return Features{}
	}
	_, replica := hello["setName"]
	return Features{Transactions: replica || hello["msg"] == "isdbgrid"}
}
