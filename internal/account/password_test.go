package account

import (
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/khanhhoa/investportal/internal/config"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
)

func TestHasher(t *testing.T) {
	t.Parallel()
	h := NewHasher(HashParams{Time: 2, MemoryKiB: 512, Threads: 1, SaltLen: 16, KeyLen: 32})
	enc := h.Hash("mật khẩu đúng")

	t.Run("RoundTrip", func(t *testing.T) {
		ok, err := h.Verify(enc, "mật khẩu đúng")
		if err != nil || !ok {
			t.Fatalf("verify own hash: %v %v", ok, err)
		}
	})
	t.Run("WrongPassword", func(t *testing.T) {
		for _, pw := range []string{"mật khẩu sai", "", "mật khẩu đúng "} {
			if ok, err := h.Verify(enc, pw); ok || err != nil {
				t.Errorf("%q: %v %v", pw, ok, err)
			}
		}
	})
	t.Run("PHCFormat", func(t *testing.T) {
		if !strings.HasPrefix(enc, "$argon2id$v=19$m=512,t=2,p=1$") {
			t.Fatalf("encoded %q", enc)
		}
		d, err := parseHash(enc)
		if err != nil {
			t.Fatal(err)
		}
		want := HashParams{Time: 2, MemoryKiB: 512, Threads: 1, SaltLen: 16, KeyLen: 32}
		if d.params != want || len(d.salt) != 16 || len(d.key) != 32 {
			t.Fatalf("parsed %+v salt %d key %d", d.params, len(d.salt), len(d.key))
		}
	})
	t.Run("FreshSalt", func(t *testing.T) {
		if h.Hash("mật khẩu đúng") == enc {
			t.Fatal("two hashes of one password are equal")
		}
	})
	t.Run("OldParamsStillVerify", func(t *testing.T) {
		h2 := NewHasher(cheap)
		ok, err := h2.Verify(enc, "mật khẩu đúng")
		if err != nil || !ok {
			t.Fatalf("hash with other params: %v %v", ok, err)
		}
		if !h2.NeedsRehash(enc) || h.NeedsRehash(enc) {
			t.Fatal("NeedsRehash wrong")
		}
	})
	t.Run("Malformed", func(t *testing.T) {
		parts := strings.Split(enc, "$")
		bad := []string{
			"",
			"plaintext",
			strings.Replace(enc, "argon2id", "argon2i", 1),
			strings.Replace(enc, "v=19", "v=16", 1),
			strings.Replace(enc, "m=512", "m=abc", 1),
			strings.Replace(enc, "p=1", "p=0", 1),
			strings.Replace(enc, "m=512", "m=99999999", 1),
			"$" + strings.Join(parts[1:5], "$"),
			strings.Join(parts[:4], "$") + "$!!$" + parts[5],
		}
		for _, b := range bad {
			if ok, err := h.Verify(b, "mật khẩu đúng"); ok || err == nil {
				t.Errorf("%q accepted: %v %v", b, ok, err)
			}
		}
	})
	t.Run("Defaults", func(t *testing.T) {
		p := NewHasher(HashParams{}).Params()
		// OWASP's equivalent argon2id settings: the least memory for a
		// number of passes (Password Storage Cheat Sheet).
		owaspMinKiB := map[uint32]uint32{1: 47104, 2: 19456, 3: 12288, 4: 9216, 5: 7168}
		if min, ok := owaspMinKiB[p.Time]; p != DefaultHashParams() || !ok || p.MemoryKiB < min || p.Threads < 1 {
			t.Fatalf("defaults %+v are below OWASP's argon2id settings", p)
		}
	})
}

func TestValidatePassword(t *testing.T) {
	t.Parallel()
	if err := ValidatePassword("1234567", ""); fieldErr(t, err, "password") != "account.error.password_too_short" {
		t.Fatalf("7 characters: %v", err)
	}
	// Characters, not bytes: 7 Vietnamese letters are 14+ bytes.
	if err := ValidatePassword("ắằẳẵặâấ", ""); err == nil {
		t.Fatal("7 multi-byte characters accepted")
	}
	if err := ValidatePassword(strings.Repeat("x", MaxPassword+1), ""); fieldErr(t, err, "password") != "error.field.too_long" {
		t.Fatalf("too long: %v", err)
	}
	if err := ValidatePassword("k7#Rw2qZ", "a@b.vn"); err != nil {
		t.Fatalf("8 characters: %v", err)
	}
	if g := GeneratePassword(); len(g) != 24 || ValidatePassword(g, "a@b.vn") != nil || g == GeneratePassword() {
		t.Fatalf("generated %q", g)
	}
}

