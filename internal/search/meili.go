package search

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/meilisearch/meilisearch-go"
)

// Meilisearch attribute names. Facet keys become f_<key> and sort keys
// s_<key>; the record's own ID is kept in ref because the primary key id
// may only hold [a-zA-Z0-9_-].
const (
	maID      = "id"
	maRef     = "ref"
	maType    = "type"
	maCode    = "code"
	maFold    = "fold"
	maVersion = "version"
)

// meiliTextFields are the searched and highlighted text attributes, most
// important first.
var meiliTextFields = []string{"title_vi", "title_en", "summary_vi", "summary_en", "body_vi", "body_en"}

// meiliUpsertBatch is how many documents one add-documents request carries.
const meiliUpsertBatch = 1000

var (
	meiliLegalID  = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,511}$`)
	meiliLegalUID = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,400}$`)
)

// Meili is the engine backed by a Meilisearch server, for deployments with
// more than one portal process. It is safe for concurrent use.
type Meili struct {
	client meilisearch.ServiceManager
	uid    string
	// taskTimeout bounds the wait for one task; pollInterval is how often
	// the task is checked.
	taskTimeout  time.Duration
	pollInterval time.Duration
}

var _ Engine = (*Meili)(nil)

// NewMeili returns an engine on the index indexUID of the server at url.
// apiKey may be empty for a server without a master key. It does not
// contact the server; Setup does.
func NewMeili(url, apiKey, indexUID string) (*Meili, error) {
	if url == "" {
		return nil, errors.New("search: meilisearch url is empty")
	}
	if !meiliLegalUID.MatchString(indexUID) {
		return nil, fmt.Errorf("search: meilisearch index uid %q: only letters, digits, - and _", indexUID)
	}
	opts := []meilisearch.Option{meilisearch.WithCustomClient(&http.Client{Timeout: 30 * time.Second})}
	if apiKey != "" {
		opts = append(opts, meilisearch.WithAPIKey(apiKey))
	}
	return &Meili{
		client:       meilisearch.New(url, opts...),
		uid:          indexUID,
		taskTimeout:  2 * time.Minute,
		pollInterval: 50 * time.Millisecond,
	}, nil
}

// Name returns "meilisearch".
func (m *Meili) Name() string { return "meilisearch" }

// index returns a fresh handle on the index: the library's handle keeps
// state of its own, so one is not shared between calls.
func (m *Meili) index() meilisearch.IndexManager { return m.client.Index(m.uid) }

// taskError is a Meilisearch task that did not succeed.
type taskError struct {
	uid     int64
	status  meilisearch.TaskStatus
	code    string
	message string
}

func (e *taskError) Error() string {
	return fmt.Sprintf("search: meilisearch task %d %s: %s (%s)", e.uid, e.status, e.message, e.code)
}

// wait waits for the task that info describes and returns an error unless
// it succeeded. err is the error of the call that enqueued the task.
func (m *Meili) wait(ctx context.Context, what string, info *meilisearch.TaskInfo, err error) error {
	if err != nil {
		return fmt.Errorf("search: meilisearch %s: %w", what, err)
	}
	ctx, cancel := context.WithTimeout(ctx, m.taskTimeout)
	defer cancel()
	task, err := m.client.WaitForTask(ctx, info.TaskUID, m.pollInterval)
	if err != nil {
		return fmt.Errorf("search: meilisearch %s: wait for task %d: %w", what, info.TaskUID, err)
	}
	if task.Status != meilisearch.TaskStatusSucceeded {
		return fmt.Errorf("search: meilisearch %s: %w", what, &taskError{
			uid: info.TaskUID, status: task.Status, code: string(task.Error.Code), message: task.Error.Message,
		})
	}
	return nil
}

