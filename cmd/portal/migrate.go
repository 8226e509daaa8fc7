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
	"github.com/khanhhoa/investportal/internal/migrate"
)

// migrateCmd brings a database made by an older portal up to date (see
// internal/migrate): by default a dry run that prints every change it
// would make and writes nothing; --apply makes them. Running it again
// after --apply finds nothing to change. Changes it cannot decide are
// printed as UNCERTAIN and left for a person.
func migrateCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	apply := fs.Bool("apply", false, "write the changes (without it: a dry run)")
	if err := parseFlags(fs, "portal migrate [--apply]", args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.New("usage: portal migrate [--apply]")
	}
	cfg.Demo = false // migrate what is stored; load nothing
	a, err := app.OpenWith(ctx, cfg, log, app.Options{Command: "portal migrate"})
	if err != nil {
		return err
	}
	defer a.Close()
	changes, err := migrate.Run(ctx, a.DB.Database, migrate.Steps(), *apply, time.Now())
	if rerr := migrate.Report(stdout, changes, *apply); rerr != nil && err == nil {
		err = rerr
	}
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}
