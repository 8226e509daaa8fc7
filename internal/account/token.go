package account

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
)

// TokenPrefix starts every API token, so that a leaked one is easy to
// recognise (secret scanners, logs).
const TokenPrefix = "kh_"

// MaxTokenName is the longest token name, in characters.
const MaxTokenName = 100

// Token is an API token as listed: never its secret. Only the SHA-256 of
// the plaintext is stored; Hint is its first characters, to tell tokens
// apart.
type Token struct {
	ID         string     `json:"id" bson:"_id"`
	UserID     string     `json:"userId" bson:"userId"`
	Name       string     `json:"name" bson:"name"`
	Hint       string     `json:"hint" bson:"hint"`
	LastUsedAt *time.Time `json:"lastUsedAt,omitempty" bson:"lastUsedAt,omitempty"`
	CreatedAt  time.Time  `json:"createdAt" bson:"createdAt"`
	UpdatedAt  time.Time  `json:"updatedAt" bson:"updatedAt"`
	Version    int64      `json:"version" bson:"version"`
}

// tokenDoc is a Token as stored, with the hash it is found by.
type tokenDoc struct {
	Token `bson:",inline"`
	Hash  string `bson:"hash"`
}

func errTokenInvalid() error { return apperr.New(apperr.CodeUnauthorized, "account.token.invalid") }

// IssueToken makes a new API token for userID and returns its plaintext,
// kh_ followed by 32 random bytes in base64url. The plaintext is shown
// once; it cannot be read back. name (field "name") says what it is for.
func (s *Store) IssueToken(ctx context.Context, userID, name string, now time.Time) (string, Token, error) {
	now = utc(now)
	name = strings.TrimSpace(name)
	f := apperr.Fields{}
	switch {
	case name == "":
		f.Add("name", "error.field.required")
	case utf8.RuneCountInString(name) > MaxTokenName:
		f.Add("name", "error.field.too_long")
	}
	if err := f.Err(); err != nil {
		return "", Token{}, err
	}
	u, err := s.GetUser(ctx, userID)
	if err != nil {
		return "", Token{}, err
	}
	if u.Disabled {
		return "", Token{}, apperr.Forbidden()
	}
	plain := TokenPrefix + randomString(32)
	t := Token{
		ID: primitive.NewObjectID().Hex(), UserID: userID, Name: name, Hint: plain[:len(TokenPrefix)+4],
		CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	if _, err := s.tokens.InsertOne(ctx, tokenDoc{Token: t, Hash: hashSecret(plain)}); err != nil {
		return "", Token{}, apperr.Internal(fmt.Errorf("insert token: %w", err))
	}
	return plain, t, nil
}

// AuthenticateToken returns the token with the given plaintext and its
// user. An unknown or revoked token, or one whose user is disabled, is an
// unauthorized error (account.token.invalid). Use is recorded in
// LastUsedAt at most once per SessionPolicy.TouchEvery.
func (s *Store) AuthenticateToken(ctx context.Context, plaintext string, now time.Time) (Token, User, error) {
	now = utc(now)
	if !strings.HasPrefix(plaintext, TokenPrefix) || len(plaintext) > 200 {
		return Token{}, User{}, errTokenInvalid()
	}
	var t Token
	if err := s.tokens.FindOne(ctx, bson.M{"hash": hashSecret(plaintext)}).Decode(&t); err != nil {
		if mongodb.IsNoDocuments(err) {
			return Token{}, User{}, errTokenInvalid()
		}
		return Token{}, User{}, apperr.Internal(fmt.Errorf("find token: %w", err))
	}
	u, ok, err := s.activeUser(ctx, t.UserID)
	if err != nil {
		return Token{}, User{}, err
	}
	if !ok {
		return Token{}, User{}, errTokenInvalid()
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= s.policy.TouchEvery {
		// Bookkeeping only: Version stays, so a rename never conflicts with use.
		if _, err := s.tokens.UpdateOne(ctx, bson.M{"_id": t.ID}, bson.M{"$set": bson.M{"lastUsedAt": now}}); err != nil {
			return Token{}, User{}, apperr.Internal(fmt.Errorf("touch token: %w", err))
		}
		t.LastUsedAt = &now
	}
	return t, u, nil
}

// RevokeToken deletes the user's token with tokenID; at once it no longer
// works. A token of another user is not found (account.error.token_not_found).
func (s *Store) RevokeToken(ctx context.Context, userID, tokenID string) error {
	res, err := s.tokens.DeleteOne(ctx, bson.M{"_id": tokenID, "userId": userID})
	if err != nil {
		return apperr.Internal(fmt.Errorf("revoke token: %w", err))
	}
	if res.DeletedCount == 0 {
		return apperr.NotFound("account.error.token_not_found")
	}
	return nil
}

// ListTokens returns a user's tokens, newest first, without secrets.
func (s *Store) ListTokens(ctx context.Context, userID string) ([]Token, error) {
	return findAll[Token](ctx, s.tokens, bson.M{"userId": userID}, findNewestFirst())
}
