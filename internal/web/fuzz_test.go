package web

// Fuzz targets for the web layer's input parsing: the JSON decoder of the
// write API, the list pages' query strings, the amount fields of the board's
// forms and multipart uploads. Seed corpora are in testdata/fuzz/<name>/;
// run one with
//
//	go test ./internal/web -run '^$' -fuzz '^FuzzDecodeJSON$' -fuzztime 60s

import (
	"bytes"
	"encoding/json"
	"math"
	"mime/multipart"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/search"
	"github.com/khanhhoa/investportal/locales"
	"github.com/valyala/fasthttp"
)

var (
	fuzzApp    = fiber.New()
	fuzzBundle = sync.OnceValue(func() *i18n.Bundle {
		b, err := i18n.Load(locales.FS, nil)
		if err != nil {
			panic(err)
		}
		return b
	})
)

// fuzzCtx returns a Fiber context for a request with the given URI,
// content type and body, released when the test ends.
func fuzzCtx(t *testing.T, uri, contentType string, body []byte) *fiber.Ctx {
	fc := &fasthttp.RequestCtx{}
	fc.Request.Header.SetMethod(fiber.MethodPost)
	fc.Request.SetRequestURI(uri)
	if contentType != "" {
		fc.Request.Header.SetContentType(contentType)
	}
	fc.Request.SetBody(body)
	c := fuzzApp.AcquireCtx(fc)
	t.Cleanup(func() { fuzzApp.ReleaseCtx(c) })
	return c
}

// checkInvalid fails unless err is an invalid-input error that names at
// least one field, each field among allowed (nil allows any) and each
// message in both languages.
func checkInvalid(t *testing.T, err error, allowed []string) {
	t.Helper()
	e := apperr.As(err)
	if e.Code != apperr.CodeInvalid {
		t.Fatalf("error is %s, want invalid: %v", e.Code, err)
	}
	if len(e.Fields) == 0 {
		t.Fatalf("invalid error names no field: %v", err)
	}
	b := fuzzBundle()
	for field, id := range e.Fields {
		if field == "" {
			t.Fatalf("empty field name in %v", err)
		}
		if allowed != nil && !slices.Contains(allowed, field) {
			t.Fatalf("field %q is not one of %v", field, allowed)
		}
		for _, lang := range i18n.Languages {
			if !b.Has(lang, id) {
				t.Fatalf("field %q: message %q missing in %s", field, id, lang)
			}
		}
	}
}

// writeBodies are the request types of the write API, as decodeJSON fills
// them.
var writeBodies = []func() any{
	func() any { return new(ProjectInput) },            // POST /projects
	func() any { return new(ProjectPatch) },            // PATCH /projects/{code}
	func() any { return new(DisbursementInput) },       // POST /projects/{code}/disbursements
	func() any { return new(opportunity.Opportunity) }, // POST /opportunities
	func() any { return new(OpportunityPatch) },        // PATCH /opportunities/{code}
	func() any { return new(EnquiryInput) },            // POST /opportunities/{code}/enquiries
	func() any { return new(ObstacleSubmission) },      // POST /obstacles (JSON)
	func() any { return new(TransitionRequest) },       // POST /obstacles/{id}/transitions
	func() any { return new(FilerActionRequest) },      // POST /obstacles/track/{code}/actions
}

// FuzzDecodeJSON checks the write API's JSON decoding with each request
// type: it never panics; a refusal is always "invalid" naming a field with
// a message in both languages, never an internal error; what it accepts is
// exactly one JSON value, and survives encoding and decoding again
// unchanged.
func FuzzDecodeJSON(f *testing.F) {
	f.Fuzz(func(t *testing.T, kind uint8, body []byte) {
		v := writeBodies[int(kind)%len(writeBodies)]()
		err := decodeJSON(fuzzCtx(t, "/api/v1/x", fiber.MIMEApplicationJSON, body), v)
		if err != nil {
			checkInvalid(t, err, nil)
			return
		}
		if !json.Valid(body) {
			t.Fatalf("accepted a body that is not one JSON value: %q", body)
		}
		once, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("accepted value does not encode: %v", err)
		}
		again := writeBodies[int(kind)%len(writeBodies)]()
		if err := decodeJSON(fuzzCtx(t, "/api/v1/x", fiber.MIMEApplicationJSON, once), again); err != nil {
			t.Fatalf("own encoding %s refused: %v", once, err)
		}
		twice, _ := json.Marshal(again)
		if !bytes.Equal(once, twice) {
			t.Fatalf("round trip changed the value:\n%s\n%s", once, twice)
		}
	})
}

