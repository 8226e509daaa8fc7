// Package search is the portal's full-text search over opportunities and
// projects. One small interface, Engine, has two implementations that pass
// the same conformance suite (RunConformance): Meili, backed by a
// Meilisearch server, and Bleve, an embedded index for a single process and
// for tests. MongoDB is the truth; an index is derived and can be rebuilt.
//
// Both engines search Vietnamese and English text without regard to
// diacritics ("khanh hoa" finds "Khánh Hòa", "d" matches "đ"), tolerate
// typos (one edit from 4 letters, two from 8, none on the first letter or on
// numbers), treat the last query word as a prefix unless the query ends in a
// space, and require every query word to match (English stop words such as
// "the" or "of" are dropped from the query first). A place name of several
// syllables ("Nha Trang", "Bắc Vân Phong": placeNames) is matched as a
// phrase, since each Vietnamese syllable is a word of its own; words side by
// side and words typed with their diacritics rank higher.
package search

import (
	"context"
	"fmt"
	"html"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/bilingual"
	"github.com/khanhhoa/investportal/internal/fold"
	"github.com/khanhhoa/investportal/internal/paging"
)

// Document types.
const (
	TypeOpportunity = "opportunity"
	TypeProject     = "project"
)

// FacetFields are the keys a Doc may use in Facets and a Query may filter
// and count on. Engines reject any other key, so a Meilisearch index can
// declare them as filterable attributes up front.
var FacetFields = []string{
	"sector", "location", "zone", "form", "capital_band", "status", "kind", "stage", "currency", "year",
	"unit", "province",
}

// SortFields are the keys a Doc may use in Sort and a Query may sort on.
var SortFields = []string{"capital", "published", "updated", "created"}

// Paging limits applied by every engine.
const (
	DefaultPerPage = 20
	MaxPerPage     = 100
)

// Text is content in both languages, the portal's one bilingual type.
type Text = bilingual.Text

// Doc is what the index holds for one opportunity or project. ID is the
// record's id in storage, any non-empty string. Facets holds one value per
// key from FacetFields; Sort holds numeric sort keys from SortFields (for
// example capital in a common unit, published as Unix seconds). Version is
// the stored record's version, kept so an indexer can tell a stale entry.
// MultiFacets gives a facet key several values (an opportunity offered
// under several investment forms): the document matches a filter on any of
// them and counts once under each.
type Doc struct {
	ID          string
	Type        string
	Code        string
	Title       Text
	Summary     Text
	Body        Text
	Facets      map[string]string
	MultiFacets map[string][]string
	Sort        map[string]int64
	Version     int64
}

// facetValues merges Facets and MultiFacets: each key's distinct non-empty
// values.
func (d Doc) facetValues() map[string][]string {
	out := make(map[string][]string, len(d.Facets)+len(d.MultiFacets))
	add := func(k, v string) {
		if v != "" && !slices.Contains(out[k], v) {
			out[k] = append(out[k], v)
		}
	}
	for k, v := range d.Facets {
		add(k, v)
	}
	for k, vs := range d.MultiFacets {
		for _, v := range vs {
			add(k, v)
		}
	}
	return out
}

// Query asks for one page of matching documents. Empty Text matches every
// document. Filters maps a facet key to accepted values: any value within a
// key, every key. Facets names the keys to count. Sort is "" (relevance),
// or "key:asc" / "key:desc" with a key from SortFields. Page starts at 1;
// PerPage defaults to DefaultPerPage and is capped at MaxPerPage. Lang ("vi"
// or "en") is the language highlights are taken from (Hit.Highlights).
type Query struct {
	Text    string
	Type    string
	Filters map[string][]string
	Facets  []string
	Sort    string
	Page    int
	PerPage int
	Lang    string
}

// Hit is one matching document. Title, Summary and Facets are the
// document's as indexed (Facets merges Doc.Facets and Doc.MultiFacets), so
// a page of hits can be shown without reading the records. Highlights maps
// "title", "summary" and "body" to a snippet of the field in which the
// query matched, with each match wrapped in <mark>…</mark> and everything
// else HTML-escaped; the body is cropped around its first match. A
// highlight is taken only from the field's text in the query's language
// (Query.Lang), or from the other language's where the document has no
// text in it; HighlightLang tells which. A field without a match there is
// absent.
type Hit struct {
	ID         string
	Type       string
	Code       string
	Score      float64
	Title      Text
	Summary    Text
	Facets     map[string][]string
	Highlights map[string]string
	// HighlightLang is the language ("vi" or "en") of each highlight.
	HighlightLang map[string]string
}

// setHighlight records the highlight of field name, written in lang.
func (h *Hit) setHighlight(name, lang, html string) {
	if h.Highlights == nil {
		h.Highlights, h.HighlightLang = map[string]string{}, map[string]string{}
	}
	h.Highlights[name], h.HighlightLang[name] = html, lang
}

