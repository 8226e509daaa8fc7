package opportunity

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/khanhhoa/investportal/internal/mongodb"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/record"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/event"
)

// TestReadsByIDOnTheEmbeddedDatabase: once the catalogue is loaded, the
// reads and writes of one opportunity, a list page, a page of search hits
// and a project's opportunities select documents by _id alone, the only
// filter FerretDB does not answer by decoding every document.
func TestReadsByIDOnTheEmbeddedDatabase(t *testing.T) {
	ctx := context.Background()
	var (
		mu       sync.Mutex
		filters  []string
		watching bool
	)
	monitor := &event.CommandMonitor{Started: func(_ context.Context, e *event.CommandStartedEvent) {
		if e.CommandName != "find" && e.CommandName != "update" && e.CommandName != "aggregate" && e.CommandName != "count" {
			return
		}
		if coll, _ := e.Command.Lookup(e.CommandName).StringValueOK(); coll != CollOpportunities {
			return
		}
		var f bson.Raw
		switch e.CommandName {
		case "find":
			f, _ = e.Command.Lookup("filter").DocumentOK()
		case "update":
			f, _ = e.Command.Lookup("updates", "0", "q").DocumentOK()
		default:
			f = e.Command
		}
		elems, _ := f.Elements()
		keys := make([]string, len(elems))
		for i, el := range elems {
			keys[i] = el.Key()
		}
		mu.Lock()
		if watching {
			filters = append(filters, e.CommandName+" {"+strings.Join(keys, ",")+"}")
		}
		mu.Unlock()
	}}
	db := mongotest.MonitoredDB(t, mongotest.MustOpenDB(t), monitor)
	mongodb.SetFeatures(db.Client(), mongodb.Features{Embedded: true})
	s := NewStore(db)
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"OPP-VP-001", "OPP-VP-002", "OPP-VP-003"} {
		o := sample(code)
		if err := s.Create(ctx, &o); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Facets(ctx, Filter{}); err != nil { // loads the catalogue
		t.Fatal(err)
	}
	mu.Lock()
	watching = true
	mu.Unlock()

	o, err := s.Get(ctx, "OPP-VP-002")
	if err != nil || o.Code != "OPP-VP-002" {
		t.Fatalf("Get: %+v %v", o, err)
	}
	title := o.Title
	title.EN = "Renamed"
	if _, err := s.Update(ctx, "OPP-VP-002", o.Version, Changes{Title: &title}, by("staff@board"), ""); err != nil {
		t.Fatalf("Update: %v", err)
	}
	if _, err := s.LinkProject(ctx, "OPP-VP-003", "DA-0001", by("staff@board")); err != nil {
		t.Fatalf("LinkProject: %v", err)
	}
	page, err := s.List(ctx, Filter{Sort: SortCode, PerPage: 2})
	if err != nil || page.Total != 3 || len(page.Items) != 2 || page.Items[0].Code != "OPP-VP-001" || page.Items[1].Code != "OPP-VP-002" {
		t.Fatalf("List: %+v %v", page, err)
	}
	if page.Items[1].Title.EN != "Renamed" {
		t.Errorf("the list does not show this process's write: %q", page.Items[1].Title.EN)
	}
	hits, err := s.ByCodes(ctx, []string{"OPP-VP-003", "OPP-VP-999", "OPP-VP-001"})
	if err != nil || len(hits) != 2 || hits["OPP-VP-003"] == nil || hits["OPP-VP-001"] == nil {
		t.Fatalf("ByCodes: %v %v", hits, err)
	}
	linked, err := s.ByProject(ctx, "DA-0001")
	if err != nil || len(linked) != 1 || linked[0].Code != "OPP-VP-003" {
		t.Fatalf("ByProject: %+v %v", linked, err)
	}
	if _, err := s.Get(ctx, "OPP-VP-999"); err == nil {
		t.Error("Get of an unknown code found something")
	}
	// The indexer's marks: a stale version stays pending, the stored one
	// is cleared.
	if err := s.MarkIndexed(ctx, record.Indexed{ID: "OPP-VP-002", Version: 1}, record.Indexed{ID: "OPP-VP-001", Version: 1}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	watching = false
	mu.Unlock()
	pending, err := s.PendingIndex(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, p := range pending {
		codes = append(codes, p.Code)
	}
	slices.Sort(codes)
	if !slices.Equal(codes, []string{"OPP-VP-002", "OPP-VP-003"}) {
		t.Errorf("pending after marking OPP-VP-001 v1 and OPP-VP-002 v1 (stored v2): %v", codes)
	}

	mu.Lock()
	defer mu.Unlock()
	for _, f := range filters {
		if f != "find {_id}" && f != "update {_id}" {
			t.Errorf("a command on %s selects by more than _id: %s", CollOpportunities, f)
		}
	}
	if !slices.Contains(filters, "update {_id}") {
		t.Errorf("no update seen: %v", filters)
	}
}
