// Package config reads the portal's settings from the environment into one
// struct, with defaults, and checks them before anything starts.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of the portal.
type Config struct {
	// Port the web server listens on (PORT); 0 picks a free port.
	Port int
	// Host to bind (HOST); empty means all interfaces.
	Host string
	// DataDir holds the embedded database and search index (DATA_DIR).
	DataDir string
	// BaseURL is the public address, used in links and to set Secure cookies.
	// Empty (BASE_URL unset) means: derived from the address the web server
	// actually listens on, once it is bound (see BaseURLFor).
	BaseURL string
	// MongoURI selects MongoDB; empty starts the embedded FerretDB.
	MongoURI string
	// MongoDatabase is the database name (MONGO_DB).
	MongoDatabase string
	// MongoEmbeddedAddr is where the embedded FerretDB listens (loopback).
	MongoEmbeddedAddr string
	// MeiliURL selects Meilisearch; empty uses the embedded index.
	MeiliURL string
	// MeiliKey is Meilisearch's API key (MEILI_MASTER_KEY).
	MeiliKey string
	// MeiliIndex is the Meilisearch index name (MEILI_INDEX).
	MeiliIndex string
	// SearchEmbeddedWithMongo allows MONGO_URI without MEILI_URL
	// (SEARCH_EMBEDDED_WITH_MONGO): each process then keeps its own search
	// index under DATA_DIR, which other processes never see, so it is only
	// right for a single portal process.
	SearchEmbeddedWithMongo bool
	// MailFrom is the sender address of the portal's e-mail (MAIL_FROM).
	MailFrom string
	// Demo loads the synthetic demo data into an empty database (DEMO).
	Demo bool
	// DemoPassword is the password of the demo accounts (DEMO_PASSWORD).
	DemoPassword string
	// AdminEmail and AdminPassword create the first administrator.
	AdminEmail    string
	AdminPassword string
	// SMTPURL sends e-mail (smtp://user:pass@host:port); empty keeps an outbox.
	SMTPURL string
	// MetricsAddr serves /metrics on a separate listener when set.
	MetricsAddr string
	// MetricsToken, when set, also serves /metrics on the main listener to
	// callers with "Authorization: Bearer <token>" (METRICS_TOKEN).
	MetricsToken string
	// BodyLimit is the largest request body in bytes (BODY_LIMIT).
	BodyLimit int
	// ShutdownTimeout bounds how long in-flight requests may take at stop.
	ShutdownTimeout time.Duration
	// LogLevel is debug, info, warn or error (LOG_LEVEL).
	LogLevel string
	// LogFormat is text or json (LOG_FORMAT).
	LogFormat string
	// TrustedProxies are the load balancers' addresses, IPs or CIDR ranges
	// (TRUSTED_PROXIES, comma-separated). Only on connections from them
	// does X-Forwarded-For name the client (for logs and rate limits);
	// empty ignores the header.
	TrustedProxies []string
	// PasswordHash sets argon2id's costs and the hashing slots
	// (PASSWORD_HASH_*); zero fields take the account package's defaults.
	PasswordHash PasswordHash
	// LoginThrottle sets the sign-in throttle (LOGIN_THROTTLE_*); zero
	// fields take the account package's defaults.
	LoginThrottle LoginThrottle
	// LoadgenBaselineFile, for load tests only (LOADGEN_BASELINE_FILE),
	// serves that file's bytes at /static/loadgen-baseline.html, the
	// ceiling cmd/loadgen -baseline compares a page with; empty serves none.
	LoadgenBaselineFile string
	// OC4IDSPrefix is the project identifier prefix of the open-data feed
	// (OC4IDS_PREFIX): every published project id is this prefix, a hyphen
	// and the portal's project code. OC4IDS asks for a prefix registered
	// with its helpdesk (data@open-contracting.org); the default,
	// DefaultOC4IDSPrefix, is a placeholder that is not registered.
	OC4IDSPrefix string
}

// DefaultOC4IDSPrefix is the placeholder project identifier prefix: shaped
// like a registered one (oc4ids- and six characters) but registered to
// nobody. A real deployment sets OC4IDS_PREFIX to the prefix the OC4IDS
// helpdesk assigns it.
const DefaultOC4IDSPrefix = "oc4ids-khdemo"

// PasswordHash is how passwords are hashed.
type PasswordHash struct {
	// Time is argon2id's passes (PASSWORD_HASH_TIME), MemoryKiB its memory
	// per hash (PASSWORD_HASH_MEMORY_KIB), Threads its lanes
	// (PASSWORD_HASH_THREADS, at most 255).
	Time, MemoryKiB, Threads int
	// Concurrency is how many hashes may run at once
	// (PASSWORD_HASH_CONCURRENCY); Wait how long a sign-in waits for a
	// slot before it is told to retry (PASSWORD_HASH_WAIT).
	Concurrency int
	Wait        time.Duration
}