var (
	oppQueryKeys  = []string{"q", "sector", "location", "form", "band", "status", "sort", "page", "per_page"}
	siteQueryKeys = []string{"q", "type", "page", "per_page"}
)

// noOverflowOffset fails if (page-1)*perPage, the number of items a list
// skips, overflows.
func noOverflowOffset(t *testing.T, name string, page, perPage int) {
	t.Helper()
	if page < 1 || perPage < 1 {
		t.Fatalf("%s: page %d, per_page %d accepted", name, page, perPage)
	}
	if page-1 > math.MaxInt64/perPage {
		t.Fatalf("%s: page %d × per_page %d overflows the offset", name, page, perPage)
	}
}

// FuzzListQuery checks the list pages' query-string parsers (projects,
// opportunities, site search, the obstacle queue) with any query string:
// no panic; a refusal is "invalid" naming only the list's own parameters;
// what is accepted is in range (pages from 1, page sizes bounded, offsets
// that do not overflow, capital bounds ordered), and the project list's
// links (URLWith) parse back to the same filter.
func FuzzListQuery(f *testing.F) {
	f.Fuzz(func(t *testing.T, query string) {
		uri := "/api/v1/projects?" + query

		pq, err := parseProjectQuery(fuzzCtx(t, uri, "", nil))
		if err != nil {
			checkInvalid(t, err, projectQueryKeys)
		} else {
			pf := pq.Filter
			noOverflowOffset(t, "projects", pf.Page, pf.PerPage)
			if pf.PerPage > project.MaxPerPage {
				t.Fatalf("projects: per_page %d accepted", pf.PerPage)
			}
			if (pf.CapitalMin != nil && *pf.CapitalMin < 0) || (pf.CapitalMax != nil && *pf.CapitalMax < 0) ||
				(pf.CapitalMin != nil && pf.CapitalMax != nil && *pf.CapitalMin > *pf.CapitalMax) {
				t.Fatalf("projects: capital bounds %v..%v accepted", pf.CapitalMin, pf.CapitalMax)
			}
			check := pf
			if err := check.Validate(); err != nil {
				t.Fatalf("projects: accepted filter fails Validate: %v", err)
			}
			link := pq.URLWith()
			back, err := parseProjectQuery(fuzzCtx(t, "/api/v1/projects"+link, "", nil))
			if err != nil {
				t.Fatalf("projects: own link %q refused: %v", link, err)
			}
			if !reflect.DeepEqual(back.Filter, pq.Filter) {
				t.Fatalf("projects: link %q parses to %+v, want %+v", link, back.Filter, pq.Filter)
			}
		}

		oq, err := parseOppQuery(fuzzCtx(t, uri, "", nil))
		if err != nil {
			checkInvalid(t, err, oppQueryKeys)
		} else {
			noOverflowOffset(t, "opportunities", oq.Page, oq.PerPage)
			if oq.PerPage > opportunity.MaxPerPage {
				t.Fatalf("opportunities: per_page %d accepted", oq.PerPage)
			}
			for _, k := range oppFacetKeys {
				for _, v := range oq.Sel[k.Param] {
					if !slices.Contains(k.Values, v) {
						t.Fatalf("opportunities: %s=%q accepted", k.Param, v)
					}
				}
			}
		}

		sq, err := parseSiteQuery(fuzzCtx(t, uri, "", nil))
		if err != nil {
			checkInvalid(t, err, siteQueryKeys)
		} else {
			noOverflowOffset(t, "search", sq.Page, sq.PerPage)
			if sq.PerPage > search.MaxPerPage {
				t.Fatalf("search: per_page %d accepted", sq.PerPage)
			}
		}

		c := fuzzCtx(t, uri, "", nil)
		qq, err := parseQueueQuery(func(k string) string { return c.Query(k) })
		if err != nil {
			checkInvalid(t, err, obstQueueKeys)
		} else if qq.Filter.Page != 0 {
			noOverflowOffset(t, "queue", qq.Filter.Page, obstacle.MaxPerPage)
		}
	})
}