// TestCommonPasswordsRefused is issue 9, item 13: "password" was accepted.
// Passwords from the shipped list (in any case) and the account's own
// e-mail address or its local part are refused.
func TestCommonPasswordsRefused(t *testing.T) {
	t.Parallel()
	for _, pw := range []string{"password", "PASSWORD", "12345678", "iloveyou", "Password1", "qwertyuiop", "matkhau123", "KhanhHoa@123", "1q2w3e4r5t"} {
		if got := fieldErr(t, ValidatePassword(pw, "lan@khanhhoa.gov.vn"), "password"); got != "account.error.password_common" {
			t.Errorf("%q: %q", pw, got)
		}
	}
	for _, pw := range []string{"nguyen.van.lan", "Nguyen.Van.Lan@KhanhHoa.gov.vn"} {
		if got := fieldErr(t, ValidatePassword(pw, "nguyen.van.lan@khanhhoa.gov.vn"), "password"); got != "account.error.password_email" {
			t.Errorf("%q: %q", pw, got)
		}
	}
	// The list has thousands of entries, every one long enough to pass
	// the length rule (else listing it would be pointless).
	if n := len(commonPasswords()); n < 2000 {
		t.Errorf("only %d common passwords", n)
	}
	for pw := range commonPasswords() {
		if utf8.RuneCountInString(pw) < MinPassword || pw != strings.ToLower(pw) {
			t.Errorf("list entry %q", pw)
		}
	}
}

// BenchmarkHashDefault measures one production-cost hash:
// go test -run '^$' -bench HashDefault ./internal/account/
func BenchmarkHashDefault(b *testing.B) {
	h := NewHasher(DefaultHashParams())
	for b.Loop() {
		h.Hash("correct horse battery staple")
	}
}

// TestOptionsFrom: the configured hashing and throttle settings reach the
// store; the ones left unset take the defaults.
func TestOptionsFrom(t *testing.T) {
	t.Parallel()
	var c config.Config
	s := NewStore(mongotest.MustOpenDB(t), OptionsFrom(c))
	if s.Hasher().Params() != DefaultHashParams() || s.ThrottlePolicy() != DefaultThrottlePolicy() ||
		cap(s.gate.slots) != runtime.NumCPU() || s.gate.wait != time.Second {
		t.Fatalf("defaults: %+v %+v", s.Hasher().Params(), s.ThrottlePolicy())
	}
	c.PasswordHash = config.PasswordHash{Time: 3, MemoryKiB: 1024, Threads: 2, Concurrency: 3, Wait: 2 * time.Second}
	c.LoginThrottle = config.LoginThrottle{Pair: config.Backoff{Free: 3, Base: 30 * time.Second, Max: 10 * time.Minute}, Familiar: 48 * time.Hour}
	s = NewStore(mongotest.MustOpenDB(t), OptionsFrom(c))
	if p := s.Hasher().Params(); p.Time != 3 || p.MemoryKiB != 1024 || p.Threads != 2 || p.KeyLen != DefaultHashParams().KeyLen {
		t.Fatalf("hash %+v", p)
	}
	if cap(s.gate.slots) != 3 || s.gate.wait != 2*time.Second {
		t.Fatalf("gate %d %v", cap(s.gate.slots), s.gate.wait)
	}
	d := DefaultThrottlePolicy()
	p := s.ThrottlePolicy()
	if p.Pair != (Backoff{Free: 3, Base: 30 * time.Second, Max: 10 * time.Minute}) || p.Address != d.Address ||
		p.Familiar != 48*time.Hour || p.Forget != d.Forget {
		t.Fatalf("throttle %+v", p)
	}
}
