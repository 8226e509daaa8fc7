package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/khanhhoa/investportal/internal/app/apptest"
)

// TestInvestorBrowsesFDIProjects: open /en/, go to the FDI projects,
// filter by a sector, open a project, switch to Vietnamese and land on the
// same project.
func TestInvestorBrowsesFDIProjects(t *testing.T) {
	b := browser(t)
	p := apptest.Start(t, apptest.Config(t, t.TempDir()))

	b.do("open home", chromedp.Navigate(p.URL+"/en/"))
	if fig := b.text(`[data-testid=figure-fdi]`); !strings.Contains(fig, "112") || !strings.Contains(fig, "US$3.9 billion") {
		t.Errorf("home FDI figure = %q", fig)
	}
	b.do("go to FDI projects",
		chromedp.Click(chromedp.CSS(`[data-testid=figure-fdi]`)),
		chromedp.WaitVisible(chromedp.CSS(`select[name=sector]`)),
	)
	if loc := b.location(); !strings.HasSuffix(loc, "/en/projects?kind=fdi") {
		t.Errorf("FDI link went to %s", loc)
	}
	b.do("filter by sector",
		chromedp.SetValue(chromedp.CSS(`select[name=sector]`), "tourism"),
		chromedp.Click(chromedp.CSS(`form.filters button[type=submit]`)),
		chromedp.WaitReady(chromedp.CSS(`select[name=sector] option[value=tourism][selected]`)),
	)
	loc := b.location()
	if !strings.Contains(loc, "kind=fdi") || !strings.Contains(loc, "sector=tourism") {
		t.Errorf("filters not kept in the URL: %s", loc)
	}
	code := b.text(`[data-testid=project-link]`)
	if !strings.HasPrefix(code, "FDI-") || !strings.Contains(b.text(`[data-testid=result-count]`), "projects found") {
		t.Fatalf("list shows %q", code)
	}
	b.do("open project",
		chromedp.Click(chromedp.CSS(`[data-testid=project-link]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=project-name]`)),
	)
	if got := b.text(`[data-testid=project-code]`); got != code {
		t.Errorf("opened %q, want %q", got, code)
	}
	b.do("switch to Vietnamese",
		chromedp.Click(chromedp.CSS(`[data-testid=lang-switch]`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang=vi] [data-testid=project-name]`)),
	)
	if got, loc := b.text(`[data-testid=project-code]`), b.location(); got != code || !strings.HasSuffix(loc, "/vi/projects/"+code) {
		t.Errorf("after switching: %s at %s; want %s", got, loc, code)
	}
	if !strings.Contains(b.text(`.menu`), "Dự án") {
		t.Error("menu is not in Vietnamese after the switch")
	}
}