// FuzzAmountForm checks the board forms' amount fields: what a form shows
// for a stored amount (amountInput) reads back as the same amount
// (parseAmount), in both currencies and for negative corrections, and the
// same for land areas (centiText, parseHectares). parseAmount never
// panics, and what it accepts has the sign that was typed.
func FuzzAmountForm(f *testing.F) {
	f.Fuzz(func(t *testing.T, amount int64, usd bool, typed string) {
		cur := money.VND
		if usd {
			cur = money.USD
		}
		// MinInt64 has no positive counterpart; stored amounts are
		// bounded far below it.
		// Amounts beyond money.Max are refused with a field error.
		if amount != math.MinInt64 {
			shown := amountInput(money.Amount{Amount: amount, Currency: cur})
			bad := apperr.Fields{}
			got := parseAmount(bad, "amount", shown, cur, true)
			if abs := max(amount, -amount); abs > money.Max(cur) {
				if got != nil || bad["amount"] == "" {
					t.Fatalf("amount %d %s over the bound shown as %q: %v (%v)", amount, cur, shown, got, bad)
				}
			} else if got == nil || *got != amount {
				t.Fatalf("amount %d %s shown as %q reads back as %v (%v)", amount, cur, shown, got, bad)
			}
		}
		if amount >= 0 { // land areas are never negative
			shown := centiText(amount)
			bad := apperr.Fields{}
			got := parseHectares(bad, "land_area", shown)
			if amount > project.MaxLandAreaCentiHa {
				if got != nil || bad["land_area"] == "" {
					t.Fatalf("area %d over the bound shown as %q: %v (%v)", amount, shown, got, bad)
				}
			} else if got == nil || *got != amount {
				t.Fatalf("area %d shown as %q reads back as %v (%v)", amount, shown, got, bad)
			}
		}
		for _, negative := range []bool{false, true} {
			bad := apperr.Fields{}
			got := parseAmount(bad, "amount", typed, cur, negative)
			if got == nil {
				checkInvalid(t, bad.Err(), []string{"amount"})
				continue
			}
			if *got < 0 && !(negative && strings.HasPrefix(typed, "-")) {
				t.Fatalf("%q read as negative %d", typed, *got)
			}
			if *got > 0 && strings.HasPrefix(typed, "-") {
				t.Fatalf("%q read as positive %d", typed, *got)
			}
		}
	})
}

// executableMagic are the first bytes of programs that must never pass as
// a document: Windows PE, ELF, scripts.
var executableMagic = [][]byte{[]byte("MZ"), []byte("\x7fELF"), []byte("#!")}

// FuzzMultipartUpload checks the upload path of obstacle filing with a
// file of any name and content, and with any multipart body: no panic; a
// refused file is "invalid" naming the file, a malformed body "invalid",
// never internal; an accepted file
// is a PDF, JPEG or PNG by content, and a program (MZ, ELF, #!) under any
// allowed name is refused.
func FuzzMultipartUpload(f *testing.F) {
	f.Fuzz(func(t *testing.T, name string, content []byte, raw []byte) {
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		_ = w.SetBoundary("fuzzboundary")
		_ = w.WriteField("title", "x")
		if fw, err := w.CreateFormFile("files", name); err == nil {
			_, _ = fw.Write(content)
		}
		_ = w.Close()
		ct := "multipart/form-data; boundary=fuzzboundary"

		for i, b := range [][]byte{body.Bytes(), raw} {
			c := fuzzCtx(t, "/api/v1/obstacles", ct, b)
			files, err := obstUploadedFiles(c, "files")
			if err != nil {
				// A body that is not multipart at all is refused as a
				// whole (no field to name), but never as internal.
				if e := apperr.As(err); e.Code != apperr.CodeInvalid {
					t.Fatalf("body %d: error is %s, want invalid: %v", i, e.Code, err)
				}
				continue
			}
			err = obstCheckUploads(files, 0)
			if err != nil {
				checkInvalid(t, err, []string{"file"})
				continue
			}
			for _, fh := range files {
				fr, err := fh.Open()
				if err != nil {
					t.Fatal(err)
				}
				var head [512]byte
				n, _ := fr.Read(head[:])
				_ = fr.Close()
				if _, ok := obstacle.SniffContentType(head[:n]); !ok {
					t.Fatalf("body %d: file %q accepted with content %q", i, fh.Filename, head[:n])
				}
				for _, m := range executableMagic {
					if bytes.HasPrefix(head[:n], m) {
						t.Fatalf("body %d: program %q accepted as %q", i, head[:n], fh.Filename)
					}
				}
			}
		}
	})
}
