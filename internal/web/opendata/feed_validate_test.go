package opendata_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/app/apptest"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/place"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The official OC4IDS 0.9 files in testdata/oc4ids (see its README), under
// the addresses they give themselves.
const (
	oc4idsDir         = "testdata/oc4ids"
	oc4idsPackageURL  = "https://standard.open-contracting.org/infrastructure/schema/0__9__4/project-package-schema.json"
	oc4idsProjectURL  = "https://standard.open-contracting.org/infrastructure/schema/0__9__4/project-schema.json"
	feedTestPrefix    = "oc4ids-test01"
	feedPathUnderTest = "/api/v1/open/projects"
)

// loadJSON reads a JSON file the way the validator wants it (json.Number).
func loadJSON(t *testing.T, path string) any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return doc
}

// mergePatch applies an RFC 7386 JSON Merge Patch to doc, as the OCDS
// extension mechanism applies an extension's schema patches.
func mergePatch(doc, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	d, ok := doc.(map[string]any)
	if !ok {
		d = map[string]any{}
	}
	for k, v := range p {
		if v == nil {
			delete(d, k)
		} else {
			d[k] = mergePatch(d[k], v)
		}
	}
	return d
}

// compilePackageSchema compiles the OC4IDS package schema (draft-04, by
// its $schema) with the project schema it refers to, both from testdata,
// after applying the given patches (nil for the official schema alone).
func compilePackageSchema(t *testing.T, packagePatch, projectPatch any) *jsonschema.Schema {
	t.Helper()
	pkg := loadJSON(t, filepath.Join(oc4idsDir, "project-package-schema.json"))
	proj := loadJSON(t, filepath.Join(oc4idsDir, "project-schema.json"))
	for _, doc := range []any{pkg, proj} {
		if s := doc.(map[string]any)["$schema"]; s != "http://json-schema.org/draft-04/schema#" {
			t.Fatalf("$schema %v: the test expects OC4IDS 0.9's draft-04", s)
		}
	}
	if packagePatch != nil {
		pkg = mergePatch(pkg, packagePatch)
	}
	if projectPatch != nil {
		proj = mergePatch(proj, projectPatch)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4)
	c.AssertFormat() // date-time and uri, as OC4IDS's own checks do
	// Nothing is fetched: the only loader refuses every address.
	c.UseLoader(noLoader{})
	if err := c.AddResource(oc4idsPackageURL, pkg); err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource(oc4idsProjectURL, proj); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(oc4idsPackageURL)
	if err != nil {
		t.Fatal(err)
	}
	if sch.DraftVersion != 4 {
		t.Fatalf("compiled as draft %d, want draft-04", sch.DraftVersion)
	}
	return sch
}

type noLoader struct{}

func (noLoader) Load(u string) (any, error) { return nil, fmt.Errorf("no network in tests: %s", u) }

// schemaErrors lists the leaf errors of a validation, one line each.
func schemaErrors(err error) []string {
	var ve *jsonschema.ValidationError
	if err == nil {
		return nil
	}
	if !errors.As(err, &ve) {
		return []string{err.Error()}
	}
	var out []string
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			out = append(out, "/"+strings.Join(e.InstanceLocation, "/")+": "+fmt.Sprint(e.ErrorKind))
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return out
}

// codelistChecker checks every field of a project that names a codelist
// in the project schema ("codelist", with "openCodelist") against the
// codes of its CSV. The JSON schema enforces some closed lists with an
// enum, but not all (and no open one): OC4IDS checks codelists apart.
type codelistChecker struct {
	definitions map[string]any
	codes       map[string]map[string]bool
	root        map[string]any
}

