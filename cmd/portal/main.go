// Command portal runs the Khánh Hòa Investment Portal.
//
//	portal [serve]          serve the site, the API and Swagger UI
//	portal seed [--scale N] load the synthetic demo data (N times over)
//	portal reindex          rebuild the search index
//	portal user ...         add, change or disable accounts
//	portal migrate [--apply] bring an older database up to date (dry run by default)
//	portal export|import    back up and restore the database
//
// Settings come from the environment; see README.md and .env.example.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/khanhhoa/investportal/internal/app"
	"github.com/khanhhoa/investportal/internal/config"
)

func main() {
	if err := run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "portal:", err)
		os.Exit(1)
	}
}

func run(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := config.FromEnv(getenv)
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	err = dispatch(ctx, cfg, log, args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil // the usage was asked for and shown
	}
	return err
}

func dispatch(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, cfg, log, args, stdout)
	case "seed":
		return seedCmd(ctx, cfg, log, args, stdout)
	case "reindex":
		return reindexCmd(ctx, cfg, log, args, stdout)
	case "user":
		return userCmd(ctx, cfg, log, args, os.Stdin, stdout)
	case "migrate":
		return migrateCmd(ctx, cfg, log, args, stdout)
	case "export":
		return exportCmd(ctx, cfg, log, args, stdout)
	case "import":
		return importCmd(ctx, cfg, log, args, stdout)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	default:
		return fmt.Errorf("unknown command %q\n%s", cmd, usage)
	}
}

const usage = `usage: portal [command]

  serve                     serve the site, the API and Swagger UI (the default)
  seed [--scale N]          load the synthetic demo data, N times over
  reindex                   rebuild the search index from the database
  user add|set-password|disable|token ...
                            manage accounts (portal user for details)
  migrate [--apply]         bring an older database up to date: print every change
                            (a dry run), --apply to write them
  export --out DIR          write every collection and file as JSON lines with a manifest
  import [--force] DIR      restore a backup into an empty database
  help                      show this text`

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// parseFlags parses a subcommand's flags. -h or --help prints the usage on
// stdout and returns flag.ErrHelp, which run turns into success (exit 0);
// any other mistake is an error that carries the usage.
func parseFlags(fs *flag.FlagSet, synopsis string, args []string, stdout io.Writer) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if err == nil {
		return nil
	}
	var b strings.Builder
	b.WriteString("usage: " + synopsis + "\n")
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	if errors.Is(err, flag.ErrHelp) {
		io.WriteString(stdout, b.String())
		return flag.ErrHelp
	}
	return fmt.Errorf("%w\n%s", err, strings.TrimRight(b.String(), "\n"))
}

// serve binds PORT and METRICS_ADDR and takes DATA_DIR before anything is
// created (see app.OpenWith), then serves until ctx ends.
func serve(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	if err := parseFlags(fs, "portal serve (settings come from the environment; see portal help)", args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("portal serve takes no arguments\n%s", usage)
	}
	log.Info("starting portal", cfg.Masked()...)
	a, err := app.OpenWith(ctx, cfg, log, app.Options{Command: "portal serve", Serve: true})
	if err != nil {
		return err
	}
	printCredentials(stdout, a)
	return a.Run(ctx)
}

// printCredentials shows, once, the passwords generated at this start.
func printCredentials(w io.Writer, a *app.App) {
	if len(a.Credentials) == 0 {
		return
	}
	fmt.Fprintln(w, "Accounts created (passwords shown only now; change them after signing in):")
	for _, c := range a.Credentials {
		pw := c.Password
		if pw == "" {
			pw = "(as configured)"
		}
		fmt.Fprintf(w, "  %-10s %-28s %s\n", c.Role, c.Email, pw)
	}
}

func seedCmd(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	scale := fs.Int("scale", 1, "write the demo data N times over, for load tests")
	if err := parseFlags(fs, "portal seed [--scale N]", args, stdout); err != nil {
		return err
	}
	if *scale < 1 || *scale > 1000 {
		return errors.New("--scale must be between 1 and 1000")
	}
	cfg.Demo = false // load explicitly below, at the asked scale
	a, err := app.OpenWith(ctx, cfg, log, app.Options{Command: "portal seed", BulkLoad: true})
	if err != nil {
		return err
	}
	bar := newProgress(stdout, "seed")
	err = a.Seed(ctx, *scale, bar.Set)
	// A bulk load is on disk only once the database has closed.
	if cerr := a.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("seed: close database: %w", cerr)
	}
	bar.Done(err)
	return err
}
