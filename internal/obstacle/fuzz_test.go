package obstacle

// Fuzz targets for what a business types to follow an obstacle (tracking
// code and access key) and for the files it uploads. Seed corpora are in
// testdata/fuzz/<name>/; run one with
//
//	go test ./internal/obstacle -run '^$' -fuzz '^FuzzAccessKey$' -fuzztime 60s

import (
	"bytes"
	"path"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzTrackingCode checks NormalizeTrackingCode: it is idempotent on any
// text, and every code the portal issues is found again however it is
// typed (lower case, surrounding spaces).
func FuzzTrackingCode(f *testing.F) {
	f.Fuzz(func(t *testing.T, typed string, year uint16, seq int64) {
		once := NormalizeTrackingCode(typed)
		if twice := NormalizeTrackingCode(once); twice != once {
			t.Fatalf("not idempotent: %q -> %q -> %q", typed, once, twice)
		}

		y := 2000 + int(year%1000)
		if seq < 1 {
			return // the counter starts at 1
		}
		code := FormatTrackingCode(y, seq)
		if !trackingPattern.MatchString(code) {
			t.Fatalf("issued code %q does not match the tracking pattern", code)
		}
		for _, v := range []string{code, strings.ToLower(code), " \t" + code + "\n", strings.ToLower(code) + " "} {
			if got := NormalizeTrackingCode(v); got != code {
				t.Fatalf("%q normalises to %q, want %q", v, got, code)
			}
		}
	})
}

// FuzzAccessKey checks NormalizeKey: it is idempotent on any text, and an
// issued key (formatKey) is recognised however it is typed: lower case,
// spaces for dashes, no separators, 0/1/8 for O/I/B; its normal form
// decodes back to the key's bytes.
func FuzzAccessKey(f *testing.F) {
	f.Fuzz(func(t *testing.T, typed string, raw []byte) {
		once := NormalizeKey(typed)
		if twice := NormalizeKey(once); twice != once {
			t.Fatalf("not idempotent: %q -> %q -> %q", typed, once, twice)
		}

		b := make([]byte, 15)
		copy(b, raw)
		key := FormatKey(b)
		want := strings.ReplaceAll(key, "-", "")
		lookalikes := strings.NewReplacer("O", "0", "I", "1", "B", "8").Replace(key)
		for _, v := range []string{key, strings.ToLower(key), strings.ReplaceAll(key, "-", " "), want, " " + key + " ", lookalikes} {
			if got := NormalizeKey(v); got != want {
				t.Fatalf("key %q typed %q normalises to %q, want %q", key, v, got, want)
			}
			if HashKey(v) != HashKey(key) {
				t.Fatalf("key %q typed %q hashes differently", key, v)
			}
		}
		dec, err := keyEncoding.DecodeString(want)
		if err != nil || !bytes.Equal(dec, b) {
			t.Fatalf("key %q decodes to %x, %v; want %x", key, dec, err, b)
		}
	})
}

// executableMagic are the first bytes of programs: Windows PE, ELF,
// scripts. None may pass as a document, whatever the file is called.
var executableMagic = [][]byte{[]byte("MZ"), []byte("\x7fELF"), []byte("#!")}

// magicOf is the signature each accepted type must start with.
var magicOf = map[string][]byte{"application/pdf": magicPDF, "image/png": magicPNG, "image/jpeg": magicJPEG}

// FuzzUploadSniff checks SniffContentType and cleanFileName with any
// content and name: no panic; an accepted file is a PDF, JPEG or PNG that
// starts with its signature, and a program (MZ, ELF, #!) is refused; the
// stored name keeps no directory, quote or control character, carries the
// extension of the sniffed type, is valid UTF-8 within the length limit,
// and cleaning it again changes nothing.
func FuzzUploadSniff(f *testing.F) {
	f.Fuzz(func(t *testing.T, head []byte, name string) {
		ct, ok := SniffContentType(head)
		for _, m := range executableMagic {
			if bytes.HasPrefix(head, m) && ok {
				t.Fatalf("program %q accepted as %s", head, ct)
			}
		}
		if !ok {
			// Name handling is the same for every type: check it with each.
			for c := range allowedTypes {
				checkFileName(t, name, c)
			}
			return
		}
		if !bytes.HasPrefix(head, magicOf[ct]) {
			t.Fatalf("%q accepted as %s without its signature", head, ct)
		}
		checkFileName(t, name, ct)
	})
}

func checkFileName(t *testing.T, name, ct string) {
	t.Helper()
	got := cleanFileName(name, ct)
	if !utf8.ValidString(got) {
		t.Fatalf("%q -> invalid UTF-8 %q", name, got)
	}
	if strings.ContainsAny(got, `/\"`) || strings.ContainsFunc(got, unicode.IsControl) {
		t.Fatalf("%q -> %q keeps a separator, quote or control character", name, got)
	}
	if n := utf8.RuneCountInString(got); n > maxFileName {
		t.Fatalf("%q -> %q has %d characters", name, got, n)
	}
	ext := strings.ToLower(path.Ext(got))
	if ext != allowedTypes[ct] && !(ct == "image/jpeg" && ext == ".jpeg") {
		t.Fatalf("%q as %s -> %q has extension %q", name, ct, got, ext)
	}
	if strings.TrimSpace(strings.TrimSuffix(got, path.Ext(got))) == "" {
		t.Fatalf("%q -> %q has no name before the extension", name, got)
	}
	if again := cleanFileName(got, ct); again != got {
		t.Fatalf("not idempotent: %q -> %q -> %q", name, got, again)
	}
}
