package mongotest

import (
	"context"
	"sync/atomic"
	"testing"

	"go.mongodb.org/mongo-driver/event"
	drv "go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// countedKey marks the contexts whose database commands a CountingDB counts.
type countedKey struct{}

// Counted returns ctx marked so that a CountingDB counts the commands sent
// with it (a test's "request"), and no others (background loops).
func Counted(ctx context.Context) context.Context {
	return context.WithValue(ctx, countedKey{}, true)
}

// CountingDB returns db on a client of its own, as another portal process
// would have, and the number of commands sent on it with a Counted
// context. The client is closed when the test ends (after the cleanups
// registered later, such as a store's loop, have run).
func CountingDB(tb testing.TB, db *drv.Database) (*drv.Database, *atomic.Int64) {
	tb.Helper()
	var n atomic.Int64
	return MonitoredDB(tb, db, &event.CommandMonitor{Started: func(ctx context.Context, _ *event.CommandStartedEvent) {
		if ctx.Value(countedKey{}) != nil {
			n.Add(1)
		}
	}}), &n
}

// MonitoredDB returns db on a client of its own whose commands mon sees.
// The client is closed when the test ends (after the cleanups registered
// later).
func MonitoredDB(tb testing.TB, db *drv.Database, mon *event.CommandMonitor) *drv.Database {
	tb.Helper()
	client, err := drv.Connect(context.Background(), options.Client().ApplyURI(Server(tb).URI).SetMonitor(mon))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	return client.Database(db.Name())
}
