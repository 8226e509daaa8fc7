// Package mongotest gives tests a fresh database on an embedded FerretDB,
// or on the MongoDB deployment named by TEST_MONGO_URI. One server is used
// per test binary; each call gets its own database.
package mongotest

import (
	"context"
	"fmt"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/mongodb"
	drv "go.mongodb.org/mongo-driver/mongo"
)

var (
	once    sync.Once
	shared  *mongodb.DB
	openErr error
	seq     atomic.Int64
)

// FreeAddr returns a loopback address with a free port.
func FreeAddr(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

// URIEnv names the environment variable that points the tests at a real
// MongoDB deployment (such as mongodb://127.0.0.1:27017/?replicaSet=rs0)
// instead of the embedded FerretDB, so the same store tests run on both
// backends. Each test still gets its own database, dropped at its end.
const URIEnv = "TEST_MONGO_URI"

// Server returns the test binary's database server: MongoDB at
// $TEST_MONGO_URI when set, else an embedded FerretDB started on first use.
// The embedded server's data directory is removed when the process exits
// only if the OS cleans its temp dir; tests should not depend on that.
func Server(tb testing.TB) *mongodb.DB {
	tb.Helper()
	once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		if uri := os.Getenv(URIEnv); uri != "" {
			shared, openErr = mongodb.Open(ctx, mongodb.Options{URI: uri, Database: "unused"})
			return
		}
		dir, err := os.MkdirTemp("", "portal-test-db-")
		if err != nil {
			openErr = err
			return
		}
		shared, openErr = mongodb.Open(ctx, mongodb.Options{Database: "unused", DataDir: dir, EmbeddedAddr: FreeAddr(tb)})
	})
	if openErr != nil {
		tb.Fatalf("open the test database (%s=%q): %v", URIEnv, os.Getenv(URIEnv), openErr)
	}
	return shared
}

// MustOpenDB returns a new, empty database on the shared embedded server,
// dropped when the test ends.
func MustOpenDB(tb testing.TB) *drv.Database {
	tb.Helper()
	srv := Server(tb)
	name := fmt.Sprintf("t%d_%d", os.Getpid(), seq.Add(1))
	db := srv.Client.Database(name)
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = db.Drop(ctx)
	})
	return db
}
