package account

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
)

func TestAuthenticate(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})
	u := mustCreate(t, s, "lan@khanhhoa.gov.vn", RoleBoard)

	t.Run("Success", func(t *testing.T) {
		got, err := s.Authenticate(ctx, "  LAN@khanhhoa.gov.vn ", "correct horse", t0)
		if err != nil || got.ID != u.ID || got.LastLoginAt == nil || !got.LastLoginAt.Equal(t0) {
			t.Fatalf("%v %+v", err, got)
		}
		if got.PasswordHash == "" {
			t.Fatal("user returned without its record")
		}
	})
	t.Run("UnknownAndWrongAreIdentical", func(t *testing.T) {
		_, errWrong := s.Authenticate(ctx, "lan@khanhhoa.gov.vn", "wrong horse", t0)
		_, errUnknown := s.Authenticate(ctx, "nobody@khanhhoa.gov.vn", "wrong horse", t0)
		wantMessage(t, errWrong, apperr.CodeUnauthorized, "account.login.failed")
		if !reflect.DeepEqual(errWrong, errUnknown) || errWrong.Error() != errUnknown.Error() {
			t.Fatalf("wrong password %#v, unknown e-mail %#v", errWrong, errUnknown)
		}
		if !errors.Is(errUnknown, apperr.ErrUnauthorized) {
			t.Fatal("not an unauthorized error")
		}
	})
	t.Run("SuccessResetsCount", func(t *testing.T) {
		s := newStore(t, Options{})
		mustCreate(t, s, "a@b.vn", RoleBoard)
		for i := 0; i < 4; i++ {
			_, _ = s.Authenticate(ctx, "a@b.vn", "wrong horse", t0)
		}
		if got, _ := s.GetByEmail(ctx, "a@b.vn"); got.FailedLogins != 4 {
			t.Fatalf("failedLogins %d after 4 failures", got.FailedLogins)
		}
		if _, err := s.Authenticate(ctx, "a@b.vn", "correct horse", t0); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.GetByEmail(ctx, "a@b.vn"); got.FailedLogins != 0 {
			t.Fatalf("failedLogins %d after success", got.FailedLogins)
		}
		for i := 0; i < 4; i++ {
			_, err := s.Authenticate(ctx, "a@b.vn", "wrong horse", t0)
			wantMessage(t, err, apperr.CodeUnauthorized, "account.login.failed")
		}
	})
	t.Run("OldFailuresForgotten", func(t *testing.T) {
		s := newStore(t, Options{})
		mustCreate(t, s, "a@b.vn", RoleBoard)
		for i := 0; i < 4; i++ {
			_, _ = s.Authenticate(ctx, "a@b.vn", "wrong horse", t0)
			_, _ = s.Authenticate(ctx, "ghost@b.vn", "wrong horse", t0)
		}
		later := t0.Add(25 * time.Hour)
		for _, email := range []string{"a@b.vn", "ghost@b.vn"} {
			_, err := s.Authenticate(ctx, email, "wrong horse", later)
			wantMessage(t, err, apperr.CodeUnauthorized, "account.login.failed")
		}
	})
}