// Backoff is one throttle scope: the Free-th failure makes it wait Base,
// each further one doubles the wait up to Max. It is written
// "free,base,max", such as "5,1m,15m".
type Backoff struct {
	Free      int
	Base, Max time.Duration
}

// LoginThrottle is how failed sign-ins slow further tries.
type LoginThrottle struct {
	// Pair is one account from one address (LOGIN_THROTTLE_PAIR), Address
	// one address on any account (LOGIN_THROTTLE_ADDRESS), Account one
	// account from unfamiliar addresses (LOGIN_THROTTLE_ACCOUNT).
	Pair, Address, Account Backoff
	// Forget drops a count this long after its last failure
	// (LOGIN_THROTTLE_FORGET); Familiar is how long a successful sign-in
	// exempts its address (LOGIN_THROTTLE_FAMILIAR).
	Forget, Familiar time.Duration
}

// Default returns the settings used when the environment says nothing.
func Default() Config {
	return Config{
		Port:              8080,
		DataDir:           "./data",
		MongoDatabase:     "portal",
		MongoEmbeddedAddr: "127.0.0.1:27017",
		MeiliIndex:        "portal",
		MailFrom:          "no-reply@investinkhanhhoa.example",
		Demo:              true,
		BodyLimit:         12 << 20,
		ShutdownTimeout:   5 * time.Second,
		LogLevel:          "info",
		LogFormat:         "text",
		OC4IDSPrefix:      DefaultOC4IDSPrefix,
	}
}

// FromEnv returns the defaults overridden by environment variables.
func FromEnv(getenv func(string) string) (Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	c := Default()
	var errs []error
	str := func(name string, dst *string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	integer := func(name string, dst *int) {
		if v := getenv(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: not a whole number: %q", name, v))
				return
			}
			*dst = n
		}
	}
	boolean := func(name string, dst *bool) {
		if v := getenv(name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: not true or false: %q", name, v))
				return
			}
			*dst = b
		}
	}
	integer("PORT", &c.Port)
	str("HOST", &c.Host)
	str("DATA_DIR", &c.DataDir)
	str("BASE_URL", &c.BaseURL)
	str("MONGO_URI", &c.MongoURI)
	str("MONGO_DB", &c.MongoDatabase)
	str("MONGO_EMBEDDED_ADDR", &c.MongoEmbeddedAddr)
	str("MEILI_URL", &c.MeiliURL)
	str("MEILI_MASTER_KEY", &c.MeiliKey)
	str("MEILI_INDEX", &c.MeiliIndex)
	boolean("SEARCH_EMBEDDED_WITH_MONGO", &c.SearchEmbeddedWithMongo)
	str("MAIL_FROM", &c.MailFrom)
	boolean("DEMO", &c.Demo)
	str("DEMO_PASSWORD", &c.DemoPassword)
	str("ADMIN_EMAIL", &c.AdminEmail)
	str("ADMIN_PASSWORD", &c.AdminPassword)
	str("SMTP_URL", &c.SMTPURL)
	str("METRICS_ADDR", &c.MetricsAddr)
	str("METRICS_TOKEN", &c.MetricsToken)
	integer("BODY_LIMIT", &c.BodyLimit)
	duration := func(name string, dst *time.Duration) {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: not a duration such as 5s: %q", name, v))
				return
			}
			*dst = d
		}
	}
	backoff := func(name string, dst *Backoff) {
		if v := getenv(name); v != "" {
			parts := strings.Split(v, ",")
			if len(parts) != 3 {
				errs = append(errs, fmt.Errorf("%s: not free,base,max such as 5,1m,15m: %q", name, v))
				return
			}
			free, err1 := strconv.Atoi(strings.TrimSpace(parts[0]))
			base, err2 := time.ParseDuration(strings.TrimSpace(parts[1]))
			most, err3 := time.ParseDuration(strings.TrimSpace(parts[2]))
			if err := errors.Join(err1, err2, err3); err != nil {
				errs = append(errs, fmt.Errorf("%s: not free,base,max such as 5,1m,15m: %q", name, v))
				return
			}
			*dst = Backoff{Free: free, Base: base, Max: most}
		}
	}
	duration("SHUTDOWN_TIMEOUT", &c.ShutdownTimeout)
	integer("PASSWORD_HASH_TIME", &c.PasswordHash.Time)
	integer("PASSWORD_HASH_MEMORY_KIB", &c.PasswordHash.MemoryKiB)
	integer("PASSWORD_HASH_THREADS", &c.PasswordHash.Threads)
	integer("PASSWORD_HASH_CONCURRENCY", &c.PasswordHash.Concurrency)
	duration("PASSWORD_HASH_WAIT", &c.PasswordHash.Wait)
	backoff("LOGIN_THROTTLE_PAIR", &c.LoginThrottle.Pair)
	backoff("LOGIN_THROTTLE_ADDRESS", &c.LoginThrottle.Address)
	backoff("LOGIN_THROTTLE_ACCOUNT", &c.LoginThrottle.Account)
	duration("LOGIN_THROTTLE_FORGET", &c.LoginThrottle.Forget)
	duration("LOGIN_THROTTLE_FAMILIAR", &c.LoginThrottle.Familiar)
	str("LOG_LEVEL", &c.LogLevel)
	str("LOG_FORMAT", &c.LogFormat)
	str("LOADGEN_BASELINE_FILE", &c.LoadgenBaselineFile)
	str("OC4IDS_PREFIX", &c.OC4IDSPrefix)
	c.TrustedProxies = splitList(getenv("TRUSTED_PROXIES"))
	if len(errs) > 0 {
		return c, errors.Join(errs...)
	}
	return c, nil
}

