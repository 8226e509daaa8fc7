package account

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/record"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// skipOnTTL skips a test of CleanupExpired's deletions on a database that
// deletes expired documents itself (MongoDB's TTL indexes), where
// CleanupExpired does nothing; TestExpiry covers that case.
func skipOnTTL(t *testing.T, s *Store) {
	t.Helper()
	if s.ttl {
		t.Skip("the database deletes expired documents itself (TTL index)")
	}
}

// wantChange checks one history entry.
func wantChange(t *testing.T, c Change, version int64, action string, by Actor, fields ...FieldChange) {
	t.Helper()
	if c.Version != version || c.Action != action || c.By != by || c.At.IsZero() {
		t.Fatalf("entry %+v, want version %d action %s by %+v", c, version, action, by)
	}
	if len(c.Fields) != len(fields) {
		t.Fatalf("entry v%d fields %+v, want %+v", version, c.Fields, fields)
	}
	for i := range fields {
		if c.Fields[i] != fields[i] {
			t.Fatalf("entry v%d fields %+v, want %+v", version, c.Fields, fields)
		}
	}
}

func TestUserHistory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t, Options{})
	mustCreate(t, s, "root@b.vn", RoleAdmin)
	u := mustCreate(t, s, "lan@b.vn", RoleBoard)
	other := Actor{ID: "u-other", Name: "Lê Văn C", Email: "c@b.vn", Role: string(RoleAdmin)}

	name := "Trần Thị Lan"
	u2, err := s.UpdateUser(ctx, u.ID, u.Version, UserUpdate{Name: &name}, other, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	u3, err := s.ChangeRole(ctx, u.ID, u2.Version, RoleAgency, "tax", tester, t0.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateUser(ctx, u.ID, u2.Version, UserUpdate{Name: &name}, tester, t0); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("stale update: %v", err)
	}
	if err := s.SetPassword(ctx, u.ID, "a brand new horse", tester, t0.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Disable(ctx, u.ID, CLIActor, t0.Add(4*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Enable(ctx, u.ID, tester, t0.Add(5*time.Hour)); err != nil {
		t.Fatal(err)
	}
	// Sign-in bookkeeping is no change: no version, no entry.
	if _, err := s.Authenticate(ctx, "lan@b.vn", "a brand new horse", t0.Add(6*time.Hour)); err != nil {
		t.Fatal(err)
	}
	_, _ = s.Authenticate(ctx, "lan@b.vn", "wrong horse", t0.Add(6*time.Hour))

	got, err := s.GetUser(ctx, u.ID)
	if err != nil || got.Version != 6 || got.LastLoginAt == nil || got.Name != name || got.Role != RoleAgency {
		t.Fatalf("stored %v %+v", err, got)
	}
	h, err := s.UserHistory(ctx, u.ID)
	if err != nil || len(h) != 6 {
		t.Fatalf("history %v %+v", err, h)
	}
	wantChange(t, h[0], 1, "create", tester,
		FieldChange{Field: "email", To: "lan@b.vn"}, FieldChange{Field: "name", To: "Nguyễn Văn A"},
		FieldChange{Field: "role", To: "board"}, FieldChange{Field: "lang", To: "vi"}, FieldChange{Field: "password"})
	wantChange(t, h[1], 2, "update", other, FieldChange{Field: "name", From: "Nguyễn Văn A", To: name})
	if !h[1].At.Equal(t0.Add(time.Hour)) {
		t.Fatalf("entry at %v", h[1].At)
	}
	wantChange(t, h[2], 3, "update", tester,
		FieldChange{Field: "role", From: "board", To: "agency"}, FieldChange{Field: "agencyId", To: "tax"})
	wantChange(t, h[3], 4, "password", tester, FieldChange{Field: "password"})
	wantChange(t, h[4], 5, "disable", CLIActor, FieldChange{Field: "disabled", From: "false", To: "true"})
	wantChange(t, h[5], 6, "enable", tester, FieldChange{Field: "disabled", From: "true", To: "false"})
	if u3.Version != 3 {
		t.Fatalf("ChangeRole returned version %d", u3.Version)
	}

	// The history never holds a password hash.
	var raw bson.Raw
	if err := s.users.Mongo().FindOne(ctx, bson.M{"_id": u.ID}).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	hist := raw.Lookup(record.FieldHistory).String()
	if strings.Contains(hist, "argon2") || strings.Contains(hist, got.PasswordHash) {
		t.Fatalf("history holds a hash: %s", hist)
	}

	t.Run("ChangePasswordIsTheUsers", func(t *testing.T) {
		if err := s.ChangePassword(ctx, u.ID, "a brand new horse", "yet another horse", t0.Add(7*time.Hour)); err != nil {
			t.Fatal(err)
		}
		h, _ := s.UserHistory(ctx, u.ID)
		wantChange(t, h[len(h)-1], 7, "password", got.Actor(), FieldChange{Field: "password"})
	})
	t.Run("NotFound", func(t *testing.T) {
		if _, err := s.UserHistory(ctx, "nope"); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("got %v", err)
		}
		if _, err := s.Disable(ctx, "nope", tester, t0); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("disable: %v", err)
		}
	})
	t.Run("Bootstrap", func(t *testing.T) {
		s := NewStore(mongotest.MustOpenDB(t), Options{Hash: cheap})
		if _, err := s.Bootstrap(ctx, BootstrapOptions{}, t0); err != nil {
			t.Fatal(err)
		}
		admin, err := s.GetByEmail(ctx, DefaultAdminEmail)
		if err != nil {
			t.Fatal(err)
		}
		h, err := s.UserHistory(ctx, admin.ID)
		if err != nil || len(h) != 1 || h[0].By != SystemActor || h[0].Action != "create" {
			t.Fatalf("%v %+v", err, h)
		}
		ah, err := s.AgencyHistory(ctx, PlanningAndInvestment)
		if err != nil || len(ah) != 1 || ah[0].By != SystemActor {
			t.Fatalf("agency: %v %+v", err, ah)
		}
	})
}

func TestAgencyHistory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t, Options{})
	a, err := s.CreateAgency(ctx, Agency{ID: "ninh_hoa", Name: Text{VI: "UBND thị xã Ninh Hòa"}}, tester, t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateAgency(ctx, a.ID, a.Version, Text{VI: "UBND thị xã Ninh Hòa", EN: "Ninh Hoa Town"}, CLIActor, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateAgency(ctx, a.ID, a.Version, Text{VI: "Cũ"}, tester, t0); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("stale: %v", err)
	}
	h, err := s.AgencyHistory(ctx, a.ID)
	if err != nil || len(h) != 2 {
		t.Fatalf("%v %+v", err, h)
	}
	wantChange(t, h[0], 1, "create", tester, FieldChange{Field: "name.vi", To: "UBND thị xã Ninh Hòa"})
	wantChange(t, h[1], 2, "update", CLIActor, FieldChange{Field: "name.en", To: "Ninh Hoa Town"})
	got, err := s.GetAgency(ctx, a.ID)
	if err != nil || got.Version != 2 || got.Name.EN != "Ninh Hoa Town" {
		t.Fatalf("%v %+v", err, got)
	}
	if _, err := s.AgencyHistory(ctx, "nope"); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("missing: %v", err)
	}
}

