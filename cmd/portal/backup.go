package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/khanhhoa/investportal/internal/backup"
	"github.com/khanhhoa/investportal/internal/config"
	"github.com/khanhhoa/investportal/internal/mongo"
)

// openDatabase connects to the configured database (starting the embedded
// one if MONGO_URI is unset) without creating accounts, indexes or demo
// data, so that an import finds an empty database empty.
func openDatabase(ctx context.Context, cfg config.Config, log *slog.Logger) (*mongo.DB, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	return mongo.Open(ctx, mongo.Options{
		URI: cfg.MongoURI, Database: cfg.MongoDatabase, DataDir: cfg.DataDir,
		EmbeddedAddr: cfg.MongoEmbeddedAddr,
		// The embedded server's own lines (one per connection) would
		// drown the progress; its errors still show.
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
	})
}

func closeDatabase(db *mongo.DB, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.Close(ctx); err != nil {
		log.Warn("close database", "err", err)
	}
}

// exportCmd is `portal export --out DIR`: every collection, GridFS files
// included, as canonical Extended JSON lines with a manifest.
func exportCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	out := fs.String("out", "", "directory to write the backup into (created; must not hold a backup)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		return errors.New("usage: portal export --out DIR")
	}
	db, err := openDatabase(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDatabase(db, log)
	start := time.Now()
	bar := newProgress(stdout, "export")
	m, err := backup.Export(ctx, db.Database, *out, bar.Set)
	bar.Done()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "exported %d documents in %d collections to %s in %s\n",
		m.Total(), len(m.Collections), *out, time.Since(start).Round(time.Millisecond))
	return nil
}

// importCmd is `portal import DIR [--force]`: restores a backup into an
// empty database, or over the backup's collections with --force.
func importCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	force := fs.Bool("force", false, "restore into a database that holds data, replacing the backup's collections")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() < 1 {
		return errors.New("usage: portal import DIR [--force]")
	}
	dir := fs.Arg(0)
	// Flags may also follow the directory.
	if err := fs.Parse(fs.Args()[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.New("usage: portal import DIR [--force]")
	}
	db, err := openDatabase(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDatabase(db, log)
	start := time.Now()
	bar := newProgress(stdout, "import")
	m, err := backup.Import(ctx, db.Database, dir, backup.ImportOptions{Force: *force, Progress: bar.Set})
	bar.Done()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %d documents in %d collections from %s in %s; run `portal reindex` to rebuild the search index\n",
		m.Total(), len(m.Collections), dir, time.Since(start).Round(time.Millisecond))
	return nil
}
