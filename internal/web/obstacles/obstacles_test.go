package obstacles_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/holidays"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/obstacle/obstaclestats"
	"github.com/khanhhoa/investportal/internal/web"
	"github.com/khanhhoa/investportal/internal/web/obstacles"
	"github.com/khanhhoa/investportal/internal/web/site"
	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
	"github.com/khanhhoa/investportal/seed"
)

func TestObstacleFilingPage(t *testing.T) {
	t.Parallel()
	e := sitetest.NewObstacles(t, false)
	for _, lang := range i18n.Languages {
		t.Run(lang, func(t *testing.T) {
			c := e.Anonymous()
			r := c.Get("/" + lang + "/obstacles/new")
			if r.Status != 200 {
				t.Fatalf("form: %d", r.Status)
			}
			d := r.Doc(t)
			token := d.Find(`input[name=form_token]`).AttrOr("value", "")
			csrf := d.Find(`input[name=_csrf]`).First().AttrOr("value", "")
			if len(token) < 16 || csrf == "" || d.Find(`form[enctype="multipart/form-data"] input[type=file][name=files]`).Length() != 1 {
				t.Fatalf("form lacks its token, CSRF or file input")
			}
			if d.Find(`select[name=lang] option[selected]`).AttrOr("value", "") != lang {
				t.Error("reply language does not default to the page's")
			}

			// An empty form: 400, every required field named, nothing stored.
			r = c.SendMultipart(e.Srv, "/"+lang+"/obstacles/new", map[string]string{"_csrf": csrf, "form_token": token}, nil)
			if r.Status != 400 {
				t.Fatalf("empty form: %d", r.Status)
			}
			d = r.Doc(t)
			for _, f := range []string{"business_name", "tax_code", "contact_person", "email", "phone", "category", "title", "description"} {
				if d.Find("#err-"+f).Length() != 1 {
					t.Errorf("no message for %s", f)
				}
			}

			business := "Công ty Biển Xanh " + lang
			form := sitetest.FilingForm(t, lang, business)
			form["_csrf"], form["form_token"] = csrf, token
			form["tax_code"] = "4201234560" // wrong check digit
			r = c.SendMultipart(e.Srv, "/"+lang+"/obstacles/new", form, []sitetest.Upload{{Name: "plan.pdf", Data: sitetest.PDFFile}})
			d = r.Doc(t)
			if r.Status != 400 || d.Find("#err-tax_code").Length() != 1 || d.Find(`input[name=business_name]`).AttrOr("value", "") != business {
				t.Fatalf("bad tax code: %d, input kept %q", r.Status, d.Find(`input[name=business_name]`).AttrOr("value", ""))
			}
			if d.Find(`input[name=form_token]`).AttrOr("value", "") != token {
				t.Error("the one-time token changed on a re-rendered form")
			}

			form = sitetest.FilingForm(t, lang, business)
			form["_csrf"], form["form_token"] = csrf, token
			r = c.SendMultipart(e.Srv, "/"+lang+"/obstacles/new", form, []sitetest.Upload{{Name: "plan.pdf", Data: sitetest.PDFFile}})
			if r.Status != 200 {
				t.Fatalf("file: %d %s", r.Status, sitetest.Text(r.Doc(t), "main"))
			}
			if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
				t.Errorf("confirmation Cache-Control %q", cc)
			}
			d = r.Doc(t)
			code, key := sitetest.Text(d, "[data-testid=tracking-code]"), sitetest.Text(d, "[data-testid=access-key]")
			if !strings.HasPrefix(code, "VM-") || len(key) != 29 {
				t.Fatalf("code %q key %q", code, key)
			}
			// The same form sent again (a double click): the same obstacle and key.
			r = c.SendMultipart(e.Srv, "/"+lang+"/obstacles/new", form, []sitetest.Upload{{Name: "plan.pdf", Data: sitetest.PDFFile}})
			d = r.Doc(t)
			if r.Status != 200 || sitetest.Text(d, "[data-testid=tracking-code]") != code || sitetest.Text(d, "[data-testid=access-key]") != key {
				t.Errorf("repeat gave %d %q", r.Status, sitetest.Text(d, "[data-testid=tracking-code]"))
			}
			if n := e.CountByBusiness(business); n != 1 {
				t.Errorf("%d obstacles stored, want 1", n)
			}
			o, err := e.Obstacles.GetByTracking(context.Background(), code, key)
			if err != nil || len(o.Attachments) != 1 || o.Attachments[0].ContentType != "application/pdf" || o.Filer.Lang != lang {
				t.Fatalf("stored: %+v %v", o.Attachments, err)
			}
			// The receipt carries the key, in the filer's language, once.
			msgs, _ := e.Mail.To(context.Background(), "binh@bienxanh.example")
			receipts := 0
			for _, m := range msgs {
				if strings.Contains(m.Subject, code) && m.Kind == "obstacle_filed" {
					receipts++
					if !strings.Contains(m.Body, key) || m.Lang != lang {
						t.Errorf("receipt lacks the key or is in %s", m.Lang)
					}
					if lang == "vi" && !strings.Contains(m.Subject, "Đã tiếp nhận") || lang == "en" && !strings.Contains(m.Subject, "received") {
						t.Errorf("receipt subject %q not in %s", m.Subject, lang)
					}
				}
			}
			if receipts != 1 {
				t.Errorf("%d receipts, want 1", receipts)
			}
		})
	}
	if m := e.Bundle.Missing(); len(m) > 0 {
		t.Errorf("missing messages: %v", m)
	}
}

