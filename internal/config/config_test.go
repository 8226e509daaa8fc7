package config

import (
	"fmt"
	"strings"
	"testing"
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
