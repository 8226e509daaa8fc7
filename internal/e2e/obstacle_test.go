package e2e

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/khanhhoa/investportal/internal/app/apptest"
	"github.com/khanhhoa/investportal/internal/obstacle"
)

// TestBusinessFilesAndTaskForceAnswers: a business files an obstacle in
// Vietnamese and tracks it; a task-force officer, in English, accepts it,
// assigns it, starts work and asks a question; the business sees the
// change on its tracking page and answers.
func TestBusinessFilesAndTaskForceAnswers(t *testing.T) {
	b := browser(t)
	p := apptest.Start(t, apptest.Config(t, t.TempDir()))
	nine := "420765432"
	d, ok := obstacle.TaxCheckDigit(nine)
	if !ok {
		t.Fatal("no check digit")
	}
	val := func(sel, v string) chromedp.Action[chromedp.Void] { return chromedp.SetValue(chromedp.CSS(sel), v) }

	b.do("file in Vietnamese",
		chromedp.Navigate(p.URL+"/vi/"),
		chromedp.Click(chromedp.CSS(`.menu a[href="/vi/obstacles/new"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=obstacle-form]`)),
		val(`input[name=business_name]`, "Công ty TNHH Hải Sản Vạn Ninh"),
		val(`input[name=tax_code]`, fmt.Sprintf("%s%d", nine, d)),
		val(`input[name=contact_person]`, "Đỗ Văn Hải"),
		val(`input[name=email]`, "hai@vanninh.example"),
		val(`input[name=phone]`, "0258 3822 123"),
		val(`select[name=category]`, "infrastructure"),
		val(`input[name=title]`, "Đường vào khu nuôi trồng chưa được đầu tư"),
		val(`textarea[name=description]`, "Tuyến đường dẫn vào khu nuôi trồng thủy sản dài 1,2 km chưa được đầu tư, xe tải không vào được."),
		chromedp.Click(chromedp.CSS(`[data-testid=obstacle-submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=tracking-code]`)),
	)
	code, key := b.text(`[data-testid=tracking-code]`), b.text(`[data-testid=access-key]`)
	if !strings.HasPrefix(code, "VM-") || len(key) != 29 {
		t.Fatalf("confirmation shows %q / %q", code, key)
	}
	if !strings.Contains(b.text(`[data-testid=key-once]`), "chỉ hiển thị một lần") && !strings.Contains(b.text(`[data-testid=key-once]`), "một lần") {
		t.Errorf("no warning that the key is shown once: %q", b.text(`[data-testid=key-once]`))
	}
	b.do("track it",
		chromedp.Click(chromedp.CSS(`[data-testid=go-track]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=track-form]`)),
		val(`input[name=tracking_code]`, code),
		val(`input[name=access_key]`, key),
		chromedp.Click(chromedp.CSS(`[data-testid=track-submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=track-status]`)),
	)
	if got := b.text(`[data-testid=track-status]`); got != "Đã gửi" {
		t.Errorf("status %q, want Đã gửi", got)
	}
	if loc := b.location(); strings.Contains(loc, url.QueryEscape(key)) || strings.Contains(loc, key) {
		t.Errorf("the access key is in the address: %s", loc)
	}

	// The officer works in a separate browser profile (no shared cookies).
	o := b.isolated()
	o.do("sign in in English",
		chromedp.Navigate(p.URL+"/en/login?next=/staff/obstacles"),
		val(`input[name=email]`, "taskforce@demo.local"),
		val(`input[name=password]`, "demo-password-1"),
		chromedp.Click(chromedp.CSS(`[data-testid=login-submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=queue-filters]`)),
		chromedp.Navigate(p.URL+"/en/staff/obstacles?q="+code),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=queue-link]`)),
		chromedp.Click(chromedp.CSS(`[data-testid=queue-link]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=action-accept]`)),
	)
	if got := o.text(`[data-testid=detail-business]`); got != "Công ty TNHH Hải Sản Vạn Ninh" {
		t.Errorf("officer sees business %q", got)
	}
	o.do("accept and assign",
		chromedp.Click(chromedp.CSS(`[data-testid=action-accept]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=assign-agency]`)),
		val(`[data-testid=assign-agency]`, "construction"),
		chromedp.Click(chromedp.CSS(`[data-testid=action-assign]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=action-start]`)),
	)
	if got := o.text(`[data-testid=detail-status]`); got != "Assigned" {
		t.Errorf("officer sees status %q", got)
	}
	if got := o.text(`[data-testid=detail-agency]`); got != "Department of Construction" {
		t.Errorf("lead agency %q", got)
	}
	b.do("the business sees the assignment",
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=track-status]`)),
	)
	if got := b.text(`[data-testid=track-status]`); got != "Đã giao xử lý" {
		t.Errorf("business sees %q, want Đã giao xử lý", got)
	}
	if dl := b.text(`[data-testid=track-deadline]`); !strings.Contains(dl, "ngày làm việc") {
		t.Errorf("no deadline in working days: %q", dl)
	}
	o.do("start and ask a question",
		chromedp.Click(chromedp.CSS(`[data-testid=action-start]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=note-ask]`)),
		val(`[data-testid=note-ask]`, "Please send the map of the road section concerned."),
		chromedp.Click(chromedp.CSS(`[data-testid=action-ask]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=action-resume]`)),
	)
	b.do("the business answers",
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=answer-form]`)),
	)
	if tl := b.text(`[data-testid=track-timeline]`); !strings.Contains(tl, "Please send the map") {
		t.Errorf("the question is not on the timeline: %q", tl)
	}
	b.do("answer",
		val(`[data-testid=answer-form] textarea[name=note]`, "Bản đồ đoạn tuyến đã gửi qua thư điện tử ngày hôm nay."),
		chromedp.Click(chromedp.CSS(`[data-testid=answer-submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=flash]`)),
	)
	if got := b.text(`[data-testid=track-status]`); got != "Đang xử lý" {
		t.Errorf("after answering: %q", got)
	}
	o.do("the officer sees the answer",
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=detail-timeline]`)),
	)
	if tl := o.text(`[data-testid=detail-timeline]`); !strings.Contains(tl, "Bản đồ đoạn tuyến") {
		t.Errorf("officer timeline lacks the answer: %q", tl)
	}
}

// isolated opens a tab in a new browser context of the same browser: its
// own cookies, as a second person on another computer.
func (b *tab) isolated() *tab {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	b.t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		b.t.Fatalf("new browser context: %v", err)
	}
	return &tab{t: b.t, ctx: ctx}
}