func TestObstacleAPIConcurrentSubmitsGiveOneObstacle(t *testing.T) {
	t.Parallel()
	e := sitetest.NewObstacles(t, false)
	sub := obstacles.ObstacleSubmission{BusinessName: "Công ty Đồng Thời", TaxCode: sitetest.TaxCode(t, "420123456"), ContactPerson: "Lê Văn C",
		Email: "c@dongthoi.example", Phone: "0258 3822 123", Lang: "en", Category: "planning", Title: "Zoning plan not adjusted",
		Description: "The 1/2000 zoning plan does not match the approved investment policy."}
	const n = 20
	var wg sync.WaitGroup
	results := make([]sitetest.Response, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, _ := json.Marshal(sub)
			req := httptest.NewRequest(http.MethodPost, "/api/v1/obstacles", bytes.NewReader(b))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", "same-key-0123456789abcdef")
			res, err := e.Srv.App().Test(req, 60_000)
			if err != nil {
				t.Error(err)
				return
			}
			defer res.Body.Close()
			var buf bytes.Buffer
			buf.ReadFrom(res.Body)
			results[i] = sitetest.Response{Status: res.StatusCode, Header: res.Header, Body: buf.String()}
		}()
	}
	wg.Wait()
	created := 0
	var first obstacles.ObstacleFiled
	for i, r := range results {
		var f obstacles.ObstacleFiled
		if err := json.Unmarshal([]byte(r.Body), &f); err != nil || (r.Status != 201 && r.Status != 200) {
			t.Fatalf("request %d: %d %s", i, r.Status, r.Body)
		}
		if r.Status == 201 {
			created++
		}
		if i == 0 {
			first = f
		} else if f.TrackingCode != first.TrackingCode || f.AccessKey != first.AccessKey {
			t.Errorf("request %d got %s, request 0 %s", i, f.TrackingCode, first.TrackingCode)
		}
	}
	if created != 1 {
		t.Errorf("%d answers say created, want 1", created)
	}
	if c := e.CountByBusiness(sub.BusinessName); c != 1 {
		t.Errorf("%d obstacles stored, want 1", c)
	}
	msgs, _ := e.Mail.To(context.Background(), sub.Email)
	if len(msgs) != 1 {
		t.Errorf("%d receipts e-mailed, want 1", len(msgs))
	}
}

func TestObstacleFilesRefusedByContentAndSize(t *testing.T) {
	t.Parallel()
	e := sitetest.NewObstacles(t, false)
	// The default BODY_LIMIT (12 MiB), so that an 11 MB file reaches the
	// handler and is refused by the file rule, not by the body limit.
	deps := e.Deps
	deps.BodyLimit = 12 << 20
	srv, err := site.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	big := append(append([]byte(nil), sitetest.PDFFile...), bytes.Repeat([]byte{' '}, 11_000_000)...)
	cases := []struct {
		name   string
		file   sitetest.Upload
		wantID string
	}{
		{"ExeRenamedPDF", sitetest.Upload{Name: "invoice.pdf", Data: sitetest.EXEFile}, "obstacle.error.file_type"},
		{"ElevenMB", sitetest.Upload{Name: "plan.pdf", Data: big}, "obstweb.error.file_size"},
	}
	for _, tc := range cases {
		t.Run(tc.name+"API", func(t *testing.T) {
			c := e.Anonymous()
			business := "Công ty Tệp " + tc.name
			r := c.SendMultipart(srv, "/api/v1/obstacles?lang=en", sitetest.FilingForm(t, "vi", business), []sitetest.Upload{tc.file}, "Idempotency-Key", "files-"+tc.name+"-0123456789")
			var p web.Problem
			if err := json.Unmarshal([]byte(r.Body), &p); err != nil || r.Status != 400 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			if len(p.Errors) != 1 || p.Errors[0].Field != "file" || p.Errors[0].Code != tc.wantID || strings.Contains(p.Errors[0].Message, "no value") {
				t.Errorf("problem %+v", p.Errors)
			}
			if n := e.CountByBusiness(business); n != 0 {
				t.Errorf("a refused filing stored %d obstacles", n)
			}
		})
		t.Run(tc.name+"HTML", func(t *testing.T) {
			c := e.Anonymous()
			form := sitetest.FilingForm(t, "vi", "Công ty Tệp HTML "+tc.name)
			form["_csrf"], form["form_token"] = c.CSRF(), "html-"+tc.name+"-0123456789"
			r := c.SendMultipart(srv, "/vi/obstacles/new", form, []sitetest.Upload{tc.file})
			d := r.Doc(t)
			if r.Status != 400 || d.Find("#err-file").Length() != 1 {
				t.Fatalf("%d, file message %q", r.Status, sitetest.Text(d, "#err-file"))
			}
			if e.CountByBusiness(form["business_name"]) != 0 {
				t.Error("a refused filing was stored")
			}
		})
	}
	// The file size message states the limit the domain applies.
	if msg := e.Bundle.For("en").T("obstweb.error.file_size"); !strings.Contains(msg, fmt.Sprint(obstacle.MaxFileSize>>20)+" MB") {
		t.Errorf("size message %q does not state %d MB", msg, obstacle.MaxFileSize>>20)
	}
	if msg := e.Bundle.For("en").T("obstweb.error.file_count"); !strings.Contains(msg, fmt.Sprint(obstacle.MaxAttachments)) {
		t.Errorf("count message %q does not state %d", msg, obstacle.MaxAttachments)
	}
}

// fileOne files an obstacle through the API and returns the answer.
func fileOne(t *testing.T, e *sitetest.Env, business, lang string) obstacles.ObstacleFiled {
	t.Helper()
	f := sitetest.FilingForm(t, lang, business)
	sub := obstacles.ObstacleSubmission{BusinessName: f["business_name"], TaxCode: f["tax_code"], ContactPerson: f["contact_person"],
		Email: f["email"], Phone: f["phone"], Lang: lang, Category: f["category"], Title: f["title"], Description: f["description"]}
	r := e.Anonymous().PostJSON("/api/v1/obstacles", sub, "Idempotency-Key", fmt.Sprintf("file-one-%x", sha256.Sum256([]byte(business))))
	var out obstacles.ObstacleFiled
	if err := json.Unmarshal([]byte(r.Body), &out); err != nil || r.Status != 201 {
		t.Fatalf("file: %d %s", r.Status, r.Body)
	}
	return out
}

