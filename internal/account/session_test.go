package account

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

// rawDocs returns every document of c as extended JSON text.
func rawDocs(t *testing.T, c *mongo.Collection) []string {
	t.Helper()
	cur, err := c.Find(context.Background(), bson.M{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for cur.Next(context.Background()) {
		b, err := bson.MarshalExtJSON(cur.Current, false, false)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}

func TestSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t, Options{})
	u := mustCreate(t, s, "a@b.vn", RoleBoard)

	id, sess, err := s.CreateSession(ctx, u.ID, t0)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := base64.RawURLEncoding.DecodeString(id); err != nil || len(b) != 32 {
		t.Fatalf("session id %q is not 32 bytes of base64url", id)
	}
	if sess.CSRFSecret == "" || sess.CSRFSecret == id || !sess.ExpiresAt.Equal(t0.Add(12*time.Hour)) || !sess.IdleExpiresAt.Equal(t0.Add(2*time.Hour)) {
		t.Fatalf("session %+v", sess)
	}

	t.Run("StoredHashed", func(t *testing.T) {
		docs := rawDocs(t, s.sessions)
		if len(docs) != 1 {
			t.Fatalf("%d sessions", len(docs))
		}
		if strings.Contains(docs[0], id) {
			t.Fatalf("raw session id stored: %s", docs[0])
		}
		if sess.ID != hashSecret(id) || !strings.Contains(docs[0], hashSecret(id)) {
			t.Fatalf("stored id is not the SHA-256 of the id: %s", docs[0])
		}
		if _, _, err := s.Lookup(ctx, sess.ID, t0); err == nil {
			t.Fatal("the stored hash works as a session id")
		}
	})
	t.Run("Lookup", func(t *testing.T) {
		got, gu, err := s.Lookup(ctx, id, t0.Add(30*time.Second))
		if err != nil || gu.ID != u.ID || got.CSRFSecret != sess.CSRFSecret {
			t.Fatalf("%v %+v", err, got)
		}
		// Within a minute of the last write: nothing written.
		var stored Session
		_ = s.sessions.FindOne(ctx, bson.M{}).Decode(&stored)
		if !stored.LastSeenAt.Equal(t0) || stored.Version != 1 {
			t.Fatalf("touched within TouchEvery: %+v", stored)
		}
		got, _, err = s.Lookup(ctx, id, t0.Add(time.Hour))
		if err != nil || !got.LastSeenAt.Equal(t0.Add(time.Hour)) || !got.IdleExpiresAt.Equal(t0.Add(3*time.Hour)) {
			t.Fatalf("%v %+v", err, got)
		}
		_ = s.sessions.FindOne(ctx, bson.M{}).Decode(&stored)
		if !stored.IdleExpiresAt.Equal(t0.Add(3*time.Hour)) || stored.Version != 2 {
			t.Fatalf("use not written: %+v", stored)
		}
	})
	t.Run("IdleTimeout", func(t *testing.T) {
		// Last used at t0+1h: alive until t0+3h.
		if _, _, err := s.Lookup(ctx, id, t0.Add(3*time.Hour-time.Second)); err != nil {
			t.Fatalf("before idle end: %v", err)
		}
		id2, _, _ := s.CreateSession(ctx, u.ID, t0)
		_, _, err := s.Lookup(ctx, id2, t0.Add(2*time.Hour+time.Second))
		wantMessage(t, err, apperr.CodeUnauthorized, "account.session.expired")
	})
	t.Run("AbsoluteTimeout", func(t *testing.T) {
		id3, _, _ := s.CreateSession(ctx, u.ID, t0)
		var last Session
		for at := t0.Add(time.Hour); at.Before(t0.Add(12 * time.Hour)); at = at.Add(time.Hour) {
			got, _, err := s.Lookup(ctx, id3, at)
			if err != nil {
				t.Fatalf("active session ended at %v: %v", at.Sub(t0), err)
			}
			last = got
		}
		if !last.IdleExpiresAt.Equal(t0.Add(12 * time.Hour)) {
			t.Fatalf("idle expiry %v passes the absolute end", last.IdleExpiresAt.Sub(t0))
		}
		_, _, err := s.Lookup(ctx, id3, t0.Add(12*time.Hour+time.Second))
		wantMessage(t, err, apperr.CodeUnauthorized, "account.session.expired")
	})
	t.Run("Delete", func(t *testing.T) {
		other := mustCreate(t, s, "other@b.vn", RoleBoard)
		idO, _, _ := s.CreateSession(ctx, other.ID, t0)
		idA, _, _ := s.CreateSession(ctx, u.ID, t0)
		idB, _, _ := s.CreateSession(ctx, u.ID, t0)
		if err := s.DeleteSession(ctx, idA); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Lookup(ctx, idA, t0); err == nil {
			t.Fatal("deleted session works")
		}
		if list, err := s.ListUserSessions(ctx, u.ID, t0); err != nil || len(list) < 2 {
			t.Fatalf("list: %v %d", err, len(list))
		}
		if err := s.DeleteUserSessions(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Lookup(ctx, idB, t0); err == nil {
			t.Fatal("session survived DeleteUserSessions")
		}
		if _, _, err := s.Lookup(ctx, idO, t0); err != nil {
			t.Fatalf("another user's session ended: %v", err)
		}
	})
	t.Run("Cleanup", func(t *testing.T) {
		s := newStore(t, Options{Sessions: SessionPolicy{Idle: 30 * time.Minute, Absolute: time.Hour}})
		skipOnTTL(t, s)
		u := mustCreate(t, s, "a@b.vn", RoleBoard)
		_, _, _ = s.CreateSession(ctx, u.ID, t0)                         // idle ends t0+30m
		live, _, _ := s.CreateSession(ctx, u.ID, t0.Add(20*time.Minute)) // idle ends t0+50m
		c, err := s.CleanupExpired(ctx, t0.Add(40*time.Minute))
		if err != nil || c.Sessions != 1 {
			t.Fatalf("%v %+v", err, c)
		}
		if _, _, err := s.Lookup(ctx, live, t0.Add(40*time.Minute)); err != nil {
			t.Fatalf("live session removed: %v", err)
		}
	})
	t.Run("Unknown", func(t *testing.T) {
		for _, bad := range []string{"", "nope", strings.Repeat("A", 43)} {
			_, _, err := s.Lookup(ctx, bad, t0)
			wantMessage(t, err, apperr.CodeUnauthorized, "account.session.expired")
		}
	})
}

func TestTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t, Options{})
	u := mustCreate(t, s, "a@b.vn", RoleBoard)
	other := mustCreate(t, s, "other@b.vn", RoleBoard)

	plain, tok, err := s.IssueToken(ctx, u.ID, "Báo cáo hằng tuần", t0)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(plain, "kh_") || len(plain) != 3+43 || !strings.HasPrefix(plain, tok.Hint) {
		t.Fatalf("token %q hint %q", plain, tok.Hint)
	}

	t.Run("Authenticate", func(t *testing.T) {
		got, gu, err := s.AuthenticateToken(ctx, plain, t0.Add(time.Minute))
		if err != nil || gu.ID != u.ID || got.ID != tok.ID || got.LastUsedAt == nil {
			t.Fatalf("%v %+v %+v", err, got, gu)
		}
		list, _ := s.ListTokens(ctx, u.ID)
		if len(list) != 1 || list[0].LastUsedAt == nil || !list[0].LastUsedAt.Equal(t0.Add(time.Minute)) {
			t.Fatalf("use not recorded: %+v", list)
		}
	})
	t.Run("StoredHashed", func(t *testing.T) {
		docs := rawDocs(t, s.tokens)
		if len(docs) != 1 || strings.Contains(docs[0], plain) || strings.Contains(docs[0], plain[3:]) {
			t.Fatalf("plaintext stored: %v", docs)
		}
		if !strings.Contains(docs[0], hashSecret(plain)) {
			t.Fatalf("hash not stored: %s", docs[0])
		}
		list, err := s.ListTokens(ctx, u.ID)
		b, _ := json.Marshal(list)
		if err != nil || len(list) != 1 || list[0].Name != "Báo cáo hằng tuần" || strings.Contains(string(b), hashSecret(plain)) || strings.Contains(string(b), plain) {
			t.Fatalf("list: %v %s", err, b)
		}
	})
	t.Run("Invalid", func(t *testing.T) {
		for _, bad := range []string{"", plain[3:], "kh_" + strings.Repeat("A", 43), plain + "x", hashSecret(plain)} {
			_, _, err := s.AuthenticateToken(ctx, bad, t0)
			wantMessage(t, err, apperr.CodeUnauthorized, "account.token.invalid")
		}
		_, _, err := s.IssueToken(ctx, u.ID, " ", t0)
		if fieldErr(t, err, "name") != "error.field.required" {
			t.Fatalf("empty name: %v", err)
		}
	})
	t.Run("Revoke", func(t *testing.T) {
		plain2, tok2, _ := s.IssueToken(ctx, u.ID, "second", t0)
		if err := s.RevokeToken(ctx, other.ID, tok2.ID); err == nil {
			t.Fatal("another user revoked the token")
		}
		if _, _, err := s.AuthenticateToken(ctx, plain2, t0); err != nil {
			t.Fatalf("token gone after a refused revoke: %v", err)
		}
		if err := s.RevokeToken(ctx, u.ID, tok2.ID); err != nil {
			t.Fatal(err)
		}
		_, _, err := s.AuthenticateToken(ctx, plain2, t0)
		wantMessage(t, err, apperr.CodeUnauthorized, "account.token.invalid")
		if _, _, err := s.AuthenticateToken(ctx, plain, t0); err != nil {
			t.Fatalf("revoking one token ended another: %v", err)
		}
	})
}