// meiliSettings is the index configuration: what is searched, in which
// order of importance, what can be filtered and sorted, typo thresholds that
// match Bleve's, and the language of each text attribute.
func meiliSettings() *meilisearch.Settings {
	searchable := []string{"title_vi", "title_en", maCode, "summary_vi", "summary_en", "body_vi", "body_en", maFold}
	filterable := []string{maType}
	for _, k := range FacetFields {
		filterable = append(filterable, "f_"+k)
	}
	var sortable []string
	for _, k := range SortFields {
		sortable = append(sortable, "s_"+k)
	}
	return &meilisearch.Settings{
		// An explicit sort comes first so that "sort by capital" is strict;
		// without one the usual relevancy rules decide, with proximity (the
		// words side by side) and exactness (the words as typed, not a
		// prefix or a typo) before the attribute they are found in, so a
		// place name and its word in a summary rank above scattered
		// syllables in a title, as in the embedded engine.
		RankingRules: []string{"sort", "words", "typo", "proximity", "exactness", "attribute"},
		// Proximity by word position, Meilisearch's default, stated: by
		// attribute would not tell words side by side from words apart.
		ProximityPrecision:   meilisearch.ByWord,
		SearchableAttributes: searchable,
		FilterableAttributes: filterable,
		SortableAttributes:   sortable,
		TypoTolerance: &meilisearch.TypoTolerance{
			Enabled:             true,
			MinWordSizeForTypos: meilisearch.MinWordSizeForTypos{OneTypo: 4, TwoTypos: 8},
			// A syllable of a place name is not a typo of another syllable
			// ("trang" is not "trung").
			DisableOnWords:      meiliNoTypoWords(),
			DisableOnAttributes: []string{maCode},
			DisableOnNumbers:    true,
		},
		Faceting: &meilisearch.Faceting{
			MaxValuesPerFacet: 100,
			SortFacetValuesBy: map[string]meilisearch.SortFacetType{"*": meilisearch.SortFacetTypeCount},
		},
		Pagination: &meilisearch.Pagination{MaxTotalHits: 10000},
		LocalizedAttributes: []*meilisearch.LocalizedAttributes{
			{Locales: []string{"vie"}, AttributePatterns: []string{"*_vi"}},
			{Locales: []string{"eng"}, AttributePatterns: []string{"*_en"}},
		},
	}
}

// Setup creates the index with primary key id unless it exists, then
// applies the settings, waiting for each task to succeed.
func (m *Meili) Setup(ctx context.Context) error {
	info, err := m.client.CreateIndex(ctx, &meilisearch.IndexConfig{Uid: m.uid, PrimaryKey: maID})
	if err := m.wait(ctx, "create index", info, err); err != nil {
		var te *taskError
		if !errors.As(err, &te) || te.code != string(meilisearch.APIErrCodeIndexAlreadyExists) {
			return err
		}
	}
	info, err = m.index().UpdateSettings(ctx, meiliSettings())
	return m.wait(ctx, "update settings", info, err)
}

// meiliID is the primary key for a record ID: the ID itself when
// Meilisearch accepts it, else an encoding that cannot collide with such an
// ID: "x-" and the hex of the ID, or "h-" and its SHA-256 for long IDs.
func meiliID(id string) string {
	if meiliLegalID.MatchString(id) && !strings.HasPrefix(id, "x-") && !strings.HasPrefix(id, "h-") {
		return id
	}
	if len(id) <= 250 {
		return "x-" + hex.EncodeToString([]byte(id))
	}
	sum := sha256.Sum256([]byte(id))
	return "h-" + hex.EncodeToString(sum[:])
}

// meiliDoc flattens d into Meilisearch attributes.
func meiliDoc(d Doc) map[string]any {
	out := map[string]any{
		maID:      meiliID(d.ID),
		maRef:     d.ID,
		maType:    d.Type,
		maCode:    cleanText(d.Code),
		maVersion: d.Version,
	}
	var fold []string
	for _, f := range []struct {
		name string
		t    Text
	}{{"title", d.Title}, {"summary", d.Summary}, {"body", d.Body}} {
		vi, en := cleanText(f.t.VI), cleanText(f.t.EN)
		out[f.name+"_vi"] = vi
		out[f.name+"_en"] = en
		for _, s := range []string{vi, en} {
			if s != "" {
				fold = append(fold, Fold(s))
			}
		}
	}
	out[maFold] = strings.Join(fold, "\n")
	for k, vs := range d.facetValues() {
		if len(vs) == 1 {
			out["f_"+k] = vs[0]
		} else {
			out["f_"+k] = vs
		}
	}
	for k, v := range d.Sort {
		out["s_"+k] = v
	}
	return out
}

// Upsert sends docs in batches and waits for each batch's task.
func (m *Meili) Upsert(ctx context.Context, docs []Doc) error {
	for _, d := range docs {
		if err := checkDoc(d); err != nil {
			return err
		}
	}
	for start := 0; start < len(docs); start += meiliUpsertBatch {
		end := min(start+meiliUpsertBatch, len(docs))
		batch := make([]map[string]any, 0, end-start)
		for _, d := range docs[start:end] {
			batch = append(batch, meiliDoc(d))
		}
		info, err := m.index().AddDocuments(ctx, batch, nil)
		if err := m.wait(ctx, "add documents", info, err); err != nil {
			return err
		}
	}
	return nil
}

// Delete removes documents by record ID and waits for the task.
func (m *Meili) Delete(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = meiliID(id)
	}
	info, err := m.index().DeleteDocuments(ctx, keys, nil)
	return m.wait(ctx, "delete documents", info, err)
}

