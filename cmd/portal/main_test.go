package main

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
)

// testEnv is the environment of a portal process on a fresh DATA_DIR.
func testEnv(t *testing.T, extra map[string]string) (map[string]string, func(string) string) {
	t.Helper()
	m := map[string]string{
		"DATA_DIR": filepath.Join(t.TempDir(), "data"), "HOST": "127.0.0.1", "PORT": "0",
		"MONGO_EMBEDDED_ADDR": mongotest.FreeAddr(t), "LOG_LEVEL": "error",
	}
	for k, v := range extra {
		m[k] = v
	}
	return m, func(k string) string { return m[k] }
}

// TestHelpExitsZero: -h and --help print the command's usage on standard
// output and succeed, for every command that takes flags.
func TestHelpExitsZero(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"seed", "--help"}, "-scale"},
		{[]string{"seed", "-h"}, "-scale"},
		{[]string{"reindex", "--help"}, "portal reindex"},
		{[]string{"migrate", "--help"}, "-apply"},
		{[]string{"export", "--help"}, "-out"},
		{[]string{"import", "--help"}, "-force"},
		{[]string{"import", "backup-dir", "--help"}, "-force"},
		{[]string{"user", "--help"}, "portal user add"},
		{[]string{"user", "add", "--help"}, "portal user add"},
		{[]string{"serve", "--help"}, "portal serve"},
		{[]string{"--help"}, "usage: portal"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			_, getenv := testEnv(t, nil)
			var out, errOut bytes.Buffer
			if err := run(tc.args, getenv, &out, &errOut); err != nil {
				t.Fatalf("error %v", err)
			}
			if !strings.Contains(out.String(), tc.want) {
				t.Errorf("stdout %q lacks %q", out.String(), tc.want)
			}
		})
	}
	// A wrong flag is still an error, and says how to call the command.
	_, getenv := testEnv(t, nil)
	if err := run([]string{"seed", "--scael", "2"}, getenv, &bytes.Buffer{}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "usage: portal seed") {
		t.Errorf("wrong flag: %v", err)
	}
}

// TestFailedImportPrintsNoSuccess: an import that fails prints its error
// (returned to main) and no "finished" line.
func TestFailedImportPrintsNoSuccess(t *testing.T) {
	_, getenv := testEnv(t, map[string]string{"DEMO": "false"})
	bad := t.TempDir()
	// A backup whose file does not match its manifest (damaged in transit).
	for name, body := range map[string]string{
		"manifest.json":  `{"format":"investportal-backup/1","collections":[{"name":"projects","file":"projects.jsonl","count":1,"sha256":"00"}]}`,
		"projects.jsonl": `{"_id":"DA-0001"}` + "\n",
	} {
		if err := os.WriteFile(filepath.Join(bad, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	err := run([]string{"import", bad}, getenv, &out, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "checksum") {
		t.Fatalf("a damaged backup: %v", err)
	}
	if strings.Contains(out.String(), "finished") || strings.Contains(out.String(), "imported") {
		t.Errorf("a failed import printed success: %q (error %v)", out.String(), err)
	}
}

// TestBusyPortFailsBeforeSetup: with PORT (or METRICS_ADDR) taken, serve
// fails naming the address before it creates any account, so no one-time
// password is printed and lost.
func TestBusyPortFailsBeforeSetup(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	port := strconv.Itoa(busy.Addr().(*net.TCPAddr).Port)
	for name, extra := range map[string]map[string]string{
		"PORT":         {"PORT": port},
		"METRICS_ADDR": {"METRICS_ADDR": busy.Addr().String()},
	} {
		t.Run(name, func(t *testing.T) {
			m, getenv := testEnv(t, extra)
			var out bytes.Buffer
			err := run([]string{"serve"}, getenv, &out, &bytes.Buffer{})
			if err == nil {
				t.Fatalf("serve on a busy %s succeeded", name)
			}
			if !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), port) {
				t.Errorf("serve on a busy %s: %v", name, err)
			}
			if strings.Contains(out.String(), "Accounts created") {
				t.Errorf("accounts were created first: %q", out.String())
			}
			if _, err := os.Stat(filepath.Join(m["DATA_DIR"], "db")); !os.IsNotExist(err) {
				t.Errorf("the database was created before the port was checked (%v)", err)
			}
		})
	}
}
