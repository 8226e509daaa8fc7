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
	"os"
	"strconv"
	"time"

	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/config"
	"github.com/khanhhoa/investportal/internal/datadir"
	"github.com/khanhhoa/investportal/internal/holidays"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/inbox"
	"github.com/khanhhoa/investportal/internal/jobs"
	"github.com/khanhhoa/investportal/internal/mail"
	"github.com/khanhhoa/investportal/internal/media"
	"github.com/khanhhoa/investportal/internal/metrics"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/obstacle/obstaclestats"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/ratelimit"
	"github.com/khanhhoa/investportal/internal/search"
	"github.com/khanhhoa/investportal/internal/web"
	"github.com/khanhhoa/investportal/internal/web/site"
	"github.com/khanhhoa/investportal/locales"
)

// App is the running portal.
type App struct {
	Config   config.Config
	Log      *slog.Logger
	DB       *mongodb.DB
	I18n     *i18n.Bundle
	Projects *project.Store
	Accounts *account.Store
	Limiter  *ratelimit.Limiter
	// Opportunities and Obstacles are the other domains' stores.
	Opportunities *opportunity.Store
	Media         *media.Store
	Obstacles     *obstacle.Store
	// ObstacleStats serves the task force's figures from memory.
	ObstacleStats *obstaclestats.Cache
	// Inbox keeps staff notifications.
	Inbox *inbox.Store
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

	ln        net.Listener
	metricsLn net.Listener
	// baseURLDerived is set when BASE_URL was unset and Config.BaseURL
	// was derived from the listen address.
	baseURLDerived bool
	lock           *datadir.Lock
	jobs           *jobs.Runner
	stopIndexer    func()
	stopReadModels func()
}

// ready tells /readyz whether the read models are loaded and the search
// index is not being filled from empty.
func (a *App) ready() error {
	if !a.Projects.Ready() {
		return errors.New("projects read model loading")
	}
	if !a.Opportunities.Warmed() {
		return errors.New("opportunity catalogue loading")
	}
	if a.Indexer != nil && !a.Indexer.Checked() {
		return errors.New("search index being checked")
	}
	if a.Indexer != nil && a.Indexer.Rebuilding() {
		return errors.New("search index filling")
	}
	return nil
}

// Options say what a process opens the portal for.
type Options struct {
	// Command describes this process in DATA_DIR's lock file, such as
	// "portal reindex"; empty takes it from the command line.
	Command string
	// Serve binds PORT and METRICS_ADDR first, before the database is
	// opened or any account created, so that a busy address fails with
	// nothing done; BASE_URL, when unset, is then derived from the bound
	// address.
	Serve bool
	// BulkLoad opens the embedded database for a bulk load (portal seed;
	// see mongodb.Options.BulkLoad): then Close reports whether every
	// write reached the disk.
	BulkLoad bool
}

// Open opens the portal for a command that does not serve (seed, reindex,
// user) and for tests: see OpenWith.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	return OpenWith(ctx, cfg, log, Options{})
}