func TestTrackingDoesNotRevealWhetherACodeExists(t *testing.T) {
	t.Parallel()
	e := sitetest.NewObstacles(t, false)
	f := fileOne(t, e, "Công ty Theo Dõi", "vi")
	wrongKey := "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF"
	missing := "VM-2099-999999"

	t.Run("API", func(t *testing.T) {
		c := e.Anonymous()
		a := c.GetWith("/api/v1/obstacles/track/"+f.TrackingCode, "X-Access-Key", wrongKey)
		b := c.GetWith("/api/v1/obstacles/track/"+missing, "X-Access-Key", f.AccessKey)
		if a.Status != 404 || a.Status != b.Status || a.Body != b.Body {
			t.Errorf("wrong key: %d %s\nwrong code: %d %s", a.Status, a.Body, b.Status, b.Body)
		}
		ok := c.GetWith("/api/v1/obstacles/track/"+f.TrackingCode, "X-Access-Key", strings.ToLower(f.AccessKey))
		var tr obstacles.ObstacleTrack
		if err := json.Unmarshal([]byte(ok.Body), &tr); err != nil || ok.Status != 200 || tr.TrackingCode != f.TrackingCode || tr.Filer.BusinessName != "Công ty Theo Dõi" {
			t.Errorf("right key: %d %s", ok.Status, ok.Body)
		}
	})
	t.Run("HTML", func(t *testing.T) {
		c := e.Anonymous()
		token := c.CSRF()
		a := c.Send(http.MethodPost, "/vi/obstacles/track", url.Values{"_csrf": {token}, "tracking_code": {f.TrackingCode}, "access_key": {wrongKey}})
		b := c.Send(http.MethodPost, "/vi/obstacles/track", url.Values{"_csrf": {token}, "tracking_code": {missing}, "access_key": {f.AccessKey}})
		if a.Status != 404 || a.Status != b.Status || a.Body != b.Body {
			t.Errorf("wrong key %d / wrong code %d; bodies equal: %v", a.Status, b.Status, a.Body == b.Body)
		}
		if got, want := sitetest.Text(a.Doc(t), "[data-testid=track-error]"), e.Bundle.For("vi").T("obstacle.error.not_found"); got != want {
			t.Errorf("lookup message %q, want %q", got, want)
		}
		if strings.Contains(a.Body, "Công ty Theo Dõi") {
			t.Error("a failed lookup shows the business")
		}
	})
}

