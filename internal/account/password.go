package account

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	_ "embed"

	"github.com/khanhhoa/investportal/internal/apperr"
	"golang.org/x/crypto/argon2"
)

// Password length limits, in characters. The upper one only bounds the work
// a single sign-in request can ask for.
const (
	MinPassword = 8
	MaxPassword = 256
)

// ValidatePassword checks a new password for the account with the given
// e-mail address: its length, that it is not on the list of common and
// breached passwords (commonpasswords.txt), and that it is not the e-mail
// address or its part before the @ (in any case). The error names the
// field "password".
func ValidatePassword(pw, email string) error {
	f := apperr.Fields{}
	if id := passwordProblem(pw, email); id != "" {
		f.Add("password", id)
	}
	return f.Err()
}

// passwordProblem returns the message id of what is wrong with pw, or "".
func passwordProblem(pw, email string) string {
	switch n := utf8.RuneCountInString(pw); {
	case n < MinPassword:
		return "account.error.password_too_short"
	case n > MaxPassword:
		return "error.field.too_long"
	}
	lower := strings.ToLower(pw)
	if _, common := commonPasswords()[lower]; common {
		return "account.error.password_common"
	}
	email = NormalizeEmail(email)
	local, _, _ := strings.Cut(email, "@")
	if email != "" && (lower == email || lower == local) {
		return "account.error.password_email"
	}
	return ""
}

//go:embed commonpasswords.txt
var commonPasswordFile string

// commonPasswords is the set of refused passwords, lower-cased.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	set := map[string]struct{}{}
	for _, line := range strings.Split(commonPasswordFile, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		set[strings.ToLower(line)] = struct{}{}
	}
	return set
})

// HashParams are argon2id's cost parameters.
type HashParams struct {
	// Time is the number of passes over memory.
	Time uint32
	// MemoryKiB is the memory used, in KiB.
	MemoryKiB uint32
	// Threads is the parallelism (lanes).
	Threads uint8
	// SaltLen and KeyLen are in bytes.
	SaltLen uint32
	KeyLen  uint32
}

// DefaultHashParams are the production costs: two passes over 19 MiB with
// one lane, one of the equivalent argon2id settings of OWASP's Password
// Storage Cheat Sheet (m=19456 KiB, t=2, p=1). Of those settings it holds
// the least memory per hash, which bounds the heap while the hashing slots
// (one per CPU) are full and finished hashes await collection; hashes made
// with older settings are redone at their owner's next sign-in.
func DefaultHashParams() HashParams {
	return HashParams{Time: 2, MemoryKiB: 19 * 1024, Threads: 1, SaltLen: 16, KeyLen: 32}
}

func (p HashParams) withDefaults() HashParams {
	d := DefaultHashParams()
	if p.Time == 0 {
		p.Time = d.Time
	}
	if p.MemoryKiB == 0 {
		p.MemoryKiB = d.MemoryKiB
	}
	if p.Threads == 0 {
		p.Threads = d.Threads
	}
	if p.SaltLen == 0 {
		p.SaltLen = d.SaltLen
	}
	if p.KeyLen == 0 {
		p.KeyLen = d.KeyLen
	}
	// argon2 needs at least 8 KiB per lane.
	if min := 8 * uint32(p.Threads); p.MemoryKiB < min {
		p.MemoryKiB = min
	}
	return p
}

// Hasher hashes and checks passwords with argon2id. Hashes are PHC strings,
// $argon2id$v=19$m=65536,t=1,p=2$<salt>$<key> (unpadded standard base64),
// so each carries its own parameters and old hashes still verify after the
// parameters change.
type Hasher struct {
	params HashParams
}

// NewHasher returns a hasher for p; zero fields take DefaultHashParams.
func NewHasher(p HashParams) *Hasher { return &Hasher{params: p.withDefaults()} }

// Params returns the parameters new hashes are made with.
func (h *Hasher) Params() HashParams { return h.params }

// Hash returns the PHC string of password with a fresh random salt.
func (h *Hasher) Hash(password string) string {
	p := h.params
	salt := make([]byte, p.SaltLen)
	_, _ = rand.Read(salt) // crypto/rand.Read never fails.
	key := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, p.KeyLen)
	return encodeHash(p, salt, key)
}

