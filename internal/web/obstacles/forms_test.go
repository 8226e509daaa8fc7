package obstacles_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
)

// TestFilingSaysWhatHappened checks the filing form's honest messages: a
// wrong check digit is named as such, a refused submit asks for its files
// again beside the file field, and the receipt says the e-mail is queued
// when no mail server is configured; the tracking code has one name on
// the form, the receipt and in the e-mail.
func TestFilingSaysWhatHappened(t *testing.T) {
	t.Parallel()
	e := sitetest.NewObstacles(t, false)
	for _, lang := range i18n.Languages {
		t.Run(lang, func(t *testing.T) {
			l := e.Bundle.For(lang)
			c := e.Anonymous()
			d := c.Get("/" + lang + "/obstacles/new").Doc(t)
			for name, auto := range map[string]string{"business_name": "organization", "contact_person": "name", "email": "email", "phone": "tel"} {
				in := d.Find(fmt.Sprintf("[data-testid=obstacle-form] [name=%s]", name))
				_, req := in.Attr("required")
				if in.AttrOr("autocomplete", "") != auto || !req || in.AttrOr("aria-required", "") != "true" || !strings.Contains(in.ParentFiltered("label").Text(), "*") {
					t.Errorf("%s: autocomplete %q, required %v", name, in.AttrOr("autocomplete", ""), req)
				}
			}
			token := d.Find(`input[name=form_token]`).AttrOr("value", "")
			csrf := d.Find(`input[name=_csrf]`).First().AttrOr("value", "")
			business := "Công ty Trung Thực " + lang
			send := func(tax string, files []sitetest.Upload) sitetest.Response {
				form := sitetest.FilingForm(t, lang, business)
				form["_csrf"], form["form_token"], form["email"] = csrf, token, "trungthuc-"+lang+"@example.com"
				if tax != "" {
					form["tax_code"] = tax
				}
				return c.SendMultipart(e.Srv, "/"+lang+"/obstacles/new", form, files)
			}
			good := sitetest.FilingForm(t, lang, business)["tax_code"]
			wrongCheck := good[:9] + fmt.Sprint((int(good[9]-'0')+1)%10)
			for tax, want := range map[string]string{wrongCheck: "obstacle.error.tax_code_check", good[:9]: "obstacle.error.tax_code", good[:8] + "x" + good[9:]: "obstacle.error.tax_code"} {
				r := send(tax, []sitetest.Upload{{Name: "ban-do.pdf", Data: sitetest.PDFFile}})
				d := r.Doc(t)
				if got := sitetest.Text(d, "#err-tax_code"); r.Status != 400 || got != l.T(want) || d.Find(`input[name=tax_code]`).AttrOr("aria-describedby", "") != "tax-hint err-tax_code" {
					t.Errorf("tax code %s: %d %q, want %q", tax, r.Status, got, l.T(want))
				}
				// The chosen file is named beside the file field, with
				// the plea to attach it again, and tied to the field.
				dropped := d.Find(`[data-testid=obstacle-form] #files-dropped`)
				if !strings.Contains(dropped.Text(), "ban-do.pdf") || !strings.Contains(dropped.Text(), l.T("obstweb.new.files_dropped", "Count", 1)) {
					t.Errorf("tax code %s: dropped file not named: %q", tax, dropped.Text())
				}
				if by := d.Find(`input[type=file][name=files]`).AttrOr("aria-describedby", ""); !strings.Contains(by, "files-dropped") {
					t.Errorf("file input described by %q", by)
				}
			}
			if e.CountByBusiness(business) != 0 {
				t.Fatal("a refused filing was stored")
			}
			// Without files nothing is said about files.
			if d := send(wrongCheck, nil).Doc(t); d.Find("#files-dropped").Length() != 0 {
				t.Error("files-dropped shown although no file was chosen")
			}

			r := send("", []sitetest.Upload{{Name: "ban-do.pdf", Data: sitetest.PDFFile}})
			if r.Status != 200 {
				t.Fatalf("file: %d %s", r.Status, sitetest.Text(r.Doc(t), "main"))
			}
			d = r.Doc(t)
			state := d.Find("[data-testid=mail-state]")
			if state.AttrOr("data-state", "") != "queued" || strings.TrimSpace(state.Text()) != l.T("obstweb.filed.queued", "Email", "trungthuc-"+lang+"@example.com") {
				t.Errorf("receipt mail state %q: %q", state.AttrOr("data-state", ""), state.Text())
			}
			if strings.Contains(d.Find("main").Text(), l.T("obstweb.filed.emailed", "Email", "trungthuc-"+lang+"@example.com")) {
				t.Error("the receipt claims an e-mail was sent while it sits in the outbox")
			}
			// One name for the tracking code and the access key.
			code := l.T("obstacle.field.tracking_code")
			key := l.T("obstacle.field.access_key")
			if !strings.Contains(d.Find("dl.facts").Text(), code) || !strings.Contains(d.Find("dl.facts").Text(), key) {
				t.Errorf("receipt does not name %q and %q", code, key)
			}
			msgs, _ := e.Mail.To(context.Background(), "trungthuc-"+lang+"@example.com")
			if len(msgs) != 1 || !strings.Contains(msgs[0].Body, code+":") || !strings.Contains(strings.ToLower(msgs[0].Body), strings.ToLower(key)) {
				t.Errorf("e-mail does not name %q and %q: %d messages", code, key, len(msgs))
			}
			track := e.Anonymous().Get("/" + lang + "/obstacles/track").Doc(t)
			if got := strings.TrimSpace(track.Find(`label:has(input[name=tracking_code])`).Text()); got != code {
				t.Errorf("tracking form label %q, want %q", got, code)
			}
			for _, id := range []string{"obstweb.new.lead", "obstweb.track.lead", "obstweb.mail.track", "obstacle.access_key.once", "obstacle.error.not_found", "obstweb.filed.queued"} {
				if !strings.Contains(strings.ToLower(l.T(id)), strings.ToLower(code)) {
					t.Errorf("%s calls the tracking code otherwise: %q", id, l.T(id))
				}
			}
		})
	}
	if m := e.Bundle.Missing(); len(m) > 0 {
		t.Errorf("missing messages: %v", m)
	}
}