func TestObstacleJourneyOverHTTP(t *testing.T) {
	t.Parallel()
	e := sitetest.NewObstacles(t, false)
	f := fileOne(t, e, "Công ty Hành Trình", "vi")
	ctx := context.Background()
	o, err := e.Obstacles.GetByTracking(ctx, f.TrackingCode, f.AccessKey)
	if err != nil {
		t.Fatal(err)
	}
	tf := e.As(account.RoleTaskForce)
	tok := tf.CSRF()
	step := func(action string, extra url.Values) sitetest.Response {
		t.Helper()
		cur, _ := e.Obstacles.Get(ctx, o.ID)
		v := url.Values{"_csrf": {tok}, "action": {action}, "version": {fmt.Sprint(cur.Version)}}
		for k, x := range extra {
			v[k] = x
		}
		return tf.Send(http.MethodPost, "/en/staff/obstacles/"+o.ID+"/transition", v)
	}

	// The detail page offers only what the table allows now.
	d := tf.Get("/en/staff/obstacles/" + o.ID).Doc(t)
	if d.Find("[data-testid=form-accept]").Length() != 1 || d.Find("[data-testid=form-resolve]").Length() != 0 || d.Find("[data-testid=form-assign]").Length() != 0 {
		t.Error("submitted obstacle offers the wrong actions")
	}
	// An illegal step is refused with a clear 409.
	r := step("resolve", url.Values{"resolution": {"done"}})
	if r.Status != 409 || !strings.Contains(sitetest.Text(r.Doc(t), "main"), "not possible in the report's current status") {
		t.Errorf("illegal step: %d %q", r.Status, sitetest.Text(r.Doc(t), "main"))
	}
	if r := step("accept", nil); r.Status != 303 {
		t.Fatalf("accept: %d", r.Status)
	}
	// A field error re-renders the page with the field named.
	r = step("assign", url.Values{"lead_agency": {""}})
	if r.Status != 400 || r.Doc(t).Find("#err-lead_agency").Length() != 1 {
		t.Errorf("assign without agency: %d", r.Status)
	}
	// A former agency (merged into Finance on 1 March 2025) is refused.
	r = step("assign", url.Values{"lead_agency": {account.PlanningAndInvestment}})
	if r.Status != 400 || !strings.Contains(r.Doc(t).Find("#err-lead_agency").Text(), "no longer exists") {
		t.Errorf("assign to a former agency: %d %q", r.Status, r.Doc(t).Find("#err-lead_agency").Text())
	}
	if r := step("assign", url.Values{"lead_agency": {account.Finance}}); r.Status != 303 {
		t.Fatalf("assign: %d %s", r.Status, sitetest.Text(r.Doc(t), "main"))
	}
	ag := e.As(account.RoleAgency)
	if r := ag.Get("/vi/staff/obstacles/" + o.ID); r.Status != 200 {
		t.Fatalf("agency officer cannot open its obstacle: %d", r.Status)
	}
	agTok := sitetest.CSRFInput.FindStringSubmatch(ag.Get("/vi/staff/obstacles/" + o.ID).Body)[1]
	cur, _ := e.Obstacles.Get(ctx, o.ID)
	if r := ag.Send(http.MethodPost, "/vi/staff/obstacles/"+o.ID+"/transition", url.Values{"_csrf": {agTok}, "action": {"start"}, "version": {fmt.Sprint(cur.Version)}}); r.Status != 303 {
		t.Fatalf("agency start: %d", r.Status)
	}
	cur, _ = e.Obstacles.Get(ctx, o.ID)
	if r := ag.Send(http.MethodPost, "/vi/staff/obstacles/"+o.ID+"/transition", url.Values{"_csrf": {agTok}, "action": {"ask"}, "version": {fmt.Sprint(cur.Version)}, "note": {"Xin gửi bản đồ hiện trạng."}}); r.Status != 303 {
		t.Fatalf("agency ask: %d", r.Status)
	}
	// The business was told in Vietnamese, and answers on the tracking page.
	msgs, _ := e.Mail.To(ctx, "binh@bienxanh.example")
	asked := false
	for _, m := range msgs {
		if m.Kind == "obstacle_status" && strings.Contains(m.Subject, "Chờ doanh nghiệp") && strings.Contains(m.Body, "Xin gửi bản đồ hiện trạng.") {
			asked = true
		}
	}
	if !asked {
		t.Errorf("no Vietnamese e-mail about the question among %d", len(msgs))
	}
	biz := e.Anonymous()
	bt := biz.CSRF()
	if r := biz.Send(http.MethodPost, "/vi/obstacles/track", url.Values{"_csrf": {bt}, "tracking_code": {strings.ToLower(f.TrackingCode)}, "access_key": {f.AccessKey}}); r.Status != 303 {
		t.Fatalf("lookup: %d", r.Status)
	}
	d = biz.Get("/vi/obstacles/track").Doc(t)
	if !strings.Contains(sitetest.Text(d, "[data-testid=track-timeline]"), "Xin gửi bản đồ hiện trạng.") || d.Find("[data-testid=answer-form]").Length() != 1 {
		t.Fatalf("tracking page: %q", sitetest.Text(d, "[data-testid=track-timeline]"))
	}
	if strings.Contains(d.Text(), "Giao xử lý") && strings.Contains(d.Text(), "Nội bộ") {
		t.Error("the tracking page shows internal events")
	}
	version := d.Find(`[data-testid=answer-form] input[name=version]`).AttrOr("value", "")
	r = biz.Send(http.MethodPost, "/vi/obstacles/track/act", url.Values{"_csrf": {bt}, "action": {"answer"}, "version": {version}, "note": {"Đã gửi bản đồ kèm theo."}})
	if r.Status != 303 {
		t.Fatalf("answer: %d %s", r.Status, sitetest.Text(r.Doc(t), "main"))
	}
	cur, _ = e.Obstacles.Get(ctx, o.ID)
	if cur.Status != obstacle.InProgress {
		t.Errorf("after the answer: %s", cur.Status)
	}
	// Confirm is not possible before a resolution: 409 through the API.
	r = biz.PostJSON("/api/v1/obstacles/track/"+f.TrackingCode+"/actions", obstacles.FilerActionRequest{Action: "confirm", Version: cur.Version, Rating: 5}, "X-Access-Key", f.AccessKey)
	if r.Status != 409 {
		t.Errorf("confirm while in progress: %d", r.Status)
	}
}