// OpenWith takes DATA_DIR's lock when the embedded database or index lives
// there (failing at once, naming the holder, if another process has it),
// binds the listen addresses when o.Serve, then connects the database
// (starting the embedded one if needed), creates indexes, the first
// accounts and, when asked, the demo data, and builds the web server.
func OpenWith(ctx context.Context, cfg config.Config, log *slog.Logger, o Options) (_ *App, err error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	a := &App{Config: cfg, Log: log, Metrics: metrics.New(metrics.Options{Token: cfg.MetricsToken}), baseURLDerived: cfg.BaseURL == ""}
	defer func() {
		if err != nil {
			a.release()
		}
	}()
	if cfg.UsesDataDir() {
		if a.lock, err = LockDataDir(cfg.DataDir, o.Command); err != nil {
			return nil, err
		}
	}
	if o.Serve {
		if err := a.bind(); err != nil {
			return nil, err
		}
	} else {
		a.Config.BaseURL = cfg.BaseURLFor(net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port)))
	}
	if cfg.MongoURI != "" && cfg.MeiliURL == "" {
		log.Warn("SEARCH_EMBEDDED_WITH_MONGO: this process keeps its own search index under DATA_DIR; "+
			"other portal processes on the same database will not see its index, nor it theirs. Run exactly one process, or set MEILI_URL.",
			"data_dir", cfg.DataDir)
	}
	bundle, err := i18n.Load(locales.FS, log)
	if err != nil {
		return nil, err
	}
	a.I18n = bundle
	db, err := mongodb.Open(ctx, mongodb.Options{
		URI: cfg.MongoURI, Database: cfg.MongoDatabase, DataDir: cfg.DataDir,
		EmbeddedAddr: cfg.MongoEmbeddedAddr, Logger: embeddedLogger(log),
		Monitor: a.Metrics.CommandMonitor(log, slowCommand), BulkLoad: o.BulkLoad,
	})
	if err != nil {
		return nil, err
	}
	a.DB = db
	if db.Embedded {
		log.Info("embedded database started", "uri", db.URI, "data_dir", cfg.DataDir)
	}
	log.Info("database features", "ferretdb_workarounds", db.Features.Embedded,
		"ttl_indexes", db.Features.TTLIndexes(), "transactions_available", db.Features.Transactions)
	if err := a.openStores(ctx); err != nil {
		return nil, err
	}
	a.newIndexer()
	cfg = a.Config // with BASE_URL derived
	a.Web, err = site.New(site.Deps{
		Log: log, I18n: bundle, DB: db, Projects: a.Projects,
		Accounts: a.Accounts, Limiter: a.Limiter, SecureCookies: cfg.SecureCookies(),
		Opportunities: a.Opportunities, Obstacles: a.Obstacles, ObstacleStats: a.ObstacleStats, Calendar: a.Calendar,
		Search: a.Indexer.Engine(), Mail: a.Mail, Metrics: a.Metrics, Inbox: a.Inbox, Media: a.Media,
		BaseURL: cfg.BaseURL, BodyLimit: cfg.BodyLimit,
		TrustedProxies: cfg.TrustedProxies, DBHealth: db.Health,
		Ready: a.ready, BaselineFile: cfg.LoadgenBaselineFile, OC4IDSPrefix: cfg.OC4IDSPrefix,
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// LockDataDir takes DATA_DIR for this process at once, or fails naming the
// process that holds it. command describes this process, such as
// "portal export"; empty takes it from the command line.
func LockDataDir(dir, command string) (*datadir.Lock, error) {
	if command == "" {
		command = datadir.Describe(os.Args)
	}
	l, err := datadir.Acquire(dir, command)
	if errors.Is(err, datadir.ErrInUse) {
		return nil, fmt.Errorf("%w: %s", err, dataDirHint)
	}
	return l, err
}

// dataDirHint follows the error for a DATA_DIR held by another process.
const dataDirHint = "the embedded database (no MONGO_URI) and the embedded search index (no MEILI_URL) " +
	"belong to the one process that opened them. Stop that process first: portal seed, reindex, user, export " +
	"and import cannot run beside a portal on the same DATA_DIR (a running portal indexes its own changes); " +
	"or give this process another DATA_DIR"

// bind listens on PORT and METRICS_ADDR and derives BASE_URL from the
// bound address when it is not set.
func (a *App) bind() error {
	if err := a.Listen(); err != nil {
		return err
	}
	if a.Config.MetricsAddr != "" {
		ln, err := net.Listen("tcp", a.Config.MetricsAddr)
		if err != nil {
			return fmt.Errorf("listen on METRICS_ADDR %s: %w", a.Config.MetricsAddr, err)
		}
		a.metricsLn = ln
	}
	return nil
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
	a.Projects.SetLogger(a.Log)
	a.Accounts = account.NewStore(db, account.OptionsFrom(a.Config))
	a.Limiter = ratelimit.New(db)
	a.Opportunities = opportunity.NewStore(db)
	a.Media = media.NewStore(db)
	a.Obstacles = obstacle.NewStore(db, a.Calendar, obstacle.Options{KeySecret: secret, Logger: a.Log, Notifier: a.obstacleNotifier(), Projects: a.Projects})
	a.ObstacleStats = obstaclestats.New(db, a.Obstacles, obstaclestats.Options{Projects: a.Projects, Logger: a.Log})
	a.Inbox = inbox.NewStore(db)
	for _, ensure := range []func(context.Context) error{
		a.Projects.EnsureIndexes, a.Accounts.EnsureIndexes, a.Limiter.EnsureIndexes,
		a.Opportunities.EnsureIndexes, a.Obstacles.EnsureIndexes, a.Mail.EnsureIndexes, a.Media.EnsureIndexes,
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

// Listen binds the web server's address (PORT 0 picks a free port) unless
// it is bound already, and derives BASE_URL from it when BASE_URL is not
// set (see config.BaseURLFor). Call it before Open builds the web server,
// as OpenWith does with Serve, for the links to carry the bound address.
func (a *App) Listen() error {
	if a.ln != nil {
		return nil
	}
	addr := net.JoinHostPort(a.Config.Host, strconv.Itoa(a.Config.Port))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on PORT %d (%s): %w", a.Config.Port, addr, err)
	}
	a.ln = ln
	if a.Web == nil {
		a.Config.BaseURL = a.Config.BaseURLFor(ln.Addr().String())
	}
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
	if err := a.serveMetrics(ctx); err != nil {
		a.release()
		return err
	}
	// The read models load while the server answers /readyz with 503.
	stops := []func(){a.Projects.Start(ctx), a.ObstacleStats.Start(ctx), a.Opportunities.Start(ctx)}
	a.stopReadModels = func() {
		for _, stop := range stops {
			stop()
		}
	}
	errc := make(chan error, 1)
	go func() { errc <- a.Web.App().Listener(a.ln) }()
	source := "BASE_URL"
	if a.baseURLDerived {
		source = "listen address (BASE_URL unset)"
	}
	a.Log.Info("portal listening", "addr", a.Addr(), "url", a.Config.BaseURL, "url_from", source)
	a.startJobs(ctx)
	a.startIndexer(ctx)
	select {
	case err := <-errc:
		a.stopJobs()
		a.stopIndexer()
		a.stopReadModels()
		a.release()
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down", "timeout", a.Config.ShutdownTimeout.String())
	serr := a.Web.App().ShutdownWithTimeout(a.Config.ShutdownTimeout)
	a.stopJobs()
	a.stopIndexer()
	a.stopReadModels()
	a.release()
	if serr != nil && !errors.Is(serr, context.DeadlineExceeded) {
		return serr
	}
	return nil
}

// Close releases the database, the listeners and DATA_DIR when Run was
// never called.
func (a *App) Close() error {
	return a.release()
}

// release closes the database and search index, then the listeners not
// yet served, then gives DATA_DIR up, in that order: the lock must outlive
// every file it guards.
func (a *App) release() error {
	err := a.closeDB()
	for _, ln := range []*net.Listener{&a.ln, &a.metricsLn} {
		if *ln != nil {
			_ = (*ln).Close() // already closed when it was served
			*ln = nil
		}
	}
	if a.lock != nil {
		if err := a.lock.Release(); err != nil {
			a.Log.Warn("release DATA_DIR lock", "err", err)
		}
		a.lock = nil
	}
	return err
}

// closeDB closes the search index and the database; it returns the
// database's error (see mongodb.DB.Close), having logged it.
func (a *App) closeDB() error {
	if a.Search != nil {
		if err := a.Search.Close(); err != nil {
			a.Log.Warn("close search index", "err", err)
		}
		a.Search = nil
	}
	if a.DB == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := a.DB.Close(ctx)
	if err != nil {
		a.Log.Warn("close database", "err", err)
	}
	a.DB = nil
	return err
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
// slowCommand is the database command time from which a command is
// logged as a warning with its shape (see metrics.CommandMonitor).
const slowCommand = 500 * time.Millisecond

func (a *App) serveMetrics(ctx context.Context) error {
	if a.Config.MetricsAddr == "" {
		return nil
	}
	ln := a.metricsLn
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", a.Config.MetricsAddr); err != nil {
			return fmt.Errorf("listen on METRICS_ADDR %s: %w", a.Config.MetricsAddr, err)
		}
		a.metricsLn = ln
	}
	go func() {
		if err := a.Metrics.Serve(ctx, ln); err != nil {
			a.Log.Warn("metrics listener stopped", "err", err)
		}
	}()
	a.Log.Info("metrics listening", "addr", ln.Addr().String())
	return nil
}
