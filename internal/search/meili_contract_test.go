package search

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/khanhhoa/investportal/internal/fold"
)

// fakeMeili plays a Meilisearch server as its API reference documents it,
// for one index. It checks every request's method, path, headers and body
// against the documented API and the index's settings (filters and sorts
// only on declared attributes, documents only after settings), keeps the
// documents, and answers searches by evaluating them: filter, words,
// sort, page, facet distribution and _formatted highlights. Any request it
// does not accept is reported through fail and answered with a Meilisearch
// error.
type fakeMeili struct {
	fail func(format string, args ...any)
	key  string
	uid  string

	mu       sync.Mutex
	exists   bool
	settings map[string]json.RawMessage
	docs     map[string]map[string]any
	tasks    map[int64]*fakeTask
	nextTask int64
	// failDocuments makes the next document task fail as Meilisearch does
	// for a document it cannot index.
	failDocuments bool
	// searches are the bodies of the search requests received.
	searches []map[string]any
	// calls lists "METHOD path" of every request.
	calls []string
}

// fakeTask is an enqueued task: each GET reports the next status of steps.
type fakeTask struct {
	typ    string
	steps  []string
	served []string
	err    map[string]any
}

func newFakeMeili(t *testing.T, key, uid string) (*fakeMeili, *httptest.Server) {
	f := &fakeMeili{
		fail:  func(format string, args ...any) { t.Helper(); t.Errorf("fake meilisearch: "+format, args...) },
		key:   key,
		uid:   uid,
		docs:  map[string]map[string]any{},
		tasks: map[int64]*fakeTask{},
	}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

var (
	reTask     = regexp.MustCompile(`^/tasks/(\d+)$`)
	reIndex    = regexp.MustCompile(`^/indexes/([^/]+)(/.*)?$`)
	reDocID    = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,511}$`)
	reSortRule = regexp.MustCompile(`^[A-Za-z0-9_.]+:(asc|desc)$`)
	// reFakePhrase finds a phrase search: words in double quotes.
	reFakePhrase = regexp.MustCompile(`"([^"]*)"`)
)

// Documented index settings, search parameters and ranking rules.
var (
	meiliSettingKeys = []string{
		"displayedAttributes", "searchableAttributes", "filterableAttributes", "sortableAttributes",
		"rankingRules", "stopWords", "nonSeparatorTokens", "separatorTokens", "dictionary", "synonyms",
		"distinctAttribute", "proximityPrecision", "typoTolerance", "faceting", "pagination", "embedders",
		"searchCutoffMs", "localizedAttributes", "facetSearch", "prefixSearch", "chat", "vectorStore", "foreignKeys",
	}
	meiliSearchKeys = []string{
		"q", "offset", "limit", "hitsPerPage", "page", "filter", "facets", "distinct", "attributesToRetrieve",
		"attributesToCrop", "cropLength", "cropMarker", "attributesToHighlight", "highlightPreTag", "highlightPostTag",
		"showMatchesPosition", "sort", "matchingStrategy", "showRankingScore", "showRankingScoreDetails",
		"rankingScoreThreshold", "attributesToSearchOn", "hybrid", "vector", "retrieveVectors", "locales", "media",
		"showPerformanceDetails", "personalize",
	}
	meiliRankingRules = []string{"words", "typo", "proximity", "attribute", "sort", "exactness"}
	meiliLocales      = []string{
		"afr", "aka", "amh", "ara", "aze", "bel", "ben", "bul", "cat", "ces", "cmn", "dan", "deu", "ell", "eng", "epo",
		"est", "fin", "fra", "guj", "heb", "hin", "hrv", "hun", "hye", "ind", "ita", "jav", "jpn", "kan", "kat", "khm",
		"kor", "lat", "lav", "lit", "mal", "mar", "mkd", "mya", "nep", "nld", "nob", "ori", "pan", "pes", "pol", "por",
		"ron", "rus", "sin", "slk", "slv", "sna", "spa", "srp", "swe", "tam", "tel", "tgl", "tha", "tuk", "tur", "ukr",
		"urd", "uzb", "vie", "yid", "zul",
	}
)

