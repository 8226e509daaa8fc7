package admin_test

import (
	"context"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
)

// TestUserListNamesAgenciesAndCountsInPlural checks the user list shows an
// agency officer's agency by its name in the page's language, never the
// raw code, and counts users with the language's plural forms.
func TestUserListNamesAgenciesAndCountsInPlural(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	admin := e.As(account.RoleAdmin)
	officer := e.Users[account.RoleAgency]
	ag, err := e.Accounts.GetAgency(context.Background(), officer.AgencyID)
	if err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]string{"vi": ag.Name.VI, "en": ag.Name.EN} {
		d := admin.Get("/" + lang + "/admin/users?role=agency").Doc(t)
		var shown []string
		d.Find("[data-testid=user-agency]").Each(func(_ int, s *goquery.Selection) { shown = append(shown, s.Text()) })
		found := false
		for _, s := range shown {
			if s == officer.AgencyID {
				t.Errorf("%s: raw agency code %q shown", lang, s)
			}
			if s == want {
				found = true
			}
		}
		if want == "" || !found {
			t.Errorf("%s: agency %q not among %q", lang, want, shown)
		}
		one := admin.Get("/" + lang + "/admin/users?q=" + officer.Email).Doc(t)
		if got, want := sitetest.Text(one, "p.count"), e.Bundle.For(lang).T("admin.users.count", "N", "1", "Count", 1); got != want {
			t.Errorf("%s: one user counted as %q, want %q", lang, got, want)
		}
	}
	if got := e.Bundle.For("en").T("admin.users.count", "N", "1", "Count", 1); got != "1 user" {
		t.Errorf("en one: %q", got)
	}
	if got := e.Bundle.For("en").T("admin.users.count", "N", "2", "Count", int64(2)); got != "2 users" {
		t.Errorf("en two: %q", got)
	}
}
