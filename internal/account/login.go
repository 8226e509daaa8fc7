package account

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	pmongo "github.com/khanhhoa/investportal/internal/mongo"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// loginFailed is the one answer to a wrong e-mail, a wrong password and a
// disabled account alike, so that a caller learns nothing about which
// addresses exist.
func loginFailed() error {
	return apperr.New(apperr.CodeUnauthorized, "account.login.failed")
}

// loginLocked is the answer while an address is locked, known or not. Its
// Data carries the lock length in minutes for the message.
func (s *Store) loginLocked() error {
	return &apperr.Error{
		Code: apperr.CodeTooMany, MessageID: "account.login.locked",
		Data: map[string]any{"Minutes": int(s.lockout.LockFor / time.Minute)},
	}
}

// dummyHash is a hash with the current parameters that no password is
// checked against in earnest: verifying it for an unknown address costs the
// same as verifying a real user's password.
func (s *Store) dummyHash() string {
	s.dummyOnce.Do(func() { s.dummy = s.hasher.Hash(GeneratePassword()) })
	return s.dummy
}

// Authenticate checks an e-mail address and password at time now.
//
// An unknown address, a wrong password and a disabled account all give the
// same unauthorized error, account.login.failed, and all cost one password
// hash. After
// LockoutPolicy.MaxFailures consecutive failures the address is locked for
// LockFor, whether or not it belongs to a user (failures for unknown
// addresses are counted in login_attempts), and every attempt while locked
// gives account.login.locked (code too_many_requests). A success clears the
// count. All counting is in MongoDB, so it holds across processes.
func (s *Store) Authenticate(ctx context.Context, email, password string, now time.Time) (User, error) {
	now = utc(now)
	email = NormalizeEmail(email)
	u, err := s.GetByEmail(ctx, email)
	if err != nil && !errors.Is(err, apperr.ErrNotFound) {
		return User{}, err
	}
	if err != nil {
		return User{}, s.failUnknown(ctx, email, password, now)
	}
	if u.LockedUntil != nil && now.Before(*u.LockedUntil) {
		return User{}, s.loginLocked()
	}
	ok, verr := s.hasher.Verify(u.PasswordHash, password)
	if verr != nil {
		slog.ErrorContext(ctx, "stored password hash is malformed", "user", u.ID, "err", verr)
	}
	if !ok || u.Disabled {
		locked, err := s.recordFailure(ctx, s.users, u.ID, now, false)
		if err != nil {
			return User{}, err
		}
		if locked {
			return User{}, s.loginLocked()
		}
		return User{}, loginFailed()
	}
	set := bson.M{"failedLogins": 0, "lastLoginAt": now}
	if s.hasher.NeedsRehash(u.PasswordHash) {
		u.PasswordHash = s.hasher.Hash(password)
		set["passwordHash"] = u.PasswordHash
	}
	_, err = s.users.UpdateOne(ctx, bson.M{"_id": u.ID}, bson.M{
		"$set": set, "$unset": bson.M{"lockedUntil": "", "lastFailedAt": ""},
	})
	if err != nil {
		return User{}, apperr.Internal(fmt.Errorf("record sign-in: %w", err))
	}
	u.FailedLogins, u.LockedUntil, u.LastFailedAt, u.LastLoginAt = 0, nil, nil, &now
	return u, nil
}

// loginAttempt counts failed sign-ins for an address that has no user.
type loginAttempt struct {
	Email        string     `bson:"_id"`
	FailedLogins int        `bson:"failedLogins"`
	LastFailedAt *time.Time `bson:"lastFailedAt,omitempty"`
	LockedUntil  *time.Time `bson:"lockedUntil,omitempty"`
	CreatedAt    time.Time  `bson:"createdAt"`
	UpdatedAt    time.Time  `bson:"updatedAt"`
	Version      int64      `bson:"version"`
}

// failUnknown answers a sign-in for an address with no user exactly as for
// a user with a wrong password: the lock check, one hash, one counted
// failure.
func (s *Store) failUnknown(ctx context.Context, email, password string, now time.Time) error {
	var a loginAttempt
	err := s.attempts.FindOne(ctx, bson.M{"_id": email}).Decode(&a)
	if err != nil && !pmongo.IsNoDocuments(err) {
		return apperr.Internal(fmt.Errorf("find login attempts: %w", err))
	}
	if a.LockedUntil != nil && now.Before(*a.LockedUntil) {
		return s.loginLocked()
	}
	_, _ = s.hasher.Verify(s.dummyHash(), password)
	if !ValidEmail(email) {
		// Not an address anyone could own: nothing worth counting.
		return loginFailed()
	}
	locked, err := s.recordFailure(ctx, s.attempts, email, now, true)
	if err != nil {
		return err
	}
	if locked {
		return s.loginLocked()
	}
	return loginFailed()
}

// recordFailure counts one failed sign-in on the document id of c (a user,
// or a login_attempts entry made if missing) and locks it when the count
// reaches the maximum, starting the count afresh. Both collections use the
// fields failedLogins, lastFailedAt and lockedUntil, so known and unknown
// addresses lock after the same number of tries. It reports whether this
// failure locked the address.
func (s *Store) recordFailure(ctx context.Context, c *mongo.Collection, id string, now time.Time, attempts bool) (bool, error) {
	// Within the forget window: add one.
	var doc struct {
		FailedLogins int `bson:"failedLogins"`
	}
	inc := bson.M{"failedLogins": 1}
	set := bson.M{"lastFailedAt": now}
	if attempts {
		inc["version"] = 1
		set["updatedAt"] = now
	}
	err := c.FindOneAndUpdate(ctx,
		bson.M{"_id": id, "lastFailedAt": bson.M{"$gte": now.Add(-s.lockout.Forget)}},
		bson.M{"$inc": inc, "$set": set},
		options.FindOneAndUpdate().SetReturnDocument(options.After),
	).Decode(&doc)
	switch {
	case err == nil:
	case pmongo.IsNoDocuments(err):
		// First failure, or the last one is forgotten: start at one.
		doc.FailedLogins = 1
		update := bson.M{"$set": bson.M{"failedLogins": 1, "lastFailedAt": now}}
		if attempts {
			update["$set"].(bson.M)["updatedAt"] = now
			update["$inc"] = bson.M{"version": 1}
			update["$setOnInsert"] = bson.M{"createdAt": now}
		}
		_, err = c.UpdateOne(ctx, bson.M{"_id": id}, update, options.Update().SetUpsert(attempts))
		if err != nil && !pmongo.IsDuplicateKey(err) {
			return false, apperr.Internal(fmt.Errorf("record failed sign-in: %w", err))
		}
	default:
		return false, apperr.Internal(fmt.Errorf("record failed sign-in: %w", err))
	}
	if doc.FailedLogins < s.lockout.MaxFailures {
		return false, nil
	}
	lock := bson.M{"$set": bson.M{"lockedUntil": now.Add(s.lockout.LockFor), "failedLogins": 0}}
	if attempts {
		lock["$set"].(bson.M)["updatedAt"] = now
		lock["$inc"] = bson.M{"version": 1}
	}
	if _, err := c.UpdateOne(ctx, bson.M{"_id": id}, lock); err != nil {
		return false, apperr.Internal(fmt.Errorf("lock sign-in: %w", err))
	}
	return true, nil
}