func (f *fakeMeili) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, r.Method+" "+r.URL.Path)
	body, err := io.ReadAll(r.Body)
	if err != nil {
		f.reject(w, http.StatusBadRequest, "read body: %v", err)
		return
	}
	auth := r.Header.Get("Authorization")
	if f.key != "" && auth != "Bearer "+f.key {
		f.reject(w, http.StatusUnauthorized, "%s %s: Authorization %q, want Bearer and the key", r.Method, r.URL.Path, auth)
		return
	}
	if f.key == "" && auth != "" {
		f.reject(w, http.StatusBadRequest, "%s %s: Authorization %q sent though no key is set", r.Method, r.URL.Path, auth)
		return
	}
	if len(body) > 0 && r.Header.Get("Content-Type") != "application/json" {
		f.reject(w, http.StatusUnsupportedMediaType, "%s %s: Content-Type %q, want application/json", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
		return
	}

	if m := reTask.FindStringSubmatch(r.URL.Path); m != nil && r.Method == http.MethodGet {
		f.getTask(w, m[1])
		return
	}
	if r.URL.Path == "/indexes" && r.Method == http.MethodPost {
		f.createIndex(w, body)
		return
	}
	m := reIndex.FindStringSubmatch(r.URL.Path)
	if m == nil {
		f.reject(w, http.StatusNotFound, "unknown endpoint %s %s", r.Method, r.URL.Path)
		return
	}
	if m[1] != f.uid {
		f.reject(w, http.StatusNotFound, "%s %s: index %q, want %q", r.Method, r.URL.Path, m[1], f.uid)
		return
	}
	switch r.Method + " " + m[2] {
	case "PATCH /settings":
		f.updateSettings(w, body)
	case "POST /documents":
		if len(r.URL.Query()) > 0 && r.URL.Query().Get("primaryKey") != maID {
			f.reject(w, http.StatusBadRequest, "add documents: query %q", r.URL.RawQuery)
			return
		}
		f.addDocuments(w, body)
	case "POST /documents/delete-batch":
		f.deleteBatch(w, body)
	case "DELETE /documents":
		f.requireEmpty(w, body, func() {
			clear(f.docs)
			f.enqueue(w, "documentDeletion", nil)
		})
	case "DELETE ":
		f.requireEmpty(w, body, func() {
			if !f.exists {
				f.enqueue(w, "indexDeletion", map[string]any{
					"message": "Index `" + f.uid + "` not found.", "code": "index_not_found",
					"type": "invalid_request", "link": "https://docs.meilisearch.com/errors#index_not_found",
				})
				return
			}
			f.exists = false
			f.settings = nil
			clear(f.docs)
			f.enqueue(w, "indexDeletion", nil)
		})
	case "GET /stats":
		f.requireEmpty(w, body, func() {
			writeJSON(w, http.StatusOK, map[string]any{
				"numberOfDocuments": len(f.docs), "isIndexing": false, "fieldDistribution": map[string]int{},
			})
		})
	case "POST /search":
		f.search(w, body)
	default:
		f.reject(w, http.StatusNotFound, "unknown endpoint %s %s", r.Method, r.URL.Path)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// reject reports a request the real server would refuse or that the
// engine should never send, and answers with a Meilisearch error body.
func (f *fakeMeili) reject(w http.ResponseWriter, status int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	f.fail("%s", msg)
	writeJSON(w, status, map[string]any{"message": msg, "code": "bad_request", "type": "invalid_request", "link": "https://docs.meilisearch.com/errors#bad_request"})
}

func (f *fakeMeili) requireEmpty(w http.ResponseWriter, body []byte, then func()) {
	if len(body) > 0 {
		f.reject(w, http.StatusBadRequest, "unexpected body %s", body)
		return
	}
	then()
}

// enqueue records a task and answers 202 with its summary, as every
// asynchronous route does. A task with taskErr fails.
func (f *fakeMeili) enqueue(w http.ResponseWriter, typ string, taskErr map[string]any) {
	f.nextTask++
	final := "succeeded"
	if taskErr != nil {
		final = "failed"
	}
	f.tasks[f.nextTask] = &fakeTask{typ: typ, steps: []string{"enqueued", "processing", final}, err: taskErr}
	writeJSON(w, http.StatusAccepted, map[string]any{
		"taskUid": f.nextTask, "indexUid": f.uid, "status": "enqueued", "type": typ,
		"enqueuedAt": time.Now().UTC().Format(time.RFC3339Nano),
	})
}

func (f *fakeMeili) getTask(w http.ResponseWriter, id string) {
	uid, _ := strconv.ParseInt(id, 10, 64)
	task, ok := f.tasks[uid]
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "Task `" + id + "` not found.", "code": "task_not_found", "type": "invalid_request", "link": "https://docs.meilisearch.com/errors#task_not_found"})
		f.fail("GET /tasks/%s: no such task", id)
		return
	}
	status := task.steps[min(len(task.served), len(task.steps)-1)]
	task.served = append(task.served, status)
	now := time.Now().UTC().Format(time.RFC3339Nano)
	resp := map[string]any{
		"uid": uid, "indexUid": f.uid, "status": status, "type": task.typ, "canceledBy": nil,
		"details": map[string]any{}, "error": nil, "duration": nil, "enqueuedAt": now, "startedAt": nil, "finishedAt": nil,
	}
	if status == "succeeded" || status == "failed" {
		resp["duration"], resp["startedAt"], resp["finishedAt"] = "PT0.01S", now, now
	}
	if status == "failed" {
		resp["error"] = task.err
	}
	writeJSON(w, http.StatusOK, resp)
}

func (f *fakeMeili) createIndex(w http.ResponseWriter, body []byte) {
	var req map[string]any
	if err := json.Unmarshal(body, &req); err != nil {
		f.reject(w, http.StatusBadRequest, "create index: body %s: %v", body, err)
		return
	}
	for k := range req {
		if k != "uid" && k != "primaryKey" {
			f.reject(w, http.StatusBadRequest, "create index: unknown field %q", k)
			return
		}
	}
	if req["uid"] != f.uid || req["primaryKey"] != maID {
		f.reject(w, http.StatusBadRequest, "create index: %s, want uid %q and primaryKey %q", body, f.uid, maID)
		return
	}
	if f.exists {
		f.enqueue(w, "indexCreation", map[string]any{
			"message": "Index `" + f.uid + "` already exists.", "code": "index_already_exists",
			"type": "invalid_request", "link": "https://docs.meilisearch.com/errors#index_already_exists",
		})
		return
	}
	f.exists = true
	f.enqueue(w, "indexCreation", nil)
}

func (f *fakeMeili) updateSettings(w http.ResponseWriter, body []byte) {
	if !f.exists {
		f.reject(w, http.StatusBadRequest, "settings before the index was created")
		return
	}
	var req map[string]json.RawMessage
	if err := json.Unmarshal(body, &req); err != nil {
		f.reject(w, http.StatusBadRequest, "settings: body %s: %v", body, err)
		return
	}
	for k, raw := range req {
		if !slices.Contains(meiliSettingKeys, k) {
			f.reject(w, http.StatusBadRequest, "settings: unknown setting %q", k)
			return
		}
		if err := checkSetting(k, raw); err != nil {
			f.reject(w, http.StatusBadRequest, "settings %s: %v", k, err)
			return
		}
	}
	if f.settings == nil {
		f.settings = map[string]json.RawMessage{}
	}
	maps.Copy(f.settings, req)
	f.enqueue(w, "settingsUpdate", nil)
}

