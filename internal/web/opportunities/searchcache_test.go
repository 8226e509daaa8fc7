package opportunities_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/record"
)

// TestSearchPageFollowsTheIndex: an anonymous visitor's site-search page is
// sent as it was rendered while the engine answers the same (the same
// bytes), shows an opportunity's new title as soon as the index holds it,
// and a signed-in user's page is never one kept for visitors.
func TestSearchPageFollowsTheIndex(t *testing.T) {
	e := newOppEnv(t)
	ctx := context.Background()
	list, err := e.opps.List(ctx, opportunity.Filter{PerPage: 1})
	if err != nil || len(list.Items) == 0 {
		t.Fatalf("no opportunity: %v", err)
	}
	o := list.Items[0]
	path := "/en/search?q=" + url.QueryEscape(o.Code)

	first := e.Get(path)
	second := e.Get(path)
	if first.Status != 200 || second.Status != 200 {
		t.Fatalf("search page: %d, %d", first.Status, second.Status)
	}
	if first.Body != second.Body || !strings.Contains(first.Body, o.Code) {
		t.Fatalf("the same answer must give the same page holding %s", o.Code)
	}
	if got := second.Header.Get("Content-Type"); !strings.HasPrefix(got, "text/html") {
		t.Fatalf("content type of a kept page: %q", got)
	}

	title := project.Text{VI: o.Title.VI, EN: "Zebrawood Marina " + o.Title.EN}
	if _, err := e.opps.Update(ctx, o.Code, o.Version, opportunity.Changes{Title: &title},
		record.Actor{ID: "u-board", Role: "board"}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	after := e.Get(path)
	if after.Status != 200 || !strings.Contains(after.Body, "Zebrawood Marina") {
		t.Fatalf("the page must show the title the index now holds: %d", after.Status)
	}

	staff := e.As(account.RoleBoard).Get(path)
	if staff.Status != 200 || !strings.Contains(staff.Body, `data-testid="logout"`) || staff.Body == after.Body {
		t.Fatalf("a signed-in user's page must be their own: %d", staff.Status)
	}
}
