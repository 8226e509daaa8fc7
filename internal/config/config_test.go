package config

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaultsAreValid(t *testing.T) {
	c, err := FromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Port != 8080 || c.DataDir != "./data" || c.MongoEmbeddedAddr != "127.0.0.1:27017" || !c.Demo {
		t.Errorf("defaults: %+v", c)
	}
}

func TestBadValuesAreNamed(t *testing.T) {
	_, err := FromEnv(env(map[string]string{"PORT": "eighty", "DEMO": "maybe", "SHUTDOWN_TIMEOUT": "soon"}))
	for _, name := range []string{"PORT", "DEMO", "SHUTDOWN_TIMEOUT"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
	c := Default()
	c.BaseURL = "ftp://x"
	c.MongoURI = "postgres://x"
	c.AdminPassword = "short"
	err = c.Validate()
	for _, name := range []string{"BASE_URL", "MONGO_URI", "ADMIN_PASSWORD"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
}

func TestMaskedHidesSecrets(t *testing.T) {
	c := Default()
	c.MongoURI = "mongodb://portal:s3cret@db:27017/"
	c.MeiliKey = "masterkey"
	c.AdminPassword = "adminpass"
	c.SMTPURL = "smtp://mail:hunter22@mx:587"
	s := fmt.Sprint(c.Masked()...)
	for _, secret := range []string{"s3cret", "masterkey", "adminpass", "hunter22"} {
		if strings.Contains(s, secret) {
			t.Errorf("masked config shows %q: %s", secret, s)
		}
	}
	if !strings.Contains(s, "portal") || !strings.Contains(s, "db:27017") {
		t.Errorf("masked config hides too much: %s", s)
	}
}

func TestMetricsAddrIsChecked(t *testing.T) {
	for _, bad := range []string{"garbage", "127.0.0.1", "127.0.0.1:99999", "127.0.0.1:-1", ":http", "a b:9090"} {
		c, err := FromEnv(env(map[string]string{"METRICS_ADDR": bad}))
		if err == nil {
			err = c.Validate()
		}
		if err == nil || !strings.Contains(err.Error(), "METRICS_ADDR") {
			t.Errorf("METRICS_ADDR=%q: %v", bad, err)
		}
	}
	for _, good := range []string{"127.0.0.1:9090", ":9090", "[::1]:9090", "localhost:0"} {
		c, err := FromEnv(env(map[string]string{"METRICS_ADDR": good}))
		if err == nil {
			err = c.Validate()
		}
		if err != nil {
			t.Errorf("METRICS_ADDR=%q refused: %v", good, err)
		}
	}
}

// TestMongoWithoutMeiliNeedsOptIn: with MONGO_URI and no MEILI_URL every
// process would keep its own search index; that is refused unless the
// operator says this is a single-process deployment.
func TestMongoWithoutMeiliNeedsOptIn(t *testing.T) {
	c, err := FromEnv(env(map[string]string{"MONGO_URI": "mongodb://db:27017"}))
	if err != nil {
		t.Fatal(err)
	}
	err = c.Validate()
	if err == nil || !strings.Contains(err.Error(), "MEILI_URL") || !strings.Contains(err.Error(), "SEARCH_EMBEDDED_WITH_MONGO=true") {
		t.Errorf("MONGO_URI without MEILI_URL: %v", err)
	}
	c, err = FromEnv(env(map[string]string{"MONGO_URI": "mongodb://db:27017", "SEARCH_EMBEDDED_WITH_MONGO": "true"}))
	if err == nil {
		err = c.Validate()
	}
	if err != nil {
		t.Errorf("with the opt-in: %v", err)
	}
	c, err = FromEnv(env(map[string]string{"MONGO_URI": "mongodb://db:27017", "MEILI_URL": "http://meili:7700"}))
	if err == nil {
		err = c.Validate()
	}
	if err != nil {
		t.Errorf("with MEILI_URL: %v", err)
	}
	if _, err := FromEnv(env(map[string]string{"SEARCH_EMBEDDED_WITH_MONGO": "perhaps"})); err == nil || !strings.Contains(err.Error(), "SEARCH_EMBEDDED_WITH_MONGO") {
		t.Errorf("bad boolean: %v", err)
	}
}

// TestBaseURLFollowsTheListener: with BASE_URL unset, links use the port
// actually bound; an explicit BASE_URL is kept as given.
func TestBaseURLFollowsTheListener(t *testing.T) {
	c, err := FromEnv(env(map[string]string{"PORT": "0"}))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ host, addr, want string }{
		{"", "[::]:41234", "http://localhost:41234"},
		{"0.0.0.0", "0.0.0.0:8081", "http://localhost:8081"},
		{"127.0.0.1", "127.0.0.1:5000", "http://127.0.0.1:5000"},
		{"::1", "[::1]:5000", "http://[::1]:5000"},
	} {
		c.Host = tc.host
		if got := c.BaseURLFor(tc.addr); got != tc.want {
			t.Errorf("host %q on %s: %s, want %s", tc.host, tc.addr, got, tc.want)
		}
	}
	c.BaseURL = "https://invest.khanhhoa.gov.vn"
	if got := c.BaseURLFor("[::]:41234"); got != c.BaseURL {
		t.Errorf("explicit BASE_URL replaced by %s", got)
	}
}

func TestSignInSettings(t *testing.T) {
	t.Parallel()
	c, err := FromEnv(env(map[string]string{
		"PASSWORD_HASH_TIME": "3", "PASSWORD_HASH_MEMORY_KIB": "65536", "PASSWORD_HASH_THREADS": "2",
		"PASSWORD_HASH_CONCURRENCY": "4", "PASSWORD_HASH_WAIT": "2s",
		"LOGIN_THROTTLE_PAIR": "3, 30s, 10m", "LOGIN_THROTTLE_ACCOUNT": "100,2m,20m",
		"LOGIN_THROTTLE_FORGET": "12h", "LOGIN_THROTTLE_FAMILIAR": "240h",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	want := PasswordHash{Time: 3, MemoryKiB: 65536, Threads: 2, Concurrency: 4, Wait: 2 * time.Second}
	if c.PasswordHash != want {
		t.Errorf("hash %+v", c.PasswordHash)
	}
	th := c.LoginThrottle
	if th.Pair != (Backoff{3, 30 * time.Second, 10 * time.Minute}) || th.Account != (Backoff{100, 2 * time.Minute, 20 * time.Minute}) ||
		th.Address != (Backoff{}) || th.Forget != 12*time.Hour || th.Familiar != 240*time.Hour {
		t.Errorf("throttle %+v", th)
	}

	_, err = FromEnv(env(map[string]string{"PASSWORD_HASH_TIME": "two", "PASSWORD_HASH_WAIT": "soon",
		"LOGIN_THROTTLE_PAIR": "5,1m", "LOGIN_THROTTLE_ADDRESS": "x,1m,2m", "LOGIN_THROTTLE_FORGET": "1 day"}))
	for _, name := range []string{"PASSWORD_HASH_TIME", "PASSWORD_HASH_WAIT", "LOGIN_THROTTLE_PAIR", "LOGIN_THROTTLE_ADDRESS", "LOGIN_THROTTLE_FORGET"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
	c = Default()
	c.PasswordHash = PasswordHash{Threads: 256, MemoryKiB: -1}
	c.LoginThrottle = LoginThrottle{Account: Backoff{Base: -time.Minute}, Familiar: -time.Hour}
	err = c.Validate()
	for _, name := range []string{"PASSWORD_HASH_THREADS", "PASSWORD_HASH_MEMORY_KIB", "LOGIN_THROTTLE_ACCOUNT", "LOGIN_THROTTLE_FAMILIAR"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
	if strings.Contains(err.Error(), "LOGIN_THROTTLE_PAIR") {
		t.Errorf("a default setting refused: %v", err)
	}
}

// TestOC4IDSPrefix: the placeholder by default, the environment's value
// when set, and a prefix that cannot head an identifier is refused by name.
func TestOC4IDSPrefix(t *testing.T) {
	c, err := FromEnv(env(nil))
	if err != nil || c.OC4IDSPrefix != "oc4ids-khdemo" {
		t.Fatalf("default prefix %q (%v)", c.OC4IDSPrefix, err)
	}
	c, err = FromEnv(env(map[string]string{"OC4IDS_PREFIX": "oc4ids-qu8r7p"}))
	if err != nil || c.OC4IDSPrefix != "oc4ids-qu8r7p" || c.Validate() != nil {
		t.Fatalf("set prefix %q: %v %v", c.OC4IDSPrefix, err, c.Validate())
	}
	for _, bad := range []string{"oc4ids-khdemo-", "-x", "oc4ids khdemo", "oc4ids/x", "ô"} {
		c.OC4IDSPrefix = bad
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "OC4IDS_PREFIX") {
			t.Errorf("prefix %q: %v", bad, err)
		}
	}
}
