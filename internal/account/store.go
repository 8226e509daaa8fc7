package account

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/config"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"github.com/khanhhoa/investportal/internal/paging"
	"github.com/khanhhoa/investportal/internal/record"
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

// OptionsFrom returns the hashing and throttle settings of the portal's
// configuration (PASSWORD_HASH_*, LOGIN_THROTTLE_*); what it leaves zero
// takes the defaults. Config.Validate has refused values out of range.
func OptionsFrom(c config.Config) Options {
	h, t := c.PasswordHash, c.LoginThrottle
	backoff := func(b config.Backoff) Backoff { return Backoff{Free: b.Free, Base: b.Base, Max: b.Max} }
	return Options{
		Hash:            HashParams{Time: uint32(h.Time), MemoryKiB: uint32(h.MemoryKiB), Threads: uint8(h.Threads)},
		HashConcurrency: h.Concurrency,
		HashWait:        h.Wait,
		Throttle: ThrottlePolicy{
			Pair: backoff(t.Pair), Address: backoff(t.Address), Account: backoff(t.Account),
			Forget: t.Forget, Familiar: t.Familiar,
		},
	}
}

// Store keeps users, agencies, sessions and API tokens in MongoDB. It is
// safe for concurrent use, and several processes may share one database.
type Store struct {
	// users and agencies are versioned records with a history.
	users, agencies            *record.Collection
	sessions, tokens, attempts *mongo.Collection
	// ttl: the database deletes expired sessions and sign-in counts itself.
	ttl bool

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
		users: record.New(db.Collection(UsersCollection), record.Options{
			NotFound: "account.error.user_not_found", Conflict: "account.error.user_changed", Unindexed: true}),
		agencies: record.New(db.Collection(AgenciesCollection), record.Options{
			NotFound: "account.error.agency_not_found", Conflict: "account.error.agency_changed", Unindexed: true}),
		sessions: db.Collection(SessionsCollection),
		tokens:   db.Collection(TokensCollection),
		attempts: db.Collection(LoginAttemptsCollection),
		ttl:      mongodb.FeaturesOf(db).TTLIndexes(),
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

// EnsureIndexes creates the collections' indexes; it is idempotent.
// Expired sessions and sign-in counts are refused on read by their expiry
// filters either way; on MongoDB TTL indexes also delete them, elsewhere
// (the embedded database has no TTL indexes) CleanupExpired does.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	// A session's _id is the SHA-256 of its id, unique by construction.
	sessions := []mongodb.Index{{Keys: bson.D{{Key: "userId", Value: 1}}, Options: options.Index().SetName("user")}}
	if s.ttl {
		// MongoDB refuses a TTL index on a field that has a plain one.
		if err := dropIndex(ctx, s.sessions, "idle_expires"); err != nil {
			return err
		}
		// The idle expiry never passes the absolute one, so it is the
		// session's end.
		sessions = append(sessions, ttlIndex("idleExpiresAt", "idle_expires_ttl"))
	} else {
		sessions = append(sessions,
			mongodb.Index{Keys: bson.D{{Key: "expiresAt", Value: 1}}, Options: options.Index().SetName("expires")},
			mongodb.Index{Keys: bson.D{{Key: "idleExpiresAt", Value: 1}}, Options: options.Index().SetName("idle_expires")})
	}
	sets := []struct {
		c   *mongo.Collection
		idx []mongodb.Index
	}{
		{s.users.Mongo(), []mongodb.Index{
			{Keys: bson.D{{Key: "email", Value: 1}}, Options: options.Index().SetUnique(true).SetName("email_unique")},
			{Keys: bson.D{{Key: "role", Value: 1}, {Key: "email", Value: 1}}, Options: options.Index().SetName("role_email")},
		}},
		{s.sessions, sessions},
		{s.tokens, []mongodb.Index{
			{Keys: bson.D{{Key: "hash", Value: 1}}, Options: options.Index().SetUnique(true).SetName("hash_unique")},
			{Keys: bson.D{{Key: "userId", Value: 1}}, Options: options.Index().SetName("user")},
		}},
		{s.attempts, s.attemptIndexes()},
	}
	for _, set := range sets {
		if err := mongodb.EnsureIndexes(ctx, set.c, set.idx...); err != nil {
			return err
		}
	}
	if s.ttl {
		return s.expireOldAttempts(ctx, time.Now())
	}
	return nil
}

// ttlIndex is an index that has MongoDB delete a document once the time in
// field has passed.
func ttlIndex(field, name string) mongodb.Index {
	return mongodb.Index{Keys: bson.D{{Key: field, Value: 1}}, Options: options.Index().SetName(name).SetExpireAfterSeconds(0)}
}

// dropIndex drops the index name of c if it exists.
func dropIndex(ctx context.Context, c *mongo.Collection, name string) error {
	specs, err := c.Indexes().ListSpecifications(ctx)
	if err != nil {
		return fmt.Errorf("list indexes on %s: %w", c.Name(), err)
	}
	for _, spec := range specs {
		if spec.Name == name {
			if _, err := c.Indexes().DropOne(ctx, name); err != nil {
				return fmt.Errorf("drop index %s on %s: %w", name, c.Name(), err)
			}
		}
	}
	return nil
}

