// Package mongo connects to MongoDB, or starts an embedded FerretDB (SQLite
// files under the data directory) in this process when no URI is given, so
// the portal runs on a bare machine. It also holds small storage helpers
// shared by the domain packages.
package mongodb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/event"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
	"go.mongodb.org/mongo-driver/mongo/readpref"
	"go.mongodb.org/mongo-driver/mongo/writeconcern"
)

// Options say where the database is.
type Options struct {
	// URI of a MongoDB deployment; empty starts the embedded FerretDB.
	URI string
	// Database name.
	Database string
	// DataDir holds the embedded database's SQLite files.
	DataDir string
	// EmbeddedAddr is the loopback address the embedded FerretDB listens on.
	EmbeddedAddr string
	// Logger for the embedded server; nil discards its chatter.
	Logger *slog.Logger
	// Monitor, when set, observes every command (for latency metrics).
	Monitor *event.CommandMonitor
	// HealthLog gets a line when the database becomes unreachable and
	// when it answers again; nil means slog.Default.
	HealthLog *slog.Logger
	// BulkLoad is for a process that writes many records and then exits
	// (portal seed). The embedded database then syncs its files to disk at
	// its checkpoints and when it closes, not at every commit: a crash of
	// the process loses nothing, a power cut may lose the last commits
	// (never corrupt the file; a bulk load run again adds what is
	// missing), and Close returns only once every file is on disk.
	BulkLoad bool
}

// DB is an open database.
type DB struct {
	Client   *mongo.Client
	Database *mongo.Database
	// Embedded is true when the database is the in-process FerretDB.
	Embedded bool
	// Features is what the database offers; see Features.
	Features Features
	// URI is the address the client connected to (embedded or given).
	URI string
	// Health says whether the database is reachable now, so that callers
	// can fail fast during an outage.
	Health *Health

	stopEmbedded context.CancelFunc
	embeddedDone chan struct{}
	// sqliteDir holds the embedded database's SQLite files.
	sqliteDir string
	// syncDir, when set, is the embedded database's directory, whose
	// files Close syncs to disk (Options.BulkLoad).
	syncDir string
}

// ErrAddrInUse is returned when the embedded database's address is taken.
var ErrAddrInUse = errors.New("embedded database address is already in use")

// Open connects to MongoDB, or starts the embedded FerretDB first.
func Open(ctx context.Context, o Options) (*DB, error) {
	db := &DB{URI: o.URI}
	if o.URI == "" {
		if err := db.startEmbedded(o); err != nil {
			return nil, err
		}
	}
	// No client-wide timeout: it adds maxTimeMS to every command, which
	// FerretDB refuses on some (distinct); callers pass deadlines in ctx.
	copts := options.Client().ApplyURI(db.URI).
		SetServerSelectionTimeout(10 * time.Second)
	if o.Monitor != nil {
		copts.SetMonitor(o.Monitor)
	}
	db.Health = NewHealth(db.Ping, o.HealthLog)
	copts.SetServerMonitor(db.Health.ServerMonitor())
	if !db.Embedded {
		// On a replica set an acknowledged write must survive a failover.
		copts.SetWriteConcern(writeconcern.Majority())
	}
	client, err := mongo.Connect(ctx, copts)
	if err != nil {
		db.stop()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := client.Ping(pctx, readpref.Primary()); err != nil {
		_ = client.Disconnect(context.Background())
		db.stop()
		return nil, fmt.Errorf("ping database: %w", err)
	}
	db.Client = client
	db.Database = client.Database(o.Database)
	db.Features = detectFeatures(pctx, client, db.Embedded)
	SetFeatures(client, db.Features)
	if db.Embedded {
		// Lookups by _id become indexed reads (see EnsureLookupIndex).
		sqliteDirs.Store(client, db.sqliteDir)
		log := o.HealthLog
		if log == nil {
			log = slog.Default()
		}
		ensureAllLookupIndexes(ctx, db.sqliteDir, log)
	}
	return db, nil
}

func (db *DB) startEmbedded(o Options) error {
	addr := o.EmbeddedAddr
	if addr == "" {
		addr = "127.0.0.1:27017"
	}
	if err := checkLoopback(addr); err != nil {
		return err
	}
	// Probe first: FerretDB's own error for a taken port is obscure.
	if l, err := net.Listen("tcp", addr); err != nil {
		return fmt.Errorf("%w: %s (set MONGO_EMBEDDED_ADDR to another address, or MONGO_URI to use MongoDB): %v", ErrAddrInUse, addr, err)
	} else {
		_ = l.Close()
	}
	dir := filepath.Join(o.DataDir, "db")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	logger := o.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	url := "file:" + abs + "/"
	if o.BulkLoad {
		// WAL with synchronous=NORMAL stays consistent after a power cut.
		// temp_store(memory) keeps each multi-row insert's statement
		// journal in memory rather than in a temporary file (6% of a
		// seed's CPU went to writing it). FerretDB adds its own pragmas
		// (busy_timeout, journal_mode(wal)).
		url += "?_pragma=synchronous(normal)&_pragma=temp_store(memory)"
		db.syncDir = abs
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: addr},
		Handler:   "sqlite",
		SQLiteURL: url,
		Logger:    logger,
	})
	if err != nil {
		return fmt.Errorf("start embedded database: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx)
	}()
	db.Embedded = true
	db.stopEmbedded = cancel
	db.embeddedDone = done
	db.URI = f.MongoDBURI()
	db.sqliteDir = abs
	return nil
}

// checkLoopback refuses a non-loopback address: the embedded server has no
// authentication and must not be reachable from the network.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("MONGO_EMBEDDED_ADDR %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("MONGO_EMBEDDED_ADDR %q must be a loopback address", addr)
	}
	return nil
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if db.Client == nil {
		return errors.New("database not connected")
	}
	return db.Client.Ping(ctx, readpref.Primary())
}

// Close disconnects and stops the embedded database, waiting for it to
// flush so that every acknowledged write is on disk.
func (db *DB) Close(ctx context.Context) error {
	var err error
	if db.Client != nil {
		sqliteDirs.Delete(db.Client)
		err = db.Client.Disconnect(ctx)
	}
	if !db.stop() {
		return errors.Join(err, errors.New("embedded database did not stop within 10 s; its last writes may not be on disk"))
	}
	if db.syncDir != "" {
		err = errors.Join(err, syncFiles(db.syncDir))
		db.syncDir = ""
	}
	return err
}

// stop stops the embedded database and reports whether it finished (its
// files closed) in time.
func (db *DB) stop() bool {
	if db.stopEmbedded == nil {
		return true
	}
	db.stopEmbedded()
	db.stopEmbedded = nil
	select {
	case <-db.embeddedDone:
		return true
	case <-time.After(10 * time.Second):
		return false
	}
}

// syncFiles flushes every file of dir, and dir itself, to disk.
func syncFiles(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("sync database files: %w", err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		if err := syncPath(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
	}
	return syncPath(dir)
}

func syncPath(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil // a WAL file removed by the last close
	}
	if err != nil {
		return fmt.Errorf("sync database files: %w", err)
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return nil
}
