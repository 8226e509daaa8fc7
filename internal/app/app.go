// Package app wires the portal together: configuration, database, demo
// data and the web server. cmd/portal hands off to it at once, and tests
// start the whole program through it on port 0.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/config"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/jobs"
	"github.com/khanhhoa/investportal/internal/mail"
	"github.com/khanhhoa/investportal/internal/metrics"
	"github.com/khanhhoa/investportal/internal/mongo"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/ratelimit"
	"github.com/khanhhoa/investportal/internal/search"
	"github.com/khanhhoa/investportal/internal/web"
	"github.com/khanhhoa/investportal/locales"
	"github.com/khanhhoa/investportal/seed/holidays"
)

// App is the running portal.
type App struct {
	Config   config.Config
	Log      *slog.Logger
	DB       *mongo.DB
	I18n     *i18n.Bundle
	Projects *project.Store
	Accounts *account.Store
	Limiter  *ratelimit.Limiter
	// Opportunities and Obstacles are the other domains' stores.
	Opportunities *opportunity.Store
	Obstacles     *obstacle.Store
	// Calendar is the working-day calendar (embedded holidays; admins'
	// additions are merged by the obstacle store).
	Calendar *holidays.Calendar
	// Search is Meilisearch when MEILI_URL is set, else the embedded index.
	Search search.Engine
	// Indexer keeps Search in step with the stored opportunities and
	// projects (see indexer.go).
	Indexer *search.Indexer
	// Mail keeps every e-mail in the outbox and sends it by SMTP if set.
	Mail *mail.Mailer
	// Secret is shared by every process (kept in MongoDB), for derived
	// keys such as obstacle access keys.
	Secret []byte
	Web    *web.Server
	// Metrics is this process's Prometheus registry.
	Metrics *metrics.Metrics
	// Credentials created at this start (generated passwords), for the
	// caller to print once.
	Credentials []account.Credential

	ln          net.Listener
	jobs        *jobs.Runner
	stopIndexer func()
}

// Open connects the database (starting the embedded one if needed),
// creates indexes, loads demo data into an empty database when asked and
// builds the web server. It does not listen yet.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	a := &App{Config: cfg, Log: log, Metrics: metrics.New(metrics.Options{Token: cfg.MetricsToken})}
	bundle, err := i18n.Load(locales.FS, log)
	if err != nil {
		return nil, err
	}
	a.I18n = bundle
	db, err := mongo.Open(ctx, mongo.Options{
		URI: cfg.MongoURI, Database: cfg.MongoDatabase, DataDir: cfg.DataDir,
		EmbeddedAddr: cfg.MongoEmbeddedAddr, Logger: embeddedLogger(log),
		Monitor: a.Metrics.CommandMonitor(),
	})
	if err != nil {
		return nil, err
	}
	a.DB = db
	if db.Embedded {
		log.Info("embedded database started", "uri", db.URI, "data_dir", cfg.DataDir)
	}
	if err := a.openStores(ctx); err != nil {
		a.closeDB()
		return nil, err
	}
	a.newIndexer()
	a.Web, err = web.New(web.Deps{
		Log: log, I18n: bundle, DB: db, Projects: a.Projects,
		Accounts: a.Accounts, Limiter: a.Limiter, SecureCookies: cfg.SecureCookies(),
		Opportunities: a.Opportunities, Obstacles: a.Obstacles, Calendar: a.Calendar,
		Search: a.Indexer.Engine(), Mail: a.Mail, Metrics: a.Metrics,
		BaseURL: cfg.BaseURL, BodyLimit: cfg.BodyLimit,
		TrustedProxies: cfg.TrustedProxies, DBHealth: db.Health,
	})
	if err != nil {
		a.closeDB()
		return nil, err
	}
	return a, nil
}

