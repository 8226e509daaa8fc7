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

	"github.com/khanhhoa/investportal/internal/app"
	"github.com/khanhhoa/investportal/internal/backup"
	"github.com/khanhhoa/investportal/internal/config"
	"github.com/khanhhoa/investportal/internal/datadir"
	"github.com/khanhhoa/investportal/internal/mongodb"
)

// database is a database opened for export or import, with DATA_DIR's
// lock when it is the embedded one.
type database struct {
	*mongodb.DB
	lock *datadir.Lock
}

// openDatabase connects to the configured database (starting the embedded
// one if MONGO_URI is unset, after taking DATA_DIR's lock) without creating
// accounts, indexes or demo data, so that an import finds an empty
// database empty. command names this process in the lock file.
func openDatabase(ctx context.Context, cfg config.Config, command string) (*database, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	d := &database{}
	if cfg.MongoURI == "" {
		l, err := app.LockDataDir(cfg.DataDir, command)
		if err != nil {
			return nil, err
		}
		d.lock = l
	}
	db, err := mongodb.Open(ctx, mongodb.Options{
		URI: cfg.MongoURI, Database: cfg.MongoDatabase, DataDir: cfg.DataDir,
		EmbeddedAddr: cfg.MongoEmbeddedAddr,
		// The embedded server's own lines (one per connection) would
		// drown the progress; its errors still show.
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
	})
	if err != nil {
		_ = d.lock.Release()
		return nil, err
	}
	d.DB = db
	return d, nil
}

func (d *database) close(log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := d.DB.Close(ctx); err != nil {
		log.Warn("close database", "err", err)
	}
	if err := d.lock.Release(); err != nil {
		log.Warn("release DATA_DIR lock", "err", err)
	}
}

// exportCmd is `portal export --out DIR`: every collection, GridFS files
// included, as canonical Extended JSON lines with a manifest.
func exportCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	out := fs.String("out", "", "directory to write the backup into (created; must not hold a backup)")
	if err := parseFlags(fs, "portal export --out DIR", args, stdout); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		return errors.New("usage: portal export --out DIR")
	}
	db, err := openDatabase(ctx, cfg, "portal export")
	if err != nil {
		return err
	}
	defer db.close(log)
	start := time.Now()
	bar := newProgress(stdout, "export")
	m, err := backup.Export(ctx, db.Database, *out, bar.Set)
	bar.Done(err)
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
	const synopsis = "portal import DIR [--force]"
	if err := parseFlags(fs, synopsis, args, stdout); err != nil {
		return err
	}
	if fs.NArg() < 1 {
		return errors.New("usage: " + synopsis)
	}
	dir := fs.Arg(0)
	// Flags may also follow the directory.
	if err := parseFlags(fs, synopsis, fs.Args()[1:], stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.New("usage: " + synopsis)
	}
	db, err := openDatabase(ctx, cfg, "portal import")
	if err != nil {
		return err
	}
	defer db.close(log)
	start := time.Now()
	bar := newProgress(stdout, "import")
	m, err := backup.Import(ctx, db.Database, dir, backup.ImportOptions{Force: *force, Progress: bar.Set})
	bar.Done(err)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %d documents in %d collections from %s in %s; run `portal reindex` to rebuild the search index\n",
		m.Total(), len(m.Collections), dir, time.Since(start).Round(time.Millisecond))
	return nil
}
