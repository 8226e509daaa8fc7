package e2e

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/khanhhoa/investportal/internal/app/apptest"
	"github.com/khanhhoa/investportal/internal/project"
)

// stageCounts reads, on the dashboard in lang, the number of projects at
// the stages labelled labels (domestic and FDI together), from the table
// behind the "projects by stage" chart.
func (b *tab) stageCounts(base, lang string, labels ...string) []int {
	b.t.Helper()
	b.do("open dashboard "+lang, chromedp.Navigate(base+"/"+lang+"/dashboard"), chromedp.WaitReady(chromedp.CSS(`figure.chart table`)))
	quoted := make([]string, len(labels))
	for i, l := range labels {
		quoted[i] = fmt.Sprintf("%q", l)
	}
	js := `(() => {
		const rows = [...document.querySelector('figure.chart table').querySelectorAll('tbody tr')];
		return [` + strings.Join(quoted, ",") + `].map(label => {
			const tr = rows.find(r => r.querySelector('th').textContent.trim() === label);
			return tr ? [...tr.querySelectorAll('td')].reduce((s, td) => s + parseInt(td.textContent.replace(/[^0-9]/g, ''), 10), 0) : 0;
		});
	})()`
	return get(b, chromedp.Evaluate[[]int](js))
}

// signIn signs in on the login page of lang, going on to next.
func (b *tab) signIn(base, lang, email, password, next string) {
	b.t.Helper()
	b.do("sign in "+lang,
		chromedp.Navigate(base+"/"+lang+"/login?next="+url.QueryEscape(next)),
		chromedp.SendKeys(chromedp.CSS(`input[name=email]`), email),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), password),
		chromedp.Click(chromedp.CSS(`[data-testid=login-submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang=`+lang+`] [data-testid=logout]`)),
	)
}

// moveStage opens the project's stage form from its page and moves it.
func (b *tab) moveStage(to project.Stage) {
	b.t.Helper()
	b.do("move stage to "+string(to),
		chromedp.Click(chromedp.CSS(`[data-testid=move-stage]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=stage-form]`)),
		chromedp.Click(chromedp.CSS(`[data-testid=stage-`+string(to)+`]`)),
		chromedp.Click(chromedp.CSS(`[data-testid=save-stage]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=flash]`)),
	)
}

// TestBoardMovesAStageInBothLanguages: board@demo.local signs in in
// English, moves a licensed project to site clearance and sees the move in
// the project's history and in the dashboard's count by stage; then signs
// in in Vietnamese, sees the same history in Vietnamese, moves the project
// on to construction and sees the Vietnamese dashboard follow.
func TestBoardMovesAStageInBothLanguages(t *testing.T) {
	start := time.Now()
	b := browser(t)
	p := apptest.Start(t, apptest.Config(t, t.TempDir()))
	t.Logf("browser and portal started in %v", time.Since(start).Round(100*time.Millisecond))
	f := project.Filter{Stage: project.Licensed}
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	page, err := p.Projects.List(context.Background(), f)
	if err != nil || len(page.Items) == 0 {
		t.Fatalf("no licensed demo project: %v", err)
	}
	code := page.Items[0].Code
	const board = "board@demo.local"

	b.signIn(p.URL, "en", board, "demo-password-1", "/dashboard")
	before := b.stageCounts(p.URL, "en", "Licensed", "Site clearance")
	b.do("open project", chromedp.Navigate(p.URL+"/en/projects/"+code), chromedp.WaitVisible(chromedp.CSS(`[data-testid=project-name]`)))
	b.moveStage(project.SiteClearance)
	if loc := b.location(); !strings.HasSuffix(loc, "/en/projects/"+code) {
		t.Errorf("after the move: %s", loc)
	}
	if got := b.text(`[data-testid=project-stage]`); got != "Site clearance" {
		t.Errorf("stage shown %q", got)
	}
	entry := b.text(`[data-testid=history-entry]`)
	for _, want := range []string{"Stage moved", "Stage: Licensed → Site clearance", "Cán bộ Trung tâm Xúc tiến đầu tư (demo)"} {
		if !strings.Contains(entry, want) {
			t.Errorf("history entry %q lacks %q", entry, want)
		}
	}
	if after := b.stageCounts(p.URL, "en", "Licensed", "Site clearance"); after[0] != before[0]-1 || after[1] != before[1]+1 {
		t.Errorf("dashboard (licensed, site clearance): %v → %v", before, after)
	}

	b.do("sign out", chromedp.Click(chromedp.CSS(`[data-testid=logout]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid=login-link]`)))
	b.signIn(p.URL, "vi", board, "demo-password-1", "/projects/"+code)
	if got := b.text(`[data-testid=project-stage]`); got != "Giải phóng mặt bằng" {
		t.Errorf("vi stage shown %q", got)
	}
	entry = b.text(`[data-testid=history-entry]`)
	if !strings.Contains(entry, "Chuyển giai đoạn") || !strings.Contains(entry, "Giai đoạn: Đã cấp phép → Giải phóng mặt bằng") {
		t.Errorf("vi history entry %q", entry)
	}
	before = b.stageCounts(p.URL, "vi", "Giải phóng mặt bằng", "Đang xây dựng")
	b.do("open project vi", chromedp.Navigate(p.URL+"/vi/projects/"+code), chromedp.WaitVisible(chromedp.CSS(`[data-testid=project-name]`)))
	b.moveStage(project.Construction)
	if got := b.text(`[data-testid=history-entry]`); !strings.Contains(got, "Giai đoạn: Giải phóng mặt bằng → Đang xây dựng") {
		t.Errorf("vi history after the second move: %q", got)
	}
	if after := b.stageCounts(p.URL, "vi", "Giải phóng mặt bằng", "Đang xây dựng"); after[0] != before[0]-1 || after[1] != before[1]+1 {
		t.Errorf("vi dashboard (site clearance, construction): %v → %v", before, after)
	}
	t.Logf("journey took %v", time.Since(start).Round(100*time.Millisecond))
}
