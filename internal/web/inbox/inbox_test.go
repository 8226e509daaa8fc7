package inbox_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/inbox"
	"github.com/khanhhoa/investportal/internal/mail"
	"github.com/khanhhoa/investportal/internal/notify"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/web/obstacles"
	"github.com/khanhhoa/investportal/internal/web/opportunities"
	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
	"github.com/khanhhoa/investportal/seed"
)

// mailOf returns the e-mails of kind sent to address.
func mailOf(t *testing.T, e *sitetest.Env, address, kind string) []mail.Message {
	t.Helper()
	all, err := e.Mail.To(context.Background(), address)
	if err != nil {
		t.Fatal(err)
	}
	var out []mail.Message
	for _, m := range all {
		if m.Kind == kind {
			out = append(out, m)
		}
	}
	return out
}

// page is what a client's inbox page shows.
type page struct {
	ids, kinds, texts []string
	unread            []bool
	nav               string
	doc               *goquery.Document
}

func readInbox(t *testing.T, c *sitetest.Client, lang string) page {
	t.Helper()
	r := c.Get("/" + lang + "/inbox")
	if r.Status != 200 {
		t.Fatalf("inbox page: %d", r.Status)
	}
	d := r.Doc(t)
	p := page{doc: d, nav: sitetest.Text(d, "[data-testid=nav-unread]")}
	d.Find("[data-testid=inbox-item]").Each(func(_ int, s *goquery.Selection) {
		p.ids = append(p.ids, s.AttrOr("data-id", ""))
		p.kinds = append(p.kinds, s.AttrOr("data-kind", ""))
		p.texts = append(p.texts, strings.Join(strings.Fields(s.Find("[data-testid=inbox-open]").Text()), " "))
		p.unread = append(p.unread, s.AttrOr("data-unread", "") == "1")
	})
	return p
}

func unreadOf(p page) int {
	n := 0
	for _, u := range p.unread {
		if u {
			n++
		}
	}
	return n
}

