package search

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bolterrors "go.etcd.io/bbolt/errors"
	"golang.org/x/sync/singleflight"
	"golang.org/x/text/unicode/norm"
)

// Names under which the folding analysis is registered with Bleve. They are
// stored in an on-disk index's mapping, so they must not change.
const (
	bleveFoldFilter   = "investportal_fold"
	bleveFoldAnalyzer = "investportal_folded"
	// bleveExactAnalyzer lower-cases and keeps diacritics.
	bleveExactAnalyzer = "investportal_exact"
)

func init() {
	if err := registry.RegisterTokenFilter(bleveFoldFilter, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
		return foldFilter{}, nil
	}); err != nil {
		panic(err)
	}
}

// foldFilter replaces each token's term with its Fold, keeping the token's
// byte offsets in the original text for highlighting.
type foldFilter struct{}

func (foldFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, t := range in {
		t.Term = []byte(Fold(string(t.Term)))
	}
	return in
}

// Bleve field names.
const (
	bfType    = "type"
	bfCode    = "code"
	bfCodeTxt = "code_t"
	bfVersion = "version"
)

// bleveTextFields are the stored, folded text fields, by display name and
// language.
var bleveTextFields = []string{"title", "summary", "body"}

// bleveBoost weighs a match by the field it is in.
var bleveBoost = map[string]float64{"title": 4, "summary": 2, "body": 1}

// bleveExactFields are the Vietnamese text fields also indexed with their
// diacritics (as field_vi_exact), so that a word typed as written ranks
// above other words that fold to it. English has no diacritics to keep.
var bleveExactFields = []string{"title", "summary"}

func bleveTextField(name, lang string) string { return name + "_" + lang }
func bleveExactField(name string) string      { return name + "_vi_exact" }
func bleveFacetField(key string) string       { return "f_" + key }
func bleveSortField(key string) string        { return "s_" + key }

// Bleve is the embedded engine: a Bleve index in a directory, or in memory.
// It is safe for concurrent use.
type Bleve struct {
	dir string // "" in memory
	// mu guards index: Reset swaps in a new, empty index.
	mu     sync.RWMutex
	index  bleve.Index
	cache  resultCache
	flight singleflight.Group
}

// bleveFormat names the layout of the documents in an index (which fields
// are stored). An index of another format is replaced by an empty one when
// opened, which the indexer then refills (Indexer.Run).
const (
	bleveFormatKey = "investportal_format"
	// 2: facet values stored, for showing hits without the database;
	// 3: Vietnamese titles and summaries also indexed with diacritics.
	bleveFormat = "3"
)

// ix returns the current index and a function that releases it.
func (b *Bleve) ix() (bleve.Index, func()) {
	b.mu.RLock()
	return b.index, b.mu.RUnlock
}

var _ Engine = (*Bleve)(nil)

// NewBleve opens the index in dir, creating it when dir does not exist or
// is empty, and replacing it with an empty one when it was written in an
// older format. An empty dir keeps the index in memory (for tests).
func NewBleve(dir string) (*Bleve, error) {
	if dir == "" {
		idx, err := newBleveIndex("")
		if err != nil {
			return nil, err
		}
		return &Bleve{index: idx}, nil
	}
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
			return nil, fmt.Errorf("search: create bleve dir: %w", err)
		}
	case err != nil:
		return nil, fmt.Errorf("search: read bleve dir: %w", err)
	case len(entries) == 0:
		// bleve.New refuses a path that exists, even an empty directory.
		if err := os.Remove(dir); err != nil {
			return nil, fmt.Errorf("search: prepare bleve dir: %w", err)
		}
	default:
		idx, err := bleve.OpenUsing(dir, bleveOpenConfig())
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, fmt.Errorf("search: open bleve index %s: still in use by another process after %s (stop it first)", dir, bleveOpenTimeout)
		}
		if err != nil {
			return nil, fmt.Errorf("search: open bleve index: %w", err)
		}
		format, err := idx.GetInternal([]byte(bleveFormatKey))
		if err == nil && string(format) == bleveFormat {
			return &Bleve{dir: dir, index: idx}, nil
		}
		// An older layout: start again empty; the index is derived.
		if err := idx.Close(); err != nil {
			return nil, fmt.Errorf("search: close old bleve index: %w", err)
		}
		if err := os.RemoveAll(dir); err != nil {
			return nil, fmt.Errorf("search: remove old bleve index: %w", err)
		}
	}
	idx, err := newBleveIndex(dir)
	if err != nil {
		return nil, err
	}
	return &Bleve{dir: dir, index: idx}, nil
}

