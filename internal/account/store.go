package account

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Collection names.
const (
	UsersCollection         = "users"
	SessionsCollection      = "sessions"
	TokensCollection        = "api_tokens"
	AgenciesCollection      = "agencies"
	LoginAttemptsCollection = "login_attempts"
)

// SessionPolicy says how long a session lives.
type SessionPolicy struct {
	// Idle ends a session not used for this long (sliding).
	Idle time.Duration
	// Absolute ends a session this long after sign-in, however active.
	Absolute time.Duration
	// TouchEvery limits how often use of a session is written back.
	TouchEvery time.Duration
}

// DefaultSessionPolicy: 2 hours idle, 12 hours at most, written at most
// once a minute.
func DefaultSessionPolicy() SessionPolicy {
	return SessionPolicy{Idle: 2 * time.Hour, Absolute: 12 * time.Hour, TouchEvery: time.Minute}
}

// Options configure a Store; zero fields take the defaults.
type Options struct {
	Hash     HashParams
	Sessions SessionPolicy
	Throttle ThrottlePolicy
	// HashConcurrency is how many password hashes may run at once in this
	// process (default: the number of CPUs); with the default parameters
	// each holds 64 MiB while it runs.
	HashConcurrency int
	// HashWait is how long a sign-in waits for a hashing slot before it is
	// answered account.login.busy (default 1 s).
	HashWait time.Duration
}

// Store keeps users, agencies, sessions and API tokens in MongoDB. It is
// safe for concurrent use, and several processes may share one database.
type Store struct {
	users, sessions, tokens, agencies, attempts *mongo.Collection

	hasher   *Hasher
	gate     hashGate
	policy   SessionPolicy
	throttle ThrottlePolicy

	dummyOnce sync.Once
	dummy     string
}

// NewStore returns a store on db.
func NewStore(db *mongo.Database, o Options) *Store {
	sp, d := o.Sessions, DefaultSessionPolicy()
	if sp.Idle <= 0 {
		sp.Idle = d.Idle
	}
	if sp.Absolute <= 0 {
		sp.Absolute = d.Absolute
	}
	if sp.TouchEvery <= 0 {
		sp.TouchEvery = d.TouchEvery
	}
	if o.HashConcurrency <= 0 {
		o.HashConcurrency = runtime.NumCPU()
	}
	if o.HashWait <= 0 {
		o.HashWait = time.Second
	}
	return &Store{
		users:    db.Collection(UsersCollection),
		sessions: db.Collection(SessionsCollection),
		tokens:   db.Collection(TokensCollection),
		agencies: db.Collection(AgenciesCollection),
		attempts: db.Collection(LoginAttemptsCollection),
		hasher:   NewHasher(o.Hash),
		gate:     newHashGate(o.HashConcurrency, o.HashWait),
		policy:   sp,
		throttle: o.Throttle.withDefaults(),
	}
}

// Hasher returns the store's password hasher.
func (s *Store) Hasher() *Hasher { return s.hasher }

// SessionPolicy returns the session lifetimes in force, for cookie ages.
func (s *Store) SessionPolicy() SessionPolicy { return s.policy }

// ThrottlePolicy returns the sign-in throttle in force.
func (s *Store) ThrottlePolicy() ThrottlePolicy { return s.throttle }

// EnsureIndexes creates the collections' indexes; it is idempotent. Expiry
// is enforced by expiresAt filters and CleanupExpired, not TTL indexes,
// which the embedded database lacks.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	sets := []struct {
		c   *mongo.Collection
		idx []mongodb.Index
	}{
		{s.users, []mongodb.Index{
			{Keys: bson.D{{Key: "email", Value: 1}}, Options: options.Index().SetUnique(true).SetName("email_unique")},
			{Keys: bson.D{{Key: "role", Value: 1}, {Key: "email", Value: 1}}, Options: options.Index().SetName("role_email")},
		}},
		// A session's _id is the SHA-256 of its id, unique by construction.
		{s.sessions, []mongodb.Index{
			{Keys: bson.D{{Key: "userId", Value: 1}}, Options: options.Index().SetName("user")},
			{Keys: bson.D{{Key: "expiresAt", Value: 1}}, Options: options.Index().SetName("expires")},
			{Keys: bson.D{{Key: "idleExpiresAt", Value: 1}}, Options: options.Index().SetName("idle_expires")},
		}},
		{s.tokens, []mongodb.Index{
			{Keys: bson.D{{Key: "hash", Value: 1}}, Options: options.Index().SetUnique(true).SetName("hash_unique")},
			{Keys: bson.D{{Key: "userId", Value: 1}}, Options: options.Index().SetName("user")},
		}},
		{s.attempts, attemptIndexes()},
	}
	for _, set := range sets {
		if err := mongodb.EnsureIndexes(ctx, set.c, set.idx...); err != nil {
			return err
		}
	}
	return nil
}