// Validate checks that the settings make sense together.
func (c Config) Validate() error {
	var errs []error
	if c.Port < 0 || c.Port > 65535 {
		errs = append(errs, fmt.Errorf("PORT %d is out of range", c.Port))
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("DATA_DIR is empty"))
	}
	if c.BaseURL != "" {
		if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("BASE_URL %q must be an http(s) address", c.BaseURL))
		}
	}
	if c.MongoURI != "" && !strings.HasPrefix(c.MongoURI, "mongodb://") && !strings.HasPrefix(c.MongoURI, "mongodb+srv://") {
		errs = append(errs, errors.New("MONGO_URI must start with mongodb:// or mongodb+srv://"))
	}
	if c.MeiliURL != "" {
		if u, err := url.Parse(c.MeiliURL); err != nil || u.Host == "" {
			errs = append(errs, fmt.Errorf("MEILI_URL %q is not an address", c.MeiliURL))
		}
	}
	if c.MongoURI != "" && c.MeiliURL == "" && !c.SearchEmbeddedWithMongo {
		// Every process would search its own index and miss the others' edits.
		errs = append(errs, errors.New("MONGO_URI is set but MEILI_URL is not: each portal process would keep its own embedded search index "+
			"and never see the other processes' edits; set MEILI_URL, or SEARCH_EMBEDDED_WITH_MONGO=true if exactly one portal process uses this database"))
	}
	if c.MetricsAddr != "" {
		if err := checkHostPort(c.MetricsAddr); err != nil {
			errs = append(errs, fmt.Errorf("METRICS_ADDR %q: %w", c.MetricsAddr, err))
		}
	}
	if c.BodyLimit < 1<<20 {
		errs = append(errs, errors.New("BODY_LIMIT must be at least 1 MiB (uploads need it)"))
	}
	if c.ShutdownTimeout <= 0 {
		errs = append(errs, errors.New("SHUTDOWN_TIMEOUT must be positive"))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("LOG_LEVEL %q: use debug, info, warn or error", c.LogLevel))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("LOG_FORMAT %q: use text or json", c.LogFormat))
	}
	if c.AdminPassword != "" && len(c.AdminPassword) < 8 {
		errs = append(errs, errors.New("ADMIN_PASSWORD must have at least 8 characters"))
	}
	if c.DemoPassword != "" && len(c.DemoPassword) < 8 {
		errs = append(errs, errors.New("DEMO_PASSWORD must have at least 8 characters"))
	}
	if !validOC4IDSPrefix(c.OC4IDSPrefix) {
		errs = append(errs, fmt.Errorf("OC4IDS_PREFIX %q: use the prefix the OC4IDS helpdesk assigned, such as oc4ids-qu8r7p (letters, digits and inner hyphens)", c.OC4IDSPrefix))
	}
	errs = append(errs, checkTrustedProxies(c.TrustedProxies)...)
	errs = append(errs, c.checkSignIn()...)
	return errors.Join(errs...)
}

// checkSignIn refuses negative hashing and throttle settings and
// argon2id parameters out of its range (zero means the default).
func (c Config) checkSignIn() []error {
	var errs []error
	h, th := c.PasswordHash, c.LoginThrottle
	for _, v := range []struct {
		name string
		bad  bool
	}{
		{"PASSWORD_HASH_TIME", h.Time < 0},
		{"PASSWORD_HASH_MEMORY_KIB", h.MemoryKiB < 0 || h.MemoryKiB > 4<<20},
		{"PASSWORD_HASH_THREADS", h.Threads < 0 || h.Threads > 255},
		{"PASSWORD_HASH_CONCURRENCY", h.Concurrency < 0},
		{"PASSWORD_HASH_WAIT", h.Wait < 0},
		{"LOGIN_THROTTLE_PAIR", th.Pair.Free < 0 || th.Pair.Base < 0 || th.Pair.Max < 0},
		{"LOGIN_THROTTLE_ADDRESS", th.Address.Free < 0 || th.Address.Base < 0 || th.Address.Max < 0},
		{"LOGIN_THROTTLE_ACCOUNT", th.Account.Free < 0 || th.Account.Base < 0 || th.Account.Max < 0},
		{"LOGIN_THROTTLE_FORGET", th.Forget < 0},
		{"LOGIN_THROTTLE_FAMILIAR", th.Familiar < 0},
	} {
		if v.bad {
			errs = append(errs, fmt.Errorf("%s is out of range (0 takes the default)", v.name))
		}
	}
	return errs
}

