// Package i18n loads the message files in locales/, chooses a language and
// formats numbers, money, dates and percentages the way each language
// writes them (vi: 363.240 tỷ đồng, 28/11/2026; en: VND 363,240 billion,
// 28 Nov 2026).
package i18n

import (
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"sort"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // Asia/Ho_Chi_Minh must load on machines without tzdata.

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Languages the portal speaks; the first is the default.
var Languages = []string{"vi", "en"}

// Supported reports whether lang is one of Languages.
func Supported(lang string) bool { return lang == "vi" || lang == "en" }

// Zone is the province's time zone; every time is shown in it.
var Zone = mustZone("Asia/Ho_Chi_Minh")

func mustZone(name string) *time.Location {
	z, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return z
}

// Bundle holds every message in every language.
type Bundle struct {
	b   *goi18n.Bundle
	ids map[string]map[string]bool // lang -> message ids
	log *slog.Logger

	mu      sync.Mutex
	missing map[string]bool
}

// Load reads every *.toml file in fsys. File names carry the language
// before the extension, as in project.en.toml.
func Load(fsys fs.FS, log *slog.Logger) (*Bundle, error) {
	if log == nil {
		log = slog.Default()
	}
	b := goi18n.NewBundle(language.Vietnamese)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	files, err := fs.Glob(fsys, "*.toml")
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("i18n: no message files")
	}
	ids := map[string]map[string]bool{}
	for _, f := range files {
		mf, err := b.LoadMessageFileFS(fsys, f)
		if err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", f, err)
		}
		lang := mf.Tag.String()
		if ids[lang] == nil {
			ids[lang] = map[string]bool{}
		}
		for _, m := range mf.Messages {
			if ids[lang][m.ID] {
				return nil, fmt.Errorf("i18n: %s: message %q defined twice", path.Base(f), m.ID)
			}
			ids[lang][m.ID] = true
		}
	}
	return &Bundle{b: b, ids: ids, log: log, missing: map[string]bool{}}, nil
}

// IDs returns the sorted message ids of a language.
func (b *Bundle) IDs(lang string) []string {
	out := make([]string, 0, len(b.ids[lang]))
	for id := range b.ids[lang] {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Has reports whether lang has a message id.
func (b *Bundle) Has(lang, id string) bool { return b.ids[lang][id] }

// Missing returns the ids that were asked for and not found, so tests can
// fail on them.
func (b *Bundle) Missing() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]string, 0, len(b.missing))
	for id := range b.missing {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

func (b *Bundle) noteMissing(lang, id string) {
	b.mu.Lock()
	first := !b.missing[lang+":"+id]
	b.missing[lang+":"+id] = true
	b.mu.Unlock()
	if first {
		b.log.Warn("missing message", "lang", lang, "id", id)
	}
}

// Localizer speaks one language. Make one per request.
type Localizer struct {
	Lang string
	b    *Bundle
	l    *goi18n.Localizer
}

// For returns a localizer for lang (unsupported falls back to vi).
func (b *Bundle) For(lang string) *Localizer {
	if !Supported(lang) {
		lang = Languages[0]
	}
	return &Localizer{Lang: lang, b: b, l: goi18n.NewLocalizer(b.b, lang)}
}

// T returns the message id in the localizer's language. Optional arguments
// are key/value pairs filling the message's {{.Key}} placeholders; a key
// named "Count" also selects the plural form. A missing id is logged,
// recorded for tests and shown as the id itself.
func (l *Localizer) T(id string, kv ...any) string {
	if !l.b.Has(l.Lang, id) {
		l.b.noteMissing(l.Lang, id)
		return id
	}
	cfg := &goi18n.LocalizeConfig{MessageID: id}
	if len(kv) > 0 {
		data := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			k, _ := kv[i].(string)
			data[k] = kv[i+1]
			if k == "Count" {
				cfg.PluralCount = kv[i+1]
			}
		}
		cfg.TemplateData = data
	}
	s, err := l.l.Localize(cfg)
	// A message with one form answers a Count it has no form for with
	// that one form and an error: the text is right.
	if err != nil && s == "" {
		l.b.noteMissing(l.Lang, id)
		return id
	}
	return s
}

// Has reports whether the localizer's language has the id, for optional
// labels such as a sector code that might have no name.
func (l *Localizer) Has(id string) bool { return l.b.Has(l.Lang, id) }

// Label returns the message "prefix.code", used for enumerations such as
// stages, sectors and locations.
func (l *Localizer) Label(prefix, code string) string {
	if code == "" {
		return ""
	}
	return l.T(prefix + "." + code)
}

// Other returns the other supported language.
func Other(lang string) string {
	if lang == "en" {
		return "vi"
	}
	return "en"
}

// Choose picks the language from an Accept-Language header value, falling
// back to the default.
func Choose(acceptLanguage string) string {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil {
		return Languages[0]
	}
	for _, t := range tags {
		base, _ := t.Base()
		if Supported(base.String()) {
			return base.String()
		}
	}
	return Languages[0]
}

// trimZeros removes trailing zeros of a decimal part, and the separator
// when nothing is left ("3.50" -> "3.5", "3.0" -> "3").
func trimZeros(s string, dec string) string {
	i := strings.LastIndex(s, dec)
	if i < 0 {
		return s
	}
	frac := strings.TrimRight(s[i+len(dec):], "0")
	if frac == "" {
		return s[:i]
	}
	return s[:i+len(dec)] + frac
}

// Country returns a country's name from its ISO code, or the code itself
// when the portal has no name for it.
func (l *Localizer) Country(code string) string {
	if l.Has("country." + code) {
		return l.T("country." + code)
	}
	return code
}