// checkSetting checks the shape of the settings this engine sends.
func checkSetting(key string, raw json.RawMessage) error {
	strict := func(v any) error {
		d := json.NewDecoder(strings.NewReader(string(raw)))
		d.DisallowUnknownFields()
		return d.Decode(v)
	}
	switch key {
	case "searchableAttributes", "filterableAttributes", "sortableAttributes", "displayedAttributes", "stopWords":
		var v []string
		if err := strict(&v); err != nil {
			return err
		}
		if slices.Contains(v, "") {
			return fmt.Errorf("empty attribute in %v", v)
		}
	case "rankingRules":
		var v []string
		if err := strict(&v); err != nil {
			return err
		}
		for _, r := range v {
			if !slices.Contains(meiliRankingRules, r) && !reSortRule.MatchString(r) {
				return fmt.Errorf("unknown ranking rule %q", r)
			}
		}
	case "typoTolerance":
		var v struct {
			Enabled             *bool `json:"enabled"`
			MinWordSizeForTypos *struct {
				OneTypo  int `json:"oneTypo"`
				TwoTypos int `json:"twoTypos"`
			} `json:"minWordSizeForTypos"`
			DisableOnWords      []string `json:"disableOnWords"`
			DisableOnAttributes []string `json:"disableOnAttributes"`
			DisableOnNumbers    *bool    `json:"disableOnNumbers"`
		}
		if err := strict(&v); err != nil {
			return err
		}
		if m := v.MinWordSizeForTypos; m != nil && (m.OneTypo < 0 || m.OneTypo > m.TwoTypos || m.TwoTypos > 255) {
			return fmt.Errorf("minWordSizeForTypos %+v: want 0 <= oneTypo <= twoTypos <= 255", *m)
		}
	case "proximityPrecision":
		var v string
		if err := strict(&v); err != nil {
			return err
		}
		if v != "byWord" && v != "byAttribute" {
			return fmt.Errorf("%q: want byWord or byAttribute", v)
		}
	case "faceting":
		var v struct {
			MaxValuesPerFacet *int              `json:"maxValuesPerFacet"`
			SortFacetValuesBy map[string]string `json:"sortFacetValuesBy"`
		}
		if err := strict(&v); err != nil {
			return err
		}
		for _, s := range v.SortFacetValuesBy {
			if s != "alpha" && s != "count" {
				return fmt.Errorf("sortFacetValuesBy %q", s)
			}
		}
	case "pagination":
		var v struct {
			MaxTotalHits *int `json:"maxTotalHits"`
		}
		if err := strict(&v); err != nil {
			return err
		}
		if v.MaxTotalHits == nil || *v.MaxTotalHits < 1 {
			return fmt.Errorf("maxTotalHits missing or below 1")
		}
	case "localizedAttributes":
		var v []struct {
			Locales           []string `json:"locales"`
			AttributePatterns []string `json:"attributePatterns"`
		}
		if err := strict(&v); err != nil {
			return err
		}
		for _, rule := range v {
			if len(rule.Locales) == 0 || len(rule.AttributePatterns) == 0 {
				return fmt.Errorf("rule %+v lacks locales or patterns", rule)
			}
			for _, l := range rule.Locales {
				if !slices.Contains(meiliLocales, l) {
					return fmt.Errorf("unknown locale %q", l)
				}
			}
		}
	default:
		return fmt.Errorf("the engine is not expected to send %s", key)
	}
	return nil
}

// setting returns a list setting the engine applied.
func (f *fakeMeili) setting(key string) []string {
	var v []string
	_ = json.Unmarshal(f.settings[key], &v)
	return v
}

func (f *fakeMeili) addDocuments(w http.ResponseWriter, body []byte) {
	if f.settings == nil {
		f.reject(w, http.StatusBadRequest, "documents sent before the index settings")
		return
	}
	var docs []map[string]any
	if err := json.Unmarshal(body, &docs); err != nil {
		f.reject(w, http.StatusBadRequest, "documents: body is not an array of objects: %v", err)
		return
	}
	allowed := []string{maID, maRef, maType, maCode, maFold, maVersion}
	allowed = append(allowed, meiliTextFields...)
	for _, k := range FacetFields {
		allowed = append(allowed, "f_"+k)
	}
	for _, k := range SortFields {
		allowed = append(allowed, "s_"+k)
	}
	for _, d := range docs {
		id, _ := d[maID].(string)
		if !reDocID.MatchString(id) {
			f.reject(w, http.StatusBadRequest, "document %v: primary key %q is missing or not [a-zA-Z0-9_-]", d[maRef], d[maID])
			return
		}
		for k, v := range d {
			if !slices.Contains(allowed, k) {
				f.reject(w, http.StatusBadRequest, "document %s: unexpected attribute %q", id, k)
				return
			}
			_, isNum := v.(float64)
			_, isStr := v.(string)
			if (strings.HasPrefix(k, "s_") || k == maVersion) != isNum || (!isNum && !isStr) {
				f.reject(w, http.StatusBadRequest, "document %s: attribute %s has value %#v", id, k, v)
				return
			}
		}
	}
	if f.failDocuments {
		f.failDocuments = false
		f.enqueue(w, "documentAdditionOrUpdate", map[string]any{
			"message": "Document identifier `bad id` is invalid.", "code": "invalid_document_id",
			"type": "invalid_request", "link": "https://docs.meilisearch.com/errors#invalid_document_id",
		})
		return
	}
	for _, d := range docs {
		f.docs[d[maID].(string)] = d
	}
	f.enqueue(w, "documentAdditionOrUpdate", nil)
}

func (f *fakeMeili) deleteBatch(w http.ResponseWriter, body []byte) {
	var ids []string
	if err := json.Unmarshal(body, &ids); err != nil {
		f.reject(w, http.StatusBadRequest, "delete-batch: body is not an array of ids: %v", err)
		return
	}
	for _, id := range ids {
		if !reDocID.MatchString(id) {
			f.reject(w, http.StatusBadRequest, "delete-batch: id %q", id)
			return
		}
		delete(f.docs, id)
	}
	f.enqueue(w, "documentDeletion", nil)
}

// fakeSearch is the search body this engine may send, decoded strictly.
type fakeSearch struct {
	Q                     *string          `json:"q"`
	Offset                *int             `json:"offset"`
	Limit                 *int             `json:"limit"`
	Page                  *int             `json:"page"`
	HitsPerPage           *int             `json:"hitsPerPage"`
	Filter                *string          `json:"filter"`
	Facets                []string         `json:"facets"`
	Sort                  []string         `json:"sort"`
	AttributesToRetrieve  []string         `json:"attributesToRetrieve"`
	AttributesToHighlight []string         `json:"attributesToHighlight"`
	AttributesToCrop      []string         `json:"attributesToCrop"`
	CropLength            *int             `json:"cropLength"`
	CropMarker            *string          `json:"cropMarker"`
	HighlightPreTag       *string          `json:"highlightPreTag"`
	HighlightPostTag      *string          `json:"highlightPostTag"`
	MatchingStrategy      *string          `json:"matchingStrategy"`
	ShowRankingScore      *bool            `json:"showRankingScore"`
	Hybrid                *json.RawMessage `json:"hybrid"`
}

