package web_test

// Fuzz targets for the core's input parsing: the JSON decoder of the write
// API and the project list's query string. The areas have their own
// (board: FuzzAmountForm; obstacles: FuzzListQuery, FuzzMultipartUpload;
// opportunities: FuzzListQuery). Seed corpora are in testdata/fuzz/<name>/;
// run one with
//
//	go test ./internal/web -run '^$' -fuzz '^FuzzDecodeJSON$' -fuzztime 60s

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/web"
	boardweb "github.com/khanhhoa/investportal/internal/web/board"
	"github.com/khanhhoa/investportal/internal/web/obstacles"
	"github.com/khanhhoa/investportal/internal/web/opportunities"
	"github.com/khanhhoa/investportal/internal/web/webtest"
)

// writeBodies are the request types of the write API, as web.DecodeJSON fills
// them.
var writeBodies = []func() any{
	func() any { return new(boardweb.ProjectInput) },          // POST /projects
	func() any { return new(boardweb.ProjectPatch) },          // PATCH /projects/{code}
	func() any { return new(boardweb.DisbursementInput) },     // POST /projects/{code}/disbursements
	func() any { return new(opportunity.Opportunity) },        // POST /opportunities
	func() any { return new(opportunities.OpportunityPatch) }, // PATCH /opportunities/{code}
	func() any { return new(opportunities.EnquiryInput) },     // POST /opportunities/{code}/enquiries
	func() any { return new(obstacles.ObstacleSubmission) },   // POST /obstacles (JSON)
	func() any { return new(obstacles.TransitionRequest) },    // POST /obstacles/{id}/transitions
	func() any { return new(obstacles.FilerActionRequest) },   // POST /obstacles/track/{code}/actions
}

// FuzzDecodeJSON checks the write API's JSON decoding with each request
// type: it never panics; a refusal is always "invalid" naming a field with
// a message in both languages, never an internal error; what it accepts is
// exactly one JSON value, and survives encoding and decoding again
// unchanged.
func FuzzDecodeJSON(f *testing.F) {
	f.Fuzz(func(t *testing.T, kind uint8, body []byte) {
		v := writeBodies[int(kind)%len(writeBodies)]()
		err := web.DecodeJSON(webtest.Ctx(t, "/api/v1/x", fiber.MIMEApplicationJSON, body), v)
		if err != nil {
			webtest.CheckInvalid(t, err, nil)
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
		if err := web.DecodeJSON(webtest.Ctx(t, "/api/v1/x", fiber.MIMEApplicationJSON, once), again); err != nil {
			t.Fatalf("own encoding %s refused: %v", once, err)
		}
		twice, _ := json.Marshal(again)
		if !bytes.Equal(once, twice) {
			t.Fatalf("round trip changed the value:\n%s\n%s", once, twice)
		}
	})
}

// FuzzListQuery checks the project list's query-string parser with any
// query string (the opportunities and obstacles packages have their own
// FuzzListQuery for their lists, on the same corpus):
// no panic; a refusal is "invalid" naming only the list's own parameters;
// what is accepted is in range (pages from 1, page sizes bounded, offsets
// that do not overflow, capital bounds ordered), and the project list's
// links (URLWith) parse back to the same filter.
func FuzzListQuery(f *testing.F) {
	f.Fuzz(func(t *testing.T, query string) {
		uri := "/api/v1/projects?" + query

		pq, err := web.ParseProjectQuery(webtest.Ctx(t, uri, "", nil))
		if err != nil {
			webtest.CheckInvalid(t, err, web.ProjectQueryKeys)
		} else {
			pf := pq.Filter
			webtest.NoOverflowOffset(t, "projects", pf.Page, pf.PerPage)
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
			back, err := web.ParseProjectQuery(webtest.Ctx(t, "/api/v1/projects"+link, "", nil))
			if err != nil {
				t.Fatalf("projects: own link %q refused: %v", link, err)
			}
			if !reflect.DeepEqual(back.Filter, pq.Filter) {
				t.Fatalf("projects: link %q parses to %+v, want %+v", link, back.Filter, pq.Filter)
			}
		}

	})
}