// findAll decodes every document of c that filter matches.
func findAll[T any](ctx context.Context, c *mongo.Collection, filter any, opts ...*options.FindOptions) ([]T, error) {
	cur, err := c.Find(ctx, filter, opts...)
	if err != nil {
		return nil, apperr.Internal(fmt.Errorf("find in %s: %w", c.Name(), err))
	}
	out := []T{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, apperr.Internal(fmt.Errorf("read %s: %w", c.Name(), err))
	}
	return out, nil
}

// utc is now as stored: UTC, to the millisecond.
func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

// Actor is who changed a user or an agency, as their history records it.
type Actor = record.Actor

// Change is one entry of a user's or an agency's history.
type Change = record.Change

// FieldChange is one field's value before and after a change.
type FieldChange = record.FieldChange

// The actors of changes made by no signed-in user.
var (
	// SystemActor is the portal itself: seeding, first-run accounts.
	SystemActor = Actor{ID: "system"}
	// CLIActor is an operator at the command line (portal user).
	CLIActor = Actor{ID: "cli"}
)

// Actor is the user as the history of what they change records them.
func (u User) Actor() Actor {
	return Actor{ID: u.ID, Name: u.Name, Email: u.Email, Role: string(u.Role)}
}

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

// CreateUser validates and stores a new user with a hashed password, made
// by the actor by. A taken e-mail is an invalid error on field "email"
// (account.error.email_taken).
func (s *Store) CreateUser(ctx context.Context, in NewUser, by Actor, now time.Time) (User, error) {
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
	first := &Change{At: now, By: by, Action: "create", Fields: userDiff(User{}, u)}
	if err := s.users.Insert(ctx, u, first); err != nil {
		if mongodb.IsDuplicateKey(err) {
			return User{}, errEmailTaken()
		}
		return User{}, err
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
	err := s.users.Mongo().FindOne(ctx, filter, options.FindOne().SetProjection(s.users.NoHistory())).Decode(&u)
	if mongodb.IsNoDocuments(err) {
		return User{}, s.users.NotFound()
	}
	if err != nil {
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
	f.Page, f.PerPage = paging.Bounds(f.Page, f.PerPage, 20, 100)
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
	total, err := s.users.Mongo().CountDocuments(ctx, q)
	if err != nil {
		return UserPage{}, apperr.Internal(fmt.Errorf("count users: %w", err))
	}
	opts := options.Find().SetSort(bson.D{{Key: "email", Value: 1}}).SetProjection(s.users.NoHistory()).
		SetSkip(paging.Skip(f.Page, f.PerPage)).SetLimit(int64(f.PerPage))
	users, err := findAll[User](ctx, s.users.Mongo(), q, opts)
	if err != nil {
		return UserPage{}, err
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

// UpdateUser changes a user's profile, role and agency, recording the
// change and its actor by in the user's history. version is the version the
// caller read; a stale one is a conflict (account.error.user_changed).
// Demoting the last enabled administrator is refused
// (account.error.last_admin).
func (s *Store) UpdateUser(ctx context.Context, id string, version int64, upd UserUpdate, by Actor, now time.Time) (User, error) {
	return s.editUser(ctx, id, &version, by, now, "update", func(cur User, u *User) error {
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
		if err := s.checkUser(ctx, u, "", false); err != nil {
			return err
		}
		if u.Email != cur.Email {
			// Checked first because FerretDB reports a unique-index
			// violation on update as an internal error, not E11000; the
			// index still decides a race on MongoDB.
			if other, err := s.GetByEmail(ctx, u.Email); err == nil && other.ID != id {
				return errEmailTaken()
			} else if err != nil && !isNotFound(err) {
				return err
			}
		}
		if cur.Role == RoleAdmin && u.Role != RoleAdmin && !cur.Disabled {
			return s.ensureOtherAdmin(ctx, id)
		}
		return nil
	})
}

// ChangeRole gives a user a new role; agencyID is required for the agency
// role and must be empty for the others.
func (s *Store) ChangeRole(ctx context.Context, id string, version int64, role Role, agencyID string, by Actor, now time.Time) (User, error) {
	return s.UpdateUser(ctx, id, version, UserUpdate{Role: &role, AgencyID: &agencyID}, by, now)
}

// editUser applies edit to the user id and writes the result as one
// versioned change with a history entry (action, actor, fields changed).
// With a version the caller's read must still be current; with nil (a
// change that needs no read by the caller, such as disabling) the user is
// read here, and read again when another write slips in between.
func (s *Store) editUser(ctx context.Context, id string, version *int64, by Actor, now time.Time, action string,
	edit func(cur User, next *User) error) (User, error) {
	now = utc(now)
	for attempt := 1; ; attempt++ {
		cur, err := s.GetUser(ctx, id)
		if err != nil {
			return User{}, err
		}
		if version != nil && cur.Version != *version {
			return User{}, s.users.Conflict()
		}
		u := cur
		if err := edit(cur, &u); err != nil {
			return User{}, err
		}
		u.UpdatedAt = now
		err = s.users.Update(ctx, id, cur.Version, record.Write{
			Set: bson.D{
				{Key: "email", Value: u.Email}, {Key: "name", Value: u.Name}, {Key: "lang", Value: u.Lang},
				{Key: "role", Value: u.Role}, {Key: "agencyId", Value: u.AgencyID}, {Key: "disabled", Value: u.Disabled},
				{Key: "passwordHash", Value: u.PasswordHash}, {Key: "updatedAt", Value: now},
			},
			Entry: &Change{At: now, By: by, Action: action, Fields: userDiff(cur, u)},
		})
		switch {
		case err == nil:
			u.Version = cur.Version + 1
			return u, nil
		case mongodb.IsDuplicateKey(err):
			return User{}, errEmailTaken()
		case version == nil && errors.Is(err, apperr.ErrConflict) && attempt < 5:
			continue
		}
		return User{}, err
	}
}

// userDiff lists the fields that differ between two states of a user. A
// new password is recorded as a change of "password" with neither hash.
func userDiff(a, b User) []FieldChange {
	var d record.Diff
	d.Add("email", a.Email, b.Email)
	d.Add("name", a.Name, b.Name)
	d.Add("role", string(a.Role), string(b.Role))
	d.Add("agencyId", a.AgencyID, b.AgencyID)
	d.Add("lang", a.Lang, b.Lang)
	d.Add("disabled", strconv.FormatBool(a.Disabled), strconv.FormatBool(b.Disabled))
	if a.PasswordHash != b.PasswordHash {
		d = append(d, FieldChange{Field: "password"})
	}
	return d
}

// UserHistory returns the changes made to a user, oldest first; a user
// stored before users had a history has none.
func (s *Store) UserHistory(ctx context.Context, id string) ([]Change, error) {
	return history(ctx, s.users, id)
}

// history reads a record's history, empty rather than nil.
func history(ctx context.Context, c *record.Collection, id string) ([]Change, error) {
	out := []Change{}
	if err := c.History(ctx, id, &out); err != nil {
		return nil, err
	}
	if out == nil {
		out = []Change{}
	}
	return out, nil
}

// ensureOtherAdmin refuses when no enabled administrator other than id
// exists. Without transactions two concurrent demotions can still both
// pass; Bootstrap then makes a new administrator at the next start.
func (s *Store) ensureOtherAdmin(ctx context.Context, id string) error {
	n, err := s.users.Mongo().CountDocuments(ctx, bson.M{"role": RoleAdmin, "disabled": false, "_id": bson.M{"$ne": id}})
	if err != nil {
		return apperr.Internal(fmt.Errorf("count admins: %w", err))
	}
	if n == 0 {
		return apperr.Conflict("account.error.last_admin")
	}
	return nil
}

// SetPassword replaces a user's password (an administrator's reset, or the
// second step of ChangePassword), recording that it changed (never the
// hash) in the history, forgets the failed sign-ins counted against the
// account and ends all the user's sessions. API tokens are kept.
func (s *Store) SetPassword(ctx context.Context, id, password string, by Actor, now time.Time) error {
	hash := ""
	u, err := s.editUser(ctx, id, nil, by, now, "password", func(cur User, u *User) error {
		if err := ValidatePassword(password, cur.Email); err != nil {
			return err
		}
		if hash == "" { // once, however often the write is retried
			var err error
			if hash, err = s.hash(ctx, password); err != nil {
				return err
			}
		}
		u.PasswordHash = hash
		return nil
	})
	if err != nil {
		return err
	}
	if err := s.clearFailures(ctx, u.Email, u.UpdatedAt); err != nil {
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
	return s.SetPassword(ctx, id, next, u.Actor(), now)
}

// Disable stops a user from signing in, ends their sessions and makes
// their API tokens fail. The last enabled administrator cannot be disabled.
func (s *Store) Disable(ctx context.Context, id string, by Actor, now time.Time) (User, error) {
	u, err := s.editUser(ctx, id, nil, by, now, "disable", func(cur User, u *User) error {
		u.Disabled = true
		if cur.Role == RoleAdmin && !cur.Disabled {
			return s.ensureOtherAdmin(ctx, id)
		}
		return nil
	})
	if err != nil {
		return User{}, err
	}
	return u, s.DeleteUserSessions(ctx, id)
}

// Enable lets a disabled user sign in again; their API tokens work again.
func (s *Store) Enable(ctx context.Context, id string, by Actor, now time.Time) (User, error) {
	return s.editUser(ctx, id, nil, by, now, "enable", func(_ User, u *User) error {
		u.Disabled = false
		return nil
	})
}