func (f *fakeMeili) search(w http.ResponseWriter, body []byte) {
	var generic map[string]any
	if err := json.Unmarshal(body, &generic); err != nil {
		f.reject(w, http.StatusBadRequest, "search: body %s: %v", body, err)
		return
	}
	for k := range generic {
		if !slices.Contains(meiliSearchKeys, k) {
			f.reject(w, http.StatusBadRequest, "search: unknown parameter %q", k)
			return
		}
	}
	var req fakeSearch
	d := json.NewDecoder(strings.NewReader(string(body)))
	d.DisallowUnknownFields()
	if err := d.Decode(&req); err != nil {
		f.reject(w, http.StatusBadRequest, "search: %v in %s", err, body)
		return
	}
	f.searches = append(f.searches, generic)
	if req.Hybrid != nil && string(*req.Hybrid) != "null" {
		f.reject(w, http.StatusBadRequest, "search: hybrid %s without an embedder", *req.Hybrid)
		return
	}
	if (req.Page != nil || req.HitsPerPage != nil) && (req.Offset != nil || req.Limit != nil) {
		f.reject(w, http.StatusBadRequest, "search: page/hitsPerPage mixed with offset/limit")
		return
	}
	if req.MatchingStrategy != nil && !slices.Contains([]string{"last", "all", "frequency"}, *req.MatchingStrategy) {
		f.reject(w, http.StatusBadRequest, "search: matchingStrategy %q", *req.MatchingStrategy)
		return
	}
	filterable := f.setting("filterableAttributes")
	for _, a := range req.Facets {
		if !slices.Contains(filterable, a) {
			f.reject(w, http.StatusBadRequest, "search: facet %q is not filterable", a)
			return
		}
	}
	sortable := f.setting("sortableAttributes")
	for _, s := range req.Sort {
		attr, dir, _ := strings.Cut(s, ":")
		if !slices.Contains(sortable, attr) || (dir != "asc" && dir != "desc") {
			f.reject(w, http.StatusBadRequest, "search: sort %q: attribute not sortable or direction not asc/desc", s)
			return
		}
	}
	var filter fakeExpr
	if req.Filter != nil {
		var err error
		if filter, err = parseFakeFilter(*req.Filter); err != nil {
			f.reject(w, http.StatusBadRequest, "search: filter %q: %v", *req.Filter, err)
			return
		}
		for _, a := range filter.attrs() {
			if !slices.Contains(filterable, a) {
				f.reject(w, http.StatusBadRequest, "search: filter on %q, which is not filterable", a)
				return
			}
		}
	}
	q := ""
	if req.Q != nil {
		q = *req.Q
	}
	words := strings.Fields(Fold(strings.Map(func(r rune) rune {
		if isWordRune(r) {
			return r
		}
		return ' '
	}, q)))
	// A phrase in double quotes matches its words side by side only, and
	// none of them as a prefix.
	var phrases [][]string
	for _, m := range reFakePhrase.FindAllStringSubmatch(q, -1) {
		if pw := strings.Fields(fold.Words(m[1])); len(pw) > 0 {
			phrases = append(phrases, pw)
		}
	}
	lastPrefix := q != "" && !unicode.IsSpace([]rune(q)[len([]rune(q))-1]) && !strings.HasSuffix(q, `"`)

	var matched []map[string]any
	for _, id := range slices.Sorted(maps.Keys(f.docs)) {
		doc := f.docs[id]
		if filter != nil && !filter.eval(doc) {
			continue
		}
		if fakeMatches(doc, words, lastPrefix) && fakePhrasesMatch(doc, phrases) {
			matched = append(matched, doc)
		}
	}
	for _, s := range slices.Backward(req.Sort) {
		attr, dir, _ := strings.Cut(s, ":")
		slices.SortStableFunc(matched, func(a, b map[string]any) int {
			av, aok := a[attr].(float64)
			bv, bok := b[attr].(float64)
			switch {
			case aok != bok:
				if aok {
					return -1
				}
				return 1
			case av == bv:
				return 0
			case (av < bv) == (dir == "asc"):
				return -1
			}
			return 1
		})
	}

	resp := map[string]any{"query": q, "processingTimeMs": 1}
	from, size := 0, 20
	if req.Page != nil || req.HitsPerPage != nil {
		page, per := 1, 20
		if req.Page != nil {
			page = *req.Page
		}
		if req.HitsPerPage != nil {
			per = *req.HitsPerPage
		}
		from, size = (page-1)*per, per
		pages := 0
		if per > 0 {
			pages = (len(matched) + per - 1) / per
		}
		resp["page"], resp["hitsPerPage"], resp["totalHits"], resp["totalPages"] = page, per, len(matched), pages
	} else {
		if req.Offset != nil {
			from = *req.Offset
		}
		if req.Limit != nil {
			size = *req.Limit
		}
		resp["offset"], resp["limit"], resp["estimatedTotalHits"] = from, size, len(matched)
	}
	hits := []map[string]any{}
	for i := from; i < len(matched) && i < from+size; i++ {
		hits = append(hits, fakeHit(matched[i], req, words, lastPrefix))
	}
	resp["hits"] = hits
	if len(req.Facets) > 0 {
		dist := map[string]map[string]int{}
		for _, a := range req.Facets {
			dist[a] = map[string]int{}
			for _, doc := range matched {
				if v, ok := doc[a].(string); ok {
					dist[a][v]++
				}
			}
		}
		resp["facetDistribution"] = dist
	}
	writeJSON(w, http.StatusOK, resp)
}

// fakeWordMatches reports whether a folded document word matches a folded
// query word: exactly, or as a prefix when prefix is set.
func fakeWordMatches(docWord, queryWord string, prefix bool) bool {
	return docWord == queryWord || (prefix && strings.HasPrefix(docWord, queryWord))
}

// fakeMatches reports whether every query word is in the document's
// searchable text.
func fakeMatches(doc map[string]any, words []string, lastPrefix bool) bool {
	var docWords []string
	for _, a := range append([]string{maCode, maFold}, meiliTextFields...) {
		s, _ := doc[a].(string)
		for _, sp := range wordSpans(s) {
			docWords = append(docWords, Fold(s[sp.start:sp.end]))
		}
	}
	for i, w := range words {
		prefix := lastPrefix && i == len(words)-1
		if !slices.ContainsFunc(docWords, func(dw string) bool { return fakeWordMatches(dw, w, prefix) }) {
			return false
		}
	}
	return true
}