func TestLockout(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})
	mustCreate(t, s, "lan@khanhhoa.gov.vn", RoleBoard)

	// Run the same sequence against a real account and an address with no
	// account; every answer must be the same.
	sequence := func(email, password string) []error {
		var errs []error
		for i := 0; i < 5; i++ {
			_, err := s.Authenticate(ctx, email, "wrong horse", t0.Add(time.Duration(i)*time.Second))
			errs = append(errs, err)
		}
		// Locked: even the right password is refused, without a hash.
		_, err := s.Authenticate(ctx, email, password, t0.Add(14*time.Minute))
		errs = append(errs, err)
		return errs
	}
	known := sequence("lan@khanhhoa.gov.vn", "correct horse")
	unknown := sequence("ghost@khanhhoa.gov.vn", "correct horse")
	for i := 0; i < 4; i++ {
		wantMessage(t, known[i], apperr.CodeUnauthorized, "account.login.failed")
	}
	wantMessage(t, known[4], apperr.CodeTooMany, "account.login.locked")
	wantMessage(t, known[5], apperr.CodeTooMany, "account.login.locked")
	if e := apperr.As(known[5]); e.Data["Minutes"] != 15 {
		t.Fatalf("lock data %v", e.Data)
	}
	if !reflect.DeepEqual(known, unknown) {
		t.Fatalf("known and unknown addresses answer differently:\n%v\n%v", known, unknown)
	}

	u, _ := s.GetByEmail(ctx, "lan@khanhhoa.gov.vn")
	if u.LockedUntil == nil || !u.LockedUntil.Equal(t0.Add(4*time.Second+15*time.Minute)) {
		t.Fatalf("lockedUntil %v", u.LockedUntil)
	}

	// After 15 minutes the right password works and clears the lock.
	after := t0.Add(4*time.Second + 15*time.Minute + time.Second)
	got, err := s.Authenticate(ctx, "lan@khanhhoa.gov.vn", "correct horse", after)
	if err != nil {
		t.Fatalf("after the lock: %v", err)
	}
	u, _ = s.GetUser(ctx, got.ID)
	if u.LockedUntil != nil || u.FailedLogins != 0 {
		t.Fatalf("lock not cleared: %+v", u)
	}
	// The unknown address is unlocked too, and counts afresh.
	_, err = s.Authenticate(ctx, "ghost@khanhhoa.gov.vn", "wrong horse", after)
	wantMessage(t, err, apperr.CodeUnauthorized, "account.login.failed")

	// A new run of failures locks again.
	for i := 0; i < 4; i++ {
		_, _ = s.Authenticate(ctx, "lan@khanhhoa.gov.vn", "wrong horse", after)
	}
	_, err = s.Authenticate(ctx, "lan@khanhhoa.gov.vn", "wrong horse", after)
	wantMessage(t, err, apperr.CodeTooMany, "account.login.locked")

	t.Run("SharedAcrossStores", func(t *testing.T) {
		// A second process on the same database sees the lock.
		other := NewStore(s.users.Database(), Options{Hash: cheap})
		_, err := other.Authenticate(ctx, "lan@khanhhoa.gov.vn", "correct horse", after.Add(time.Minute))
		wantMessage(t, err, apperr.CodeTooMany, "account.login.locked")
	})
	t.Run("Cleanup", func(t *testing.T) {
		n, _ := s.attempts.CountDocuments(ctx, map[string]any{})
		if n != 1 {
			t.Fatalf("login_attempts %d", n)
		}
		c, err := s.CleanupExpired(ctx, after.Add(time.Hour))
		if err != nil || c.LoginAttempts != 0 {
			t.Fatalf("recent attempt removed: %v %+v", err, c)
		}
		c, err = s.CleanupExpired(ctx, after.Add(25*time.Hour))
		if err != nil || c.LoginAttempts != 1 {
			t.Fatalf("old attempt kept: %v %+v", err, c)
		}
	})
}

func TestDisabledLogin(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})
	mustCreate(t, s, "admin@b.vn", RoleAdmin)
	u := mustCreate(t, s, "a@b.vn", RoleBoard)
	if _, err := s.Disable(ctx, u.ID, t0); err != nil {
		t.Fatal(err)
	}
	_, err := s.Authenticate(ctx, "a@b.vn", "correct horse", t0)
	wantMessage(t, err, apperr.CodeUnauthorized, "account.login.failed")
	_, errUnknown := s.Authenticate(ctx, "zz@b.vn", "correct horse", t0)
	if !reflect.DeepEqual(err, errUnknown) {
		t.Fatalf("disabled %v, unknown %v", err, errUnknown)
	}
	if _, err := s.Enable(ctx, u.ID, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, "a@b.vn", "correct horse", t0); err != nil {
		t.Fatalf("enabled again: %v", err)
	}
}