// TestTrackingRatingAndDeadline follows a report on the tracking page: the
// first timeline entry is just "Submitted", the deadline shows the full
// working days on assignment day and no countdown once closed, and the
// rating is a labelled radio group with no default.
func TestTrackingRatingAndDeadline(t *testing.T) {
	t.Parallel()
	e := sitetest.NewObstacles(t, false)
	for _, lang := range i18n.Languages {
		t.Run(lang, func(t *testing.T) {
			l := e.Bundle.For(lang)
			ctx := context.Background()
			f := fileOne(t, e, "Công ty Đánh Giá "+lang, lang)
			o, err := e.Obstacles.GetByTracking(ctx, f.TrackingCode, f.AccessKey)
			if err != nil {
				t.Fatal(err)
			}
			biz := e.Anonymous()
			bt := biz.CSRF()
			if r := biz.Send(http.MethodPost, "/"+lang+"/obstacles/track", url.Values{"_csrf": {bt}, "tracking_code": {f.TrackingCode}, "access_key": {f.AccessKey}}); r.Status != 303 {
				t.Fatalf("lookup: %d", r.Status)
			}
			d := biz.Get("/" + lang + "/obstacles/track").Doc(t)
			first := strings.TrimSpace(d.Find("[data-testid=track-timeline] li").First().Text())
			if strings.Contains(first, "→") || !strings.Contains(first, l.T("obstacle.action.submit")) {
				t.Errorf("first timeline entry %q", first)
			}

			tf := obstacle.Actor{ID: "tf", Role: obstacle.RoleTaskforce}
			ag := obstacle.Actor{ID: "ag", Role: obstacle.RoleAgency, Agency: "planning_investment"}
			now := time.Now()
			step := func(a obstacle.Action, in obstacle.Input, actor obstacle.Actor) {
				t.Helper()
				cur, _ := e.Obstacles.Get(ctx, o.ID)
				if o, err = e.Obstacles.Apply(ctx, o.ID, cur.Version, a, in, actor, now); err != nil {
					t.Fatalf("%s: %v", a, err)
				}
			}
			step(obstacle.ActAccept, obstacle.Input{}, tf)
			step(obstacle.ActAssign, obstacle.Input{LeadAgency: "planning_investment"}, tf)
			days := obstacle.DefaultWorkingDays(o.Category)
			d = biz.Get("/" + lang + "/obstacles/track").Doc(t)
			if got, want := sitetest.Text(d, "[data-testid=track-deadline] [data-testid=days-left]"), l.T("obstweb.deadline.days_left", "Count", days); got != want {
				t.Errorf("on assignment day: %q, want %q", got, want)
			}
			if sitetest.Text(d, "[data-testid=track-timeline] li:nth-child(2)") == "" || !strings.Contains(sitetest.Text(d, "[data-testid=track-timeline]"), "→") {
				t.Error("a later step does not name its new status")
			}
			step(obstacle.ActStart, obstacle.Input{}, ag)
			step(obstacle.ActResolve, obstacle.Input{Resolution: "Đã bàn giao mặt bằng."}, ag)

			d = biz.Get("/" + lang + "/obstacles/track").Doc(t)
			fs := d.Find("[data-testid=confirm-form] fieldset[data-testid=rating]")
			if got := strings.TrimSpace(fs.Find("legend").Text()); !strings.HasPrefix(got, l.T("obstweb.rating.legend")) {
				t.Errorf("rating legend %q", got)
			}
			radios := fs.Find("label > input[type=radio][name=rating]")
			if radios.Length() != 5 || fs.Find("input[checked]").Length() != 0 || d.Find("[data-testid=confirm-form] select").Length() != 0 {
				t.Fatalf("%d radios, %d checked", radios.Length(), fs.Find("input[checked]").Length())
			}
			for i := 1; i <= 5; i++ {
				lab := fs.Find(fmt.Sprintf(`label:has(input[value="%d"])`, i))
				if !strings.Contains(lab.Text(), l.T(fmt.Sprintf("obstweb.rating.%d", i))) || lab.Find("input[required]").Length() != 1 {
					t.Errorf("rating %d label %q", i, lab.Text())
				}
			}
			version := d.Find(`[data-testid=confirm-form] input[name=version]`).AttrOr("value", "")
			r := biz.Send(http.MethodPost, "/"+lang+"/obstacles/track/act", url.Values{"_csrf": {bt}, "action": {"confirm"}, "version": {version}, "note": {"Cảm ơn"}})
			d = r.Doc(t)
			if r.Status != 400 || d.Find("#err-rating").Length() != 1 || d.Find("fieldset[data-testid=rating]").AttrOr("aria-describedby", "") != "err-rating" {
				t.Fatalf("confirm without a rating: %d", r.Status)
			}
			if got := d.Find(`[data-testid=confirm-form] textarea[name=note]`).Text(); got != "Cảm ơn" {
				t.Errorf("comment not kept: %q", got)
			}
			r = biz.Send(http.MethodPost, "/"+lang+"/obstacles/track/act", url.Values{"_csrf": {bt}, "action": {"confirm"}, "version": {version}, "rating": {"4"}})
			if r.Status != 303 {
				t.Fatalf("confirm: %d %s", r.Status, sitetest.Text(r.Doc(t), "main"))
			}
			d = biz.Get("/" + lang + "/obstacles/track").Doc(t)
			dl := sitetest.Text(d, "[data-testid=track-deadline]")
			if sitetest.Text(d, "[data-testid=track-status]") != l.T("obstacle.status.closed") || dl == "" ||
				d.Find("[data-testid=track-deadline] span").Length() != 0 || strings.Contains(dl, l.T("obstweb.deadline.days_left", "Count", days)) {
				t.Errorf("closed report deadline %q", dl)
			}
			if !strings.Contains(d.Find("dl.facts").Text(), l.T("obstweb.rating.4")) {
				t.Error("the rating is shown without its label")
			}
			// The API shows no days left either.
			r = biz.GetWith("/api/v1/obstacles/track/"+f.TrackingCode, "X-Access-Key", f.AccessKey)
			if r.Status != 200 || strings.Contains(r.Body, "workingDaysLeft") {
				t.Errorf("API of a closed report: %d %s", r.Status, r.Body)
			}
		})
	}
	if m := e.Bundle.Missing(); len(m) > 0 {
		t.Errorf("missing messages: %v", m)
	}
}