func newCodelistChecker(t *testing.T) *codelistChecker {
	t.Helper()
	root := loadJSON(t, filepath.Join(oc4idsDir, "project-schema.json")).(map[string]any)
	cc := &codelistChecker{root: root, definitions: root["definitions"].(map[string]any), codes: map[string]map[string]bool{}}
	files, err := filepath.Glob(filepath.Join(oc4idsDir, "codelists", "*.csv"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no codelists: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil || len(recs) < 2 || recs[0][0] != "Code" {
			t.Fatalf("%s: not a codelist (%v)", f, err)
		}
		set := map[string]bool{}
		for _, r := range recs[1:] {
			set[r[0]] = true
		}
		cc.codes[filepath.Base(f)] = set
	}
	return cc
}

// check walks value v beside schema node, reporting codes not in their list.
func (cc *codelistChecker) check(node map[string]any, v any, path string, report func(string)) {
	if ref, ok := node["$ref"].(string); ok && strings.HasPrefix(ref, "#/definitions/") {
		node, _ = cc.definitions[strings.TrimPrefix(ref, "#/definitions/")].(map[string]any)
	}
	if node == nil {
		return
	}
	if list, ok := node["codelist"].(string); ok {
		set, known := cc.codes[list]
		kind := "closed"
		if node["openCodelist"] == true {
			kind = "open"
		}
		var values []any
		switch x := v.(type) {
		case string:
			values = []any{x}
		case []any:
			values = x
		}
		for _, val := range values {
			if s, _ := val.(string); !known || !set[s] {
				report(fmt.Sprintf("%s: %v is not in the %s codelist %s", path, val, kind, list))
			}
		}
	}
	switch x := v.(type) {
	case map[string]any:
		props, _ := node["properties"].(map[string]any)
		for k, sub := range x {
			if ps, ok := props[k].(map[string]any); ok {
				cc.check(ps, sub, path+"/"+k, report)
			}
		}
	case []any:
		if items, ok := node["items"].(map[string]any); ok {
			for i, it := range x {
				cc.check(items, it, path+"/"+strconv.Itoa(i), report)
			}
		}
	}
}

// feedWalk is what walking the feed found.
type feedWalk struct {
	walks, pages, projects int
	schemaErrs, extErrs    []string
	codeErrs               []string
	allIDs                 map[string]bool
}

// samePage reports whether link is u's query at page n.
func samePage(link, u string, n int) bool {
	a, err1 := url.Parse(link)
	b, err2 := url.Parse(u)
	if err1 != nil || err2 != nil || a.Path != b.Path || a.Host != b.Host {
		return false
	}
	qa, qb := a.Query(), b.Query()
	if qa.Get("page") != strconv.Itoa(n) {
		return false
	}
	qa.Del("page")
	qb.Del("page")
	return qa.Encode() == qb.Encode()
}

type feedClient struct {
	t    *testing.T
	base string
}

func (fc feedClient) get(path string) (int, http.Header, []byte) {
	fc.t.Helper()
	res, err := http.Get(fc.base + path)
	if err != nil {
		fc.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		fc.t.Fatal(err)
	}
	return res.StatusCode, res.Header, b
}

// TestOC4IDSFeedValidates walks every page of the open-data feed, in both
// languages, unfiltered and with each filter (every stage, a list of
// stages, each kind, sector and location, a capital range, a sort), against
// a demo-seeded portal, and validates each page against the official OC4IDS
// 0.9 package schema (draft-04) and codelists kept in testdata/oc4ids, and
// against the same schemas patched by the portal's own extension. It also
// checks the feed's promises: the OC4IDS_PREFIX on every id, the language
// of each feed, links that lead to pages that exist, totals that match the
// store, and 404/400 problems instead of invalid packages.
//
// Run: go test ./internal/web/opendata/ -run TestOC4IDSFeedValidates -v
func TestOC4IDSFeedValidates(t *testing.T) {
	t.Parallel()
	start := time.Now()
	cfg := apptest.Config(t, t.TempDir())
	cfg.OC4IDSPrefix = feedTestPrefix
	portal := apptest.Start(t, cfg)
	fc := feedClient{t: t, base: portal.URL}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if code, _, _ := fc.get("/readyz"); code == 200 {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("portal not ready: /readyz %d", code)
		}
	}

	// The extension as the feed declares it: extension.json, listed in
	// every package, and the patches it names, served beside it.
	code, _, body := fc.get("/api/v1/open/extension.json")
	var ext struct {
		Name, Description, DocumentationURL map[string]string
		Schemas, Compatibility              []string
	}
	if err := json.Unmarshal(body, &ext); code != 200 || err != nil {
		t.Fatalf("extension.json: %d %v %.200s", code, err, body)
	}
	if ext.Name["vi"] == "" || ext.Name["en"] == "" || ext.Name["vi"] == ext.Name["en"] || ext.Description["vi"] == ext.Description["en"] ||
		len(ext.Compatibility) != 1 || ext.Compatibility[0] != "0.9" || !strings.HasSuffix(ext.DocumentationURL["vi"], "/vi/open-data#extension") {
		t.Errorf("extension.json: %s", body)
	}
	extURL := portal.URL + "/api/v1/open/extension.json"
	patches := map[string]any{}
	for _, name := range ext.Schemas {
		u, _ := url.Parse(extURL)
		ref, _ := u.Parse(name) // relative to extension.json, as OCDS resolves them
		code, _, b := fc.get(ref.Path)
		if code != 200 {
			t.Fatalf("%s: %d", ref, code)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", ref, err)
		}
		patches[name] = doc
	}
	if patches["project-schema.json"] == nil || patches["project-package-schema.json"] == nil {
		t.Fatalf("extension.json schemas %v", ext.Schemas)
	}
	official := compilePackageSchema(t, nil, nil)
	extended := compilePackageSchema(t, patches["project-package-schema.json"], patches["project-schema.json"])
	codes := newCodelistChecker(t)

	w := &feedWalk{allIDs: map[string]bool{}}
	// walk follows links.next from page 1 and returns the ids it saw; a
	// filter that matches nothing must answer the 404 problem.
	walk := func(lang, query string, perPage int) map[string]bool {
		t.Helper()
		w.walks++
		ids := map[string]bool{}
		q := url.Values{}
		if query != "" {
			var err error
			if q, err = url.ParseQuery(query); err != nil {
				t.Fatal(err)
			}
		}
		q.Set("lang", lang)
		q.Set("per_page", strconv.Itoa(perPage))
		next := feedPathUnderTest + "?" + q.Encode()
		prevPage := ""
		var total int64 = -1
		for page := 1; next != ""; page++ {
			code, hdr, body := fc.get(next)
			if code == 404 && page == 1 {
				var p struct{ Title, Detail string }
				if err := json.Unmarshal(body, &p); err != nil || hdr.Get("Content-Type") != "application/problem+json" || p.Title == "" {
					t.Errorf("%s: 404 without a problem: %s", next, body)
				}
				return ids
			}
			if code != 200 {
				t.Fatalf("%s: %d %.300s", next, code, body)
			}
			w.pages++
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("%s: %v", next, err)
			}
			for _, e := range schemaErrors(official.Validate(inst)) {
				w.schemaErrs = append(w.schemaErrs, next+" "+e)
			}
			for _, e := range schemaErrors(extended.Validate(inst)) {
				w.extErrs = append(w.extErrs, next+" "+e)
			}
			var pkg struct {
				Extensions []string
				Projects   []map[string]any
				Links      struct{ Next, Prev string }
				Total      int64 `json:"x_total"`
			}
			if err := json.Unmarshal(body, &pkg); err != nil {
				t.Fatal(err)
			}
			if len(pkg.Extensions) != 1 || pkg.Extensions[0] != extURL {
				t.Errorf("%s: extensions %v, want [%s]", next, pkg.Extensions, extURL)
			}
			if total >= 0 && pkg.Total != total {
				t.Errorf("%s: x_total %d, was %d on page 1", next, pkg.Total, total)
			}
			total = pkg.Total
			// prev leads to the page walked just before (never to an empty
			// one): the same query with the page before.
			if page > 1 && !samePage(pkg.Links.Prev, portal.URL+prevPage, page-1) {
				t.Errorf("%s: links.prev %q, want page %d of %q", next, pkg.Links.Prev, page-1, portal.URL+prevPage)
			}
			if page == 1 && pkg.Links.Prev != "" {
				t.Errorf("%s: page 1 has links.prev %q", next, pkg.Links.Prev)
			}
			root := codes.root
			for i, p := range pkg.Projects {
				w.projects++
				id, _ := p["id"].(string)
				if !strings.HasPrefix(id, feedTestPrefix+"-") || ids[id] {
					t.Errorf("%s: id %q (without the prefix %s-, or seen twice)", next, id, feedTestPrefix)
				}
				ids[id] = true
				if p["language"] != lang {
					t.Errorf("%s: %s language %v, want %s", next, id, p["language"], lang)
				}
				codes.check(root, p, fmt.Sprintf("%s projects/%d", next, i), func(s string) { w.codeErrs = append(w.codeErrs, s) })
			}
			prevPage = next
			if pkg.Links.Next != "" && !strings.HasPrefix(pkg.Links.Next, portal.URL+feedPathUnderTest+"?") {
				t.Fatalf("%s: links.next %q", next, pkg.Links.Next)
			}
			next = strings.TrimPrefix(pkg.Links.Next, portal.URL)
			if page > 100 {
				t.Fatal("more than 100 pages")
			}
		}
		if int64(len(ids)) != total {
			t.Errorf("%s %s: %d projects on the pages, x_total %d", lang, query, len(ids), total)
		}
		for id := range ids {
			w.allIDs[id] = true
		}
		return ids
	}

	ctx := context.Background()
	storeCount := func(f project.Filter) int {
		t.Helper()
		f.Page, f.PerPage = 1, 1
		if err := f.Validate(); err != nil {
			t.Fatal(err)
		}
		res, err := portal.Projects.List(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		return int(res.Total)
	}
	all := storeCount(project.Filter{})
	if all == 0 {
		t.Fatal("the demo portal holds no project")
	}
	type filterCase struct {
		query string
		want  int
	}
	cases := []filterCase{{"", all}}
	stageSum := 0
	for _, st := range project.Stages {
		n := storeCount(project.Filter{Stage: st})
		cases = append(cases, filterCase{"stage=" + string(st), n})
		if st == project.Licensed || st == project.SiteClearance || st == project.Construction {
			stageSum += n
		}
	}
	cases = append(cases, filterCase{"stage=licensed,site_clearance,construction", stageSum})
	for _, k := range project.Kinds {
		cases = append(cases, filterCase{"kind=" + string(k), storeCount(project.Filter{Kind: k})})
	}
	for _, s := range project.Sectors {
		cases = append(cases, filterCase{"sector=" + s, storeCount(project.Filter{Sector: s})})
	}
	for _, l := range place.Locations {
		cases = append(cases, filterCase{"location=" + l, storeCount(project.Filter{Location: l})})
	}
	lo, hi := int64(100)*1_000_000_000, int64(5000)*1_000_000_000
	cases = append(cases,
		filterCase{"capital_min=100&capital_max=5000", storeCount(project.Filter{CapitalMin: &lo, CapitalMax: &hi})},
		filterCase{"sort=capital_desc&kind=fdi&stage=operating,suspended",
			storeCount(project.Filter{Kind: project.FDI, Stage: project.Operating}) + storeCount(project.Filter{Kind: project.FDI, Stage: project.Suspended})})
	for _, lang := range i18n.Languages {
		for _, c := range cases {
			if got := len(walk(lang, c.query, project.MaxPerPage)); got != c.want {
				t.Errorf("%s ?%s: the feed holds %d projects, the store %d", lang, c.query, got, c.want)
			}
		}
		// Small pages: the links chain through every page of a filter.
		if got := len(walk(lang, "stage=licensed,construction", 7)); got != storeCount(project.Filter{Stage: project.Licensed})+storeCount(project.Filter{Stage: project.Construction}) {
			t.Errorf("%s: %d projects in pages of 7", lang, got)
		}
	}
	if len(w.allIDs) != all {
		t.Errorf("%d distinct projects in the feed, %d in the store", len(w.allIDs), all)
	}

	// What is no package: past the last page, no match, an unknown stage.
	titles := map[string]string{}
	for _, lang := range i18n.Languages {
		pages := (all + project.MaxPerPage - 1) / project.MaxPerPage
		for _, c := range []struct {
			path   string
			status int
			field  string
		}{
			{fmt.Sprintf("%s?lang=%s&per_page=%d&page=%d", feedPathUnderTest, lang, project.MaxPerPage, pages+1), 404, "page"},
			{fmt.Sprintf("%s?lang=%s&page=999", feedPathUnderTest, lang), 404, "page"},
			{fmt.Sprintf("%s?lang=%s&q=zz-no-such-project-zz", feedPathUnderTest, lang), 404, ""},
			{fmt.Sprintf("%s?lang=%s&stage=licensed,built", feedPathUnderTest, lang), 400, "stage"},
			{fmt.Sprintf("%s?lang=%s&stage=completed", feedPathUnderTest, lang), 400, "stage"},
		} {
			code, hdr, body := fc.get(c.path)
			var p struct {
				Title, Detail string
				Status        int
				Errors        []struct{ Field, Message string }
			}
			if err := json.Unmarshal(body, &p); err != nil || code != c.status || p.Status != c.status ||
				hdr.Get("Content-Type") != "application/problem+json" || p.Title == "" || p.Detail == "" || strings.Contains(string(body), `"projects"`) {
				t.Errorf("%s: %d %s", c.path, code, body)
				continue
			}
			if named := len(p.Errors) == 1 && p.Errors[0].Field == c.field; named != (c.field != "") {
				t.Errorf("%s: fields %v, want %q", c.path, p.Errors, c.field)
			}
			// Past the end, the field message names the last page (not
			// "a page is a whole number from 1", which 999 is).
			if c.status == 404 && c.field == "page" && len(p.Errors) == 1 && strings.Contains(c.path, "per_page") && !strings.Contains(p.Errors[0].Message, strconv.Itoa(pages)) {
				t.Errorf("%s: page message %q does not name the last page %d", c.path, p.Errors[0].Message, pages)
			}
			if c.status == 404 {
				titles[lang+" "+strconv.Itoa(len(c.field))] = p.Title
			}
		}
	}
	if titles["vi 4"] == titles["en 4"] || titles["vi 0"] == titles["en 0"] {
		t.Errorf("404 titles are not localized: %v", titles)
	}

	const shown = 10
	for _, errs := range [][]string{w.schemaErrs, w.extErrs, w.codeErrs} {
		for i, e := range errs {
			if i == shown {
				t.Errorf("... and %d more", len(errs)-shown)
				break
			}
			t.Error(e)
		}
	}
	t.Logf("OC4IDS 0.9 validation: %d walks (2 languages), %d pages, %d projects validated (%d distinct of %d), "+
		"%d schema errors (official), %d schema errors (with the investment extension), %d codelist errors, %s",
		w.walks, w.pages, w.projects, len(w.allIDs), all, len(w.schemaErrs), len(w.extErrs), len(w.codeErrs), time.Since(start).Round(time.Millisecond))
}