func TestObstacleTransitionAPI(t *testing.T) {
	t.Parallel()
	e := sitetest.NewObstacles(t, false)
	f := fileOne(t, e, "Công ty API", "en")
	ctx := context.Background()
	o, _ := e.Obstacles.GetByTracking(ctx, f.TrackingCode, f.AccessKey)
	tok, _, err := e.Accounts.IssueToken(ctx, e.Users[account.RoleTaskForce].ID, "test", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	c := e.Anonymous()
	auth := "Bearer " + tok
	get := c.GetWith("/api/v1/obstacles/"+o.ID, "Authorization", auth)
	etag := get.Header.Get("ETag")
	if get.Status != 200 || etag != fmt.Sprintf(`"%s-v1"`, f.TrackingCode) {
		t.Fatalf("get: %d etag %q", get.Status, etag)
	}
	path := "/api/v1/obstacles/" + o.ID + "/transitions"
	if r := c.PostJSON(path, obstacles.TransitionRequest{Action: "accept"}, "Authorization", auth); r.Status != 428 {
		t.Errorf("no version: %d", r.Status)
	}
	if r := c.PostJSON(path, obstacles.TransitionRequest{Action: "accept"}, "Authorization", auth, "If-Match", `"`+f.TrackingCode+`-v9"`); r.Status != 412 {
		t.Errorf("stale If-Match: %d", r.Status)
	}
	r := c.PostJSON(path, obstacles.TransitionRequest{Action: "resolve", Version: 1, Resolution: "x"}, "Authorization", auth)
	var p web.Problem
	json.Unmarshal([]byte(r.Body), &p)
	if r.Status != 409 || p.Code != "conflict" || p.Detail == "" {
		t.Errorf("illegal step: %d %s", r.Status, r.Body)
	}
	r = c.PostJSON(path, obstacles.TransitionRequest{Action: "accept"}, "Authorization", auth, "If-Match", etag)
	var v obstacles.ObstacleStaffView
	if err := json.Unmarshal([]byte(r.Body), &v); err != nil || r.Status != 200 || v.Status != "accepted" || r.Header.Get("ETag") != fmt.Sprintf(`"%s-v2"`, f.TrackingCode) {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}
	if r := c.PostJSON(path, obstacles.TransitionRequest{Action: "assign", Version: 1, LeadAgency: "tax_khanh_hoa"}, "Authorization", auth); r.Status != 409 {
		t.Errorf("stale body version: %d", r.Status)
	}
	r = c.PostJSON(path, obstacles.TransitionRequest{Action: "assign", Version: 2, LeadAgency: "tax_khanh_hoa", Deadline: "2000-01-01"}, "Authorization", auth)
	if json.Unmarshal([]byte(r.Body), &p); r.Status != 400 || len(p.Errors) != 1 || p.Errors[0].Field != "deadline" {
		t.Errorf("past deadline: %d %s", r.Status, r.Body)
	}
	r = c.PostJSON(path, obstacles.TransitionRequest{Action: "assign", Version: 2, LeadAgency: "tax_khanh_hoa"}, "Authorization", auth)
	if json.Unmarshal([]byte(r.Body), &v); r.Status != 200 || v.LeadAgency != "tax_khanh_hoa" || v.Deadline.Date == nil || v.Deadline.WorkingDaysLeft == nil {
		t.Errorf("assign: %d %s", r.Status, r.Body)
	}
	// The agency officer (finance) cannot see the tax office's obstacle.
	atok, _, _ := e.Accounts.IssueToken(ctx, e.Users[account.RoleAgency].ID, "test", time.Now())
	if r := c.GetWith("/api/v1/obstacles/"+o.ID, "Authorization", "Bearer "+atok); r.Status != 404 {
		t.Errorf("agency sees another agency's obstacle: %d", r.Status)
	}
}

func TestAgencyOfficerSeesOnlyItsAgency(t *testing.T) {
	t.Parallel()
	e := sitetest.NewObstacles(t, true)
	ag := e.As(account.RoleAgency)
	agency := e.Users[account.RoleAgency].AgencyID
	var page obstacles.ObstaclePage
	r := ag.GetWith("/api/v1/obstacles?per_page=100")
	if err := json.Unmarshal([]byte(r.Body), &page); err != nil || r.Status != 200 || page.Total == 0 {
		t.Fatalf("%d %s", r.Status, r.Body[:min(200, len(r.Body))])
	}
	all, _ := e.Obstacles.List(context.Background(), obstacle.Filter{PerPage: 100, Agency: agency}, obstacle.SystemActor, time.Now())
	if page.Total != all.Total {
		t.Errorf("agency sees %d, its agency has %d", page.Total, all.Total)
	}
	for _, it := range page.Items {
		ok := it.LeadAgency == agency
		for _, a := range it.CoordinatingAgencies {
			ok = ok || a == agency
		}
		if !ok {
			t.Errorf("%s belongs to %s", it.TrackingCode, it.LeadAgency)
		}
	}
	// The queue page too, and a filter for another agency changes nothing.
	d := ag.Get("/en/staff/obstacles?agency=tax").Doc(t)
	if got := d.Find("[data-testid=queue-row]").Length(); int64(got) != min(all.Total, 20) {
		t.Errorf("queue shows %d rows, want %d", got, min(all.Total, 20))
	}
	if d.Find("[data-testid=bulk-form] input[name=ids]").Length() != 0 {
		t.Error("an agency officer is offered bulk assignment")
	}
}

func TestBulkAssignAndQueueFilters(t *testing.T) {
	t.Parallel()
	e := sitetest.NewObstacles(t, true)
	ctx := context.Background()
	tf := e.As(account.RoleTaskForce)
	d := tf.Get("/en/staff/obstacles?status=submitted").Doc(t)
	var ids []string
	d.Find("[data-testid=queue-row] input[name=ids]").Each(func(i int, s *goquerySelection) {
		if i < 3 {
			ids = append(ids, s.AttrOr("value", ""))
		}
	})
	if len(ids) != 3 || sitetest.Text(d, "[data-testid=queue-status]") == "" {
		t.Fatalf("queue offers %d submitted obstacles", len(ids))
	}
	d.Find("[data-testid=queue-status]").Each(func(_ int, s *goquerySelection) {
		if strings.TrimSpace(s.Text()) != "Submitted" {
			t.Errorf("status filter let %q through", s.Text())
		}
	})
	tok := sitetest.CSRFInput.FindStringSubmatch(tf.Get("/en/staff/obstacles").Body)[1]
	r := tf.Send(http.MethodPost, "/en/staff/obstacles/assign", url.Values{"_csrf": {tok}, "ids": ids, "lead_agency": {"construction"}})
	if r.Status != 303 {
		t.Fatalf("bulk: %d %s", r.Status, sitetest.Text(r.Doc(t), "main"))
	}
	for _, id := range ids {
		o, _ := e.Obstacles.Get(ctx, id)
		if o.Status != obstacle.Assigned || o.LeadAgency != "construction" || o.Deadline == nil {
			t.Errorf("%s: %s %s", o.TrackingCode, o.Status, o.LeadAgency)
		}
	}
	// Assigning a closed one fails on its own, named on the results page.
	closed, _ := e.Obstacles.List(ctx, obstacle.Filter{Status: []obstacle.Status{obstacle.Closed}, PerPage: 1}, obstacle.SystemActor, time.Now())
	r = tf.Send(http.MethodPost, "/en/staff/obstacles/assign", url.Values{"_csrf": {tok}, "ids": {closed.Items[0].ID}, "lead_agency": {"construction"}})
	if r.Status != 200 || !strings.Contains(sitetest.Text(r.Doc(t), "[data-testid=bulk-results]"), "not possible") {
		t.Errorf("bulk on a closed one: %d %q", r.Status, sitetest.Text(r.Doc(t), "[data-testid=bulk-results]"))
	}
	// The overdue filter lists exactly the overdue ones.
	now := time.Now()
	var want int64
	for p := 1; ; p++ {
		res, _ := e.Obstacles.List(ctx, obstacle.Filter{PerPage: 100, Page: p}, obstacle.SystemActor, now)
		for _, o := range res.Items {
			if o.Overdue(now) {
				want++
			}
		}
		if int64(p*100) >= res.Total {
			break
		}
	}
	d = tf.Get("/vi/staff/obstacles?overdue=1").Doc(t)
	if got := sitetest.Text(d, "[data-testid=queue-count]"); got != fmt.Sprintf("%d phản ánh", want) || want == 0 {
		t.Errorf("overdue count %q, want %d", got, want)
	}
	if d.Find("[data-testid=queue-row]").Length() != d.Find("[data-testid=flag-overdue]").Length() {
		t.Error("an overdue row lacks its flag")
	}
	if r := tf.Get("/en/staff/obstacles?status=nope"); r.Status != 400 || r.Doc(t).Find("#err-status").Length() != 1 {
		t.Errorf("bad status filter: %d", r.Status)
	}
}

func TestObstacleStatsMatchSums(t *testing.T) {
	t.Parallel()
	e := sitetest.NewObstacles(t, true)
	ctx := context.Background()
	now := time.Now()
	var all []obstacle.Obstacle
	for p := 1; ; p++ {
		res, err := e.Obstacles.List(ctx, obstacle.Filter{PerPage: 100, Page: p}, obstacle.SystemActor, now)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, res.Items...)
		if int64(p*100) >= res.Total {
			break
		}
	}
	if len(all) != seed.ObstacleCount {
		t.Fatalf("%d obstacles", len(all))
	}
	byStatus := map[string]int64{}
	openByCat := map[string]int64{}
	openByAgency := map[string]int64{}
	var open, overdue, resolved, onTime int64
	held := map[string]map[string]bool{}
	heldAll := map[string]bool{}
	for _, o := range all {
		byStatus[string(o.Status)]++
		if o.Status == obstacle.Resolved || o.Status == obstacle.Closed {
			resolved++
			if o.ResolvedAt != nil && o.Deadline != nil && !holidays.StartOfDay(*o.ResolvedAt).After(holidays.StartOfDay(*o.Deadline)) {
				onTime++
			}
		}
		if !o.Status.Open() {
			continue
		}
		open++
		openByCat[string(o.Category)]++
		openByAgency[o.LeadAgency]++
		if o.Deadline != nil && (o.Status == obstacle.Assigned || o.Status == obstacle.InProgress) && o.PausedSince == nil &&
			holidays.StartOfDay(now).After(holidays.StartOfDay(*o.Deadline)) {
			overdue++
		}
		if o.ProjectCode != "" {
			if held[string(o.Category)] == nil {
				held[string(o.Category)] = map[string]bool{}
			}
			held[string(o.Category)][o.ProjectCode] = true
			heldAll[o.ProjectCode] = true
		}
	}
	registered := map[string]money.Amount{}
	for _, p := range seed.Projects(1, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) {
		registered[p.Code] = p.Registered
	}
	capital := func(codes map[string]bool) (vnd, usd int64) {
		for code := range codes {
			p, ok := registered[code]
			if !ok {
				t.Fatalf("no project %s", code)
			}
			if p.Currency == money.VND {
				vnd += p.Amount
			} else {
				usd += p.Amount
			}
		}
		return
	}

	var st obstaclestats.Figures
	r := e.Get("/api/v1/obstacles/stats")
	if err := json.Unmarshal([]byte(r.Body), &st); err != nil || r.Status != 200 {
		t.Fatalf("%d %v", r.Status, err)
	}
	check := func(name string, got, want int64) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %d, want %d", name, got, want)
		}
	}
	for s, n := range byStatus {
		check("byStatus."+s, st.ByStatus[obstacle.Status(s)], n)
	}
	for c, n := range openByCat {
		check("openByCategory."+c, st.OpenByCategory[obstacle.Category(c)], n)
	}
	for a, n := range openByAgency {
		check("openByAgency."+a, st.OpenByAgency[a], n)
	}
	check("open", st.Open, open)
	check("overdue", st.Overdue, overdue)
	check("resolved", st.Resolved, resolved)
	check("resolvedOnTime", st.ResolvedOnTime, onTime)
	check("onTimeBasisPoints", st.OnTimeBP, (onTime*10000*2+resolved)/(2*resolved))
	if open == 0 || overdue == 0 || resolved == 0 {
		t.Errorf("demo data too thin: open %d overdue %d resolved %d", open, overdue, resolved)
	}
	var filed int64
	for _, m := range st.ByMonth {
		filed += m.Filed
	}
	var filedYear int64
	first, _ := time.ParseInLocation("2006-01", st.ByMonth[0].Month, holidays.Location())
	for _, o := range all {
		if !o.CreatedAt.Before(first) {
			filedYear++
		}
	}
	check("filed in the trend's months", filed, filedYear)
	for _, c := range st.CapitalByCategory {
		vnd, usd := capital(held[c.Key])
		check("capital.vnd."+c.Key, c.VND.Amount, vnd)
		check("capital.usd."+c.Key, c.USD.Amount, usd)
		check("capital.projects."+c.Key, c.Projects, int64(len(held[c.Key])))
	}
	check("capital categories", int64(len(st.CapitalByCategory)), int64(len(held)))
	vnd, usd := capital(heldAll)
	check("capitalTotal.vnd", st.CapitalTotal.VND.Amount, vnd)
	check("capitalTotal.usd", st.CapitalTotal.USD.Amount, usd)

	// The pages show the same figures, formatted, and no confidential data.
	for _, lang := range i18n.Languages {
		l := e.Bundle.For(lang)
		for _, path := range []string{"/" + lang + "/obstacles/stats", "/" + lang + "/staff/obstacles/stats"} {
			c := e.Anonymous()
			if strings.Contains(path, "/staff/") {
				c = e.As(account.RoleBoard)
			}
			r := c.Get(path)
			if r.Status != 200 {
				t.Fatalf("%s: %d", path, r.Status)
			}
			d := r.Doc(t)
			if got := sitetest.Text(d, "[data-testid=stat-open]"); got != l.Int(open) {
				t.Errorf("%s open %q, want %q", path, got, l.Int(open))
			}
			if got := sitetest.Text(d, "[data-testid=stat-overdue]"); got != l.Int(overdue) {
				t.Errorf("%s overdue %q", path, got)
			}
			if got := sitetest.Text(d, "[data-testid=stat-on-time]"); got != l.Percent(st.OnTimeBP) || !strings.Contains(got, "%") {
				t.Errorf("%s on time %q", path, got)
			}
			wantCap := l.Money(money.Amount{Amount: vnd + money.VNDEquivalent(money.Amount{Amount: usd, Currency: money.USD}), Currency: money.VND})
			if got := sitetest.Text(d, "[data-testid=stat-capital]"); got != wantCap {
				t.Errorf("%s capital %q, want %q", path, got, wantCap)
			}
			// Each chart says what it counts and what it leaves out, with
			// the counts recomputed here from every obstacle.
			wantOpen := l.T("obstweb.stats.note.open", "Open", l.Int(open), "Closed", l.Int(int64(len(all))-open), "Count", open)
			for _, id := range []string{"by_status", "by_category", "by_agency"} {
				if got := sitetest.Text(d, `[data-testid="chart-obstweb.stats.chart.`+id+`"] [data-testid=chart-note]`); got != wantOpen {
					t.Errorf("%s %s note %q, want %q", path, id, got, wantOpen)
				}
			}
			wantCapNote := l.T("obstweb.stats.note.capital_by_category", "Projects", l.Int(int64(len(heldAll))), "Count", int64(len(heldAll)))
			if got := d.Find(`[data-testid="chart-obstweb.stats.chart.capital_by_category"] [data-testid=chart-note]`).First().Text(); got != wantCapNote {
				t.Errorf("%s capital note %q, want %q", path, got, wantCapNote)
			}
			if got := sitetest.Text(d, `[data-testid="chart-obstweb.stats.chart.trend"] [data-testid=chart-note]`); !strings.Contains(got, monthOf(lang, st.ByMonth[0].Month)) {
				t.Errorf("%s trend note %q does not name its first month", path, got)
			}
			// The category chart's accessible table holds each open count.
			rows := d.Find(`[data-testid="chart-obstweb.stats.chart.by_category"] table tbody tr`)
			if rows.Length() != len(obstacle.Categories) {
				t.Errorf("%s: %d category rows", path, rows.Length())
			}
			rows.Each(func(i int, s *goquerySelection) {
				want := l.Int(openByCat[string(obstacle.Categories[i])])
				if got := strings.TrimSpace(s.Find("td").Text()); got != want {
					t.Errorf("%s %s: %q, want %q", path, obstacle.Categories[i], got, want)
				}
			})
			if d.Find("figure.chart .bar").Length() == 0 {
				t.Errorf("%s: no bars", path)
			}
			for _, o := range all[:20] {
				if strings.Contains(r.Body, o.Filer.TaxCode) || strings.Contains(r.Body, o.Filer.BusinessName) {
					t.Errorf("%s shows confidential data of %s", path, o.TrackingCode)
				}
			}
		}
	}
	if m := e.Bundle.Missing(); len(m) > 0 {
		t.Errorf("missing messages: %v", m)
	}
}

