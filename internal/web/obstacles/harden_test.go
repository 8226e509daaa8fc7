package obstacles_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/holidays"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/notify"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/obstacle/obstaclestats"
	"github.com/khanhhoa/investportal/internal/web/obstacles"
	"github.com/khanhhoa/investportal/internal/web/site"
	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
	"go.mongodb.org/mongo-driver/event"
)

// statsLoadTime is how long the stats load test hammers the route.
const statsLoadTime = 4 * time.Second

// TestObstacleStatsUnderLoad sends 32 concurrent anonymous clients to the
// public figures (API and page) for a few seconds on a real socket, and
// counts, with a command monitor on the database client, how often the
// figures were computed (each computation reads the obstacles collection
// once). None may fail, the computations must stay few, and a filing is in
// the figures at once.
func TestObstacleStatsUnderLoad(t *testing.T) {
	t.Parallel()
	e := sitetest.NewObstacles(t, true)
	var counting atomic.Bool
	var finds atomic.Int64
	mon := &event.CommandMonitor{Started: func(_ context.Context, ev *event.CommandStartedEvent) {
		if counting.Load() && ev.CommandName == "find" {
			if coll, ok := ev.Command.Lookup("find").StringValueOK(); ok && coll == obstacle.CollObstacles {
				finds.Add(1)
			}
		}
	}}
	db := mongotest.MonitoredDB(t, e.DB, mon)
	store := obstacle.NewStore(db, holidays.MustEmbedded(), obstacle.Options{KeySecret: []byte("web-test-secret"),
		Notifier: notify.New(e.Mail, e.Bundle, "http://portal.test"), Projects: e.Projects})
	deps := e.Deps
	deps.Obstacles = store
	deps.ObstacleStats = obstaclestats.New(db, store, obstaclestats.Options{Projects: e.Projects})
	deps.Limiter = nil // one address files below; the limit is not under test
	srv, err := site.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + sitetest.Serve(t, srv)
	hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

	get := func(path string) (int, []byte, error) {
		res, err := hc.Get(base + path)
		if err != nil {
			return 0, nil, err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		return res.StatusCode, b, err
	}

	const clients = 32
	var ok, fivexx, other atomic.Int64
	var wg sync.WaitGroup
	counting.Store(true)
	deadline := time.Now().Add(statsLoadTime)
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			path := "/api/v1/obstacles/stats"
			if i%4 == 3 {
				path = "/en/obstacles/stats"
			}
			for time.Now().Before(deadline) {
				status, _, err := get(path)
				switch {
				case err != nil:
					t.Error(err)
					return
				case status >= 500:
					fivexx.Add(1)
				case status == 200:
					ok.Add(1)
				default:
					other.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	counting.Store(false)
	computed := finds.Load()
	t.Logf("%d clients for %v: %d answers 200, %d 5xx, %d other; the figures were computed %d times",
		clients, statsLoadTime, ok.Load(), fivexx.Load(), other.Load(), computed)
	if fivexx.Load() != 0 || other.Load() != 0 || ok.Load() < clients {
		t.Errorf("%d answers 200, %d 5xx, %d other", ok.Load(), fivexx.Load(), other.Load())
	}
	// One computation per MaxAge at most, and one more where a
	// period's first caller came in while the previous one still ran.
	if maxComputed := 2*int64(statsLoadTime/obstaclestats.MaxAge) + 2; computed < 1 || computed > maxComputed {
		t.Errorf("the figures were computed %d times, want 1 to %d", computed, maxComputed)
	}

	// A filing through this process is counted at once.
	var before, after obstaclestats.Figures
	if status, b, err := get("/api/v1/obstacles/stats"); err != nil || status != 200 || json.Unmarshal(b, &before) != nil {
		t.Fatalf("stats: %d %v", status, err)
	}
	f := sitetest.FilingForm(t, "vi", "Công ty Thống Kê Tức Thì")
	sub := obstacles.ObstacleSubmission{BusinessName: f["business_name"], TaxCode: f["tax_code"], ContactPerson: f["contact_person"],
		Email: f["email"], Phone: f["phone"], Lang: "vi", Category: "credit", Title: f["title"], Description: f["description"]}
	body, _ := json.Marshal(sub)
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/obstacles", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", "stats-at-once-0123456789")
	res, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 201 {
		t.Fatalf("filing: %d", res.StatusCode)
	}
	if status, b, err := get("/api/v1/obstacles/stats"); err != nil || status != 200 || json.Unmarshal(b, &after) != nil {
		t.Fatalf("stats: %d %v", status, err)
	}
	if after.ByStatus["submitted"] != before.ByStatus["submitted"]+1 || after.Open != before.Open+1 || after.OpenByCategory["credit"] != before.OpenByCategory["credit"]+1 {
		t.Errorf("after a filing: submitted %d→%d, open %d→%d, credit %d→%d", before.ByStatus["submitted"], after.ByStatus["submitted"],
			before.Open, after.Open, before.OpenByCategory["credit"], after.OpenByCategory["credit"])
	}
}

func TestObstacleIdempotencyKeyBoundToRequest(t *testing.T) {
	t.Parallel()
	e := sitetest.NewObstacles(t, false)
	const key = "invoice-2026-0001"
	f := sitetest.FilingForm(t, "vi", "Công ty Chủ Khóa")
	orig := obstacles.ObstacleSubmission{BusinessName: f["business_name"], TaxCode: f["tax_code"], ContactPerson: f["contact_person"],
		Email: "chu.khoa@bienxanh.example", Phone: "0905 111 222", Lang: "vi", Category: f["category"], Title: f["title"], Description: f["description"]}
	r := e.Anonymous().PostJSON("/api/v1/obstacles", orig, "Idempotency-Key", key)
	var first obstacles.ObstacleFiled
	if err := json.Unmarshal([]byte(r.Body), &first); err != nil || r.Status != 201 {
		t.Fatalf("first filing: %d %s", r.Status, r.Body)
	}

	t.Run("SameRequestGetsTheFirstAnswer", func(t *testing.T) {
		r := e.Anonymous().PostJSON("/api/v1/obstacles", orig, "Idempotency-Key", key)
		var again obstacles.ObstacleFiled
		if err := json.Unmarshal([]byte(r.Body), &again); err != nil || r.Status != 200 || !again.Replayed ||
			again.TrackingCode != first.TrackingCode || again.AccessKey != first.AccessKey {
			t.Errorf("replay: %d %s", r.Status, r.Body)
		}
	})

	other := orig
	other.BusinessName, other.Email, other.Phone = "Công ty Kẻ Dò", "do@attacker.example", "0912 000 111"
	other.Description = "Một nội dung hoàn toàn khác, gửi kèm một mã đã biết."
	for _, lang := range []string{"vi", "en"} {
		t.Run("OtherBodyIs422/"+lang, func(t *testing.T) {
			r := e.Anonymous().PostJSON("/api/v1/obstacles", other, "Idempotency-Key", key, "Accept-Language", lang)
			if r.Status != 422 {
				t.Fatalf("another body with a known key: %d %s", r.Status, r.Body)
			}
			p := sitetest.ProblemOf(t, r)
			want := e.Bundle.For(lang).T("obstacle.error.idempotency_reused")
			if len(p.Errors) != 1 || p.Errors[0].Field != "Idempotency-Key" || p.Errors[0].Message != want {
				t.Errorf("problem %+v, want the Idempotency-Key named with %q", p.Errors, want)
			}
			for _, secret := range []string{first.TrackingCode, first.AccessKey, orig.TaxCode, orig.Email, orig.BusinessName, "0905"} {
				if strings.Contains(r.Body, secret) || strings.Contains(fmt.Sprint(r.Header), secret) {
					t.Errorf("the refusal shows %q", secret)
				}
			}
		})
	}
	t.Run("SameFieldsWithAFileIs422", func(t *testing.T) {
		fields := map[string]string{"business_name": orig.BusinessName, "tax_code": orig.TaxCode, "contact_person": orig.ContactPerson,
			"email": orig.Email, "phone": orig.Phone, "lang": orig.Lang, "category": orig.Category, "title": orig.Title, "description": orig.Description}
		r := e.Anonymous().SendMultipart(e.Srv, "/api/v1/obstacles", fields, []sitetest.Upload{{Name: "x.pdf", Data: sitetest.PDFFile}}, "Idempotency-Key", key)
		if r.Status != 422 || strings.Contains(r.Body, first.AccessKey) {
			t.Errorf("same fields and a file: %d %s", r.Status, r.Body)
		}
	})
	if n := e.CountByBusiness(other.BusinessName); n != 0 {
		t.Errorf("the refused body stored %d obstacles", n)
	}
	if n := e.CountByBusiness(orig.BusinessName); n != 1 {
		t.Errorf("%d obstacles of the first filer", n)
	}
	if msgs, _ := e.Mail.To(context.Background(), other.Email); len(msgs) != 0 {
		t.Errorf("%d e-mails to the second sender", len(msgs))
	}
}

// TestObstacleFormTokenBoundToContent: the filing page's one-time token
// is an idempotency key too; sent again with other content it files
// nothing and shows nothing of the first filing.
func TestObstacleFormTokenBoundToContent(t *testing.T) {
	t.Parallel()
	e := sitetest.NewObstacles(t, false)
	c := e.Anonymous()
	d := c.Get("/vi/obstacles/new").Doc(t)
	token := d.Find(`input[name=form_token]`).AttrOr("value", "")
	csrf := d.Find(`input[name=_csrf]`).First().AttrOr("value", "")
	form := sitetest.FilingForm(t, "vi", "Công ty Biểu Mẫu Một")
	form["_csrf"], form["form_token"] = csrf, token
	r := c.SendMultipart(e.Srv, "/vi/obstacles/new", form, nil)
	if r.Status != 200 {
		t.Fatalf("file: %d", r.Status)
	}
	code, key := sitetest.Text(r.Doc(t), "[data-testid=tracking-code]"), sitetest.Text(r.Doc(t), "[data-testid=access-key]")
	if code == "" || key == "" {
		t.Fatal("no tracking code or key shown")
	}

	changed := sitetest.FilingForm(t, "vi", "Công ty Biểu Mẫu Hai")
	changed["_csrf"], changed["form_token"] = csrf, token
	changed["description"] = "Nội dung khác hẳn, gửi lại bằng biểu mẫu cũ đã dùng."
	r = c.SendMultipart(e.Srv, "/vi/obstacles/new", changed, nil)
	d = r.Doc(t)
	if r.Status != 422 {
		t.Fatalf("the same token with other content: %d", r.Status)
	}
	if strings.Contains(r.Body, code) || strings.Contains(r.Body, key) {
		t.Error("the refusal shows the first filing's code or key")
	}
	if got, want := sitetest.Text(d, "[data-testid=error-summary]"), e.Bundle.For("vi").T("obstweb.error.form_reused"); !strings.Contains(got, want) {
		t.Errorf("form error %q lacks %q", got, want)
	}
	renewed := d.Find(`input[name=form_token]`).AttrOr("value", "")
	if renewed == "" || renewed == token || d.Find(`input[name=business_name]`).AttrOr("value", "") != changed["business_name"] {
		t.Errorf("token %q (was %q), input kept %q", renewed, token, d.Find(`input[name=business_name]`).AttrOr("value", ""))
	}
	if n := e.CountByBusiness(changed["business_name"]); n != 0 {
		t.Fatalf("%d obstacles stored by the refused form", n)
	}
	// Sent again with the renewed token, it files a new obstacle.
	changed["form_token"] = renewed
	r = c.SendMultipart(e.Srv, "/vi/obstacles/new", changed, nil)
	if r.Status != 200 || sitetest.Text(r.Doc(t), "[data-testid=tracking-code]") == code {
		t.Errorf("renewed form: %d", r.Status)
	}
}

// TestTrackingCookieCountsAgainstTheLimit presents 100 wrong keys through
// the tracking cookie, which must meet the same per-address limit as the
// lookup form and the API.
func TestTrackingCookieCountsAgainstTheLimit(t *testing.T) {
	t.Parallel()
	e := sitetest.NewObstacles(t, false)
	f := fileOne(t, e, "Công ty Cookie", "vi")
	// A business following its own case through the cookie is never
	// throttled: only failures count.
	owner := e.Anonymous()
	owner.Cookies["obstrack"] = url.QueryEscape(f.TrackingCode + "~" + f.AccessKey)
	for i := range 80 {
		if r := owner.Get("/vi/obstacles/track"); r.Status != 200 {
			t.Fatalf("owner's view %d through the cookie: %d", i+1, r.Status)
		}
	}
	tooMany, first429 := 0, 0
	for i := range 100 {
		c := e.Anonymous()
		c.Cookies["obstrack"] = url.QueryEscape(f.TrackingCode + "~" + fmt.Sprintf("WRNG-%04d-AAAA-BBBB-CCCC-DDDD", i))
		r := c.Get("/vi/obstacles/track")
		switch r.Status {
		case 429:
			if tooMany == 0 {
				first429 = i + 1
			}
			tooMany++
		case 200:
		default:
			t.Fatalf("wrong key %d: %d", i, r.Status)
		}
	}
	if tooMany == 0 {
		t.Fatal("100 wrong keys through the cookie, never a 429")
	}
	t.Logf("first 429 at the %dth wrong key; %d of 100 refused", first429, tooMany)
	// The limit is the one the form and the API count against.
	c := e.Anonymous()
	if r := c.Send(http.MethodPost, "/vi/obstacles/track", url.Values{"_csrf": {c.CSRF()}, "tracking_code": {f.TrackingCode}, "access_key": {f.AccessKey}}); r.Status != 429 {
		t.Errorf("form lookup after the cookie guesses: %d", r.Status)
	}
	if r := c.GetWith("/api/v1/obstacles/track/"+f.TrackingCode, "X-Access-Key", f.AccessKey); r.Status != 429 {
		t.Errorf("API lookup after the cookie guesses: %d", r.Status)
	}
}

// acceptedObstacle files an obstacle and accepts it as the task force;
// it returns the obstacle, the filing's answer and the task force's API
// client.
func acceptedObstacle(t *testing.T, e *sitetest.Env, business string) (obstacle.Obstacle, obstacles.ObstacleFiled, *sitetest.APIClient) {
	t.Helper()
	f := fileOne(t, e, business, "vi")
	o, err := e.Obstacles.GetByTracking(context.Background(), f.TrackingCode, f.AccessKey)
	if err != nil {
		t.Fatal(err)
	}
	tf := e.APIAs(account.RoleTaskForce)
	r := tf.Call(http.MethodPost, "/api/v1/obstacles/"+o.ID+"/transitions", obstacles.TransitionRequest{Action: "accept", Version: o.Version})
	if r.Status != 200 {
		t.Fatalf("accept: %d %s", r.Status, r.Body)
	}
	o, _ = e.Obstacles.Get(context.Background(), o.ID)
	return o, f, tf
}

func TestObstacleAssignRefusesUnknownAgencyAndFarDeadline(t *testing.T) {
	t.Parallel()
	e := sitetest.NewObstacles(t, false)
	o, _, tf := acceptedObstacle(t, e, "Công ty Giao Việc")
	path := "/api/v1/obstacles/" + o.ID + "/transitions"
	today := time.Now().In(holidays.Location())
	cases := []struct {
		name   string
		req    obstacles.TransitionRequest
		field  string
		wantID string
	}{
		{"UnknownLead", obstacles.TransitionRequest{LeadAgency: "no_such_agency"}, "lead_agency", "obstweb.error.agency_unknown"},
		{"UnknownCoordinating", obstacles.TransitionRequest{LeadAgency: "tax_khanh_hoa", CoordinatingAgencies: []string{"construction", "ghost_office"}}, "coordinating_agencies", "obstweb.error.agency_unknown"},
		{"Year9999", obstacles.TransitionRequest{LeadAgency: "tax_khanh_hoa", Deadline: "9999-12-31"}, "deadline", "obstacle.error.deadline_far"},
		{"MoreThanAYear", obstacles.TransitionRequest{LeadAgency: "tax_khanh_hoa", Deadline: today.AddDate(1, 0, 2).Format(time.DateOnly)}, "deadline", "obstacle.error.deadline_far"},
		{"Yesterday", obstacles.TransitionRequest{LeadAgency: "tax_khanh_hoa", Deadline: today.AddDate(0, 0, -1).Format(time.DateOnly)}, "deadline", "obstacle.error.deadline_past"},
	}
	for _, tc := range cases {
		for _, lang := range []string{"vi", "en"} {
			t.Run(tc.name+"/"+lang, func(t *testing.T) {
				tc.req.Action, tc.req.Version = "assign", o.Version
				r := tf.Call(http.MethodPost, path, tc.req, "Accept-Language", lang)
				if r.Status != 400 {
					t.Fatalf("%d %s", r.Status, r.Body)
				}
				p := sitetest.ProblemOf(t, r)
				want := e.Bundle.For(lang).T(tc.wantID)
				if len(p.Errors) != 1 || p.Errors[0].Field != tc.field || p.Errors[0].Code != tc.wantID || p.Errors[0].Message != want {
					t.Errorf("errors %+v, want %s: %q", p.Errors, tc.field, want)
				}
			})
		}
	}
	if cur, _ := e.Obstacles.Get(context.Background(), o.ID); cur.Version != o.Version || cur.LeadAgency != "" {
		t.Fatalf("a refused assignment changed the obstacle: v%d %q", cur.Version, cur.LeadAgency)
	}
	// The bulk assignment of the queue page refuses an unknown agency too.
	tfPage := e.As(account.RoleTaskForce)
	tok := sitetest.CSRFInput.FindStringSubmatch(tfPage.Get("/en/staff/obstacles").Body)[1]
	r := tfPage.Send(http.MethodPost, "/en/staff/obstacles/assign", url.Values{"_csrf": {tok}, "ids": {o.ID}, "lead_agency": {"no_such_agency"}})
	if r.Status != 400 || !strings.Contains(r.Body, e.Bundle.For("en").T("obstweb.error.agency_unknown")) {
		t.Errorf("bulk with an unknown agency: %d", r.Status)
	}
	// A real agency and a deadline within the year are taken.
	ok := obstacles.TransitionRequest{Action: "assign", Version: o.Version, LeadAgency: "tax_khanh_hoa", CoordinatingAgencies: []string{"construction"},
		Deadline: today.AddDate(0, 11, 0).Format(time.DateOnly)}
	if r := tf.Call(http.MethodPost, path, ok); r.Status != 200 {
		t.Errorf("valid assignment: %d %s", r.Status, r.Body)
	}
}

func TestObstacleRacingTransitionsGet412(t *testing.T) {
	t.Parallel()
	e := sitetest.NewObstacles(t, false)
	o, _, tf := acceptedObstacle(t, e, "Công ty Đua")
	path := "/api/v1/obstacles/" + o.ID + "/transitions"
	etag := fmt.Sprintf(`"%s-v%d"`, o.TrackingCode, o.Version)

	t.Run("UnquotedIfMatchRefused", func(t *testing.T) {
		r := tf.Call(http.MethodPost, path, obstacles.TransitionRequest{Action: "note", Note: "ghi chú"}, "If-Match", strings.Trim(etag, `"`))
		if r.Status < 400 || r.Status >= 500 {
			t.Errorf("unquoted If-Match: %d %s", r.Status, r.Body)
		}
		if cur, _ := e.Obstacles.Get(context.Background(), o.ID); cur.Version != o.Version {
			t.Error("an unquoted If-Match changed the obstacle")
		}
	})

	const n = 16
	statuses := make([]int, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			body, _ := json.Marshal(obstacles.TransitionRequest{Action: "assign", LeadAgency: "tax_khanh_hoa"})
			req, _ := http.NewRequest(http.MethodPost, path, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+tf.Token)
			req.Header.Set("If-Match", etag)
			res, err := e.Srv.App().Test(req, 60_000)
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			statuses[i] = res.StatusCode
		}()
	}
	close(start)
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	if count[200] != 1 || count[412] != n-1 {
		t.Errorf("%d racing steps with the same If-Match: %v, want one 200 and %d × 412", n, count, n-1)
	}
	cur, _ := e.Obstacles.Get(context.Background(), o.ID)
	if cur.Version != o.Version+1 || cur.Status != obstacle.Assigned {
		t.Errorf("after the race: v%d %s", cur.Version, cur.Status)
	}
	// A fresh If-Match and a step that no longer applies: 409, not 412.
	fresh := fmt.Sprintf(`"%s-v%d"`, cur.TrackingCode, cur.Version)
	if r := tf.Call(http.MethodPost, path, obstacles.TransitionRequest{Action: "accept"}, "If-Match", fresh); r.Status != 409 {
		t.Errorf("a step the workflow no longer allows: %d", r.Status)
	}
	// A stale version in the body, without If-Match, stays a 409.
	if r := tf.Call(http.MethodPost, path, obstacles.TransitionRequest{Action: "note", Note: "x", Version: o.Version}); r.Status != 409 {
		t.Errorf("stale body version: %d", r.Status)
	}
	// The API reads its body with the shared decoder: an unknown field is named.
	r := tf.Call(http.MethodPost, path, map[string]any{"action": "note", "note": "x", "version": cur.Version, "status": "closed"})
	if p := sitetest.ProblemOf(t, r); r.Status != 400 || len(p.Errors) != 1 || p.Errors[0].Field != "status" {
		t.Errorf("unknown field: %d %s", r.Status, r.Body)
	}
}

func TestObstacleTextRefusesControlCharacters(t *testing.T) {
	t.Parallel()
	e := sitetest.NewObstacles(t, false)
	base := sitetest.FilingForm(t, "en", "Công ty Ký Tự")
	sub := func(mod func(*obstacles.ObstacleSubmission)) obstacles.ObstacleSubmission {
		s := obstacles.ObstacleSubmission{BusinessName: base["business_name"], TaxCode: base["tax_code"], ContactPerson: base["contact_person"],
			Email: base["email"], Phone: base["phone"], Lang: "en", Category: base["category"], Title: base["title"], Description: base["description"]}
		mod(&s)
		return s
	}
	want := e.Bundle.For("en").T("obstacle.error.control_chars")
	cases := []struct {
		name  string
		mod   func(*obstacles.ObstacleSubmission)
		field string
	}{
		{"NULInTitle", func(s *obstacles.ObstacleSubmission) { s.Title = "Chậm\x00 bàn giao" }, "title"},
		{"EscapeInBusiness", func(s *obstacles.ObstacleSubmission) { s.BusinessName = "Công ty \x1b[31mĐỏ" }, "business_name"},
		{"NewlineInContact", func(s *obstacles.ObstacleSubmission) { s.ContactPerson = "Nguyễn\nVăn An" }, "contact_person"},
		{"C1InDescription", func(s *obstacles.ObstacleSubmission) { s.Description += " \u0085 thêm" }, "description"},
		{"NULInDescription", func(s *obstacles.ObstacleSubmission) { s.Description += "\x00" + s.Description }, "description"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := sub(tc.mod)
			r := e.Anonymous().PostJSON("/api/v1/obstacles?lang=en", s, "Idempotency-Key", fmt.Sprintf("control-chars-%02d-0123456789", i), "Accept-Language", "en")
			if r.Status != 400 {
				t.Fatalf("%d %s", r.Status, r.Body)
			}
			p := sitetest.ProblemOf(t, r)
			found := false
			for _, fp := range p.Errors {
				found = found || (fp.Field == tc.field && fp.Code == "obstacle.error.control_chars" && fp.Message == want)
			}
			if !found {
				t.Errorf("errors %+v lack %s", p.Errors, tc.field)
			}
		})
	}
	if n := e.CountByBusiness(base["business_name"]); n != 0 {
		t.Fatalf("%d refused filings stored", n)
	}
	t.Run("LineBreaksAndTabsInDescription", func(t *testing.T) {
		s := sub(func(s *obstacles.ObstacleSubmission) {
			s.Description = "Dòng một.\r\nDòng hai:\tcòn 2,4 ha chưa bàn giao."
		})
		if r := e.Anonymous().PostJSON("/api/v1/obstacles", s, "Idempotency-Key", "control-chars-ok-0123456789"); r.Status != 201 {
			t.Errorf("%d %s", r.Status, r.Body)
		}
	})
	// A raw control byte cannot travel in a MIME header line, but the
	// RFC 2231 form (filename*) and the C1 range can.
	for i, disposition := range []string{
		`form-data; name="files"; filename*=UTF-8''plan%01.pdf`,
		`form-data; name="files"; filename*=UTF-8''plan%00.pdf`,
		"form-data; name=\"files\"; filename=\"plan\u0085.pdf\"",
	} {
		t.Run(fmt.Sprintf("FileName%d", i), func(t *testing.T) {
			fields := sitetest.FilingForm(t, "en", fmt.Sprintf("Công ty Tên Tệp %d", i))
			var buf bytes.Buffer
			w := multipart.NewWriter(&buf)
			for k, v := range fields {
				w.WriteField(k, v)
			}
			part, _ := w.CreatePart(textproto.MIMEHeader{"Content-Disposition": {disposition}, "Content-Type": {"application/pdf"}})
			part.Write(sitetest.PDFFile)
			w.Close()
			req := httptest.NewRequest(http.MethodPost, "/api/v1/obstacles", &buf)
			req.Header.Set("Content-Type", w.FormDataContentType())
			req.Header.Set("Idempotency-Key", fmt.Sprintf("control-file-%d-0123456789", i))
			r := e.Anonymous().DoWith(e.Srv, req)
			p := sitetest.ProblemOf(t, r)
			if r.Status != 400 || len(p.Errors) != 1 || p.Errors[0].Field != "file" || p.Errors[0].Code != "obstacle.error.control_chars" {
				t.Errorf("%d %+v", r.Status, p.Errors)
			}
			if e.CountByBusiness(fields["business_name"]) != 0 {
				t.Error("stored")
			}
		})
	}

	// Notes and answers: staff through the API, the business on the tracking API.
	o, filed, tf := acceptedObstacle(t, e, "Công ty Ghi Chú")
	r := tf.Call(http.MethodPost, "/api/v1/obstacles/"+o.ID+"/transitions", obstacles.TransitionRequest{Action: "note", Version: o.Version, Note: "Đã họp\x07 với sở"}, "Accept-Language", "vi")
	if p := sitetest.ProblemOf(t, r); r.Status != 400 || len(p.Errors) != 1 || p.Errors[0].Field != "note" || p.Errors[0].Message != e.Bundle.For("vi").T("obstacle.error.control_chars") {
		t.Errorf("note: %d %s", r.Status, r.Body)
	}
	ctx := context.Background()
	walked := o
	for _, step := range []struct {
		a  obstacle.Action
		in obstacle.Input
	}{{obstacle.ActAssign, obstacle.Input{LeadAgency: "tax_khanh_hoa"}}, {obstacle.ActStart, obstacle.Input{}}, {obstacle.ActAsk, obstacle.Input{Note: "Xin bản đồ."}}} {
		var err error
		if walked, err = e.Obstacles.Apply(ctx, walked.ID, walked.Version, step.a, step.in, obstacle.Actor{ID: "tf", Role: obstacle.RoleTaskforce}, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	r = e.Anonymous().PostJSON("/api/v1/obstacles/track/"+filed.TrackingCode+"/actions", obstacles.FilerActionRequest{Action: "answer", Version: walked.Version, Note: "Đã gửi\x00"}, "X-Access-Key", filed.AccessKey)
	if p := sitetest.ProblemOf(t, r); r.Status != 400 || len(p.Errors) != 1 || p.Errors[0].Field != "note" {
		t.Errorf("answer: %d %s", r.Status, r.Body)
	}
	if cur, _ := e.Obstacles.Get(ctx, o.ID); cur.Version != walked.Version {
		t.Error("a refused answer changed the obstacle")
	}
}
