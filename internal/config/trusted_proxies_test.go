package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestTrustedProxiesSetting(t *testing.T) {
	env := map[string]string{"TRUSTED_PROXIES": " 10.0.0.0/8, 192.168.1.10 ,,2001:db8::/32"}
	c, err := FromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"10.0.0.0/8", "192.168.1.10", "2001:db8::/32"}; !reflect.DeepEqual(c.TrustedProxies, want) {
		t.Errorf("parsed %q, want %q", c.TrustedProxies, want)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("valid list refused: %v", err)
	}
	if d := Default(); len(d.TrustedProxies) != 0 {
		t.Errorf("default trusts %q", d.TrustedProxies)
	}
	c.TrustedProxies = []string{"10.0.0.0/8", "lb.example", "10.0.0.1/33"}
	err = c.Validate()
	if err == nil || !strings.Contains(err.Error(), `"lb.example"`) || !strings.Contains(err.Error(), `"10.0.0.1/33"`) {
		t.Errorf("bad entries not named: %v", err)
	}
}