// fakePhrasesMatch reports whether each phrase's folded words appear side
// by side in one of the document's searchable attributes.
func fakePhrasesMatch(doc map[string]any, phrases [][]string) bool {
	for _, ph := range phrases {
		found := false
		for _, a := range append([]string{maCode, maFold}, meiliTextFields...) {
			s, _ := doc[a].(string)
			dw := strings.Fields(fold.Words(s))
			for i := 0; i+len(ph) <= len(dw) && !found; i++ {
				found = slices.Equal(dw[i:i+len(ph)], ph)
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// fakeHit is a hit as Meilisearch returns it: the retrieved attributes,
// _formatted with highlighted attributes, and the ranking score.
func fakeHit(doc map[string]any, req fakeSearch, words []string, lastPrefix bool) map[string]any {
	hit := map[string]any{}
	for k, v := range doc {
		if len(req.AttributesToRetrieve) == 0 || slices.Contains(req.AttributesToRetrieve, k) {
			hit[k] = v
		}
	}
	if len(req.AttributesToHighlight) > 0 || len(req.AttributesToCrop) > 0 {
		pre, post := "<em>", "</em>"
		if req.HighlightPreTag != nil {
			pre = *req.HighlightPreTag
		}
		if req.HighlightPostTag != nil {
			post = *req.HighlightPostTag
		}
		formatted := map[string]any{}
		for k, v := range hit {
			formatted[k] = v
		}
		for _, a := range req.AttributesToHighlight {
			s, ok := doc[a].(string)
			if !ok {
				continue
			}
			var b strings.Builder
			pos := 0
			for _, sp := range wordSpans(s) {
				fw := Fold(s[sp.start:sp.end])
				for i, w := range words {
					if fakeWordMatches(fw, w, lastPrefix && i == len(words)-1) {
						b.WriteString(s[pos:sp.start] + pre + s[sp.start:sp.end] + post)
						pos = sp.end
						break
					}
				}
			}
			b.WriteString(s[pos:])
			formatted[a] = b.String()
		}
		hit["_formatted"] = formatted
	}
	if req.ShowRankingScore != nil && *req.ShowRankingScore {
		hit["_rankingScore"] = 0.5
	}
	return hit
}

// fakeExpr is a parsed filter expression.
type fakeExpr interface {
	eval(doc map[string]any) bool
	attrs() []string
}

type fakeAnd []fakeExpr
type fakeOr []fakeExpr
type fakeNot struct{ e fakeExpr }
type fakeCmp struct {
	attr, op string
	vals     []string
}

func (e fakeAnd) eval(d map[string]any) bool {
	for _, x := range e {
		if !x.eval(d) {
			return false
		}
	}
	return true
}
func (e fakeOr) eval(d map[string]any) bool {
	for _, x := range e {
		if x.eval(d) {
			return true
		}
	}
	return false
}
func (e fakeNot) eval(d map[string]any) bool { return !e.e.eval(d) }
func (e fakeCmp) eval(d map[string]any) bool {
	v, ok := d[e.attr]
	if !ok {
		return e.op == "!="
	}
	s := fmt.Sprint(v)
	in := slices.Contains(e.vals, s)
	if e.op == "!=" {
		return !in
	}
	return in
}
func (e fakeAnd) attrs() []string { return exprAttrs(e) }
func (e fakeOr) attrs() []string  { return exprAttrs(e) }
func (e fakeNot) attrs() []string { return e.e.attrs() }
func (e fakeCmp) attrs() []string { return []string{e.attr} }

func exprAttrs(es []fakeExpr) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.attrs()...)
	}
	return out
}

// parseFakeFilter parses Meilisearch's filter syntax for the operators this
// engine may use: =, !=, IN [...], AND, OR, NOT and parentheses, with
// quoted values that escape \ and the quote with a backslash.
func parseFakeFilter(s string) (fakeExpr, error) {
	toks, err := lexFakeFilter(s)
	if err != nil {
		return nil, err
	}
	p := &fakeParser{toks: toks}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.toks) {
		return nil, fmt.Errorf("unexpected %q", p.toks[p.pos].text)
	}
	return e, nil
}

type fakeTok struct {
	text   string
	quoted bool
}

func lexFakeFilter(s string) ([]fakeTok, error) {
	var toks []fakeTok
	rs := []rune(s)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case strings.ContainsRune("()[],=", r):
			toks = append(toks, fakeTok{text: string(r)})
			i++
		case r == '!':
			if i+1 >= len(rs) || rs[i+1] != '=' {
				return nil, fmt.Errorf("lone ! at %d", i)
			}
			toks = append(toks, fakeTok{text: "!="})
			i += 2
		case r == '"' || r == '\'':
			var b strings.Builder
			j := i + 1
			for ; j < len(rs) && rs[j] != r; j++ {
				if rs[j] == '\\' {
					j++
					if j >= len(rs) {
						break
					}
				}
				b.WriteRune(rs[j])
			}
			if j >= len(rs) {
				return nil, fmt.Errorf("unterminated string at %d", i)
			}
			toks = append(toks, fakeTok{text: b.String(), quoted: true})
			i = j + 1
		default:
			j := i
			for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j]) || rs[j] == '_' || rs[j] == '.' || rs[j] == '-') {
				j++
			}
			if j == i {
				return nil, fmt.Errorf("unexpected %q at %d", r, i)
			}
			toks = append(toks, fakeTok{text: string(rs[i:j])})
			i = j
		}
	}
	return toks, nil
}

type fakeParser struct {
	toks []fakeTok
	pos  int
}

func (p *fakeParser) peek(word string) bool {
	return p.pos < len(p.toks) && !p.toks[p.pos].quoted && p.toks[p.pos].text == word
}

func (p *fakeParser) expect(word string) error {
	if !p.peek(word) {
		return fmt.Errorf("want %q at token %d", word, p.pos)
	}
	p.pos++
	return nil
}

func (p *fakeParser) or() (fakeExpr, error) {
	var out fakeOr
	for {
		e, err := p.and()
		if err != nil {
			return nil, err
		}
		out = append(out, e)
		if !p.peek("OR") {
			break
		}
		p.pos++
	}
	if len(out) == 1 {
		return out[0], nil
	}
	return out, nil
}

func (p *fakeParser) and() (fakeExpr, error) {
	var out fakeAnd
	for {
		e, err := p.not()
		if err != nil {
			return nil, err
		}
		out = append(out, e)
		if !p.peek("AND") {
			break
		}
		p.pos++
	}
	if len(out) == 1 {
		return out[0], nil
	}
	return out, nil
}

func (p *fakeParser) not() (fakeExpr, error) {
	if p.peek("NOT") {
		p.pos++
		e, err := p.not()
		return fakeNot{e}, err
	}
	if p.peek("(") {
		p.pos++
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		return e, p.expect(")")
	}
	return p.cmp()
}

