package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/khanhhoa/investportal/internal/app"
	"github.com/khanhhoa/investportal/internal/config"
)

// reindexCmd rebuilds the search index from MongoDB with a progress bar.
// With the embedded database or the embedded index, stop the portal first:
// both belong to the process that opened them, and DATA_DIR's lock refuses
// a second process at once, naming the one that holds it.
func reindexCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("reindex", flag.ContinueOnError)
	if err := parseFlags(fs, "portal reindex", args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.New("usage: portal reindex")
	}
	cfg.Demo = false // rebuild what is stored; load nothing
	a, err := app.OpenWith(ctx, cfg, log, app.Options{Command: "portal reindex"})
	if err != nil {
		return err
	}
	defer a.Close()
	start := time.Now()
	bar := newProgress(stdout, "reindex")
	err = a.Indexer.Rebuild(ctx, bar.Set)
	bar.Done(err)
	if err != nil {
		return err
	}
	n, err := a.Search.Count(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "reindex: %s index holds %d documents (%s)\n", a.Search.Name(), n, time.Since(start).Round(time.Millisecond))
	return nil
}