// newBleveIndex creates an empty index in dir, which must not exist, or in
// memory when dir is "", and records its format.
func newBleveIndex(dir string) (bleve.Index, error) {
	m, err := bleveMapping()
	if err != nil {
		return nil, err
	}
	// Scorch with no path keeps everything in memory; bleve.NewMemOnly
	// would use the much slower upsidedown index.
	var cfg map[string]interface{}
	if dir != "" {
		cfg = bleveOpenConfig()
	}
	idx, err := bleve.NewUsing(dir, m, scorch.Name, scorch.Name, cfg)
	if err != nil {
		return nil, fmt.Errorf("search: create bleve index: %w", err)
	}
	if err := idx.SetInternal([]byte(bleveFormatKey), []byte(bleveFormat)); err != nil {
		_ = idx.Close()
		return nil, fmt.Errorf("search: record bleve index format: %w", err)
	}
	return idx, nil
}

// bleveOpenTimeout bounds the wait for the index's file lock (bolt's
// flock on root.bolt), which another process holding the index keeps:
// without it, opening would block for ever. DATA_DIR's own lock
// (internal/datadir) normally refuses such a process first.
const bleveOpenTimeout = 3 * time.Second

func bleveOpenConfig() map[string]interface{} {
	return map[string]interface{}{"bolt_timeout": bleveOpenTimeout.String()}
}

// bleveMapping describes the index: folded text fields, keyword facets,
// numeric sort keys, and nothing else.
func bleveMapping() (*mapping.IndexMappingImpl, error) {
	m := bleve.NewIndexMapping()
	if err := m.AddCustomAnalyzer(bleveFoldAnalyzer, map[string]interface{}{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []string{bleveFoldFilter},
	}); err != nil {
		return nil, fmt.Errorf("search: bleve analyzer: %w", err)
	}
	if err := m.AddCustomAnalyzer(bleveExactAnalyzer, map[string]interface{}{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []string{lowercase.Name},
	}); err != nil {
		return nil, fmt.Errorf("search: bleve analyzer: %w", err)
	}
	m.DefaultAnalyzer = bleveFoldAnalyzer
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false

	doc := bleve.NewDocumentStaticMapping()
	kw := func(store bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = store
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		return f
	}
	doc.AddFieldMappingsAt(bfType, kw(true))
	doc.AddFieldMappingsAt(bfCode, kw(true))

	codeTxt := bleve.NewTextFieldMapping()
	codeTxt.Analyzer = bleveFoldAnalyzer
	codeTxt.Store = false
	codeTxt.IncludeInAll = false
	codeTxt.IncludeTermVectors = false
	codeTxt.DocValues = false
	doc.AddFieldMappingsAt(bfCodeTxt, codeTxt)

	for _, name := range bleveTextFields {
		for _, lang := range []string{"vi", "en"} {
			f := bleve.NewTextFieldMapping()
			f.Analyzer = bleveFoldAnalyzer
			f.Store = true
			f.IncludeTermVectors = true
			f.IncludeInAll = false
			f.DocValues = false
			doc.AddFieldMappingsAt(bleveTextField(name, lang), f)
		}
	}
	for _, name := range bleveExactFields {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = bleveExactAnalyzer
		f.Store = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		doc.AddFieldMappingsAt(bleveExactField(name), f)
	}
	for _, k := range FacetFields {
		doc.AddFieldMappingsAt(bleveFacetField(k), kw(true))
	}
	for _, k := range SortFields {
		f := bleve.NewNumericFieldMapping()
		f.Store = false
		f.IncludeInAll = false
		doc.AddFieldMappingsAt(bleveSortField(k), f)
	}
	ver := bleve.NewNumericFieldMapping()
	ver.IncludeInAll = false
	ver.DocValues = false
	doc.AddFieldMappingsAt(bfVersion, ver)

	m.DefaultMapping = doc
	return m, nil
}

