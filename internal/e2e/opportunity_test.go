package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/khanhhoa/investportal/internal/app/apptest"
)

// TestInvestorFindsAnOpportunityAndEnquires: in English, search for
// "wind power van phong" without diacritics, narrow by a facet, open the
// opportunity, send an enquiry and see the confirmation; the investor's
// acknowledgement is in the outbox, in the language chosen.
func TestInvestorFindsAnOpportunityAndEnquires(t *testing.T) {
	b := browser(t)
	p := apptest.Start(t, apptest.Config(t, t.TempDir()))
	waitIndexed(t, p)

	b.do("search the catalogue",
		chromedp.Navigate(p.URL+"/en/opportunities"),
		chromedp.SendKeys(chromedp.CSS(`[data-testid=opp-q]`), "wind power van phong"),
		chromedp.Click(chromedp.CSS(`[data-testid=opp-search-submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=facet-sector-energy]`)),
	)
	if loc := b.location(); !strings.Contains(loc, "q=wind+power+van+phong") {
		t.Errorf("the query is not in the URL: %s", loc)
	}
	if first := b.text(`[data-testid=opp-link]`); !strings.Contains(first, "wind") {
		t.Errorf("first hit %q", first)
	}
	b.do("narrow to energy",
		chromedp.Click(chromedp.CSS(`[data-testid=facet-sector-energy]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=facet-sector-energy][aria-current]`)),
	)
	if loc := b.location(); !strings.Contains(loc, "sector=energy") || !strings.Contains(loc, "q=wind") {
		t.Errorf("facet not kept in the URL: %s", loc)
	}
	b.do("open the opportunity",
		chromedp.Click(chromedp.CSS(`[data-testid=opp-link]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=opp-title]`)),
	)
	if code := b.text(`[data-testid=opp-code]`); code != "OPP-VP-005" {
		t.Errorf("opened %q", code)
	}
	b.do("send an enquiry",
		chromedp.SendKeys(chromedp.CSS(`[data-testid=enquiry-name]`), "Hanna Berg"),
		chromedp.SendKeys(chromedp.CSS(`[data-testid=enquiry-organisation]`), "Nordvind AS"),
		chromedp.SetValue(chromedp.CSS(`[data-testid=enquiry-country]`), "SG"),
		chromedp.SendKeys(chromedp.CSS(`[data-testid=enquiry-email]`), "hanna@nordvind.example"),
		chromedp.SendKeys(chromedp.CSS(`[data-testid=enquiry-message]`), "Could we see the wind measurements for the site?"),
		chromedp.Click(chromedp.CSS(`[data-testid=enquiry-lang-en]`)),
		chromedp.Click(chromedp.CSS(`[data-testid=enquiry-submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=enquiry-sent]`)),
	)
	if got := b.text(`[data-testid=enquiry-sent]`); !strings.Contains(got, "Thank you") {
		t.Errorf("confirmation %q", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	mails, err := p.Mail.To(ctx, "hanna@nordvind.example")
	if err != nil || len(mails) != 1 || !strings.Contains(mails[0].Subject, "OPP-VP-005") || mails[0].Lang != "en" {
		t.Errorf("acknowledgement: %+v %v", mails, err)
	}
}

// waitIndexed waits until the indexer started by the portal has indexed
// the demo data.
func waitIndexed(t *testing.T, p *apptest.Portal) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if st, ok, err := p.Indexer.Status(ctx); err == nil && ok && st.Pending == 0 && st.LastError == "" && !st.LastSuccessAt.IsZero() {
			if n, err := p.Search.Count(ctx); err == nil && n > 0 {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("the search index did not catch up within 60 s")
}
