package account

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Session is a signed-in browser. The id the browser holds is never
// stored: ID is the hex SHA-256 of it, safe to show and log.
type Session struct {
	ID     string `json:"id" bson:"_id"`
	UserID string `json:"userId" bson:"userId"`
	// CSRFSecret is a random value the web layer keys the session's
	// anti-forgery tokens with.
	CSRFSecret string    `json:"-" bson:"csrfSecret"`
	LastSeenAt time.Time `json:"lastSeenAt" bson:"lastSeenAt"`
	// IdleExpiresAt moves forward as the session is used, never past
	// ExpiresAt.
	IdleExpiresAt time.Time `json:"idleExpiresAt" bson:"idleExpiresAt"`
	// ExpiresAt is the absolute end, fixed at sign-in.
	ExpiresAt time.Time `json:"expiresAt" bson:"expiresAt"`
	CreatedAt time.Time `json:"createdAt" bson:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt" bson:"updatedAt"`
	Version   int64     `json:"version" bson:"version"`
}

// hashSecret is the stored form of a session id or API token.
func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

func errSessionExpired() error {
	return apperr.New(apperr.CodeUnauthorized, "account.session.expired")
}

// CreateSession signs userID in at now and returns the session's id (32
// random bytes, base64url) for the cookie; only its SHA-256 is stored.
// A disabled or unknown user gets an unauthorized error.
func (s *Store) CreateSession(ctx context.Context, userID string, now time.Time) (string, Session, error) {
	now = utc(now)
	u, err := s.GetUser(ctx, userID)
	if err != nil || u.Disabled {
		return "", Session{}, loginFailed()
	}
	id := randomString(32)
	exp := now.Add(s.policy.Absolute)
	sess := Session{
		ID: hashSecret(id), UserID: userID, CSRFSecret: randomString(32),
		LastSeenAt: now, IdleExpiresAt: minTime(now.Add(s.policy.Idle), exp), ExpiresAt: exp,
		CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	if _, err := s.sessions.InsertOne(ctx, sess); err != nil {
		return "", Session{}, apperr.Internal(fmt.Errorf("insert session: %w", err))
	}
	return id, sess, nil
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// Lookup returns the live session with the given id and its user. An
// unknown, idle-expired or expired session, or one whose user is disabled,
// is an unauthorized error (account.session.expired). Use slides the idle
// expiry forward, written at most once per SessionPolicy.TouchEvery.
func (s *Store) Lookup(ctx context.Context, id string, now time.Time) (Session, User, error) {
	now = utc(now)
	if id == "" {
		return Session{}, User{}, errSessionExpired()
	}
	var sess Session
	err := s.sessions.FindOne(ctx, bson.M{
		"_id":           hashSecret(id),
		"expiresAt":     bson.M{"$gt": now},
		"idleExpiresAt": bson.M{"$gt": now},
	}).Decode(&sess)
	if err != nil {
		if mongodb.IsNoDocuments(err) {
			return Session{}, User{}, errSessionExpired()
		}
		return Session{}, User{}, apperr.Internal(fmt.Errorf("find session: %w", err))
	}
	u, ok, err := s.activeUser(ctx, sess.UserID)
	if err != nil {
		return Session{}, User{}, err
	}
	if !ok {
		_, _ = s.sessions.DeleteOne(ctx, bson.M{"_id": sess.ID})
		return Session{}, User{}, errSessionExpired()
	}
	if now.Sub(sess.LastSeenAt) >= s.policy.TouchEvery {
		idle := minTime(now.Add(s.policy.Idle), sess.ExpiresAt)
		// Filtering on the last-seen time read means concurrent requests
		// write once between them.
		res, err := s.sessions.UpdateOne(ctx,
			bson.M{"_id": sess.ID, "lastSeenAt": sess.LastSeenAt},
			bson.M{"$set": bson.M{"lastSeenAt": now, "idleExpiresAt": idle, "updatedAt": now}, "$inc": bson.M{"version": 1}})
		if err != nil {
			return Session{}, User{}, apperr.Internal(fmt.Errorf("touch session: %w", err))
		}
		if res.ModifiedCount > 0 {
			sess.LastSeenAt, sess.IdleExpiresAt, sess.UpdatedAt = now, idle, now
			sess.Version++
		}
	}
	return sess, u, nil
}

func isNotFound(err error) bool { return errors.Is(err, apperr.ErrNotFound) }

// activeUser returns the user id when it exists and is enabled; ok is
// false when it is missing or disabled, err is set only when reading fails.
func (s *Store) activeUser(ctx context.Context, id string) (u User, ok bool, err error) {
	u, err = s.GetUser(ctx, id)
	switch {
	case isNotFound(err):
		return User{}, false, nil
	case err != nil:
		return User{}, false, err
	}
	return u, !u.Disabled, nil
}

// findNewestFirst sorts a find by creation, newest first.
func findNewestFirst() *options.FindOptions {
	return options.Find().SetSort(bson.D{{Key: "createdAt", Value: -1}})
}

// DeleteSession signs the session with the given id out; an unknown id is
// not an error.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	if _, err := s.sessions.DeleteOne(ctx, bson.M{"_id": hashSecret(id)}); err != nil {
		return apperr.Internal(fmt.Errorf("delete session: %w", err))
	}
	return nil
}