// Name returns "bleve".
func (b *Bleve) Name() string { return "bleve" }

// Setup does nothing: NewBleve already created the index.
func (b *Bleve) Setup(context.Context) error { return nil }

// Upsert indexes docs in one batch.
func (b *Bleve) Upsert(ctx context.Context, docs []Doc) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	index, done := b.ix()
	defer done()
	batch := index.NewBatch()
	for _, d := range docs {
		if err := checkDoc(d); err != nil {
			return err
		}
		fields := map[string]interface{}{
			bfType:    d.Type,
			bfCode:    d.Code,
			bfCodeTxt: cleanText(d.Code),
			bfVersion: float64(d.Version),
		}
		for name, t := range map[string]Text{"title": d.Title, "summary": d.Summary, "body": d.Body} {
			fields[bleveTextField(name, "vi")] = cleanText(t.VI)
			fields[bleveTextField(name, "en")] = cleanText(t.EN)
			if slices.Contains(bleveExactFields, name) {
				fields[bleveExactField(name)] = fields[bleveTextField(name, "vi")]
			}
		}
		for k, vs := range d.facetValues() {
			if len(vs) == 1 {
				fields[bleveFacetField(k)] = vs[0]
			} else {
				fields[bleveFacetField(k)] = vs
			}
		}
		for k, v := range d.Sort {
			fields[bleveSortField(k)] = float64(v)
		}
		if err := batch.Index(d.ID, fields); err != nil {
			return fmt.Errorf("search: bleve index %q: %w", d.ID, err)
		}
	}
	err := index.Batch(batch)
	b.cache.invalidate() // even a failed batch may have applied in part
	if err != nil {
		return fmt.Errorf("search: bleve batch: %w", err)
	}
	return nil
}

// Delete removes documents by ID.
func (b *Bleve) Delete(ctx context.Context, ids []string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	index, done := b.ix()
	defer done()
	batch := index.NewBatch()
	for _, id := range ids {
		batch.Delete(id)
	}
	err := index.Batch(batch)
	b.cache.invalidate()
	if err != nil {
		return fmt.Errorf("search: bleve delete: %w", err)
	}
	return nil
}

// Count returns the number of documents.
func (b *Bleve) Count(context.Context) (int, error) {
	index, done := b.ix()
	defer done()
	n, err := index.DocCount()
	if err != nil {
		return 0, fmt.Errorf("search: bleve count: %w", err)
	}
	return int(n), nil
}

// Reset replaces the index with an empty one, which is much quicker than
// deleting its documents; searches and writes wait for the swap.
func (b *Bleve) Reset(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	defer b.cache.invalidate()
	if err := b.index.Close(); err != nil {
		return fmt.Errorf("search: bleve reset: close: %w", err)
	}
	if b.dir != "" {
		if err := os.RemoveAll(b.dir); err != nil {
			return fmt.Errorf("search: bleve reset: %w", err)
		}
	}
	idx, err := newBleveIndex(b.dir)
	if err != nil {
		// Leave an index that answers with errors rather than a closed one
		// that panics: a later Reset or restart tries again.
		b.index, _ = newBleveIndex("")
		return fmt.Errorf("search: bleve reset: %w", err)
	}
	b.index = idx
	return nil
}

// Close closes the index.
func (b *Bleve) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.index.Close()
}

// Search runs q, or answers it from the results kept since the last write.
func (b *Bleve) Search(ctx context.Context, q Query) (Result, error) {
	n, err := normalize(q)
	if err != nil {
		return Result{}, err
	}
	key := n.key()
	res, gen, ok := b.cache.get(key)
	if ok {
		return res, nil
	}
	// Searches for the same query at the same time run it once: a burst
	// of one popular query costs one search, not one each.
	v, err, _ := b.flight.Do(key+"\x00"+strconv.FormatUint(gen, 10), func() (any, error) {
		index, done := b.ix()
		defer done()
		// Not the first caller's cancellation: the others wait on it too.
		res, err := b.search(context.WithoutCancel(ctx), index, n)
		if err != nil {
			return nil, err
		}
		b.cache.put(key, gen, res)
		return res, nil
	})
	if err != nil {
		return Result{}, err
	}
	return v.(Result).clone(), nil
}