func (p *fakeParser) value() (string, error) {
	if p.pos >= len(p.toks) {
		return "", fmt.Errorf("missing value")
	}
	t := p.toks[p.pos]
	if !t.quoted && strings.Contains("()[],=!=", t.text) {
		return "", fmt.Errorf("want a value, got %q", t.text)
	}
	p.pos++
	return t.text, nil
}

func (p *fakeParser) cmp() (fakeExpr, error) {
	if p.pos >= len(p.toks) || p.toks[p.pos].quoted {
		return nil, fmt.Errorf("want an attribute at token %d", p.pos)
	}
	attr := p.toks[p.pos].text
	p.pos++
	switch {
	case p.peek("=") || p.peek("!="):
		op := p.toks[p.pos].text
		p.pos++
		v, err := p.value()
		return fakeCmp{attr: attr, op: op, vals: []string{v}}, err
	case p.peek("IN"):
		p.pos++
		if err := p.expect("["); err != nil {
			return nil, err
		}
		var vals []string
		for {
			v, err := p.value()
			if err != nil {
				return nil, err
			}
			vals = append(vals, v)
			if p.peek("]") {
				p.pos++
				return fakeCmp{attr: attr, op: "IN", vals: vals}, nil
			}
			if err := p.expect(","); err != nil {
				return nil, err
			}
		}
	}
	return nil, fmt.Errorf("want =, != or IN after %q", attr)
}

// newContractMeili returns an engine on the fake that polls tasks quickly.
func newContractMeili(t *testing.T, url, key, uid string) *Meili {
	t.Helper()
	m, err := NewMeili(url, key, uid)
	if err != nil {
		t.Fatal(err)
	}
	m.pollInterval = time.Millisecond
	t.Cleanup(func() { _ = m.Close() })
	return m
}