// TestDisabledUser checks that disabling a user stops every way in: the
// password, existing sessions and API tokens.
func TestDisabledUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t, Options{})
	mustCreate(t, s, "admin@b.vn", RoleAdmin)
	u := mustCreate(t, s, "a@b.vn", RoleAgency)
	sid, _, _ := s.CreateSession(ctx, u.ID, t0)
	plain, _, _ := s.IssueToken(ctx, u.ID, "script", t0)

	d, err := s.Disable(ctx, u.ID, tester, t0)
	if err != nil || !d.Disabled || d.Version != u.Version+1 {
		t.Fatalf("%v %+v", err, d)
	}
	_, err = s.Authenticate(ctx, "a@b.vn", "correct horse", t0)
	wantMessage(t, err, apperr.CodeUnauthorized, "account.login.failed")
	_, _, err = s.Lookup(ctx, sid, t0)
	wantMessage(t, err, apperr.CodeUnauthorized, "account.session.expired")
	if n, _ := s.sessions.CountDocuments(ctx, bson.M{"userId": u.ID}); n != 0 {
		t.Fatalf("%d sessions kept", n)
	}
	_, _, err = s.AuthenticateToken(ctx, plain, t0)
	wantMessage(t, err, apperr.CodeUnauthorized, "account.token.invalid")
	if _, _, err := s.CreateSession(ctx, u.ID, t0); err == nil {
		t.Fatal("session created for a disabled user")
	}
	if _, _, err := s.IssueToken(ctx, u.ID, "more", t0); err == nil {
		t.Fatal("token issued to a disabled user")
	}

	// A session made just before disabling, in a race, is refused too.
	if _, err := s.Enable(ctx, u.ID, tester, t0); err != nil {
		t.Fatal(err)
	}
	sid2, _, _ := s.CreateSession(ctx, u.ID, t0)
	if _, err := s.users.Mongo().UpdateOne(ctx, bson.M{"_id": u.ID}, bson.M{"$set": bson.M{"disabled": true}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Lookup(ctx, sid2, t0); err == nil {
		t.Fatal("session of a disabled user works")
	}
	if _, err := s.Enable(ctx, u.ID, tester, t0); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.AuthenticateToken(ctx, plain, t0); err != nil {
		t.Fatalf("token after enabling: %v", err)
	}
}