// search runs n on index: the page of hits with highlights, then one
// facet query per facet key that is also filtered.
func (b *Bleve) search(ctx context.Context, index bleve.Index, n normalized) (Result, error) {
	text := bleveTextQuery(n.text)
	withMain, own := n.facetPlan()

	req := bleve.NewSearchRequestOptions(bleveFilteredQuery(text, n, ""), n.PerPage, (n.Page-1)*n.PerPage, false)
	req.Fields = bleveHitFields
	if len(n.text.words) > 0 {
		// The body is only shown as a highlight.
		req.Fields = bleveHitFieldsWithBody
	}
	// Term locations are asked for the page's hits only (highlightHits):
	// gathering them for every match cost a fifth of a search at 100x.
	if n.sort != nil {
		req.Sort = bsearch.SortOrder{
			&bsearch.SortField{
				Field:   bleveSortField(n.sort.field),
				Desc:    n.sort.desc,
				Type:    bsearch.SortFieldAsNumber,
				Missing: bsearch.SortFieldMissingLast,
			},
			&bsearch.SortDocID{},
		}
	} else {
		req.Sort = bsearch.SortOrder{&bsearch.SortScore{Desc: true}, &bsearch.SortDocID{}}
	}
	for _, f := range withMain {
		req.AddFacet(f, bleve.NewFacetRequest(bleveFacetField(f), 100))
	}
	res, err := index.SearchInContext(ctx, req)
	if err != nil {
		return Result{}, fmt.Errorf("search: bleve search: %w", err)
	}

	if len(n.text.words) > 0 {
		if err := highlightHits(ctx, index, text, res.Hits); err != nil {
			return Result{}, err
		}
	}
	out := Result{Total: int(res.Total), Hits: make([]Hit, 0, len(res.Hits))}
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, bleveHit(h, n))
	}
	if len(n.facets) > 0 {
		out.Facets = map[string]map[string]int{}
	}
	for _, f := range withMain {
		out.Facets[f] = bleveFacetCounts(res.Facets[f])
	}
	for _, f := range own {
		fr := bleve.NewSearchRequestOptions(bleveFilteredQuery(text, n, f), 0, 0, false)
		fr.AddFacet(f, bleve.NewFacetRequest(bleveFacetField(f), 100))
		fres, err := index.SearchInContext(ctx, fr)
		if err != nil {
			return Result{}, fmt.Errorf("search: bleve facet %s: %w", f, err)
		}
		out.Facets[f] = bleveFacetCounts(fres.Facets[f])
	}
	return out, nil
}