// openStores creates each domain's store and indexes, the first accounts
// and, in demo mode, the demo data.
func (a *App) openStores(ctx context.Context) error {
	db := a.DB.Database
	secret, err := sharedSecret(ctx, db)
	if err != nil {
		return err
	}
	a.Secret = secret
	if a.Calendar, err = holidays.Embedded(); err != nil {
		return err
	}
	if a.Mail, err = mail.New(db, a.Config.SMTPURL, a.Config.MailFrom); err != nil {
		return err
	}
	if a.Search, err = openSearch(a.Config); err != nil {
		return err
	}
	a.Search = metrics.InstrumentSearch(a.Search, a.Metrics)
	a.Projects = project.NewStore(db)
	a.Accounts = account.NewStore(db, account.Options{})
	a.Limiter = ratelimit.New(db)
	a.Opportunities = opportunity.NewStore(db)
	a.Obstacles = obstacle.NewStore(db, a.Calendar, obstacle.Options{KeySecret: secret, Logger: a.Log, Notifier: a.obstacleNotifier(), Projects: a.Projects})
	for _, ensure := range []func(context.Context) error{
		a.Projects.EnsureIndexes, a.Accounts.EnsureIndexes, a.Limiter.EnsureIndexes,
		a.Opportunities.EnsureIndexes, a.Obstacles.EnsureIndexes, a.Mail.EnsureIndexes,
	} {
		if err := ensure(ctx); err != nil {
			return err
		}
	}
	creds, err := a.Accounts.Bootstrap(ctx, account.BootstrapOptions{
		AdminEmail: a.Config.AdminEmail, AdminPassword: a.Config.AdminPassword,
		Demo: a.Config.Demo, DemoPassword: a.Config.DemoPassword,
	}, time.Now())
	if err != nil {
		return fmt.Errorf("create first accounts: %w", err)
	}
	a.Credentials = creds
	if a.Config.Demo {
		if err := a.seedIfEmpty(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Listen binds the web server's address; Port 0 picks a free port.
func (a *App) Listen() error {
	ln, err := net.Listen("tcp", net.JoinHostPort(a.Config.Host, strconv.Itoa(a.Config.Port)))
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	a.ln = ln
	return nil
}

// Addr is the address the web server listens on.
func (a *App) Addr() string {
	if a.ln == nil {
		return ""
	}
	return a.ln.Addr().String()
}

// Run serves until ctx is cancelled, then lets in-flight requests finish
// within the shutdown timeout and closes the database, so a restart finds
// every acknowledged write.
func (a *App) Run(ctx context.Context) error {
	if a.ln == nil {
		if err := a.Listen(); err != nil {
			return err
		}
	}
	errc := make(chan error, 1)
	go func() { errc <- a.Web.App().Listener(a.ln) }()
	a.Log.Info("portal listening", "addr", a.Addr(), "url", a.Config.BaseURL)
	a.startJobs(ctx)
	a.startIndexer(ctx)
	if err := a.serveMetrics(ctx); err != nil {
		a.Log.Error("metrics listener", "err", err)
	}
	select {
	case err := <-errc:
		a.stopJobs()
		a.stopIndexer()
		a.closeDB()
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down", "timeout", a.Config.ShutdownTimeout.String())
	serr := a.Web.App().ShutdownWithTimeout(a.Config.ShutdownTimeout)
	a.stopJobs()
	a.stopIndexer()
	a.closeDB()
	if serr != nil && !errors.Is(serr, context.DeadlineExceeded) {
		return serr
	}
	return nil
}

// Close releases the database when Run was never called.
func (a *App) Close() error {
	a.closeDB()
	return nil
}

func (a *App) closeDB() {
	if a.Search != nil {
		if err := a.Search.Close(); err != nil {
			a.Log.Warn("close search index", "err", err)
		}
		a.Search = nil
	}
	if a.DB == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.DB.Close(ctx); err != nil {
		a.Log.Warn("close database", "err", err)
	}
	a.DB = nil
}

// embeddedLogger passes on the embedded database's errors; its warnings
// echo every refused command and its informational lines (one per connection)
// would drown the portal's own.
func embeddedLogger(log *slog.Logger) *slog.Logger {
	return slog.New(minLevel{log.Handler().WithAttrs([]slog.Attr{slog.String("component", "ferretdb")}), slog.LevelError})
}

type minLevel struct {
	slog.Handler
	min slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

func (h minLevel) WithAttrs(attrs []slog.Attr) slog.Handler {
	return minLevel{h.Handler.WithAttrs(attrs), h.min}
}

func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{h.Handler.WithGroup(name), h.min}
}

// serveMetrics serves /metrics on METRICS_ADDR, apart from the public
// listener, until ctx ends.
func (a *App) serveMetrics(ctx context.Context) error {
	if a.Config.MetricsAddr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", a.Config.MetricsAddr)
	if err != nil {
		return fmt.Errorf("listen on METRICS_ADDR: %w", err)
	}
	go func() {
		if err := a.Metrics.Serve(ctx, ln); err != nil {
			a.Log.Warn("metrics listener stopped", "err", err)
		}
	}()
	a.Log.Info("metrics listening", "addr", ln.Addr().String())
	return nil
}