func TestMeiliContract(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const key, uid = "masterKey-123", "portal_items"
	f, srv := newFakeMeili(t, key, uid)
	m := newContractMeili(t, srv.URL, key, uid)
	fixture := ConformanceFixture()

	t.Run("SetupCreatesIndexThenSettings", func(t *testing.T) {
		if err := m.Setup(ctx); err != nil {
			t.Fatalf("Setup: %v", err)
		}
		if !f.exists || f.settings == nil {
			t.Fatalf("after Setup: index exists %v, settings %v", f.exists, f.settings)
		}
		for _, k := range []string{"searchableAttributes", "filterableAttributes", "sortableAttributes", "faceting", "typoTolerance", "localizedAttributes"} {
			if _, ok := f.settings[k]; !ok {
				t.Errorf("setting %s not sent", k)
			}
		}
		if fa := f.setting("filterableAttributes"); !slices.Contains(fa, "f_sector") || !slices.Contains(fa, "type") {
			t.Errorf("filterableAttributes %v", fa)
		}
		if sa := f.setting("sortableAttributes"); !slices.Contains(sa, "s_capital") {
			t.Errorf("sortableAttributes %v", sa)
		}
		var loc []map[string][]string
		_ = json.Unmarshal(f.settings["localizedAttributes"], &loc)
		if len(loc) != 2 || loc[0]["locales"][0] != "vie" || loc[1]["locales"][0] != "eng" {
			t.Errorf("localizedAttributes %v", loc)
		}
		for _, task := range f.tasks {
			if got := task.served[len(task.served)-1]; got != "succeeded" {
				t.Errorf("task %s last reported %s: Setup returned before it finished", task.typ, got)
			}
		}
	})
	t.Run("SettingsRankWordsTogetherAndAsTyped", func(t *testing.T) {
		rules := f.setting("rankingRules")
		at := func(r string) int { return slices.Index(rules, r) }
		if at("sort") != 0 || at("words") < 0 || at("proximity") < 0 || at("exactness") < 0 || at("attribute") < 0 ||
			at("proximity") > at("attribute") || at("exactness") > at("attribute") || at("typo") > at("proximity") {
			t.Errorf("rankingRules %v: want sort first, then words, typo, proximity and exactness before attribute", rules)
		}
		var prox string
		if err := json.Unmarshal(f.settings["proximityPrecision"], &prox); err != nil || prox != "byWord" {
			t.Errorf("proximityPrecision %s (%v), want byWord", f.settings["proximityPrecision"], err)
		}
		var typo struct {
			DisableOnWords []string `json:"disableOnWords"`
		}
		_ = json.Unmarshal(f.settings["typoTolerance"], &typo)
		for _, w := range []string{"nha", "trang", "cam", "ranh", "lâm", "lam"} {
			if !slices.Contains(typo.DisableOnWords, w) {
				t.Errorf("typoTolerance.disableOnWords lacks the place syllable %q", w)
			}
		}
	})
	t.Run("SetupAgainToleratesExistingIndex", func(t *testing.T) {
		if err := m.Setup(ctx); err != nil {
			t.Fatalf("second Setup: %v", err)
		}
	})
	t.Run("UpsertWaitsForTask", func(t *testing.T) {
		if err := m.Upsert(ctx, fixture); err != nil {
			t.Fatalf("Upsert: %v", err)
		}
		task := f.tasks[f.nextTask]
		if task.typ != "documentAdditionOrUpdate" || !slices.Equal(task.served, []string{"enqueued", "processing", "succeeded"}) {
			t.Fatalf("add-documents task %s served %v: Upsert must poll until succeeded", task.typ, task.served)
		}
		if len(f.docs) != len(fixture) {
			t.Fatalf("fake holds %d documents, want %d", len(f.docs), len(fixture))
		}
		d := f.docs["opp-van-phong-wind"]
		if d[maRef] != "opp-van-phong-wind" || d["title_vi"] != "Nhà máy điện gió Vân Phong" || d["f_sector"] != "energy" || d["s_capital"] != float64(12000) {
			t.Fatalf("flattened document %v", d)
		}
		if !strings.Contains(d[maFold].(string), "nha may dien gio van phong") {
			t.Fatalf("fold attribute %q", d[maFold])
		}
	})
	t.Run("Count", func(t *testing.T) {
		n, err := m.Count(ctx)
		if err != nil || n != len(fixture) {
			t.Fatalf("Count = %d, %v; want %d", n, err, len(fixture))
		}
	})
	t.Run("SearchFiltersFacetsSortPage", func(t *testing.T) {
		f.searches = nil
		res, err := m.Search(ctx, Query{
			Type:    TypeProject,
			Filters: map[string][]string{"sector": {"energy", "tourism"}, "location": {"van_ninh", "cam_ranh", "khanh_son"}},
			Facets:  []string{"sector", "stage"},
			Sort:    "capital:desc",
			Page:    2,
			PerPage: 2,
		})
		if err != nil {
			t.Fatalf("Search: %v", err)
		}
		// Projects in energy or tourism at those places, by capital: p2 20000,
		// p1 9000, p8 1500 — page 2 of 2 holds p8 alone.
		if got := hitIDs(res); !slices.Equal(got, []string{"prj-khanh-son-solar"}) || res.Total != 3 {
			t.Fatalf("hits %v total %d, want [prj-khanh-son-solar] of 3", got, res.Total)
		}
		if h := res.Hits[0]; h.Type != TypeProject || h.Code != "DA-2023-018" || h.Score != 0.5 || h.Highlights != nil {
			t.Fatalf("hit %+v", h)
		}
		// The hit carries what a result row shows, so no record is read.
		var want Doc
		for _, d := range fixture {
			if d.ID == "prj-khanh-son-solar" {
				want = d
			}
		}
		if h := res.Hits[0]; h.Title != want.Title || h.Summary != want.Summary || h.Facet("sector") != want.Facets["sector"] ||
			h.Facet("location") != want.Facets["location"] || h.Facet("stage") != want.Facets["stage"] {
			t.Fatalf("hit %+v lacks the texts and facets of %+v", h, want)
		}
		if len(f.searches) != 2 {
			t.Fatalf("%d search requests, want the page plus one for the filtered facet", len(f.searches))
		}
		main := f.searches[0]
		wantFilter := `type = "project" AND f_location IN ["van_ninh", "cam_ranh", "khanh_son"] AND f_sector IN ["energy", "tourism"]`
		if main["filter"] != wantFilter || main["page"] != float64(2) || main["hitsPerPage"] != float64(2) ||
			fmt.Sprint(main["sort"]) != "[s_capital:desc]" || fmt.Sprint(main["facets"]) != "[f_stage]" || main["matchingStrategy"] != "all" {
			t.Fatalf("search body %v", main)
		}
		facet := f.searches[1]
		if facet["filter"] != `type = "project" AND f_location IN ["van_ninh", "cam_ranh", "khanh_son"]` ||
			facet["hitsPerPage"] != float64(0) || fmt.Sprint(facet["facets"]) != "[f_sector]" {
			t.Fatalf("facet search body %v", facet)
		}
		wantSector := map[string]int{"energy": 2, "tourism": 1, "aquaculture": 2, "logistics": 1}
		wantStage := map[string]int{"operating": 1, "construction": 1, "proposed": 1}
		if !maps.Equal(res.Facets["sector"], wantSector) || !maps.Equal(res.Facets["stage"], wantStage) {
			t.Fatalf("facets %v, want sector %v stage %v", res.Facets, wantSector, wantStage)
		}
	})
	t.Run("PlaceNameIsAPhrase", func(t *testing.T) {
		f.searches = nil
		res, err := m.Search(ctx, Query{Text: "Resort cam ranh", Lang: "en", PerPage: MaxPerPage})
		if err != nil {
			t.Fatalf("Search: %v", err)
		}
		if q := f.searches[0]["q"]; q != `Resort "cam ranh"` {
			t.Fatalf("q %q, want the place name quoted as a phrase", q)
		}
		if got := hitIDs(res); !slices.Equal(got, []string{"prj-bac-cam-ranh-resort", "opp-bai-dai-resort"}) && !slices.Equal(got, []string{"opp-bai-dai-resort", "prj-bac-cam-ranh-resort"}) {
			t.Fatalf("hits %v", got)
		}
		f.searches = nil
		if _, err := m.Search(ctx, Query{Text: "khu nghỉ dưỡng Bắc Vân Phong ", Lang: "vi"}); err != nil {
			t.Fatalf("Search: %v", err)
		}
		if q := f.searches[0]["q"]; q != `khu nghỉ dưỡng "Bắc Vân Phong" ` {
			t.Fatalf("q %q, want the longest place name quoted", q)
		}
	})
	t.Run("SearchTextHighlights", func(t *testing.T) {
		f.searches = nil
		res, err := m.Search(ctx, Query{Text: "the innovation ", Lang: "en"})
		if err != nil {
			t.Fatalf("Search: %v", err)
		}
		if got := hitIDs(res); !slices.Equal(got, []string{"opp-dien-khanh-university"}) {
			t.Fatalf("hits %v", got)
		}
		if got, want := res.Hits[0].Highlights["summary"], "Campus with R&amp;D centre &amp; &lt;<mark>innovation</mark>&gt; labs"; got != want {
			t.Fatalf("summary highlight %q, want %q", got, want)
		}
		body := f.searches[0]
		if body["q"] != "innovation " || body["highlightPreTag"] != markOpen || body["highlightPostTag"] != markClose ||
			body["cropMarker"] != cropMarker || body["cropLength"] != float64(cropWords) {
			t.Fatalf("search body %v", body)
		}
		res, err = m.Search(ctx, Query{Text: "dien gio", Lang: "vi"})
		if err != nil {
			t.Fatalf("Search: %v", err)
		}
		var title string
		for _, h := range res.Hits {
			if h.ID == "opp-van-phong-wind" {
				title = h.Highlights["title"]
			}
		}
		if title != "Nhà máy <mark>điện</mark> <mark>gió</mark> Vân Phong" {
			t.Fatalf("title highlight %q in hits %v", title, hitIDs(res))
		}
	})
	t.Run("SearchRejectsInvalidQueryWithoutRequest", func(t *testing.T) {
		f.searches = nil
		if _, err := m.Search(ctx, Query{Sort: "colour:asc"}); err == nil {
			t.Fatal("Search with an unknown sort succeeded")
		}
		if len(f.searches) != 0 {
			t.Fatal("an invalid query reached the server")
		}
	})
	t.Run("Delete", func(t *testing.T) {
		if err := m.Delete(ctx, []string{"opp-van-phong-wind", "prj-ninh-hoa-hospital"}); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if n, _ := m.Count(ctx); n != len(fixture)-2 {
			t.Fatalf("Count after Delete = %d", n)
		}
		if err := m.Delete(ctx, nil); err != nil {
			t.Fatalf("Delete(nil): %v", err)
		}
	})
	t.Run("IDsAreEncoded", func(t *testing.T) {
		if err := m.Upsert(ctx, []Doc{{ID: "opp/2025:ü 1", Type: TypeOpportunity, Title: Text{VI: "Bến du thuyền", EN: "Marina"}}}); err != nil {
			t.Fatalf("Upsert: %v", err)
		}
		res, err := m.Search(ctx, Query{Text: "marina"})
		if err != nil || len(res.Hits) != 1 || res.Hits[0].ID != "opp/2025:ü 1" {
			t.Fatalf("hits %v, %v", hitIDs(res), err)
		}
		if err := m.Delete(ctx, []string{"opp/2025:ü 1"}); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if _, ok := f.docs[meiliID("opp/2025:ü 1")]; ok {
			t.Fatal("encoded document still there")
		}
	})
	t.Run("Reset", func(t *testing.T) {
		if err := m.Reset(ctx); err != nil {
			t.Fatalf("Reset: %v", err)
		}
		if n, _ := m.Count(ctx); n != 0 {
			t.Fatalf("Count after Reset = %d", n)
		}
		if f.settings == nil {
			t.Fatal("Reset dropped the settings")
		}
	})
	t.Run("DropIndex", func(t *testing.T) {
		if err := m.dropIndex(ctx); err != nil {
			t.Fatalf("dropIndex: %v", err)
		}
		if f.exists {
			t.Fatal("index still exists")
		}
	})
}

func TestMeiliContractWithoutKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f, srv := newFakeMeili(t, "", "open_index")
	m := newContractMeili(t, srv.URL, "", "open_index")
	if err := m.Setup(ctx); err != nil {
		t.Fatalf("Setup: %v", err)
	}
	if err := m.Upsert(ctx, ConformanceFixture()[:2]); err != nil {
		t.Fatalf("Upsert: %v", err)
	}
	if n, err := m.Count(ctx); err != nil || n != 2 {
		t.Fatalf("Count = %d, %v", n, err)
	}
	if len(f.calls) == 0 {
		t.Fatal("no request reached the fake")
	}
}

func TestMeiliContractFailedTask(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f, srv := newFakeMeili(t, "k", "failing")
	m := newContractMeili(t, srv.URL, "k", "failing")
	if err := m.Setup(ctx); err != nil {
		t.Fatalf("Setup: %v", err)
	}
	f.failDocuments = true
	err := m.Upsert(ctx, ConformanceFixture()[:3])
	if err == nil {
		t.Fatal("Upsert succeeded though its task failed")
	}
	if !strings.Contains(err.Error(), "invalid_document_id") || !strings.Contains(err.Error(), "failed") {
		t.Fatalf("error %q does not name the failed task's code", err)
	}
	if len(f.docs) != 0 {
		t.Fatalf("fake holds %d documents after a failed task", len(f.docs))
	}
}

func TestMeiliContractWrongKeyIsAnError(t *testing.T) {
	t.Parallel()
	var problems []string
	f, srv := newFakeMeili(t, "right", "idx")
	f.fail = func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	m := newContractMeili(t, srv.URL, "wrong", "idx")
	if err := m.Setup(context.Background()); err == nil {
		t.Fatal("Setup with a wrong key succeeded")
	}
	if len(problems) == 0 {
		t.Fatal("the fake did not notice the wrong key")
	}
}

// TestFakeMeiliRejectsMalformedRequests shows the fake is strict: each of
// these requests is reported.
func TestFakeMeiliRejectsMalformedRequests(t *testing.T) {
	t.Parallel()
	var problems []string
	f, srv := newFakeMeili(t, "", "idx")
	f.fail = func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	f.exists = true
	f.settings = map[string]json.RawMessage{
		"filterableAttributes": json.RawMessage(`["type","f_sector"]`),
		"sortableAttributes":   json.RawMessage(`["s_capital"]`),
	}
	send := func(method, path, contentType, body string) {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	for _, c := range []struct{ name, method, path, ct, body string }{
		{"UnknownEndpoint", "GET", "/indexes/idx/whatever", "", ""},
		{"OtherIndex", "POST", "/indexes/other/search", "application/json", `{"q":""}`},
		{"NoContentType", "POST", "/indexes/idx/search", "", `{"q":""}`},
		{"UnknownSearchParam", "POST", "/indexes/idx/search", "application/json", `{"q":"","query":"x"}`},
		{"BadFilterSyntax", "POST", "/indexes/idx/search", "application/json", `{"q":"","filter":"f_sector IN [\"a\""}`},
		{"FilterNotFilterable", "POST", "/indexes/idx/search", "application/json", `{"q":"","filter":"f_colour = \"red\""}`},
		{"SortNotSortable", "POST", "/indexes/idx/search", "application/json", `{"q":"","sort":["s_height:asc"]}`},
		{"PageWithLimit", "POST", "/indexes/idx/search", "application/json", `{"q":"","page":1,"limit":5}`},
		{"UnknownSetting", "PATCH", "/indexes/idx/settings", "application/json", `{"searchableAttrs":["x"]}`},
		{"BadLocale", "PATCH", "/indexes/idx/settings", "application/json", `{"localizedAttributes":[{"locales":["vietnamese"],"attributePatterns":["*_vi"]}]}`},
		{"DocumentWithoutPrimaryKey", "POST", "/indexes/idx/documents", "application/json", `[{"ref":"a","type":"project"}]`},
		{"DocumentBadPrimaryKey", "POST", "/indexes/idx/documents", "application/json", `[{"id":"a/b","type":"project"}]`},
		{"DocumentsNotArray", "POST", "/indexes/idx/documents", "application/json", `{"id":"a"}`},
		{"UnknownTask", "GET", "/tasks/999", "", ""},
	} {
		problems = nil
		send(c.method, c.path, c.ct, c.body)
		if len(problems) == 0 {
			t.Errorf("%s: the fake accepted %s %s %s", c.name, c.method, c.path, c.body)
		}
	}
	problems = nil
	send("POST", "/indexes/idx/search", "application/json", `{"q":"","filter":"(type = 'project' OR NOT f_sector != \"a\\\"b\") AND f_sector IN [x, \"y\"]","sort":["s_capital:desc"],"page":1,"hitsPerPage":0,"hybrid":null}`)
	if len(problems) != 0 {
		t.Errorf("the fake rejected a well-formed search: %v", problems)
	}
}