// Verify reports whether password matches the encoded hash, comparing in
// constant time. An error means the hash itself is malformed.
func (h *Hasher) Verify(encoded, password string) (bool, error) {
	d, err := parseHash(encoded)
	if err != nil {
		return false, err
	}
	key := argon2.IDKey([]byte(password), d.salt, d.params.Time, d.params.MemoryKiB, d.params.Threads, uint32(len(d.key)))
	return subtle.ConstantTimeCompare(key, d.key) == 1, nil
}

// NeedsRehash reports whether encoded was made with other parameters than
// the hasher's, so that it should be replaced at the next successful sign-in.
func (h *Hasher) NeedsRehash(encoded string) bool {
	d, err := parseHash(encoded)
	if err != nil {
		return true
	}
	p := h.params
	return d.params.Time != p.Time || d.params.MemoryKiB != p.MemoryKiB ||
		d.params.Threads != p.Threads || uint32(len(d.salt)) != p.SaltLen || uint32(len(d.key)) != p.KeyLen
}

var b64 = base64.RawStdEncoding

func encodeHash(p HashParams, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.MemoryKiB, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

type decodedHash struct {
	params    HashParams
	salt, key []byte
}

// errBadHash is returned for a stored hash that is not one this package made.
var errBadHash = errors.New("account: malformed password hash")

// maxHashMemoryKiB bounds the memory a stored hash may ask for (4 GiB), so a
// damaged record cannot exhaust the host.
const maxHashMemoryKiB = 4 << 20

// parseHash reads a PHC argon2id string.
func parseHash(s string) (decodedHash, error) {
	var d decodedHash
	parts := strings.Split(s, "$")
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, key
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return d, errBadHash
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return d, errBadHash
	}
	var m, t uint32
	var p uint8
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || n != 3 {
		return d, errBadHash
	}
	if t == 0 || p == 0 || m < 8*uint32(p) || m > maxHashMemoryKiB ||
		parts[3] != fmt.Sprintf("m=%d,t=%d,p=%d", m, t, p) {
		return d, errBadHash
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return d, errBadHash
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 {
		return d, errBadHash
	}
	d.params = HashParams{Time: t, MemoryKiB: m, Threads: p, SaltLen: uint32(len(salt)), KeyLen: uint32(len(key))}
	d.salt, d.key = salt, key
	return d, nil
}

// randomString returns n random bytes in unpadded base64url.
func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails.
	return base64.RawURLEncoding.EncodeToString(b)
}

// GeneratePassword returns a random password of 24 characters (144 bits)
// for accounts made by Bootstrap.
func GeneratePassword() string { return randomString(18) }

// hashGate bounds how many password hashes run at once. An argon2id hash
// holds its whole memory cost (64 MiB by default) while it runs, so
// unbounded parallel sign-ins would exhaust the host's memory (issue 9:
// 32 parallel sign-ins took 1.5 GB) and gain nothing, as the CPU is
// already full.
type hashGate struct {
	slots chan struct{}
	// wait is how long a sign-in waits for a slot before it is told the
	// server is busy.
	wait time.Duration
}

func newHashGate(n int, wait time.Duration) hashGate {
	return hashGate{slots: make(chan struct{}, n), wait: wait}
}

// errBusy is the answer when no hashing slot frees up in time.
func errBusy() error {
	return &apperr.Error{Code: apperr.CodeTooMany, MessageID: "account.login.busy", Data: map[string]any{"RetryAfter": 1}}
}

// enter takes a slot, waiting at most wait (and never past ctx); leave
// gives it back.
func (g hashGate) enter(ctx context.Context, wait time.Duration) (leave func(), err error) {
	select {
	case g.slots <- struct{}{}:
		return func() { <-g.slots }, nil
	default:
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return func() { <-g.slots }, nil
	case <-t.C:
		return nil, errBusy()
	case <-ctx.Done():
		return nil, errBusy()
	}
}

// adminHashWait is how long an administrator's or the command line's
// password change waits for a hashing slot: longer than a sign-in, as
// these are few and already authenticated.
const adminHashWait = 10 * time.Second

// hash hashes a new password within a hashing slot.
func (s *Store) hash(ctx context.Context, password string) (string, error) {
	leave, err := s.gate.enter(ctx, max(s.gate.wait, adminHashWait))
	if err != nil {
		return "", err
	}
	defer leave()
	return s.hasher.Hash(password), nil
}

// verify checks a password within a hashing slot.
func (s *Store) verify(ctx context.Context, encoded, password string) (bool, error) {
	leave, err := s.gate.enter(ctx, max(s.gate.wait, adminHashWait))
	if err != nil {
		return false, err
	}
	defer leave()
	return s.hasher.Verify(encoded, password)
}