func TestPolicyIssueAndMerge(t *testing.T) {
	t.Parallel()
	e := sitetest.NewObstacles(t, false)
	ctx := context.Background()
	a := fileOne(t, e, "Công ty Một", "vi")
	b := fileOne(t, e, "Công ty Hai", "vi")
	oa, _ := e.Obstacles.GetByTracking(ctx, a.TrackingCode, a.AccessKey)
	ob, _ := e.Obstacles.GetByTracking(ctx, b.TrackingCode, b.AccessKey)
	tf := e.As(account.RoleTaskForce)
	tok := sitetest.CSRFInput.FindStringSubmatch(tf.Get("/en/staff/policy-issues").Body)[1]
	r := tf.Send(http.MethodPost, "/en/staff/policy-issues", url.Values{"_csrf": {tok}, "title": {""}})
	if r.Status != 400 || r.Doc(t).Find("#err-title").Length() != 1 {
		t.Errorf("empty policy issue: %d", r.Status)
	}
	r = tf.Send(http.MethodPost, "/en/staff/policy-issues", url.Values{"_csrf": {tok}, "title": {"Land price table missing"}})
	if r.Status != 303 {
		t.Fatalf("create: %d", r.Status)
	}
	pid := strings.TrimPrefix(r.Header.Get("Location"), "/en/staff/policy-issues/")
	if r := tf.Send(http.MethodPost, "/en/staff/obstacles/"+oa.ID+"/group", url.Values{"_csrf": {tok}, "version": {"1"}, "policy_issue_id": {pid}}); r.Status != 303 {
		t.Fatalf("group: %d", r.Status)
	}
	d := tf.Get("/en/staff/policy-issues/" + pid).Doc(t)
	if !strings.Contains(sitetest.Text(d, "[data-testid=policy-obstacles]"), a.TrackingCode) {
		t.Error("the policy issue does not list the grouped obstacle")
	}
	r = tf.Send(http.MethodPost, "/en/staff/policy-issues/"+pid+"/resolve", url.Values{"_csrf": {tok}, "version": {"1"}, "resolution": {"Decision 12/2026 sets the table."}})
	if r.Status != 303 {
		t.Fatalf("resolve: %d", r.Status)
	}
	if got := sitetest.Text(tf.Get("/en/staff/policy-issues/"+pid).Doc(t), "[data-testid=policy-status]"); got != "Resolved" {
		t.Errorf("policy status %q", got)
	}
	// Merge b into a by tracking code.
	r = tf.Send(http.MethodPost, "/en/staff/obstacles/"+ob.ID+"/transition", url.Values{"_csrf": {tok}, "version": {"1"}, "action": {"merge"}, "parent": {"VM-2099-000001"}})
	if r.Status != 400 || r.Doc(t).Find("#err-parent_id").Length() != 1 {
		t.Errorf("merge into nothing: %d", r.Status)
	}
	r = tf.Send(http.MethodPost, "/en/staff/obstacles/"+ob.ID+"/transition", url.Values{"_csrf": {tok}, "version": {"1"}, "action": {"merge"}, "parent": {strings.ToLower(a.TrackingCode)}})
	if r.Status != 303 {
		t.Fatalf("merge: %d %s", r.Status, sitetest.Text(r.Doc(t), "main"))
	}
	m, _ := e.Obstacles.Get(ctx, ob.ID)
	if m.Status != obstacle.Merged || m.ParentID != oa.ID {
		t.Errorf("merged: %s parent %s", m.Status, m.ParentID)
	}
}

