package account

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"go.mongodb.org/mongo-driver/bson"
)

// loginFailed is the one answer to a wrong e-mail, a wrong password and a
// disabled account alike, so that a caller learns nothing about which
// addresses exist.
func loginFailed() error {
	return apperr.New(apperr.CodeUnauthorized, "account.login.failed")
}

// dummyHash is a hash with the current parameters that no password is
// checked against in earnest: verifying it for an unknown address costs the
// same as verifying a real user's password.
func (s *Store) dummyHash() string {
	s.dummyOnce.Do(func() { s.dummy = s.hasher.Hash(GeneratePassword()) })
	return s.dummy
}

// Authenticate is AuthenticateFrom for a sign-in from no network address
// (the command line, tests): all such sign-ins share LocalAddress.
func (s *Store) Authenticate(ctx context.Context, email, password string, now time.Time) (User, error) {
	return s.AuthenticateFrom(ctx, email, password, LocalAddress, now)
}

// AuthenticateFrom checks an e-mail address and password sent from the
// client address addr (an IP address) at time now.
//
// An unknown address, a wrong password and a disabled account all give the
// same unauthorized error, account.login.failed, and all cost one password
// hash and one counted failure. While the throttle (see ThrottlePolicy)
// makes the attempt wait, it is refused without checking the password:
// account.login.throttled, code too_many_requests, whose Data holds Count
// (minutes to wait, rounded up) and RetryAfter (seconds); the failure that
// starts a wait answers so too. When every hashing slot stays busy for
// the hash wait, the answer is account.login.busy (too_many_requests,
// RetryAfter in Data) and nothing is counted. A success clears the count
// of this account from this address and marks the address familiar.
func (s *Store) AuthenticateFrom(ctx context.Context, email, password, addr string, now time.Time) (User, error) {
	now = utc(now)
	email = NormalizeEmail(email)
	k := keysFor(email, addr)
	// Cheap refusal first, so that a throttled flood does not queue for
	// the hashing slots.
	if err := s.checkThrottle(ctx, k, now); err != nil {
		return User{}, err
	}
	leave, err := s.gate.enter(ctx, s.gate.wait)
	if err != nil {
		return User{}, err
	}
	// Again with the slot held: failures recorded by the attempts this
	// one queued behind count against it, so a parallel burst gets no
	// more guesses than one at a time would (within one process).
	if err := s.checkThrottle(ctx, k, now); err != nil {
		leave()
		return User{}, err
	}
	u, err := s.GetByEmail(ctx, email)
	if err != nil && !errors.Is(err, apperr.ErrNotFound) {
		leave()
		return User{}, err
	}
	known := err == nil
	var ok bool
	if known {
		var verr error
		ok, verr = s.hasher.Verify(u.PasswordHash, password)
		if verr != nil {
			slog.ErrorContext(ctx, "stored password hash is malformed", "user", u.ID, "err", verr)
		}
	} else {
		_, _ = s.hasher.Verify(s.dummyHash(), password)
	}
	if !known || !ok || u.Disabled {
		// Counted before the slot is given back, so that the next attempt
		// in line sees this failure.
		err := s.recordFailure(ctx, k, now)
		leave()
		if err != nil {
			return User{}, err
		}
		return User{}, loginFailed()
	}
	leave()
	set := bson.M{"lastLoginAt": now}
	if s.hasher.NeedsRehash(u.PasswordHash) {
		if u.PasswordHash, err = s.hash(ctx, password); err != nil {
			return User{}, err
		}
		set["passwordHash"] = u.PasswordHash
	}
	// Bookkeeping, not a change: no version, no history entry. Locked like
	// a versioned write, so that on the embedded database (an update is a
	// read then a write there) it cannot undo an administrator's edit.
	unlock := mongodb.LockDocument(s.users.Mongo(), u.ID)
	_, err = s.users.Mongo().UpdateOne(ctx, bson.M{"_id": u.ID}, bson.M{"$set": set})
	unlock()
	if err != nil {
		return User{}, apperr.Internal(fmt.Errorf("record sign-in: %w", err))
	}
	if err := s.recordSuccess(ctx, k, now); err != nil {
		return User{}, err
	}
	u.LastLoginAt = &now
	return u, nil
}