// validOC4IDSPrefix accepts letters, digits and hyphens, neither first
// nor last (the feed adds the hyphen before the project code).
func validOC4IDSPrefix(p string) bool {
	if p == "" || len(p) > 64 || p[0] == '-' || p[len(p)-1] == '-' {
		return false
	}
	for _, r := range p {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// checkHostPort accepts host:port or :port with a port from 0 to 65535.
func checkHostPort(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return errors.New("use host:port, such as 127.0.0.1:9090")
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("port %q must be a number from 0 to 65535", port)
	}
	if strings.ContainsAny(host, " /?#@") {
		return fmt.Errorf("%q is not a host name or address", host)
	}
	return nil
}

// UsesDataDir reports whether this configuration keeps anything under
// DATA_DIR: the embedded database (no MONGO_URI) or the embedded search
// index (no MEILI_URL). Such a process must hold DATA_DIR's lock.
func (c Config) UsesDataDir() bool { return c.MongoURI == "" || c.MeiliURL == "" }

// BaseURLFor returns BASE_URL when it is set, else the address links should
// use for a server listening on addr (as net.Listener.Addr gives it): the
// configured HOST, or localhost when binding all interfaces.
func (c Config) BaseURLFor(addr string) string {
	if c.BaseURL != "" {
		return c.BaseURL
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		port = strconv.Itoa(c.Port)
	}
	host := c.Host
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// SecureCookies reports whether cookies must carry the Secure flag.
func (c Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// Masked returns the settings as name/value pairs for the start-up log,
// with secrets replaced by asterisks.
func (c Config) Masked() []any {
	mask := func(s string) string {
		if s == "" {
			return ""
		}
		return "****"
	}
	maskURL := func(s string) string {
		u, err := url.Parse(s)
		if err != nil || u.User == nil {
			return s
		}
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "****")
		}
		return u.String()
	}
	return []any{
		"PORT", c.Port, "HOST", c.Host, "DATA_DIR", c.DataDir, "BASE_URL", c.BaseURL,
		"MONGO_URI", maskURL(c.MongoURI), "MONGO_DB", c.MongoDatabase, "MONGO_EMBEDDED_ADDR", c.MongoEmbeddedAddr,
		"MEILI_URL", c.MeiliURL, "MEILI_MASTER_KEY", mask(c.MeiliKey), "MEILI_INDEX", c.MeiliIndex,
		"SEARCH_EMBEDDED_WITH_MONGO", c.SearchEmbeddedWithMongo, "MAIL_FROM", c.MailFrom,
		"DEMO", c.Demo, "DEMO_PASSWORD", mask(c.DemoPassword),
		"ADMIN_EMAIL", c.AdminEmail, "ADMIN_PASSWORD", mask(c.AdminPassword),
		"SMTP_URL", maskURL(c.SMTPURL), "METRICS_ADDR", c.MetricsAddr, "METRICS_TOKEN", mask(c.MetricsToken),
		"BODY_LIMIT", c.BodyLimit, "SHUTDOWN_TIMEOUT", c.ShutdownTimeout.String(),
		"LOG_LEVEL", c.LogLevel, "LOG_FORMAT", c.LogFormat,
		"TRUSTED_PROXIES", strings.Join(c.TrustedProxies, ","), "OC4IDS_PREFIX", c.OC4IDSPrefix,
		"PASSWORD_HASH", fmt.Sprintf("%+v", c.PasswordHash), "LOGIN_THROTTLE", fmt.Sprintf("%+v", c.LoginThrottle),
	}
}

// splitList splits a comma-separated setting, dropping blanks.
func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// checkTrustedProxies names each TRUSTED_PROXIES entry that is neither an
// IP address nor a CIDR range.
func checkTrustedProxies(list []string) []error {
	var errs []error
	for _, p := range list {
		if net.ParseIP(p) != nil {
			continue
		}
		if _, _, err := net.ParseCIDR(p); err != nil {
			errs = append(errs, fmt.Errorf("TRUSTED_PROXIES: %q is neither an IP address nor a CIDR range such as 10.0.0.0/8", p))
		}
	}
	return errs
}