func TestHolidayCalendarPage(t *testing.T) {
	t.Parallel()
	e := sitetest.NewObstacles(t, false)
	ad := e.As(account.RoleAdmin)
	r := ad.Get("/vi/admin/holidays")
	if r.Status != 200 || r.Doc(t).Find("[data-testid=holidays] tr").Length() < 5 {
		t.Fatalf("page: %d", r.Status)
	}
	tok := sitetest.CSRFInput.FindStringSubmatch(r.Body)[1]
	date := fmt.Sprintf("%d-11-20", time.Now().Year()+1)
	if r := ad.Send(http.MethodPost, "/vi/admin/holidays", url.Values{"_csrf": {tok}, "date": {date}, "kind": {"custom"}, "note": {"QĐ 1/UBND"}}); r.Status != 303 {
		t.Fatalf("add: %d", r.Status)
	}
	cal, _ := e.Obstacles.Calendar(context.Background())
	day, _ := time.ParseInLocation(time.DateOnly, date, holidays.Location())
	if cal.IsWorkingDay(day) {
		t.Error("the added day is still a working day")
	}
	if r := ad.Send(http.MethodPost, "/vi/admin/holidays", url.Values{"_csrf": {tok}, "date": {date}, "kind": {"custom"}}); r.Status != 409 || r.Doc(t).Find("#err-date").Length() != 1 {
		t.Errorf("duplicate: %d", r.Status)
	}
	if r := ad.Send(http.MethodPost, "/vi/admin/holidays", url.Values{"_csrf": {tok}, "date": {"2026-02-30"}, "kind": {"custom"}}); r.Status != 400 {
		t.Errorf("bad date: %d", r.Status)
	}
	if d := ad.Get("/en/admin/holidays").Doc(t); d.Find("[data-testid=holiday-"+date+"]").Length() != 1 {
		t.Error("the added day is not listed")
	}
	if r := ad.Send(http.MethodPost, "/vi/admin/holidays/"+date+"/delete", url.Values{"_csrf": {tok}}); r.Status != 303 {
		t.Errorf("remove: %d", r.Status)
	}
}