// Reset deletes every document and waits for the task.
func (m *Meili) Reset(ctx context.Context) error {
	info, err := m.index().DeleteAllDocuments(ctx, nil)
	return m.wait(ctx, "delete all documents", info, err)
}

// Count returns the index's number of documents.
func (m *Meili) Count(ctx context.Context) (int, error) {
	st, err := m.index().GetStats(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("search: meilisearch stats: %w", err)
	}
	return int(st.NumberOfDocuments), nil
}

// Close releases idle connections.
func (m *Meili) Close() error {
	m.client.Close()
	return nil
}

// dropIndex deletes the whole index (tests clean up with it). An index
// that is already gone is no error: meilisearch-go v0.37's DeleteIndex sends
// its request twice, and the task it reports is the second one's.
func (m *Meili) dropIndex(ctx context.Context) error {
	info, err := m.client.DeleteIndex(ctx, m.uid)
	err = m.wait(ctx, "delete index", info, err)
	var te *taskError
	if errors.As(err, &te) && te.code == string(meilisearch.APIErrCodeIndexNotFound) {
		return nil
	}
	return err
}

// meiliQuote quotes v as a filter string value.
func meiliQuote(v string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v) + `"`
}

// meiliFilter is n's type and filters, except the filter on skip, as a
// filter expression; "" when there is none.
func meiliFilter(n normalized, skip string) string {
	var parts []string
	if n.Type != "" {
		parts = append(parts, maType+" = "+meiliQuote(n.Type))
	}
	filters := n.filtersExcept(skip)
	keys := make([]string, 0, len(filters))
	for k := range filters {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		vals := make([]string, len(filters[k]))
		for i, v := range filters[k] {
			vals[i] = meiliQuote(v)
		}
		parts = append(parts, "f_"+k+" IN ["+strings.Join(vals, ", ")+"]")
	}
	return strings.Join(parts, " AND ")
}

// meiliQueryText is the q parameter: the kept words, a place name of
// several syllables in double quotes (a phrase: its words side by side),
// with a trailing space when the last word must not match as a prefix.
func meiliQueryText(p parsedText) string {
	var parts []string
	for _, u := range p.units() {
		if u.place {
			parts = append(parts, `"`+strings.Join(u.words, " ")+`"`)
		} else {
			parts = append(parts, u.words[0])
		}
	}
	q := strings.Join(parts, " ")
	if q != "" && !p.lastPrefix {
		q += " "
	}
	return q
}

