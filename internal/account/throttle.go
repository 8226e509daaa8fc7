package account

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Failed sign-ins slow down the one who fails, not the account: there is no
// lock that a stranger could put on someone else's account. Failures are
// counted in three scopes, each with its own exponential backoff:
//
//   - one account from one client address (the pair): a guesser at one
//     address soon waits, while the real user elsewhere signs in at once;
//   - one client address, any account: password spraying from one address;
//   - one account, any address: a distributed attack. This ceiling is high,
//     and it does not apply to an address that signed in to the account
//     successfully within ThrottlePolicy.Familiar, so the real user at their
//     usual place is never held up by it.
//
// A refused attempt (while waiting) checks no password and counts nothing.
// Known and unknown e-mail addresses are counted alike, so the answers say
// nothing about which accounts exist. The counts live in MongoDB
// (login_attempts), so every portal process shares them.

// Backoff says how failures in one scope slow further tries: the first
// Free-1 failures cost nothing; the Free-th makes the scope wait Base after
// it, and each further failure doubles the wait, up to Max.
type Backoff struct {
	Free      int
	Base, Max time.Duration
}

// Wait is how long after its last failure a scope with n failures waits.
func (b Backoff) Wait(n int) time.Duration {
	if n < b.Free {
		return 0
	}
	d := b.Base
	for i := b.Free; i < n && d < b.Max; i++ {
		d *= 2
	}
	return min(d, b.Max)
}

// ThrottlePolicy holds the backoff of each scope.
type ThrottlePolicy struct {
	// Pair is one account from one address; Address is one address, any
	// account; Account is one account, any unfamiliar address.
	Pair, Address, Account Backoff
	// Forget starts a scope's count afresh when its last failure is older.
	Forget time.Duration
	// Familiar is how long a successful sign-in exempts its address from
	// the Address and Account scopes for that account.
	Familiar time.Duration
}

// DefaultThrottlePolicy: the 5th wrong password for one account from one
// address makes that address wait 1 minute, then 2, 4, 8, up to 15; the
// 20th failure from one address across accounts does the same for the
// address; the 50th failure on one account across addresses slows
// unfamiliar addresses, 1 minute doubling up to 5. Counts are forgotten a
// day after the last failure; an address stays familiar for 30 days.
func DefaultThrottlePolicy() ThrottlePolicy {
	return ThrottlePolicy{
		Pair:     Backoff{Free: 5, Base: time.Minute, Max: 15 * time.Minute},
		Address:  Backoff{Free: 20, Base: time.Minute, Max: 15 * time.Minute},
		Account:  Backoff{Free: 50, Base: time.Minute, Max: 5 * time.Minute},
		Forget:   24 * time.Hour,
		Familiar: 30 * 24 * time.Hour,
	}
}

func (p ThrottlePolicy) withDefaults() ThrottlePolicy {
	d := DefaultThrottlePolicy()
	fill := func(b *Backoff, d Backoff) {
		if b.Free <= 0 {
			b.Free = d.Free
		}
		if b.Base <= 0 {
			b.Base = d.Base
		}
		if b.Max < b.Base {
			b.Max = max(d.Max, b.Base)
		}
	}
	fill(&p.Pair, d.Pair)
	fill(&p.Address, d.Address)
	fill(&p.Account, d.Account)
	if p.Forget <= 0 {
		p.Forget = d.Forget
	}
	// A wait must never outlive the count it comes from.
	p.Forget = max(p.Forget, p.Pair.Max, p.Address.Max, p.Account.Max)
	if p.Familiar <= 0 {
		p.Familiar = d.Familiar
	}
	return p
}

// LocalAddress stands for the client address of sign-ins that come from no
// network, such as the command line.
const LocalAddress = "local"

// clientKey is the form in which an address is counted: an IPv4 address as
// it is, an IPv6 address by its /64 (one host usually holds a whole /64),
// anything else, which only a misconfigured proxy header can give, as one
// shared "invalid".
func clientKey(addr string) string {
	if addr == "" || addr == LocalAddress {
		return LocalAddress
	}
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return "invalid"
	}
	a = a.Unmap().WithZone("")
	if a.Is4() {
		return a.String()
	}
	p, _ := a.Prefix(64)
	return p.String()
}

// throttleKeys are the login_attempts ids of one sign-in. The address
// comes first in pair ids: it holds no "|", so no two pairs share an id.
type throttleKeys struct {
	email, pair, address, account string
}