// staffAPI calls the obstacle API with a personal token of u.
func staffAPI(t *testing.T, e *sitetest.Env, u account.User) func(path string, body any) (int, string) {
	tok, _, err := e.Accounts.IssueToken(context.Background(), u.ID, "test", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	c := e.Anonymous()
	return func(path string, body any) (int, string) {
		t.Helper()
		r := c.PostJSON(path, body, "Authorization", "Bearer "+tok)
		return r.Status, r.Body
	}
}

func addUser(t *testing.T, e *sitetest.Env, email string, role account.Role, agency, lang string) (account.User, *sitetest.Client) {
	t.Helper()
	ctx := context.Background()
	u, err := e.Accounts.CreateUser(ctx, account.NewUser{Email: email, Name: "Officer " + email, Role: role, AgencyID: agency, Lang: lang, Password: sitetest.DemoPassword},
		account.Actor{ID: "test"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	sid, _, err := e.Accounts.CreateSession(ctx, u.ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	c := e.Anonymous()
	c.Cookies["sid"] = sid
	return u, c
}

// TestObstacleEventsReachTheRightOfficers files a report, assigns it and
// has the business answer, end to end over HTTP on the embedded
// database, and checks each officer's inbox, count and e-mail.
func TestObstacleEventsReachTheRightOfficers(t *testing.T) {
	e := sitetest.NewObstacles(t, false)
	ctx := context.Background()
	tfUser, agUser := e.Users[account.RoleTaskForce], e.Users[account.RoleAgency]
	tf, ag, board := e.As(account.RoleTaskForce), e.As(account.RoleAgency), e.As(account.RoleBoard)
	tf2User, tf2 := addUser(t, e, "tf2@portal.test", account.RoleTaskForce, "", "en")
	_, taxOfficer := addUser(t, e, "tax@portal.test", account.RoleAgency, "tax", "en")
	if agUser.AgencyID == "tax" {
		t.Fatal("the demo agency officer works for the tax office: the test cannot tell agencies apart")
	}

	// 1. A business files: every task-force officer hears, nobody else.
	f := sitetest.FilingForm(t, "vi", "Công ty Hộp Thư")
	sub := obstacles.ObstacleSubmission{BusinessName: f["business_name"], TaxCode: f["tax_code"], ContactPerson: f["contact_person"],
		Email: f["email"], Phone: f["phone"], Lang: "vi", Category: f["category"], Title: f["title"], Description: f["description"]}
	key := fmt.Sprintf("inbox-%x", sha256.Sum256([]byte(f["business_name"])))
	r := e.Anonymous().PostJSON("/api/v1/obstacles", sub, "Idempotency-Key", key)
	var filed obstacles.ObstacleFiled
	if err := json.Unmarshal([]byte(r.Body), &filed); err != nil || r.Status != 201 {
		t.Fatalf("file: %d %s", r.Status, r.Body)
	}
	// The same filing sent again tells nobody twice.
	if r := e.Anonymous().PostJSON("/api/v1/obstacles", sub, "Idempotency-Key", key); r.Status != 200 {
		t.Fatalf("replayed filing: %d", r.Status)
	}
	o, err := e.Obstacles.GetByTracking(ctx, filed.TrackingCode, filed.AccessKey)
	if err != nil {
		t.Fatal(err)
	}
	p := readInbox(t, tf, "en")
	wantEN := e.Bundle.For("en").T("inbox.item.obstacle_filed", "Code", o.TrackingCode, "Title", o.Title)
	if len(p.ids) != 1 || p.kinds[0] != inbox.KindObstacleFiled || !p.unread[0] || p.texts[0] != wantEN || p.nav != "1 new item" {
		t.Fatalf("task force after filing: %+v (want %q)", p, wantEN)
	}
	if p := readInbox(t, tf, "vi"); p.texts[0] != e.Bundle.For("vi").T("inbox.item.obstacle_filed", "Code", o.TrackingCode, "Title", o.Title) || p.nav != "1 mục mới" {
		t.Errorf("task force in Vietnamese: %q, nav %q", p.texts, p.nav)
	}
	if p := readInbox(t, tf2, "en"); len(p.ids) != 1 || p.kinds[0] != inbox.KindObstacleFiled {
		t.Errorf("second task-force officer: %v", p.kinds)
	}
	for name, c := range map[string]*sitetest.Client{"agency": ag, "board": board, "tax": taxOfficer} {
		if p := readInbox(t, c, "en"); len(p.ids) != 0 || p.nav != "" {
			t.Errorf("%s heard of the filing: %v %q", name, p.kinds, p.nav)
		}
	}
	for _, u := range []account.User{tfUser, tf2User} {
		ms := mailOf(t, e, u.Email, notify.KindOfficer)
		want := e.Bundle.For(u.Lang).T("inbox.item.obstacle_filed", "Code", o.TrackingCode, "Title", o.Title)
		link := sitetest.BaseURL + "/" + u.Lang + "/staff/obstacles/" + o.ID
		if len(ms) != 1 || ms[0].Lang != u.Lang || !strings.Contains(ms[0].Subject, want) || !strings.Contains(ms[0].Body, link) {
			t.Errorf("%s: %d e-mails %+v; want %q and %s", u.Email, len(ms), ms, want, link)
		}
	}

	// 2. The task force assigns it to the demo agency: its officers hear.
	tfAPI := staffAPI(t, e, tfUser)
	path := "/api/v1/obstacles/" + o.ID + "/transitions"
	if st, body := tfAPI(path, obstacles.TransitionRequest{Action: "accept", Version: 1}); st != 200 {
		t.Fatalf("accept: %d %s", st, body)
	}
	if st, body := tfAPI(path, obstacles.TransitionRequest{Action: "assign", Version: 2, LeadAgency: agUser.AgencyID}); st != 200 {
		t.Fatalf("assign: %d %s", st, body)
	}
	p = readInbox(t, ag, "en")
	if len(p.ids) != 1 || p.kinds[0] != inbox.KindObstacleAssigned || !p.unread[0] || !strings.Contains(p.texts[0], o.TrackingCode) {
		t.Fatalf("agency after assignment: %+v", p)
	}
	assignedID := p.ids[0]
	if ms := mailOf(t, e, agUser.Email, notify.KindOfficer); len(ms) != 1 || !strings.Contains(ms[0].Body, "/staff/obstacles/"+o.ID) {
		t.Errorf("agency e-mails: %+v", ms)
	}
	if p := readInbox(t, taxOfficer, "en"); len(p.ids) != 0 {
		t.Errorf("another agency heard of the assignment: %v", p.kinds)
	}
	if p := readInbox(t, tf, "en"); len(p.ids) != 1 {
		t.Errorf("the task force heard of its own assignment: %v", p.kinds)
	}

	// 3. The agency asks; the business answers on its tracking page:
	// the task force and the agency hear.
	agAPI := staffAPI(t, e, agUser)
	cur, _ := e.Obstacles.Get(ctx, o.ID)
	if st, body := agAPI(path, obstacles.TransitionRequest{Action: "start", Version: cur.Version}); st != 200 {
		t.Fatalf("start: %d %s", st, body)
	}
	cur, _ = e.Obstacles.Get(ctx, o.ID)
	if st, body := agAPI(path, obstacles.TransitionRequest{Action: "ask", Version: cur.Version, Note: "Xin gửi bản đồ."}); st != 200 {
		t.Fatalf("ask: %d %s", st, body)
	}
	biz := e.Anonymous()
	bt := biz.CSRF()
	if r := biz.Send(http.MethodPost, "/vi/obstacles/track", url.Values{"_csrf": {bt}, "tracking_code": {filed.TrackingCode}, "access_key": {filed.AccessKey}}); r.Status != 303 {
		t.Fatalf("lookup: %d", r.Status)
	}
	cur, _ = e.Obstacles.Get(ctx, o.ID)
	if r := biz.Send(http.MethodPost, "/vi/obstacles/track/act", url.Values{"_csrf": {bt}, "action": {"answer"}, "version": {fmt.Sprint(cur.Version)}, "note": {"Đã gửi bản đồ."}}); r.Status != 303 {
		t.Fatalf("answer: %d %s", r.Status, sitetest.Text(r.Doc(t), "main"))
	}
	for name, c := range map[string]*sitetest.Client{"task force": tf, "agency": ag} {
		p := readInbox(t, c, "en")
		if len(p.ids) != 2 || p.kinds[0] != inbox.KindObstacleAnswered || !p.unread[0] || unreadOf(p) != 2 || p.nav != "2 new items" {
			t.Errorf("%s after the answer: %+v", name, p)
		}
	}
	if p := readInbox(t, tf, "vi"); p.nav != "2 mục mới" {
		t.Errorf("vi count: %q", p.nav)
	}
	if ms := mailOf(t, e, tfUser.Email, notify.KindOfficer); len(ms) != 2 {
		t.Errorf("task force e-mails after the answer: %d", len(ms))
	}
	if p := readInbox(t, taxOfficer, "en"); len(p.ids) != 0 {
		t.Errorf("another agency heard of the answer: %v", p.kinds)
	}

	// 4. Marking read: opening an item marks it and goes to the report.
	p = readInbox(t, tf, "en")
	tok := sitetest.PageCSRF(t, c2r(p))
	r = tf.Send(http.MethodPost, "/en/inbox/"+p.ids[0]+"/read", url.Values{"_csrf": {tok}})
	if r.Status != 303 || r.Header.Get("Location") != "/en/staff/obstacles/"+o.ID {
		t.Fatalf("open item: %d %q", r.Status, r.Header.Get("Location"))
	}
	if p := readInbox(t, tf, "en"); unreadOf(p) != 1 || p.unread[0] || p.nav != "1 new item" {
		t.Errorf("after opening one: %+v", p)
	}
	// Without the anti-forgery token nothing is marked.
	if r := tf.Send(http.MethodPost, "/en/inbox/"+p.ids[1]+"/read", url.Values{}); r.Status != 403 {
		t.Errorf("no CSRF: %d", r.Status)
	}
	// Another officer can neither mark nor open the agency's item.
	agBefore := unreadOf(readInbox(t, ag, "en"))
	for name, c := range map[string]*sitetest.Client{"task force": tf, "board": board, "tax": taxOfficer} {
		ctok := sitetest.PageCSRF(t, c.Get("/en/inbox"))
		if r := c.Send(http.MethodPost, "/en/inbox/"+assignedID+"/read", url.Values{"_csrf": {ctok}}); r.Status != 404 {
			t.Errorf("%s marks the agency's item: %d", name, r.Status)
		}
	}
	if n := unreadOf(readInbox(t, ag, "en")); n != agBefore {
		t.Errorf("the agency's unread count changed from %d to %d", agBefore, n)
	}
	// Only staff have an inbox.
	if r := e.As(account.RoleBusiness).Get("/en/inbox"); r.Status != 403 {
		t.Errorf("business reads /en/inbox: %d", r.Status)
	}
	if r := e.Anonymous().Get("/en/inbox"); r.Status == 200 {
		t.Errorf("anonymous reads /en/inbox: %d", r.Status)
	}

	// 5. Mark all read.
	r = tf.Send(http.MethodPost, "/en/inbox/read-all", url.Values{"_csrf": {tok}})
	if r.Status != 303 {
		t.Fatalf("read all: %d", r.Status)
	}
	if p := readInbox(t, tf, "en"); unreadOf(p) != 0 || len(p.ids) != 2 || p.nav != "" || p.doc.Find("[data-testid=inbox-read-all]").Length() != 0 {
		t.Errorf("after read all: %+v", p)
	}
	if p := readInbox(t, tf2, "en"); unreadOf(p) != 2 {
		t.Errorf("read all touched another officer's inbox: %d unread", unreadOf(p))
	}
}

// c2r wraps a page's document for PageCSRF.
func c2r(p page) sitetest.Response {
	h, _ := p.doc.Html()
	return sitetest.Response{Status: 200, Body: h}
}

// TestEnquiryReachesBoardAndReplyReachesInvestor: an investor's enquiry
// puts an item in each board officer's inbox with an e-mail; the board's
// reply is validated, kept on the enquiry, e-mailed once to the investor
// with its text, and shown to the board.
func TestEnquiryReachesBoardAndReplyReachesInvestor(t *testing.T) {
	e := sitetest.New(t)
	ctx := context.Background()
	opps := e.Deps.Opportunities
	if err := opps.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	demo, err := seed.Opportunities()
	if err != nil {
		t.Fatal(err)
	}
	var o opportunity.Opportunity
	for _, x := range demo {
		if (x.Status == opportunity.StatusOpen || x.Status == opportunity.StatusInNegotiation) && x.Title.EN != "" {
			o = x
			break
		}
	}
	if err := opps.Create(ctx, &o); err != nil {
		t.Fatal(err)
	}
	in := opportunities.EnquiryInput{Name: "Kim Min-jun", Country: "KR", Email: "minjun@example.com",
		Message: "We would like the site survey.", Lang: "en", IdempotencyKey: "inbox-enquiry-1"}
	for _, want := range []int{201, 200} {
		if r := e.Anonymous().PostJSON("/api/v1/opportunities/"+o.Code+"/enquiries", in); r.Status != want {
			t.Fatalf("enquiry: %d %s", r.Status, r.Body)
		}
	}
	board := e.As(account.RoleBoard)
	boardUser := e.Users[account.RoleBoard]
	p := readInbox(t, board, "en")
	want := e.Bundle.For("en").T("inbox.item.enquiry", "Name", in.Name, "Code", o.Code, "Title", o.Title.EN)
	if len(p.ids) != 1 || p.kinds[0] != inbox.KindEnquiry || p.texts[0] != want || p.nav != "1 new item" {
		t.Fatalf("board inbox: %+v, want %q", p, want)
	}
	if p := readInbox(t, board, "vi"); !strings.Contains(p.texts[0], o.Title.VI) {
		t.Errorf("board inbox in Vietnamese: %q", p.texts)
	}
	if ms := mailOf(t, e, boardUser.Email, notify.KindOfficer); len(ms) != 1 || !strings.Contains(ms[0].Body, "/board/enquiries") {
		t.Errorf("board e-mails: %+v", ms)
	}
	for _, r := range []account.Role{account.RoleTaskForce, account.RoleAgency} {
		if p := readInbox(t, e.As(r), "en"); len(p.ids) != 0 {
			t.Errorf("%s heard of the enquiry", r)
		}
	}
	// Opening the item leads to the enquiry on the board's list.
	tok := sitetest.PageCSRF(t, c2r(p))
	r := board.Send(http.MethodPost, "/en/inbox/"+p.ids[0]+"/read", url.Values{"_csrf": {tok}})
	loc := r.Header.Get("Location")
	if r.Status != 303 || !strings.HasPrefix(loc, "/en/board/enquiries") {
		t.Fatalf("open enquiry item: %d %q", r.Status, loc)
	}
	list := board.Get(loc)
	frag := loc[strings.Index(loc, "#")+1:]
	if list.Status != 200 || list.Doc(t).Find("#"+frag).Length() != 1 {
		t.Fatalf("the enquiry's row %q is not on %s", frag, loc)
	}

	// The reply: required, at least MinEnquiryReply, at most MaxEnquiryReply.
	form := sitetest.FormValues(t, list.Doc(t), "[data-testid=reply-form]")
	action := list.Doc(t).Find("[data-testid=reply-form]").AttrOr("action", "")
	for name, text := range map[string]string{"empty": "  ", "short": "Yes.", "long": strings.Repeat("x", opportunity.MaxEnquiryReply+1)} {
		form.Set("reply", text)
		r := board.Send(http.MethodPost, action, form)
		d := r.Doc(t)
		field := d.Find("textarea[name=reply][aria-invalid=true]")
		errID := field.AttrOr("aria-describedby", "")
		if r.Status != 400 || field.Length() != 1 || d.Find("[data-testid=reply-error]").Length() != 1 || !strings.Contains(errID, d.Find("[data-testid=reply-error]").AttrOr("id", "-")) {
			t.Errorf("%s reply: %d, %d invalid fields, describedby %q", name, r.Status, field.Length(), errID)
		}
		if !strings.HasPrefix(sitetest.Text(d, "title"), "Error:") {
			t.Errorf("%s reply: title %q", name, sitetest.Text(d, "title"))
		}
		if name == "short" && !strings.Contains(sitetest.Text(d, "[data-testid=reply-error]"), fmt.Sprint(opportunity.MinEnquiryReply)) {
			t.Errorf("too short says %q", sitetest.Text(d, "[data-testid=reply-error]"))
		}
		if name == "short" && field.Text() != text {
			t.Errorf("the refused reply is not kept: %q", field.Text())
		}
	}
	if ms := mailOf(t, e, in.Email, notify.KindEnquiryReply); len(ms) != 0 {
		t.Fatalf("a refused reply was e-mailed: %d", len(ms))
	}
	reply := "Thank you. The site survey is attached to the opportunity page; we can meet on 10 December."
	form.Set("reply", reply)
	for range 2 { // a double submit
		if r := board.Send(http.MethodPost, action, form); r.Status != 303 {
			t.Fatalf("reply: %d %s", r.Status, sitetest.Text(r.Doc(t), "main"))
		}
	}
	ms := mailOf(t, e, in.Email, notify.KindEnquiryReply)
	if len(ms) != 1 || ms[0].Lang != "en" || !strings.Contains(ms[0].Body, reply) || !strings.Contains(ms[0].Body, in.Message) || !strings.Contains(ms[0].Subject, o.Code) {
		t.Fatalf("investor's reply e-mails: %+v", ms)
	}
	list2, err := opps.ListEnquiries(ctx, opportunity.EnquiryFilter{})
	if err != nil || len(list2.Items) != 1 || list2.Items[0].Status != opportunity.EnquiryAnswered || list2.Items[0].Reply != reply || list2.Items[0].AnsweredBy != boardUser.Email {
		t.Fatalf("stored enquiry: %+v %v", list2, err)
	}
	d := board.Get("/en/board/enquiries").Doc(t)
	if got := sitetest.Text(d, "[data-testid=reply-sent] p"); got != reply {
		t.Errorf("the board sees the reply as %q", got)
	}
	// A different reply to an answered enquiry is refused and sends nothing.
	form.Set("reply", "Another answer, sent later by mistake.")
	if r := board.Send(http.MethodPost, action, form); r.Status != 409 {
		t.Errorf("second, different reply: %d", r.Status)
	}
	if ms := mailOf(t, e, in.Email, notify.KindEnquiryReply); len(ms) != 1 {
		t.Errorf("%d reply e-mails after a refused second reply", len(ms))
	}
	// Only the board (and admins) may reply.
	tf := e.As(account.RoleTaskForce)
	form.Set("_csrf", sitetest.PageCSRF(t, tf.Get("/en/inbox")))
	if r := tf.Send(http.MethodPost, action, form); r.Status != 403 {
		t.Errorf("task force replies: %d", r.Status)
	}
}