// TestOldDocuments: users and agencies stored before they had a history
// read as before, have an empty history, and take versioned changes.
func TestOldDocuments(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t, Options{})
	hash := s.Hasher().Hash("old horse battery")
	// As the old code stored them: no history field.
	_, err := s.users.Mongo().InsertOne(ctx, bson.D{
		{Key: "_id", Value: "old-user"}, {Key: "email", Value: "old@b.vn"}, {Key: "name", Value: "Người Cũ"},
		{Key: "role", Value: "agency"}, {Key: "agencyId", Value: "tax"}, {Key: "lang", Value: "en"},
		{Key: "disabled", Value: false}, {Key: "passwordHash", Value: hash},
		{Key: "createdAt", Value: t0}, {Key: "updatedAt", Value: t0}, {Key: "version", Value: int64(3)},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.agencies.Mongo().InsertOne(ctx, bson.D{
		{Key: "_id", Value: "old_agency"}, {Key: "name", Value: bson.D{{Key: "vi", Value: "Sở Cũ"}, {Key: "en", Value: "Old Dept"}}},
		{Key: "createdAt", Value: t0}, {Key: "updatedAt", Value: t0}, {Key: "version", Value: int64(2)},
	})
	if err != nil {
		t.Fatal(err)
	}

	u, err := s.GetUser(ctx, "old-user")
	if err != nil || u.Email != "old@b.vn" || u.AgencyID != "tax" || u.Lang != "en" || u.Version != 3 {
		t.Fatalf("%v %+v", err, u)
	}
	if h, err := s.UserHistory(ctx, u.ID); err != nil || h == nil || len(h) != 0 {
		t.Fatalf("history of an old user: %v %#v", err, h)
	}
	if _, err := s.Authenticate(ctx, "old@b.vn", "old horse battery", t0); err != nil {
		t.Fatalf("sign-in: %v", err)
	}
	name := "Người Mới"
	if _, err := s.UpdateUser(ctx, u.ID, 3, UserUpdate{Name: &name}, tester, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	h, err := s.UserHistory(ctx, u.ID)
	if err != nil || len(h) != 1 {
		t.Fatalf("%v %+v", err, h)
	}
	wantChange(t, h[0], 4, "update", tester, FieldChange{Field: "name", From: "Người Cũ", To: name})

	a, err := s.GetAgency(ctx, "old_agency")
	if err != nil || a.Name.EN != "Old Dept" || a.Version != 2 {
		t.Fatalf("%v %+v", err, a)
	}
	if h, err := s.AgencyHistory(ctx, a.ID); err != nil || len(h) != 0 {
		t.Fatalf("history of an old agency: %v %+v", err, h)
	}
	list, err := s.ListAgencies(ctx)
	if err != nil || len(list) != len(DefaultAgencies())+1 {
		t.Fatalf("%v %d", err, len(list))
	}
	if _, err := s.UpdateAgency(ctx, a.ID, 2, Text{VI: "Sở Mới", EN: "Old Dept"}, tester, t0); err != nil {
		t.Fatal(err)
	}
	h, _ = s.AgencyHistory(ctx, a.ID)
	if len(h) != 1 {
		t.Fatalf("%+v", h)
	}
	wantChange(t, h[0], 3, "update", tester, FieldChange{Field: "name.vi", From: "Sở Cũ", To: "Sở Mới"})
}

// indexInfo is what TestExpiry reads of an index.
type indexInfo struct {
	Name string `bson:"name"`
	TTL  *int64 `bson:"expireAfterSeconds"`
}

func indexesOf(t *testing.T, s *Store, name string) map[string]indexInfo {
	t.Helper()
	cur, err := s.sessions.Database().Collection(name).Indexes().List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var list []indexInfo
	if err := cur.All(context.Background(), &list); err != nil {
		t.Fatal(err)
	}
	out := map[string]indexInfo{}
	for _, i := range list {
		out[i.Name] = i
	}
	return out
}

// TestExpiry: sign-in counts carry the time they may be deleted; MongoDB
// deletes expired sessions and counts by TTL indexes, the embedded
// database by CleanupExpired (tested in TestSessions and TestThrottle).
func TestExpiry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t, Options{})
	mustCreate(t, s, "lan@b.vn", RoleBoard)
	if _, err := s.AuthenticateFrom(ctx, "lan@b.vn", "wrong horse", "192.0.2.1", t0); err == nil {
		t.Fatal("wrong password accepted")
	}
	expires := func(id string) time.Time {
		var d struct {
			ExpiresAt time.Time `bson:"expiresAt"`
		}
		if err := s.attempts.FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
			t.Fatal(err)
		}
		return d.ExpiresAt.UTC()
	}
	k := keysFor("lan@b.vn", "192.0.2.1")
	p := s.ThrottlePolicy()
	if got := expires(k.pair); !got.Equal(t0.Add(p.Forget)) {
		t.Fatalf("after a failure the pair expires %v", got)
	}
	at := t0.Add(time.Hour)
	if _, err := s.AuthenticateFrom(ctx, "lan@b.vn", "correct horse", "192.0.2.1", at); err != nil {
		t.Fatal(err)
	}
	if got := expires(k.pair); !got.Equal(at.Add(p.Familiar)) {
		t.Fatalf("after a success the pair expires %v", got)
	}
	// A later failure does not bring a familiar address's expiry forward.
	_, _ = s.AuthenticateFrom(ctx, "lan@b.vn", "wrong horse", "192.0.2.1", at.Add(time.Minute))
	if got := expires(k.pair); !got.Equal(at.Add(p.Familiar)) {
		t.Fatalf("a failure moved the expiry to %v", got)
	}
	if got := expires(k.address); !got.Equal(at.Add(time.Minute).Add(p.Forget)) {
		t.Fatalf("the address expires %v", got)
	}

	t.Run("OldCounts", func(t *testing.T) {
		if _, err := s.attempts.InsertOne(ctx, bson.M{"_id": "addr|old", "failures": 3, "lastFailedAt": t0}); err != nil {
			t.Fatal(err)
		}
		if err := s.expireOldAttempts(ctx, t0); err != nil {
			t.Fatal(err)
		}
		if got := expires("addr|old"); !got.Equal(t0.Add(max(p.Forget, p.Familiar))) {
			t.Fatalf("old count expires %v", got)
		}
		if got := expires(k.pair); !got.Equal(at.Add(p.Familiar)) {
			t.Fatalf("a new count's expiry changed to %v", got)
		}
	})
	t.Run("Indexes", func(t *testing.T) {
		sessions, attempts := indexesOf(t, s, SessionsCollection), indexesOf(t, s, LoginAttemptsCollection)
		if s.ttl {
			if i, ok := sessions["idle_expires_ttl"]; !ok || i.TTL == nil || *i.TTL != 0 {
				t.Fatalf("session TTL index: %+v", sessions)
			}
			if i, ok := attempts["expires_ttl"]; !ok || i.TTL == nil || *i.TTL != 0 {
				t.Fatalf("login attempt TTL index: %+v", attempts)
			}
			if _, ok := sessions["idle_expires"]; ok {
				t.Fatal("plain idle expiry index kept beside the TTL one")
			}
			// The database deletes; the clean-up has nothing to do.
			if c, err := s.CleanupExpired(ctx, t0.Add(365*24*time.Hour)); err != nil || c != (Cleanup{}) {
				t.Fatalf("clean-up on a TTL database: %v %+v", err, c)
			}
			return
		}
		for _, name := range []string{"expires", "idle_expires"} {
			if i, ok := sessions[name]; !ok || i.TTL != nil {
				t.Fatalf("session index %s: %+v", name, sessions)
			}
		}
		if _, ok := attempts["expires_ttl"]; ok {
			t.Fatalf("TTL index on the embedded database: %+v", attempts)
		}
	})
	t.Run("DropIndex", func(t *testing.T) {
		c := s.sessions.Database().Collection("drop_index_test")
		if _, err := c.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "idleExpiresAt", Value: 1}}, Options: options.Index().SetName("idle_expires")}); err != nil {
			t.Fatal(err)
		}
		for range 2 { // the second time there is nothing to drop
			if err := dropIndex(ctx, c, "idle_expires"); err != nil {
				t.Fatal(err)
			}
		}
		if _, ok := indexesOf(t, s, "drop_index_test")["idle_expires"]; ok {
			t.Fatal("index not dropped")
		}
	})
}

// TestVersionZeroIsStale: a caller's version 0 (or any the user never had)
// is a conflict, never "any version".
func TestVersionZeroIsStale(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t, Options{})
	u := mustCreate(t, s, "lan@b.vn", RoleBoard)
	name := "Khác"
	for _, v := range []int64{0, -1, 2} {
		if _, err := s.UpdateUser(ctx, u.ID, v, UserUpdate{Name: &name}, tester, t0); !errors.Is(err, apperr.ErrConflict) {
			t.Fatalf("version %d: %v", v, err)
		}
	}
	if _, err := s.UpdateAgency(ctx, PlanningAndInvestment, 0, Text{VI: "Khác"}, tester, t0); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("agency version 0: %v", err)
	}
	if got, _ := s.GetUser(ctx, u.ID); got.Name == name || got.Version != 1 {
		t.Fatalf("stale write applied: %+v", got)
	}
}