// Facet returns the hit's first value for a facet key, or "".
func (h Hit) Facet(key string) string {
	if vs := h.Facets[key]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// Result is one page of hits, the number of all matching documents, and per
// requested facet key the count of matching documents per value. A facet
// key that is also filtered is counted without its own filter, so a page
// can offer the other values of that key.
//
// Rebuilding is true when the index was being filled from the database
// (Indexer.Rebuild, or an empty index refilled at start) as the search ran:
// hits may be missing. Only an Indexer's engine (Indexer.Engine) sets it.
type Result struct {
	Hits       []Hit
	Total      int
	Facets     map[string]map[string]int
	Rebuilding bool
}

// Engine is a search index. Every write returns only once the engine has
// applied it, so a search right after sees it.
type Engine interface {
	// Name is a short name for logs and configuration ("bleve", "meilisearch").
	Name() string
	// Setup creates the index and its settings; calling it again is harmless.
	Setup(ctx context.Context) error
	// Upsert adds documents or replaces those with the same ID.
	Upsert(ctx context.Context, docs []Doc) error
	// Delete removes documents by ID; unknown IDs are ignored.
	Delete(ctx context.Context, ids []string) error
	// Search runs q. An invalid q is an apperr invalid error naming the field.
	Search(ctx context.Context, q Query) (Result, error)
	// Count is the number of documents in the index.
	Count(ctx context.Context) (int, error)
	// Reset removes every document, keeping the index and its settings.
	Reset(ctx context.Context) error
	// Close releases the engine's resources.
	Close() error
}

// Fold returns s in the form the engines compare text in: NFC-normalized,
// lower-cased, without diacritics, with đ and Đ as d.
func Fold(s string) string { return fold.String(s) }

// stopWords are English words dropped from a query: they carry no meaning
// for this content and would otherwise have to appear in every hit.
var stopWords = map[string]bool{
	"a": true, "an": true, "and": true, "are": true, "at": true, "by": true, "for": true,
	"from": true, "in": true, "is": true, "of": true, "on": true, "or": true, "the": true,
	"to": true, "with": true,
}

// isWordRune reports whether r belongs to a word for query splitting,
// highlighting and cropping.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// span is a byte range [start, end) within a string.
type span struct{ start, end int }

// wordSpans returns the byte ranges of the words in s.
func wordSpans(s string) []span {
	var out []span
	start := -1
	for i, r := range s {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, span{start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, span{start, len(s)})
	}
	return out
}

// parsedText is a query's text split into words.
type parsedText struct {
	// words are the NFC words kept, in order, as typed.
	words []string
	// lastPrefix is true when the last word may match as a prefix: the
	// query does not end in a space.
	lastPrefix bool
}

// parseText splits text into words, dropping stop words unless that would
// leave nothing, and duplicate words.
func parseText(text string) parsedText {
	text = norm.NFC.String(text)
	var all []string
	for _, sp := range wordSpans(text) {
		all = append(all, text[sp.start:sp.end])
	}
	var p parsedText
	seen := map[string]bool{}
	for _, w := range all {
		if stopWords[strings.ToLower(w)] {
			continue
		}
		if f := Fold(w); !seen[f] {
			seen[f] = true
			p.words = append(p.words, w)
		}
	}
	if len(p.words) == 0 && len(all) > 0 {
		p.words = all[len(all)-1:]
	}
	trimmed := strings.TrimRightFunc(text, unicode.IsSpace)
	p.lastPrefix = len(p.words) > 0 && trimmed == text
	return p
}

// sortSpec is a parsed Query.Sort.
type sortSpec struct {
	field string
	desc  bool
}

// normalized is a checked Query with defaults applied.
type normalized struct {
	Query
	text   parsedText
	sort   *sortSpec
	facets []string
}

// normalize checks q and applies defaults. Its errors are apperr invalid
// errors naming the offending field.
func normalize(q Query) (normalized, error) {
	n := normalized{Query: q}
	bad := apperr.Fields{}
	if q.Type != "" && q.Type != TypeOpportunity && q.Type != TypeProject {
		bad.Add("type", "error.field.invalid")
	}
	for k := range q.Filters {
		if !slices.Contains(FacetFields, k) {
			bad.Add(k, "error.field.invalid")
		}
	}
	for _, f := range q.Facets {
		if !slices.Contains(FacetFields, f) {
			bad.Add("facets", "error.field.invalid")
			continue
		}
		if !slices.Contains(n.facets, f) {
			n.facets = append(n.facets, f)
		}
	}
	if q.Sort != "" {
		field, dir, _ := strings.Cut(q.Sort, ":")
		if !slices.Contains(SortFields, field) || (dir != "asc" && dir != "desc" && dir != "") {
			bad.Add("sort", "error.field.invalid")
		} else {
			n.sort = &sortSpec{field: field, desc: dir == "desc"}
		}
	}
	if err := bad.Err(); err != nil {
		return n, err
	}
	n.Page, n.PerPage = paging.Bounds(n.Page, n.PerPage, DefaultPerPage, MaxPerPage)
	if n.Lang != "en" {
		n.Lang = "vi"
	}
	n.text = parseText(q.Text)
	return n, nil
}

// filtersExcept returns the non-empty filters of n without key (none when
// key is "").
func (n normalized) filtersExcept(key string) map[string][]string {
	out := map[string][]string{}
	for k, vs := range n.Filters {
		if k == key || len(vs) == 0 {
			continue
		}
		out[k] = vs
	}
	return out
}

// facetPlan splits the requested facets into those counted with the main
// query and those counted in a query of their own, without their filter.
func (n normalized) facetPlan() (withMain, own []string) {
	for _, f := range n.facets {
		if len(n.Filters[f]) > 0 {
			own = append(own, f)
		} else {
			withMain = append(withMain, f)
		}
	}
	return withMain, own
}

// highlightLang is the language a field's highlight is taken from, given
// the field's text in each language: the query's language whenever the
// document has text in it, so a page shows one language; the other only
// where that text is missing.
func (n normalized) highlightLang(vi, en string) string {
	if n.Lang == "en" && en == "" {
		return "vi"
	}
	if n.Lang == "vi" && vi == "" {
		return "en"
	}
	return n.Lang
}

// checkDoc reports what is wrong with d, if anything.
func checkDoc(d Doc) error {
	if d.ID == "" {
		return fmt.Errorf("search: document without ID")
	}
	if d.Type != TypeOpportunity && d.Type != TypeProject {
		return fmt.Errorf("search: document %q: unknown type %q", d.ID, d.Type)
	}
	for k := range d.facetValues() {
		if !slices.Contains(FacetFields, k) {
			return fmt.Errorf("search: document %q: unknown facet %q", d.ID, k)
		}
	}
	for k := range d.Sort {
		if !slices.Contains(SortFields, k) {
			return fmt.Errorf("search: document %q: unknown sort key %q", d.ID, k)
		}
	}
	return nil
}

// Highlight markers: private-use runes an engine puts around matches, turned
// into <mark> after the rest of the text is escaped.
const (
	markOpen  = "\uE000"
	markClose = "\uE001"
)

// cleanText returns s NFC-normalized and without the highlight markers.
func cleanText(s string) string {
	s = norm.NFC.String(s)
	if strings.ContainsAny(s, markOpen+markClose) {
		s = strings.NewReplacer(markOpen, "", markClose, "").Replace(s)
	}
	return s
}

// markedToHTML escapes s and turns the highlight markers into <mark> tags.
// It reports false when s holds no marked match.
func markedToHTML(s string) (string, bool) {
	if !strings.Contains(s, markOpen) {
		return "", false
	}
	out := html.EscapeString(s)
	out = strings.ReplaceAll(out, markOpen, "<mark>")
	out = strings.ReplaceAll(out, markClose, "</mark>")
	return out, true
}

// cropWords is how many words a cropped body snippet holds.
const cropWords = 30

// cropMarker stands for text left out of a cropped snippet.
const cropMarker = "…"

// markRanges wraps the byte ranges of text in highlight markers, merging
// overlapping ranges. When crop is set, the result is cut to cropWords words
// around the first range.
func markRanges(text string, ranges []span, crop bool) string {
	slices.SortFunc(ranges, func(a, b span) int { return a.start - b.start })
	var merged []span
	for _, r := range ranges {
		if r.start < 0 || r.end > len(text) || r.start >= r.end {
			continue
		}
		if n := len(merged); n > 0 && r.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, r.end)
			continue
		}
		merged = append(merged, r)
	}
	from, to := 0, len(text)
	prefix, suffix := "", ""
	if crop && len(merged) > 0 {
		words := wordSpans(text)
		if len(words) > cropWords {
			first := 0
			for i, w := range words {
				if w.end > merged[0].start {
					first = i
					break
				}
			}
			lo := max(first-cropWords/4, 0)
			hi := min(lo+cropWords, len(words))
			lo = max(hi-cropWords, 0)
			if lo > 0 {
				from, prefix = words[lo].start, cropMarker
			}
			if hi < len(words) {
				to, suffix = words[hi-1].end, cropMarker
			}
		}
	}
	var b strings.Builder
	b.WriteString(prefix)
	pos := from
	for _, r := range merged {
		if r.end <= from || r.start >= to {
			continue
		}
		s, e := max(r.start, from), min(r.end, to)
		b.WriteString(text[pos:s])
		b.WriteString(markOpen)
		b.WriteString(text[s:e])
		b.WriteString(markClose)
		pos = e
	}
	b.WriteString(text[pos:to])
	b.WriteString(suffix)
	return b.String()
}