// highlightHits fills in the term locations of hits, a page of matches of
// text: the same query again, restricted to their ids, with locations.
func highlightHits(ctx context.Context, index bleve.Index, text query.Query, hits bsearch.DocumentMatchCollection) error {
	if len(hits) == 0 {
		return nil
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	req := bleve.NewSearchRequestOptions(query.NewConjunctionQuery([]query.Query{query.NewDocIDQuery(ids), text}), len(ids), 0, false)
	req.IncludeLocations = true
	req.Sort = bsearch.SortOrder{&bsearch.SortDocID{}}
	res, err := index.SearchInContext(ctx, req)
	if err != nil {
		return fmt.Errorf("search: bleve highlight: %w", err)
	}
	byID := make(map[string]bsearch.FieldTermLocationMap, len(res.Hits))
	for _, h := range res.Hits {
		byID[h.ID] = h.Locations
	}
	for _, h := range hits {
		h.Locations = byID[h.ID]
	}
	return nil
}

// bleveTextQuery matches every word of p in any text field: exactly, within
// the allowed typos, or as a prefix for the last word; a place name of
// several syllables must appear as a phrase. On top of what must match it
// ranks (should clauses) the words in their own spelling, diacritics and
// all ("Nha" scores above "nhà" for "nha"), all the words side by side, and
// each pair of neighbouring words side by side in a title or summary. An
// exact match scores above a prefix, a prefix above a typo, much as
// Meilisearch ranks. No words match all.
func bleveTextQuery(p parsedText) query.Query {
	if len(p.words) == 0 {
		return query.NewMatchAllQuery()
	}
	units := p.units()
	var must, should []query.Query
	var terms []string
	for _, u := range units {
		terms = append(terms, u.terms...)
		if u.place {
			must = append(must, blevePlaceQuery(u.terms))
			// The place in a title says what the document is about.
			for _, lang := range []string{"vi", "en"} {
				pq := query.NewPhraseQuery(u.terms, bleveTextField("title", lang))
				pq.SetBoost(bleveBoost["title"] * 4 * blevePlaceBoost)
				should = append(should, pq)
			}
		} else {
			must = append(must, bleveWordQuery(u.terms[0], u.prefix))
		}
		if !u.place {
			// A place name is matched as a phrase already; its spelling
			// would only lift every document in that place.
			should = append(should, bleveExactQuery(u.words[0], u.terms[0])...)
		}
	}
	if len(terms) > 1 && (len(units) > 1 || !units[0].place) {
		for _, name := range bleveTextFields {
			for _, lang := range []string{"vi", "en"} {
				pq := query.NewPhraseQuery(terms, bleveTextField(name, lang))
				pq.SetBoost(bleveBoost[name] * 4)
				should = append(should, pq)
			}
		}
	}
	if len(terms) > 2 {
		for i := 0; i+1 < len(terms); i++ {
			for _, name := range []string{"title", "summary"} {
				for _, lang := range []string{"vi", "en"} {
					pq := query.NewPhraseQuery(terms[i:i+2], bleveTextField(name, lang))
					pq.SetBoost(bleveBoost[name])
					should = append(should, pq)
				}
			}
		}
	}
	var all query.Query = query.NewConjunctionQuery(must)
	if len(must) == 1 {
		all = must[0]
	}
	if len(should) == 0 {
		return all
	}
	return query.NewBooleanQuery([]query.Query{all}, should, nil)
}

// bleveWordQuery matches one folded query word in any text field or the
// code: exactly, within its typo budget (none for a syllable of a place
// name), or as a prefix when prefix is set.
func bleveWordQuery(term string, prefix bool) query.Query {
	fuzz := typoBudget(term)
	if isPlaceSyllable(term) {
		fuzz = 0
	}
	var alts []query.Query
	add := func(field string, boost float64, typos bool) {
		tq := query.NewTermQuery(term)
		tq.SetField(field)
		tq.SetBoost(boost * 4)
		alts = append(alts, tq)
		if prefix {
			pq := query.NewPrefixQuery(term)
			pq.SetField(field)
			pq.SetBoost(boost)
			alts = append(alts, pq)
		}
		if typos && fuzz > 0 {
			fq := query.NewFuzzyQuery(term)
			fq.SetField(field)
			fq.SetFuzziness(fuzz)
			fq.SetPrefix(1)
			fq.SetBoost(boost / 2)
			alts = append(alts, fq)
		}
	}
	for _, name := range bleveTextFields {
		add(bleveTextField(name, "vi"), bleveBoost[name], true)
		add(bleveTextField(name, "en"), bleveBoost[name], true)
	}
	add(bfCodeTxt, bleveBoost["title"], false)
	return query.NewDisjunctionQuery(alts)
}

// blevePlaceBoost weighs a place name found in a title. The name must
// appear somewhere (blevePlaceQuery), which counts for little: every hit
// holds it, so the other words should decide.
const blevePlaceBoost = 2

// blevePlaceQuery matches the folded syllables of a place name side by
// side in any text field.
func blevePlaceQuery(terms []string) query.Query {
	var alts []query.Query
	for _, name := range bleveTextFields {
		for _, lang := range []string{"vi", "en"} {
			pq := query.NewPhraseQuery(terms, bleveTextField(name, lang))
			pq.SetBoost(bleveBoost[name])
			alts = append(alts, pq)
		}
	}
	return query.NewDisjunctionQuery(alts)
}

// bleveExactBoost weighs a word matched with its diacritics against the
// same word matched folded.
const bleveExactBoost = 6

// bleveExactQuery matches a query word as typed, lower-cased but with its
// diacritics, in the Vietnamese titles and summaries: when it has
// diacritics ("nhà" above "Nha Trang"), or when it is a syllable of a place
// name without them ("nha": Nha Trang above nhà). Other words without
// diacritics ("resort") gain nothing from it but a tilt towards
// Vietnamese text, and get none.
func bleveExactQuery(word, term string) []query.Query {
	exact := strings.ToLower(norm.NFC.String(word))
	if exact == term && !isPlaceSyllable(term) {
		return nil
	}
	var out []query.Query
	for _, name := range bleveExactFields {
		tq := query.NewTermQuery(exact)
		tq.SetField(bleveExactField(name))
		tq.SetBoost(bleveBoost[name] * 4 * bleveExactBoost)
		out = append(out, tq)
	}
	return out
}

// typoBudget is how many typos a folded query word may contain: none below
// 4 letters or for numbers, one from 4 letters, two from 8. Meilisearch is
// set up with the same thresholds.
func typoBudget(term string) int {
	letters, digits := 0, 0
	for _, r := range term {
		letters++
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	switch {
	case digits == letters:
		return 0
	case letters >= 8:
		return 2
	case letters >= 4:
		return 1
	}
	return 0
}

// bleveFilteredQuery adds n's type and filters, except the filter on
// skip, to text.
func bleveFilteredQuery(text query.Query, n normalized, skip string) query.Query {
	must := []query.Query{text}
	if n.Type != "" {
		tq := query.NewTermQuery(n.Type)
		tq.SetField(bfType)
		must = append(must, tq)
	}
	for k, vs := range n.filtersExcept(skip) {
		var anyOf []query.Query
		for _, v := range vs {
			tq := query.NewTermQuery(v)
			tq.SetField(bleveFacetField(k))
			anyOf = append(anyOf, tq)
		}
		must = append(must, query.NewDisjunctionQuery(anyOf))
	}
	if len(must) == 1 {
		return text
	}
	return query.NewConjunctionQuery(must)
}

func bleveFacetCounts(fr *bsearch.FacetResult) map[string]int {
	out := map[string]int{}
	if fr == nil || fr.Terms == nil {
		return out
	}
	for _, t := range fr.Terms.Terms() {
		out[t.Term] = t.Count
	}
	return out
}

// bleveHitFields are the stored fields a hit is read from; with a text
// query the bodies too, for their highlights.
var bleveHitFields, bleveHitFieldsWithBody = func() ([]string, []string) {
	f := []string{bfType, bfCode}
	for _, name := range []string{"title", "summary"} {
		f = append(f, bleveTextField(name, "vi"), bleveTextField(name, "en"))
	}
	for _, k := range FacetFields {
		f = append(f, bleveFacetField(k))
	}
	return f, append(slices.Clone(f), bleveTextField("body", "vi"), bleveTextField("body", "en"))
}()

// bleveHit turns a Bleve match into a Hit: its stored texts and facets,
// and highlights from the match's term locations.
func bleveHit(h *bsearch.DocumentMatch, n normalized) Hit {
	hit := Hit{ID: h.ID, Score: h.Score}
	str := func(field string) string { s, _ := h.Fields[field].(string); return s }
	hit.Type, hit.Code = str(bfType), str(bfCode)
	hit.Title = Text{VI: str(bleveTextField("title", "vi")), EN: str(bleveTextField("title", "en"))}
	hit.Summary = Text{VI: str(bleveTextField("summary", "vi")), EN: str(bleveTextField("summary", "en"))}
	for _, k := range FacetFields {
		var vs []string
		switch v := h.Fields[bleveFacetField(k)].(type) {
		case string:
			vs = []string{v}
		case []interface{}:
			for _, x := range v {
				if s, ok := x.(string); ok {
					vs = append(vs, s)
				}
			}
		}
		if len(vs) > 0 {
			if hit.Facets == nil {
				hit.Facets = map[string][]string{}
			}
			hit.Facets[k] = vs
		}
	}
	if len(h.Locations) == 0 {
		return hit
	}
	for _, name := range bleveTextFields {
		lang := n.highlightLang(str(bleveTextField(name, "vi")), str(bleveTextField(name, "en")))
		field := bleveTextField(name, lang)
		var ranges []span
		for _, locs := range h.Locations[field] {
			for _, l := range locs {
				ranges = append(ranges, span{int(l.Start), int(l.End)})
			}
		}
		if len(ranges) == 0 {
			continue
		}
		if s, ok := markedToHTML(markRanges(str(field), ranges, name == "body")); ok {
			hit.setHighlight(name, lang, s)
		}
	}
	return hit
}