func keysFor(email, addr string) throttleKeys {
	a := clientKey(addr)
	k := throttleKeys{email: email, address: "addr|" + a}
	// An address nobody could own is counted by client address only.
	if ValidEmail(email) {
		k.pair = "pair|" + a + "|" + email
		k.account = "acct|" + email
	}
	return k
}

func (k throttleKeys) ids() []string {
	out := []string{k.address}
	if k.pair != "" {
		out = append(out, k.pair, k.account)
	}
	return out
}

// failureCount is one scope's count in login_attempts.
type failureCount struct {
	ID       string `bson:"_id"`
	Failures int    `bson:"failures"`
	// Email is set for the pair and account scopes, so that a password
	// reset can clear them.
	Email         string     `bson:"email,omitempty"`
	LastFailedAt  *time.Time `bson:"lastFailedAt,omitempty"`
	LastSuccessAt *time.Time `bson:"lastSuccessAt,omitempty"`
	CreatedAt     time.Time  `bson:"createdAt"`
	UpdatedAt     time.Time  `bson:"updatedAt"`
}

// current is the count as of now: a count whose last failure is forgotten
// is zero.
func (f failureCount) current(now time.Time, forget time.Duration) int {
	if f.LastFailedAt == nil || now.Sub(*f.LastFailedAt) >= forget {
		return 0
	}
	return f.Failures
}

// waitFor is how long, from now, the attempt described by the counts must
// wait; zero lets it through.
func (s *Store) waitFor(k throttleKeys, counts map[string]failureCount, now time.Time) time.Duration {
	p := s.throttle
	var wait time.Duration
	check := func(id string, b Backoff) {
		c, ok := counts[id]
		if !ok {
			return
		}
		if w := b.Wait(c.current(now, p.Forget)); w > 0 {
			wait = max(wait, c.LastFailedAt.Add(w).Sub(now))
		}
	}
	familiar := false
	if k.pair != "" {
		check(k.pair, p.Pair)
		if c := counts[k.pair]; c.LastSuccessAt != nil && now.Sub(*c.LastSuccessAt) < p.Familiar {
			familiar = true
		}
	}
	if !familiar {
		check(k.address, p.Address)
		if k.account != "" {
			check(k.account, p.Account)
		}
	}
	return wait
}

// throttled is the answer while an attempt must wait. Minutes is the wait
// rounded up, for the message; RetryAfter is in seconds.
func throttled(wait time.Duration) error {
	secs := int((wait + time.Second - 1) / time.Second)
	minutes := (secs + 59) / 60
	id := "account.login.throttled"
	if minutes == 1 {
		id = "account.login.throttled_minute"
	}
	return &apperr.Error{
		Code: apperr.CodeTooMany, MessageID: id,
		Data: map[string]any{"Minutes": minutes, "RetryAfter": secs},
	}
}

// checkThrottle refuses an attempt that must wait.
func (s *Store) checkThrottle(ctx context.Context, k throttleKeys, now time.Time) error {
	cur, err := s.attempts.Find(ctx, bson.M{"_id": bson.M{"$in": k.ids()}})
	if err != nil {
		return apperr.Internal(fmt.Errorf("find login attempts: %w", err))
	}
	var docs []failureCount
	if err := cur.All(ctx, &docs); err != nil {
		return apperr.Internal(fmt.Errorf("read login attempts: %w", err))
	}
	counts := make(map[string]failureCount, len(docs))
	for _, d := range docs {
		counts[d.ID] = d
	}
	if wait := s.waitFor(k, counts, now); wait > 0 {
		return throttled(wait)
	}
	return nil
}

// recordFailure counts one failed sign-in in every scope of k and returns
// the throttle error when this failure makes the next attempt wait.
func (s *Store) recordFailure(ctx context.Context, k throttleKeys, now time.Time) error {
	counts := map[string]failureCount{}
	for _, id := range k.ids() {
		email := ""
		if id != k.address {
			email = k.email
		}
		c, err := s.countFailure(ctx, id, email, now)
		if err != nil {
			return err
		}
		counts[id] = c
	}
	if wait := s.waitFor(k, counts, now); wait > 0 {
		return throttled(wait)
	}
	return nil
}