func TestPasswordChange(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})
	u := mustCreate(t, s, "a@b.vn", RoleBoard)
	id, _, err := s.CreateSession(ctx, u.ID, t0)
	if err != nil {
		t.Fatal(err)
	}
	err = s.ChangePassword(ctx, u.ID, "wrong horse", "short", t0)
	if fieldErr(t, err, "currentPassword") != "account.error.password_wrong" || fieldErr(t, err, "password") != "account.error.password_too_short" {
		t.Fatalf("got %v", err)
	}
	if err := s.ChangePassword(ctx, u.ID, "correct horse", "battery staple", t0); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Lookup(ctx, id, t0); err == nil {
		t.Fatal("session survived a password change")
	}
	if _, err := s.Authenticate(ctx, "a@b.vn", "correct horse", t0); err == nil {
		t.Fatal("old password still works")
	}
	if _, err := s.Authenticate(ctx, "a@b.vn", "battery staple", t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetUser(ctx, u.ID); got.Version != u.Version+1 {
		t.Fatalf("version %d", got.Version)
	}
}

func TestRehashOnLogin(t *testing.T) {
	ctx := context.Background()
	s := newStore(t, Options{})
	u := mustCreate(t, s, "a@b.vn", RoleBoard)
	stronger := NewStore(s.users.Database(), Options{Hash: HashParams{Time: 2, MemoryKiB: 512, Threads: 1}})
	if _, err := stronger.Authenticate(ctx, "a@b.vn", "correct horse", t0); err != nil {
		t.Fatal(err)
	}
	got, _ := s.GetUser(ctx, u.ID)
	if got.PasswordHash == u.PasswordHash || stronger.Hasher().NeedsRehash(got.PasswordHash) {
		t.Fatalf("not rehashed: %s", got.PasswordHash)
	}
}

// TestLoginTiming checks that an unknown e-mail costs a password hash like
// a wrong password does, so response time does not reveal which addresses
// have accounts. Parameters are heavy enough that the hash dominates the
// database round trips.
func TestLoginTiming(t *testing.T) {
	if testing.Short() {
		t.Skip("timing")
	}
	ctx := context.Background()
	params := HashParams{Time: 1, MemoryKiB: 32 * 1024, Threads: 1}
	s := newStore(t, Options{Hash: params, Lockout: LockoutPolicy{MaxFailures: 1000}})
	mustCreate(t, s, "lan@khanhhoa.gov.vn", RoleBoard)

	median := func(d []time.Duration) time.Duration {
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		return d[len(d)/2]
	}
	const n = 7
	var wrong, unknown, hash []time.Duration
	_, _ = s.Authenticate(ctx, "warm@up.vn", "x", t0) // builds the dummy hash
	enc := s.Hasher().Hash("correct horse")
	for i := 0; i < n; i++ {
		st := time.Now()
		_, err := s.Authenticate(ctx, "lan@khanhhoa.gov.vn", "wrong horse", t0)
		wrong = append(wrong, time.Since(st))
		wantMessage(t, err, apperr.CodeUnauthorized, "account.login.failed")

		st = time.Now()
		_, err = s.Authenticate(ctx, fmt.Sprintf("ghost%d@khanhhoa.gov.vn", i), "wrong horse", t0)
		unknown = append(unknown, time.Since(st))
		wantMessage(t, err, apperr.CodeUnauthorized, "account.login.failed")

		st = time.Now()
		_, _ = s.Hasher().Verify(enc, "wrong horse")
		hash = append(hash, time.Since(st))
	}
	mw, mu, mh := median(wrong), median(unknown), median(hash)
	t.Logf("median: wrong password %v, unknown e-mail %v, one hash %v", mw, mu, mh)
	if mu < mw/2 {
		t.Errorf("unknown e-mail (%v) is much faster than a wrong password (%v)", mu, mw)
	}
	if mu < mh*8/10 {
		t.Errorf("unknown e-mail (%v) takes less than one hash (%v)", mu, mh)
	}
}