// utc is now as stored: UTC, to the millisecond.
func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

func errUserNotFound() error { return apperr.NotFound("account.error.user_not_found") }

func errEmailTaken() error {
	f := apperr.Fields{}
	f.Add("email", "account.error.email_taken")
	return f.Err()
}

// NewUser is what is needed to create a user.
type NewUser struct {
	Email    string
	Name     string
	Role     Role
	AgencyID string
	Lang     string
	Password string
}

// CreateUser validates and stores a new user with a hashed password. A
// taken e-mail is an invalid error on field "email"
// (account.error.email_taken).
func (s *Store) CreateUser(ctx context.Context, in NewUser, now time.Time) (User, error) {
	now = utc(now)
	u := User{
		ID: primitive.NewObjectID().Hex(), Email: in.Email, Name: in.Name, Role: in.Role,
		AgencyID: in.AgencyID, Lang: in.Lang, CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	u.Normalize()
	if err := s.checkUser(ctx, &u, in.Password, true); err != nil {
		return User{}, err
	}
	var err error
	if u.PasswordHash, err = s.hash(ctx, in.Password); err != nil {
		return User{}, err
	}
	if _, err := s.users.InsertOne(ctx, u); err != nil {
		if mongodb.IsDuplicateKey(err) {
			return User{}, errEmailTaken()
		}
		return User{}, apperr.Internal(fmt.Errorf("insert user: %w", err))
	}
	return u, nil
}

// checkUser validates u (and a new password when withPassword), then checks
// that its agency exists; all field problems are reported together.
func (s *Store) checkUser(ctx context.Context, u *User, password string, withPassword bool) error {
	f := apperr.Fields{}
	addFields(f, u.Validate())
	if withPassword {
		addFields(f, ValidatePassword(password, u.Email))
	}
	if _, bad := f["agencyId"]; !bad && u.AgencyID != "" {
		if _, err := s.GetAgency(ctx, u.AgencyID); err != nil {
			if !errors.Is(err, apperr.ErrNotFound) {
				return err
			}
			f.Add("agencyId", "account.error.agency_unknown")
		}
	}
	return f.Err()
}

// addFields copies the field problems of an invalid error into f.
func addFields(f apperr.Fields, err error) {
	var e *apperr.Error
	if errors.As(err, &e) {
		for k, v := range e.Fields {
			f.Add(k, v)
		}
	}
}

// GetUser returns the user with id.
func (s *Store) GetUser(ctx context.Context, id string) (User, error) {
	return s.findUser(ctx, bson.M{"_id": id})
}

// GetByEmail returns the user with the e-mail address, in any case.
func (s *Store) GetByEmail(ctx context.Context, email string) (User, error) {
	return s.findUser(ctx, bson.M{"email": NormalizeEmail(email)})
}

func (s *Store) findUser(ctx context.Context, filter bson.M) (User, error) {
	var u User
	if err := s.users.FindOne(ctx, filter).Decode(&u); err != nil {
		if mongodb.IsNoDocuments(err) {
			return User{}, errUserNotFound()
		}
		return User{}, apperr.Internal(fmt.Errorf("find user: %w", err))
	}
	return u, nil
}

// UserFilter selects users for a list; zero fields select all.
type UserFilter struct {
	Role     Role
	AgencyID string
	// Query matches part of the e-mail or name, ignoring case.
	Query    string
	Disabled *bool
	// Page counts from 1; PerPage is at most 100 (default 20).
	Page    int
	PerPage int
}

// UserPage is one page of users, sorted by e-mail, and the total matched.
type UserPage struct {
	Users   []User `json:"users"`
	Total   int64  `json:"total"`
	Page    int    `json:"page"`
	PerPage int    `json:"perPage"`
}

// ListUsers returns one page of the users that match f.
func (s *Store) ListUsers(ctx context.Context, f UserFilter) (UserPage, error) {
	if f.Page < 1 {
		f.Page = 1
	}
	if f.PerPage < 1 {
		f.PerPage = 20
	}
	if f.PerPage > 100 {
		f.PerPage = 100
	}
	q := bson.M{}
	if f.Role != "" {
		q["role"] = f.Role
	}
	if f.AgencyID != "" {
		q["agencyId"] = f.AgencyID
	}
	if f.Disabled != nil {
		q["disabled"] = *f.Disabled
	}
	if t := strings.TrimSpace(f.Query); t != "" {
		re := primitive.Regex{Pattern: regexp.QuoteMeta(t), Options: "i"}
		q["$or"] = bson.A{bson.M{"email": re}, bson.M{"name": re}}
	}
	total, err := s.users.CountDocuments(ctx, q)
	if err != nil {
		return UserPage{}, apperr.Internal(fmt.Errorf("count users: %w", err))
	}
	opts := options.Find().SetSort(bson.D{{Key: "email", Value: 1}}).
		SetSkip(int64((f.Page - 1) * f.PerPage)).SetLimit(int64(f.PerPage))
	cur, err := s.users.Find(ctx, q, opts)
	if err != nil {
		return UserPage{}, apperr.Internal(fmt.Errorf("list users: %w", err))
	}
	users := []User{}
	if err := cur.All(ctx, &users); err != nil {
		return UserPage{}, apperr.Internal(fmt.Errorf("read users: %w", err))
	}
	return UserPage{Users: users, Total: total, Page: f.Page, PerPage: f.PerPage}, nil
}

// UserUpdate holds the profile fields to change; nil means unchanged.
// Giving a Role other than agency without an AgencyID clears the agency.
type UserUpdate struct {
	Email    *string
	Name     *string
	Lang     *string
	Role     *Role
	AgencyID *string
}

// UpdateUser changes a user's profile, role and agency. version is the
// version the caller read; a stale one is a conflict
// (account.error.user_changed). Demoting the last enabled administrator is
// refused (account.error.last_admin).
func (s *Store) UpdateUser(ctx context.Context, id string, version int64, upd UserUpdate, now time.Time) (User, error) {
	now = utc(now)
	cur, err := s.GetUser(ctx, id)
	if err != nil {
		return User{}, err
	}
	if cur.Version != version {
		return User{}, apperr.Conflict("account.error.user_changed")
	}
	u := cur
	if upd.Email != nil {
		u.Email = *upd.Email
	}
	if upd.Name != nil {
		u.Name = *upd.Name
	}
	if upd.Lang != nil {
		u.Lang = *upd.Lang
	}
	if upd.Role != nil {
		u.Role = *upd.Role
		if u.Role != RoleAgency && upd.AgencyID == nil {
			u.AgencyID = ""
		}
	}
	if upd.AgencyID != nil {
		u.AgencyID = *upd.AgencyID
	}
	u.Normalize()
	if err := s.checkUser(ctx, &u, "", false); err != nil {
		return User{}, err
	}
	if u.Email != cur.Email {
		// Checked first because FerretDB reports a unique-index violation
		// on update as an internal error, not E11000; the index still
		// decides a race on MongoDB.
		if other, err := s.GetByEmail(ctx, u.Email); err == nil && other.ID != id {
			return User{}, errEmailTaken()
		} else if err != nil && !isNotFound(err) {
			return User{}, err
		}
	}
	if cur.Role == RoleAdmin && u.Role != RoleAdmin && !cur.Disabled {
		if err := s.ensureOtherAdmin(ctx, id); err != nil {
			return User{}, err
		}
	}
	u.UpdatedAt = now
	u.Version = version + 1
	set := bson.M{"email": u.Email, "name": u.Name, "lang": u.Lang, "role": u.Role, "agencyId": u.AgencyID, "updatedAt": now}
	if err := s.updateVersioned(ctx, id, version, bson.M{"$set": set, "$inc": bson.M{"version": 1}}); err != nil {
		return User{}, err
	}
	return u, nil
}

// ChangeRole gives a user a new role; agencyID is required for the agency
// role and must be empty for the others.
func (s *Store) ChangeRole(ctx context.Context, id string, version int64, role Role, agencyID string, now time.Time) (User, error) {
	return s.UpdateUser(ctx, id, version, UserUpdate{Role: &role, AgencyID: &agencyID}, now)
}

// updateVersioned applies update to the user if its version is still
// version: a duplicate e-mail is email_taken, a vanished user not found, a
// changed one a conflict.
func (s *Store) updateVersioned(ctx context.Context, id string, version int64, update bson.M) error {
	res, err := s.users.UpdateOne(ctx, bson.M{"_id": id, "version": version}, update)
	if err != nil {
		if mongodb.IsDuplicateKey(err) {
			return errEmailTaken()
		}
		return apperr.Internal(fmt.Errorf("update user: %w", err))
	}
	if res.MatchedCount == 0 {
		if _, err := s.GetUser(ctx, id); err != nil {
			return err
		}
		return apperr.Conflict("account.error.user_changed")
	}
	return nil
}

// ensureOtherAdmin refuses when no enabled administrator other than id
// exists. Without transactions two concurrent demotions can still both
// pass; Bootstrap then makes a new administrator at the next start.
func (s *Store) ensureOtherAdmin(ctx context.Context, id string) error {
	n, err := s.users.CountDocuments(ctx, bson.M{"role": RoleAdmin, "disabled": false, "_id": bson.M{"$ne": id}})
	if err != nil {
		return apperr.Internal(fmt.Errorf("count admins: %w", err))
	}
	if n == 0 {
		return apperr.Conflict("account.error.last_admin")
	}
	return nil
}

// SetPassword replaces a user's password (an administrator's reset, or the
// second step of ChangePassword), forgets the failed sign-ins counted
// against the account and ends all the user's sessions. API tokens are
// kept.
func (s *Store) SetPassword(ctx context.Context, id, password string, now time.Time) error {
	u, err := s.GetUser(ctx, id)
	if err != nil {
		return err
	}
	if err := ValidatePassword(password, u.Email); err != nil {
		return err
	}
	hash, err := s.hash(ctx, password)
	if err != nil {
		return err
	}
	now = utc(now)
	res, err := s.users.UpdateOne(ctx, bson.M{"_id": id}, bson.M{
		"$set": bson.M{"passwordHash": hash, "updatedAt": now},
		"$inc": bson.M{"version": 1},
	})
	if err != nil {
		return apperr.Internal(fmt.Errorf("set password: %w", err))
	}
	if res.MatchedCount == 0 {
		return errUserNotFound()
	}
	if err := s.clearFailures(ctx, u.Email, now); err != nil {
		return err
	}
	return s.DeleteUserSessions(ctx, id)
}

// ChangePassword is a user changing their own password: the current one
// must match (else field "currentPassword", account.error.password_wrong).
// Like SetPassword it ends all the user's sessions; the caller starts a new
// one for the request that made the change.
func (s *Store) ChangePassword(ctx context.Context, id, current, next string, now time.Time) error {
	u, err := s.GetUser(ctx, id)
	if err != nil {
		return err
	}
	ok, err := s.verify(ctx, u.PasswordHash, current)
	if busy := (*apperr.Error)(nil); errors.As(err, &busy) {
		return err
	}
	if err != nil {
		return apperr.Internal(fmt.Errorf("verify password of %s: %w", id, err))
	}
	f := apperr.Fields{}
	if !ok {
		f.Add("currentPassword", "account.error.password_wrong")
	}
	addFields(f, ValidatePassword(next, u.Email))
	if err := f.Err(); err != nil {
		return err
	}
	return s.SetPassword(ctx, id, next, now)
}

// Disable stops a user from signing in, ends their sessions and makes
// their API tokens fail. The last enabled administrator cannot be disabled.
func (s *Store) Disable(ctx context.Context, id string, now time.Time) (User, error) {
	u, err := s.GetUser(ctx, id)
	if err != nil {
		return User{}, err
	}
	if u.Role == RoleAdmin && !u.Disabled {
		if err := s.ensureOtherAdmin(ctx, id); err != nil {
			return User{}, err
		}
	}
	u, err = s.setDisabled(ctx, id, true, now)
	if err != nil {
		return User{}, err
	}
	return u, s.DeleteUserSessions(ctx, id)
}

// Enable lets a disabled user sign in again; their API tokens work again.
func (s *Store) Enable(ctx context.Context, id string, now time.Time) (User, error) {
	return s.setDisabled(ctx, id, false, now)
}

func (s *Store) setDisabled(ctx context.Context, id string, disabled bool, now time.Time) (User, error) {
	var u User
	err := s.users.FindOneAndUpdate(ctx, bson.M{"_id": id}, bson.M{
		"$set": bson.M{"disabled": disabled, "updatedAt": utc(now)},
		"$inc": bson.M{"version": 1},
	}, options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&u)
	if err != nil {
		if mongodb.IsNoDocuments(err) {
			return User{}, errUserNotFound()
		}
		return User{}, apperr.Internal(fmt.Errorf("set disabled: %w", err))
	}
	return u, nil
}