// countFailure adds one failure to the count with id: one atomic $inc
// upsert, under the document lock that the embedded database needs to
// apply concurrent increments without losing one. It returns the count
// after this failure.
func (s *Store) countFailure(ctx context.Context, id, email string, now time.Time) (failureCount, error) {
	unlock := mongodb.LockDocument(s.attempts, id)
	defer unlock()
	set := bson.M{"lastFailedAt": now, "updatedAt": now}
	if email != "" {
		set["email"] = email
	}
	update := bson.M{"$inc": bson.M{"failures": 1}, "$set": set, "$setOnInsert": bson.M{"createdAt": now},
		"$max": bson.M{"expiresAt": now.Add(s.throttle.Forget)}}
	opts := options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.Before)
	var before failureCount
	err := s.attempts.FindOneAndUpdate(ctx, bson.M{"_id": id}, update, opts).Decode(&before)
	if mongodb.IsDuplicateKey(err) {
		// Another process inserted the count first: add to theirs.
		err = s.attempts.FindOneAndUpdate(ctx, bson.M{"_id": id}, update, opts).Decode(&before)
	}
	after := failureCount{ID: id, Email: email, Failures: 1, LastFailedAt: &now}
	switch {
	case mongodb.IsNoDocuments(err):
		return after, nil
	case err != nil:
		return failureCount{}, apperr.Internal(fmt.Errorf("count failed sign-in: %w", err))
	}
	after.LastSuccessAt = before.LastSuccessAt
	if n := before.current(now, s.throttle.Forget); n > 0 {
		after.Failures = n + 1
		return after, nil
	}
	if before.Failures != 0 {
		// The old failures are forgotten: take them back out, with an
		// $inc too, so that concurrent failures still add up.
		_, err := s.attempts.UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$inc": bson.M{"failures": -before.Failures}})
		if err != nil {
			return failureCount{}, apperr.Internal(fmt.Errorf("forget old failed sign-ins: %w", err))
		}
	}
	return after, nil
}

// recordSuccess clears the pair's count and marks its address familiar.
// The address and account counts stay: the attacker's own account must
// not be a way to wipe them.
func (s *Store) recordSuccess(ctx context.Context, k throttleKeys, now time.Time) error {
	unlock := mongodb.LockDocument(s.attempts, k.pair)
	defer unlock()
	_, err := s.attempts.UpdateOne(ctx, bson.M{"_id": k.pair}, bson.M{
		"$set":         bson.M{"failures": 0, "email": k.email, "lastSuccessAt": now, "updatedAt": now},
		"$unset":       bson.M{"lastFailedAt": ""},
		"$setOnInsert": bson.M{"createdAt": now},
		"$max":         bson.M{"expiresAt": now.Add(s.throttle.Familiar)},
	}, options.Update().SetUpsert(true))
	if err != nil && !mongodb.IsDuplicateKey(err) {
		return apperr.Internal(fmt.Errorf("record sign-in address: %w", err))
	}
	return nil
}

// clearFailures forgets the failures counted against an account (its own
// scope and every pair), for a password reset. Familiar addresses stay.
func (s *Store) clearFailures(ctx context.Context, email string, now time.Time) error {
	_, err := s.attempts.UpdateMany(ctx, bson.M{"email": email, "failures": bson.M{"$gt": 0}},
		bson.M{"$set": bson.M{"failures": 0, "updatedAt": now}, "$unset": bson.M{"lastFailedAt": ""}})
	if err != nil {
		return apperr.Internal(fmt.Errorf("clear failed sign-ins: %w", err))
	}
	return nil
}

// attemptIndexes are login_attempts' indexes: the clean-up's and the
// reset's, and on MongoDB the TTL index that replaces the clean-up.
//
// A count's expiresAt is when CleanupExpired would delete it: the later of
// its last failure plus Forget and its last success plus Familiar (each
// write raises it with $max). Reads never depend on it.
func (s *Store) attemptIndexes() []mongo.IndexModel {
	idx := []mongo.IndexModel{
		{Keys: bson.D{{Key: "lastFailedAt", Value: 1}}, Options: options.Index().SetName("last_failed")},
		{Keys: bson.D{{Key: "email", Value: 1}}, Options: options.Index().SetName("email")},
	}
	if s.ttl {
		idx = append(idx, ttlIndex("expiresAt", "expires_ttl"))
	}
	return idx
}

// expireOldAttempts gives the counts stored before they carried expiresAt
// one, so that the TTL index deletes them too: the latest either window
// could keep them.
func (s *Store) expireOldAttempts(ctx context.Context, now time.Time) error {
	_, err := s.attempts.UpdateMany(ctx, bson.M{"expiresAt": bson.M{"$exists": false}},
		bson.M{"$set": bson.M{"expiresAt": utc(now).Add(max(s.throttle.Forget, s.throttle.Familiar))}})
	if err != nil {
		return apperr.Internal(fmt.Errorf("expire old login attempts: %w", err))
	}
	return nil
}