// TestObstacleFilingLatency files 200 obstacles one after the other
// through the HTTP API on a real socket, against the embedded database
// holding the demo data, and reports the time per filing.
func TestObstacleFilingLatency(t *testing.T) {
	t.Parallel()
	if os.Getenv("OBSTACLE_LATENCY") == "" {
		t.Skip("set OBSTACLE_LATENCY=1 to measure (about two minutes on the embedded database)")
	}
	e := sitetest.NewObstacles(t, true)
	deps := e.Deps
	deps.Limiter = nil // 200 filings from one address would be rate-limited
	srv, err := site.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + sitetest.Serve(t, srv)
	client := &http.Client{Timeout: 30 * time.Second}
	const n = 200
	durations := make([]time.Duration, 0, n)
	for i := range n {
		sub := obstacles.ObstacleSubmission{BusinessName: fmt.Sprintf("Công ty Đo %03d", i), TaxCode: sitetest.TaxCode(t, "420123456"), ContactPerson: "Phạm Đo",
			Email: fmt.Sprintf("do%03d@perf.example", i), Phone: "0905 123 456", Lang: "vi", Category: string(obstacle.Categories[i%len(obstacle.Categories)]),
			Title: "Vướng mắc thủ tục", Description: "Hồ sơ đã nộp quá thời hạn giải quyết nhưng chưa có kết quả.", ProjectCode: fmt.Sprintf("DA-%04d", 1+i%600)}
		b, _ := json.Marshal(sub)
		req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/obstacles", bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", fmt.Sprintf("latency-%04d-0123456789", i))
		start := time.Now()
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		buf.ReadFrom(res.Body)
		res.Body.Close()
		durations = append(durations, time.Since(start))
		if res.StatusCode != 201 {
			t.Fatalf("filing %d: %d %s", i, res.StatusCode, buf.String())
		}
	}
	sort.Slice(durations, func(i, j int) bool { return durations[i] < durations[j] })
	p := func(q float64) time.Duration { return durations[int(q*float64(n-1)+0.5)] }
	t.Logf("filing through POST /api/v1/obstacles, %d sequential requests, %d obstacles and 735 projects stored: p50 %v, p90 %v, p99 %v, max %v",
		n, seed.ObstacleCount, p(0.50).Round(10*time.Microsecond), p(0.90).Round(10*time.Microsecond), p(0.99).Round(10*time.Microsecond), durations[n-1].Round(10*time.Microsecond))
	if c, _ := e.DB.Collection(obstacle.CollObstacles).CountDocuments(context.Background(), map[string]any{}); c != seed.ObstacleCount+n {
		t.Errorf("%d obstacles stored, want %d", c, seed.ObstacleCount+n)
	}
}

type goquerySelection = goquery.Selection

// monthOf writes "2026-03" as the stats page labels months.
func monthOf(lang, month string) string {
	m, _ := time.Parse("2006-01", month)
	if lang == "en" {
		return m.Format("Jan 2006")
	}
	return m.Format("01/2006")
}