// DeleteUserSessions signs a user out everywhere.
func (s *Store) DeleteUserSessions(ctx context.Context, userID string) error {
	if _, err := s.sessions.DeleteMany(ctx, bson.M{"userId": userID}); err != nil {
		return apperr.Internal(fmt.Errorf("delete sessions of %s: %w", userID, err))
	}
	return nil
}

// ListUserSessions returns a user's live sessions, newest first, for a
// "where you are signed in" page; IDs are the stored hashes.
func (s *Store) ListUserSessions(ctx context.Context, userID string, now time.Time) ([]Session, error) {
	now = utc(now)
	return findAll[Session](ctx, s.sessions, bson.M{
		"userId": userID, "expiresAt": bson.M{"$gt": now}, "idleExpiresAt": bson.M{"$gt": now},
	}, findNewestFirst())
}

// Cleanup counts what CleanupExpired removed.
type Cleanup struct {
	Sessions      int64
	LoginAttempts int64
}

// CleanupExpired deletes expired sessions and login-attempt counts whose
// failures are forgotten and whose address is no longer familiar, for a
// periodic job. Reads never depend on it: expired sessions are already
// refused by Lookup, and forgotten failures count as none. On MongoDB its
// TTL indexes delete them instead, and CleanupExpired does nothing.
func (s *Store) CleanupExpired(ctx context.Context, now time.Time) (Cleanup, error) {
	now = utc(now)
	var c Cleanup
	if s.ttl {
		return c, nil
	}
	res, err := s.sessions.DeleteMany(ctx, bson.M{"$or": bson.A{
		bson.M{"expiresAt": bson.M{"$lte": now}},
		bson.M{"idleExpiresAt": bson.M{"$lte": now}},
	}})
	if err != nil {
		return c, apperr.Internal(fmt.Errorf("delete expired sessions: %w", err))
	}
	c.Sessions = res.DeletedCount
	res, err = s.attempts.DeleteMany(ctx, bson.M{"$and": bson.A{
		bson.M{"$or": bson.A{
			bson.M{"lastFailedAt": bson.M{"$exists": false}},
			bson.M{"lastFailedAt": bson.M{"$lt": now.Add(-s.throttle.Forget)}},
		}},
		bson.M{"$or": bson.A{
			bson.M{"lastSuccessAt": bson.M{"$exists": false}},
			bson.M{"lastSuccessAt": bson.M{"$lt": now.Add(-s.throttle.Familiar)}},
		}},
	}})
	if err != nil {
		return c, apperr.Internal(fmt.Errorf("delete old login attempts: %w", err))
	}
	c.LoginAttempts = res.DeletedCount
	return c, nil
}