// meiliNoTypoWords are the syllables of the place names, folded and as
// written, on which typos are not tolerated.
func meiliNoTypoWords() []string {
	var out []string
	for _, n := range placeNames {
		for _, w := range strings.Fields(n) {
			for _, v := range []string{Fold(w), strings.ToLower(w)} {
				if !slices.Contains(out, v) {
					out = append(out, v)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// Search runs q as one search request, plus one request without hits per
// facet key that is also filtered.
func (m *Meili) Search(ctx context.Context, q Query) (Result, error) {
	n, err := normalize(q)
	if err != nil {
		return Result{}, err
	}
	withMain, own := n.facetPlan()
	text := meiliQueryText(n.text)

	perPage := int64(n.PerPage)
	req := &meilisearch.SearchRequest{
		Query:                 text,
		Page:                  int64(n.Page),
		HitsPerPage:           &perPage,
		Facets:                meiliFacetAttrs(withMain),
		AttributesToRetrieve:  meiliRetrieve,
		AttributesToHighlight: meiliTextFields,
		HighlightPreTag:       markOpen,
		HighlightPostTag:      markClose,
		AttributesToCrop:      []string{"body_vi", "body_en"},
		CropLength:            cropWords,
		CropMarker:            cropMarker,
		MatchingStrategy:      meilisearch.All,
		ShowRankingScore:      true,
	}
	if f := meiliFilter(n, ""); f != "" {
		req.Filter = f
	}
	if n.sort != nil {
		dir := "asc"
		if n.sort.desc {
			dir = "desc"
		}
		req.Sort = []string{"s_" + n.sort.field + ":" + dir}
	}
	resp, err := m.index().Search(ctx, text, req)
	if err != nil {
		return Result{}, fmt.Errorf("search: meilisearch search: %w", err)
	}
	out := Result{Total: int(resp.TotalHits), Hits: make([]Hit, 0, len(resp.Hits))}
	for _, h := range resp.Hits {
		hit, err := meiliHit(h, n)
		if err != nil {
			return Result{}, err
		}
		out.Hits = append(out.Hits, hit)
	}
	if len(n.facets) > 0 {
		out.Facets = map[string]map[string]int{}
		if err := meiliFacets(resp.FacetDistribution, withMain, out.Facets); err != nil {
			return Result{}, err
		}
	}
	for _, f := range own {
		zero := int64(0)
		fr := &meilisearch.SearchRequest{
			Query:            text,
			Page:             1,
			HitsPerPage:      &zero,
			Facets:           meiliFacetAttrs([]string{f}),
			MatchingStrategy: meilisearch.All,
		}
		if filter := meiliFilter(n, f); filter != "" {
			fr.Filter = filter
		}
		fresp, err := m.index().Search(ctx, text, fr)
		if err != nil {
			return Result{}, fmt.Errorf("search: meilisearch facet %s: %w", f, err)
		}
		if err := meiliFacets(fresp.FacetDistribution, []string{f}, out.Facets); err != nil {
			return Result{}, err
		}
	}
	return out, nil
}

// meiliRetrieve are the attributes a hit is read from: the record's
// reference, type and code, its texts and its facet values.
var meiliRetrieve = append(append([]string{maRef, maType, maCode}, meiliTextFields...), meiliFacetAttrs(FacetFields)...)

// meiliFacetAttrs names the attributes of facet keys.
func meiliFacetAttrs(keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = "f_" + k
	}
	return out
}

// meiliFacets copies the counts of keys from a facetDistribution into out,
// with an empty map for a key without values.
func meiliFacets(raw json.RawMessage, keys []string, out map[string]map[string]int) error {
	dist := map[string]map[string]int{}
	if len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &dist); err != nil {
			return fmt.Errorf("search: meilisearch facetDistribution: %w", err)
		}
	}
	for _, k := range keys {
		counts := dist["f_"+k]
		if counts == nil {
			counts = map[string]int{}
		}
		out[k] = counts
	}
	return nil
}

// meiliHit reads one hit: the record's ID, type, code, texts and facet
// values, its ranking score and, from _formatted, the highlighted text
// fields.
func meiliHit(h meilisearch.Hit, n normalized) (Hit, error) {
	var hit Hit
	str := func(key string) (string, error) {
		raw, ok := h[key]
		if !ok {
			return "", nil
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", fmt.Errorf("search: meilisearch hit %s: %w", key, err)
		}
		return s, nil
	}
	var err error
	if hit.ID, err = str(maRef); err != nil {
		return hit, err
	}
	if hit.ID == "" {
		return hit, errors.New("search: meilisearch hit without " + maRef)
	}
	if hit.Type, err = str(maType); err != nil {
		return hit, err
	}
	if hit.Code, err = str(maCode); err != nil {
		return hit, err
	}
	var texts [4]string
	for i, f := range []string{"title_vi", "title_en", "summary_vi", "summary_en"} {
		if texts[i], err = str(f); err != nil {
			return hit, err
		}
	}
	hit.Title, hit.Summary = Text{VI: texts[0], EN: texts[1]}, Text{VI: texts[2], EN: texts[3]}
	for _, k := range FacetFields {
		raw, ok := h["f_"+k]
		if !ok || string(raw) == "null" {
			continue
		}
		var vs []string
		if len(raw) > 0 && raw[0] == '[' {
			err = json.Unmarshal(raw, &vs)
		} else {
			var v string
			err = json.Unmarshal(raw, &v)
			vs = []string{v}
		}
		if err != nil {
			return hit, fmt.Errorf("search: meilisearch hit f_%s: %w", k, err)
		}
		if hit.Facets == nil {
			hit.Facets = map[string][]string{}
		}
		hit.Facets[k] = vs
	}
	if raw, ok := h["_rankingScore"]; ok {
		if err := json.Unmarshal(raw, &hit.Score); err != nil {
			return hit, fmt.Errorf("search: meilisearch hit _rankingScore: %w", err)
		}
	}
	raw, ok := h["_formatted"]
	if !ok || len(n.text.words) == 0 {
		return hit, nil
	}
	var formatted map[string]any
	if err := json.Unmarshal(raw, &formatted); err != nil {
		return hit, fmt.Errorf("search: meilisearch hit _formatted: %w", err)
	}
	for _, name := range bleveTextFields {
		vi, _ := formatted[name+"_vi"].(string)
		en, _ := formatted[name+"_en"].(string)
		lang := n.highlightLang(vi, en)
		s, _ := formatted[name+"_"+lang].(string)
		if out, ok := markedToHTML(s); ok {
			hit.setHighlight(name, lang, out)
		}
	}
	return hit, nil
}
