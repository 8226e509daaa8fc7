// Package mongotest gives tests a fresh database on an embedded FerretDB.
// One server is started per test binary; each call gets its own database.
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

// Server returns the test binary's embedded database server, started on
// first use. Its data directory is removed when the process exits only if
// the OS cleans its temp dir; tests should not depend on that.
func Server(tb testing.TB) *mongodb.DB {
	tb.Helper()
	once.Do(func() {
		dir, err := os.MkdirTemp("", "portal-test-db-")
		if err != nil {
			openErr = err
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		shared, openErr = mongodb.Open(ctx, mongodb.Options{Database: "unused", DataDir: dir, EmbeddedAddr: FreeAddr(tb)})
	})
	if openErr != nil {
		tb.Fatalf("start embedded database: %v", openErr)
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
