package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/app"
	"github.com/khanhhoa/investportal/internal/app/apptest"
)

// TestUserCommand adds a user with the password on standard input, sets
// a new password with the flag, disables the user, and checks each step
// against the stored accounts.
func TestUserCommand(t *testing.T) {
	cfg := apptest.Config(t, t.TempDir())
	cfg.DemoPassword = ""
	log := slog.New(slog.DiscardHandler)
	ctx := context.Background()
	run := func(stdin string, args ...string) (string, error) {
		t.Helper()
		var out bytes.Buffer
		err := userCmd(ctx, cfg, log, args, strings.NewReader(stdin), &out)
		return out.String(), err
	}
	check := func(fn func(a *app.App)) {
		t.Helper()
		c := cfg
		c.Demo = false
		a, err := app.Open(ctx, c, log)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		fn(a)
	}

	out, err := run("first-password-1\n", "add", "--email", "Officer@Example.VN", "--name", "Trần Thị Bình", "--role", "board")
	if err != nil {
		t.Fatal(err)
	}
	// The first start of an empty database also makes an administrator
	// and prints its generated password once.
	if !strings.Contains(out, "added officer@example.vn (board)") || !strings.Contains(out, "admin@localhost") {
		t.Errorf("add printed %q", out)
	}
	if _, err := run("second-password-2\n", "add", "--email", "officer@example.vn", "--name", "X", "--role", "board"); err == nil || !strings.Contains(err.Error(), "An account with this email address already exists") {
		t.Errorf("duplicate add: %v", err)
	}
	if _, err := run("", "add", "--email", "short@example.vn", "--name", "X", "--role", "board", "--password", "short"); err == nil || !strings.Contains(err.Error(), "password: Use at least 8 characters.") {
		t.Errorf("short password: %v", err)
	}
	if _, err := run("", "set-password", "--email", "officer@example.vn"); err == nil || !strings.Contains(err.Error(), "no password") {
		t.Errorf("empty stdin: %v", err)
	}
	if out, err := run("", "set-password", "--email", "officer@example.vn", "--password", "second-password-2"); err != nil || !strings.Contains(out, "password set") {
		t.Fatalf("set-password: %q %v", out, err)
	}
	check(func(a *app.App) {
		if len(a.Credentials) != 0 {
			t.Error("a second start made accounts again")
		}
		if _, err := a.Accounts.Authenticate(ctx, "officer@example.vn", "second-password-2", time.Now()); err != nil {
			t.Errorf("new password refused: %v", err)
		}
		if _, err := a.Accounts.Authenticate(ctx, "officer@example.vn", "first-password-1", time.Now()); err == nil {
			t.Error("old password still works")
		}
	})
	out, err = run("", "token", "--email", "officer@example.vn", "--name", "load tests")
	if err != nil || !strings.Contains(out, `token "load tests" for officer@example.vn (board)`) {
		t.Fatalf("token: %q %v", out, err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	plain := lines[len(lines)-1]
	check(func(a *app.App) {
		if _, u, err := a.Accounts.AuthenticateToken(ctx, plain, time.Now()); err != nil || u.Email != "officer@example.vn" {
			t.Errorf("issued token does not sign in: %v %v", u.Email, err)
		}
	})
	if _, err := run("", "token", "--email", "officer@example.vn"); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Errorf("token without a name: %v", err)
	}
	if out, err := run("", "disable", "--email", "officer@example.vn"); err != nil || !strings.Contains(out, "disabled officer@example.vn") {
		t.Fatalf("disable: %q %v", out, err)
	}
	if _, err := run("", "disable", "--email", "nobody@example.vn"); err == nil || !strings.Contains(err.Error(), "User not found") {
		t.Errorf("unknown user: %v", err)
	}
	check(func(a *app.App) {
		u, err := a.Accounts.GetByEmail(ctx, "officer@example.vn")
		if err != nil || !u.Disabled {
			t.Errorf("not disabled: %+v %v", u, err)
		}
		if _, err := a.Accounts.Authenticate(ctx, "officer@example.vn", "second-password-2", time.Now()); err == nil {
			t.Error("a disabled user signed in")
		}
	})
	for _, args := range [][]string{{}, {"add"}, {"remove", "--email", "a@b.vn"}, {"add", "--email", "a@b.vn"}} {
		if err := userCmd(ctx, cfg, log, args, strings.NewReader(""), io.Discard); err == nil || !strings.Contains(err.Error(), "usage") {
			t.Errorf("%v: %v", args, err)
		}
	}
}
