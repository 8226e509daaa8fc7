package obstacles_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
)

// An obstacle assigned before the 2025 mergers names its former agency as
// former, with today's successor, in both languages (English without
// diacritics), in the lead field and on the timeline; the assignment
// form offers only today's agencies.
func TestFormerAgencyShownAsFormer(t *testing.T) {
	t.Parallel()
	e := sitetest.NewObstacles(t, false)
	f := fileOne(t, e, "Công ty Lịch Sử", "vi")
	ctx := context.Background()
	o, err := e.Obstacles.GetByTracking(ctx, f.TrackingCode, f.AccessKey)
	if err != nil {
		t.Fatal(err)
	}
	tf := obstacle.Actor{ID: "u-tf", Role: obstacle.RoleTaskforce}
	at := time.Now()
	if o, err = e.Obstacles.Apply(ctx, o.ID, o.Version, obstacle.ActAccept, obstacle.Input{}, tf, at); err != nil {
		t.Fatal(err)
	}
	if _, err = e.Obstacles.Apply(ctx, o.ID, o.Version, obstacle.ActAssign, obstacle.Input{LeadAgency: account.PlanningAndInvestment, CoordinatingAgencies: []string{account.Labour}}, tf, at); err != nil {
		t.Fatal(err)
	}
	c := e.As(account.RoleTaskForce)
	for lang, want := range map[string][]string{
		"vi": {"Sở Kế hoạch và Đầu tư (cũ, nay là Sở Tài chính)", "Sở Lao động - Thương binh và Xã hội (cũ, nay là Sở Nội vụ, "},
		"en": {"Department of Planning and Investment (former; now Department of Finance)", "Department of Labour, Invalids and Social Affairs (former; now Department of Home Affairs, "},
	} {
		d := c.Get("/" + lang + "/staff/obstacles/" + o.ID).Doc(t)
		if got := strings.TrimSpace(d.Find("[data-testid=detail-agency]").Text()); got != want[0] {
			t.Errorf("%s: lead %q, want %q", lang, got, want[0])
		}
		if tl := d.Find("[data-testid=detail-timeline]").Text(); !strings.Contains(tl, want[0]) {
			t.Errorf("%s: timeline lacks %q", lang, want[0])
		}
		if main := d.Find("main").Text(); !strings.Contains(main, want[1]) {
			t.Errorf("%s: coordinating agency not shown as former (%q)", lang, want[1])
		}
		opts := d.Find("[data-testid=assign-agency] option")
		if opts.Length() == 0 {
			t.Fatalf("%s: no assignment form", lang)
		}
		opts.Each(func(_ int, s *goquery.Selection) {
			if v, _ := s.Attr("value"); v == account.PlanningAndInvestment || v == account.Labour {
				t.Errorf("%s: the form offers the former agency %s", lang, v)
			}
		})
	}
}
