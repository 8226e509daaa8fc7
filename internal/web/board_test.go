package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/web"
	boardweb "github.com/khanhhoa/investportal/internal/web/board"
)

// pageCSRF returns the anti-forgery token of the forms on a page.
func pageCSRF(t *testing.T, r response) string {
	t.Helper()
	m := csrfInput.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("no CSRF token on the page (status %d)", r.status)
	}
	return m[1]
}

// formValues reads the named inputs of the first form matching sel, as the
// browser would send them.
func formValues(t *testing.T, d *goquery.Document, sel string) url.Values {
	t.Helper()
	f := d.Find(sel).First()
	if f.Length() == 0 {
		t.Fatalf("no form %s", sel)
	}
	v := url.Values{}
	f.Find("input[name]").Each(func(_ int, s *goquery.Selection) {
		if typ := s.AttrOr("type", ""); (typ == "radio" || typ == "checkbox") && s.AttrOr("checked", "-") == "-" {
			return
		}
		v.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	f.Find("select[name]").Each(func(_ int, s *goquery.Selection) {
		v.Set(s.AttrOr("name", ""), s.Find("option[selected]").AttrOr("value", ""))
	})
	f.Find("textarea[name]").Each(func(_ int, s *goquery.Selection) { v.Set(s.AttrOr("name", ""), s.Text()) })
	return v
}

// firstAtStage returns the code of a demo project at stage st.
func (e *env) firstAtStage(st project.Stage) *project.Project {
	e.t.Helper()
	f := project.Filter{Stage: st}
	_ = f.Validate()
	page, err := e.projects.List(context.Background(), f)
	if err != nil || len(page.Items) == 0 {
		e.t.Fatalf("no project at %s: %v", st, err)
	}
	p, err := e.projects.Get(context.Background(), page.Items[0].Code)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *env) history(code string) []project.Change {
	e.t.Helper()
	h, err := e.projects.History(context.Background(), code)
	if err != nil {
		e.t.Fatal(err)
	}
	return h
}

func TestBoardEditsAProjectWithHistory(t *testing.T) {
	e := newEnv(t)
	c := e.as(account.RoleBoard)
	pr := e.firstAtStage(project.Operating)
	edit := c.get("/en/board/projects/" + pr.Code + "/edit")
	if edit.status != 200 {
		t.Fatalf("edit form: %d", edit.status)
	}
	v := formValues(t, edit.doc(t), "[data-testid=project-form]")
	if v.Get("version") != fmt.Sprint(pr.Version) || v.Get("name_vi") != pr.Name.VI || v.Get("sector") != pr.Sector {
		t.Fatalf("form not filled from the project: %v", v)
	}
	v.Set("name_en", "Harbour View Resort")
	v.Set("jobs", "4321")
	r := c.send(http.MethodPost, "/en/board/projects/"+pr.Code+"/edit", v)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/en/projects/"+pr.Code {
		t.Fatalf("save: %d %q", r.status, r.header.Get("Location"))
	}
	got, _ := e.projects.Get(context.Background(), pr.Code)
	if got.Name.EN != "Harbour View Resort" || got.Jobs != 4321 || got.Version != pr.Version+1 || got.Sector != pr.Sector {
		t.Errorf("stored %+v", got)
	}
	for lang, want := range map[string][]string{
		"en": {"Edited", "Name in English: " + pr.Name.EN + " → Harbour View Resort", "Jobs: ", "4,321", e.users[account.RoleBoard].Name},
		"vi": {"Chỉnh sửa", "Tên tiếng Anh: " + pr.Name.EN + " → Harbour View Resort", "Số lao động: ", "4.321"},
	} {
		d := c.get("/" + lang + "/projects/" + pr.Code).doc(t)
		entries := d.Find("[data-testid=history-entry]")
		if entries.Length() != 1 {
			t.Fatalf("%s: %d history entries", lang, entries.Length())
		}
		txt := strings.Join(strings.Fields(entries.Text()), " ")
		for _, w := range want {
			if !strings.Contains(txt, w) {
				t.Errorf("%s history %q lacks %q", lang, txt, w)
			}
		}
	}

	t.Run("InvalidFieldsInTheReadersLanguage", func(t *testing.T) {
		for lang, msg := range map[string]string{"vi": "Trường này là bắt buộc.", "en": "This field is required."} {
			d := c.get("/" + lang + "/board/projects/" + pr.Code + "/edit").doc(t)
			v := formValues(t, d, "[data-testid=project-form]")
			v.Set("name_vi", "")
			v.Set("name_en", "Kept input")
			v.Set("registered_capital", "lots")
			r := c.send(http.MethodPost, "/"+lang+"/board/projects/"+pr.Code+"/edit", v)
			if r.status != http.StatusBadRequest {
				t.Fatalf("%s: status %d", lang, r.status)
			}
			d = r.doc(t)
			if got := text(d, "#err-name_vi"); got != msg {
				t.Errorf("%s name_vi message %q", lang, got)
			}
			if d.Find("#err-registered_capital").Length() != 1 || d.Find(`input[name=name_en]`).AttrOr("value", "") != "Kept input" {
				t.Errorf("%s: amount message missing or input lost", lang)
			}
		}
		if h := e.history(pr.Code); len(h) != 1 {
			t.Errorf("a refused edit left history: %d entries", len(h))
		}
	})
	t.Run("StaleFormIsRefused", func(t *testing.T) {
		other := e.as(account.RoleAdmin)
		mine := formValues(t, c.get("/en/board/projects/"+pr.Code+"/edit").doc(t), "[data-testid=project-form]")
		theirs := formValues(t, other.get("/en/board/projects/"+pr.Code+"/edit").doc(t), "[data-testid=project-form]")
		theirs.Set("name_en", "Their name")
		if r := other.send(http.MethodPost, "/en/board/projects/"+pr.Code+"/edit", theirs); r.status != http.StatusSeeOther {
			t.Fatalf("first save: %d", r.status)
		}
		mine.Set("name_en", "My name")
		r := c.send(http.MethodPost, "/en/board/projects/"+pr.Code+"/edit", mine)
		if r.status != http.StatusConflict || !strings.Contains(text(r.doc(t), "[data-testid=form-error]"), "Someone else changed this project") {
			t.Fatalf("stale save: %d", r.status)
		}
		if got, _ := e.projects.Get(context.Background(), pr.Code); got.Name.EN != "Their name" {
			t.Errorf("lost update: %q", got.Name.EN)
		}
	})
}

func TestBoardMovesStagesByTheRules(t *testing.T) {
	e := newEnv(t)
	c := e.as(account.RoleBoard)
	pr := e.firstAtStage(project.Licensed)
	page := c.get("/vi/board/projects/" + pr.Code + "/stage")
	d := page.doc(t)
	if d.Find("[data-testid=stage-licensed]").Length() != 0 || d.Find("[data-testid=stage-site_clearance]").Length() != 1 {
		t.Fatal("the stage form offers the current stage or lacks the next")
	}
	post := func(lang, stage, reason string) response {
		d := c.get("/" + lang + "/board/projects/" + pr.Code + "/stage").doc(t)
		v := formValues(t, d, "[data-testid=stage-form]")
		v.Set("stage", stage)
		v.Set("reason", reason)
		return c.send(http.MethodPost, "/"+lang+"/board/projects/"+pr.Code+"/stage", v)
	}
	if r := post("en", "site_clearance", ""); r.status != http.StatusSeeOther {
		t.Fatalf("forward: %d", r.status)
	}
	d = c.get("/en/projects/" + pr.Code).doc(t)
	if text(d, "[data-testid=project-stage]") != "Site clearance" || d.Find("[data-testid=flash]").Length() != 1 {
		t.Errorf("project page: stage %q", text(d, "[data-testid=project-stage]"))
	}
	if h := text(d, "[data-testid=history-entry]"); !strings.Contains(h, "Stage moved") || !strings.Contains(h, "Licensed → Site clearance") {
		t.Errorf("history %q", h)
	}
	for lang, msg := range map[string]string{"vi": "Quay lại giai đoạn trước cần nêu lý do.", "en": "Going back to an earlier stage needs a reason."} {
		r := post(lang, "licensed", "")
		if r.status != http.StatusBadRequest || text(r.doc(t), "#err-reason") != msg {
			t.Errorf("%s back without reason: %d %q", lang, r.status, text(r.doc(t), "#err-reason"))
		}
	}
	if r := post("en", "licensed", "Site handed back to the province"); r.status != http.StatusSeeOther {
		t.Fatalf("back with reason: %d", r.status)
	}
	if r := post("en", "terminated", ""); r.status != http.StatusSeeOther {
		t.Fatalf("terminate: %d", r.status)
	}
	d = c.get("/vi/board/projects/" + pr.Code + "/stage").doc(t)
	if text(d, "[data-testid=stage-final]") != "Dự án đã chấm dứt không thể chuyển sang giai đoạn khác." {
		t.Errorf("terminated project: %q", text(d, "main"))
	}
	v := url.Values{"_csrf": {pageCSRF(t, c.get("/en/board"))}, "stage": {"operating"}, "version": {fmt.Sprint(pr.Version + 3)}}
	if r := c.send(http.MethodPost, "/en/board/projects/"+pr.Code+"/stage", v); r.status != http.StatusBadRequest || text(r.doc(t), "#err-stage") == "" {
		t.Errorf("moving a terminated project: %d", r.status)
	}
	h := e.history(pr.Code)
	if len(h) != 3 || h[1].Note != "Site handed back to the province" {
		t.Errorf("history %+v", h)
	}
}

func TestBoardRecordsDisbursements(t *testing.T) {
	e := newEnv(t)
	c := e.as(account.RoleBoard)
	pr := e.firstAtStage(project.Construction)
	post := func(amount, reason string) response {
		d := c.get("/en/board/projects/" + pr.Code + "/disbursements").doc(t)
		v := formValues(t, d, "[data-testid=disbursement-form]")
		v.Set("amount", amount)
		v.Set("reason", reason)
		return c.send(http.MethodPost, "/en/board/projects/"+pr.Code+"/disbursements", v)
	}
	unit := int64(1)
	if pr.Disbursed.Currency == "USD" {
		unit = 100
	}
	if r := post("1000", ""); r.status != http.StatusSeeOther {
		t.Fatalf("record: %d %s", r.status, text(r.doc(t), "main"))
	}
	got, _ := e.projects.Get(context.Background(), pr.Code)
	if got.Disbursed.Amount != pr.Disbursed.Amount+1000*unit || len(got.Disbursements) != 1 {
		t.Fatalf("disbursed %d, want %d", got.Disbursed.Amount, pr.Disbursed.Amount+1000*unit)
	}
	over := fmt.Sprint((got.Registered.Amount - got.Disbursed.Amount + unit) / unit)
	r := post(over, "")
	if r.status != http.StatusBadRequest || !strings.Contains(text(r.doc(t), "#err-reason"), "exceed registered capital") {
		t.Fatalf("over registered without reason: %d", r.status)
	}
	if r := post(over, "Capital increase approved on 2026-11-01"); r.status != http.StatusSeeOther {
		t.Fatalf("over registered with reason: %d", r.status)
	}
	d := c.get("/en/projects/" + pr.Code).doc(t)
	if n := d.Find("[data-testid=history-entry]").Length(); n != 2 || !strings.Contains(text(d, "[data-testid=history]"), "Disbursement recorded") {
		t.Errorf("%d history entries", n)
	}
}

func TestBoardCreatesAProject(t *testing.T) {
	e := newEnv(t)
	c := e.as(account.RoleBoard)
	d := c.get("/en/board/projects/new").doc(t)
	v := formValues(t, d, "[data-testid=project-form]")
	v.Set("code", "FDI-9001")
	v.Set("kind", "fdi")
	v.Set("name_vi", "Nhà máy điện gió ngoài khơi")
	v.Set("name_en", "Offshore wind farm")
	v.Set("investor_name", "Blue Sea Energy")
	v.Set("investor_country", "DK")
	v.Set("sector", "energy")
	v.Set("location", "van_ninh")
	v.Set("registered_capital", "125000000.50")
	v.Set("stage", "licensed")
	before, _ := e.projects.Stats(context.Background())
	r := c.send(http.MethodPost, "/en/board/projects", v)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/en/projects/FDI-9001" {
		t.Fatalf("create: %d %q %s", r.status, r.header.Get("Location"), text(r.doc(t), "main"))
	}
	got, err := e.projects.Get(context.Background(), "FDI-9001")
	if err != nil || got.Registered.Amount != 12_500_000_050 || got.Registered.Currency != "USD" || got.Version != 1 {
		t.Fatalf("%+v %v", got, err)
	}
	after, _ := e.projects.Stats(context.Background())
	if after.Kind(project.FDI).Count != before.Kind(project.FDI).Count+1 {
		t.Error("the new project is not in the figures")
	}
	if h := e.history("FDI-9001"); len(h) != 1 || h[0].Action != project.ActionCreate {
		t.Errorf("history %+v", h)
	}
	v.Set("_csrf", pageCSRF(t, c.get("/vi/board/projects/new")))
	r = c.send(http.MethodPost, "/vi/board/projects", v)
	if r.status != http.StatusBadRequest || text(r.doc(t), "#err-code") == "" {
		t.Errorf("taken code: %d", r.status)
	}
}

func TestHistoryIsShownToStaffOnly(t *testing.T) {
	e := newEnv(t)
	pr := e.firstAtStage(project.Operating)
	name := "Visible to staff"
	if _, err := e.projects.Update(context.Background(), pr.Code, pr.Version, project.Changes{NameEN: &name}, project.Actor{ID: "x", Name: "Tester"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	callers := map[string]*client{"anonymous": e.anonymous()}
	for _, r := range account.Roles {
		callers[string(r)] = e.as(r)
	}
	for who, c := range callers {
		d := c.get("/en/projects/" + pr.Code).doc(t)
		shown := d.Find("[data-testid=history-entry]").Length() == 1
		staff := who != "anonymous" && account.Role(who).IsStaff()
		if shown != staff {
			t.Errorf("%s: history shown %v", who, shown)
		}
		if edit := d.Find("[data-testid=edit-project]").Length() == 1; edit != (who == "board" || who == "admin") {
			t.Errorf("%s: edit link shown %v", who, edit)
		}
	}
}

// apiClient calls the API with a personal token of a demo user.
type apiClient struct {
	e     *env
	token string
}

func (e *env) apiAs(r account.Role) *apiClient {
	e.t.Helper()
	plain, _, err := e.accounts.IssueToken(context.Background(), e.users[r].ID, "test", time.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return &apiClient{e: e, token: plain}
}

func (a *apiClient) call(method, path string, body any, header ...string) response {
	a.e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			a.e.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req := httptest.NewRequest(method, path, rd)
	req.Header.Set("Content-Type", "application/json")
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return a.e.do(req)
}

func TestProjectWriteAPI(t *testing.T) {
	e := newEnv(t)
	board := e.apiAs(account.RoleBoard)
	pr := e.firstAtStage(project.Licensed)
	path := "/api/v1/projects/" + pr.Code
	etag := e.get(path).header.Get("ETag")
	patch := map[string]any{"name": map[string]any{"en": "Patched name"}, "jobs": 77}

	t.Run("AnonymousIs401", func(t *testing.T) {
		if r := (&apiClient{e: e}).call(http.MethodPatch, path, patch, "If-Match", etag); r.status != 401 {
			t.Errorf("%d", r.status)
		}
	})
	t.Run("WrongRoleIs403", func(t *testing.T) {
		for _, role := range []account.Role{account.RoleBusiness, account.RoleTaskForce, account.RoleAgency} {
			if r := e.apiAs(role).call(http.MethodPatch, path, patch, "If-Match", etag); r.status != 403 {
				t.Errorf("%s: %d", role, r.status)
			}
		}
	})
	t.Run("MissingIfMatchIs428", func(t *testing.T) {
		r := board.call(http.MethodPatch, path, patch)
		if r.status != 428 || !strings.Contains(r.header.Get("Content-Type"), "problem+json") {
			t.Errorf("%d %s", r.status, r.body)
		}
	})
	t.Run("CurrentIfMatchIs200WithNewETag", func(t *testing.T) {
		r := board.call(http.MethodPatch, path, patch, "If-Match", etag)
		if r.status != 200 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		var got project.Project
		_ = json.Unmarshal([]byte(r.body), &got)
		if got.Name.EN != "Patched name" || got.Jobs != 77 || got.Name.VI != pr.Name.VI || r.header.Get("ETag") != fmt.Sprintf(`"%s-v%d"`, pr.Code, pr.Version+1) {
			t.Errorf("%+v etag %s", got, r.header.Get("ETag"))
		}
		if e.get(path).header.Get("ETag") != r.header.Get("ETag") {
			t.Error("GET does not return the new ETag")
		}
	})
	t.Run("StaleIfMatchIs412", func(t *testing.T) {
		r := board.call(http.MethodPatch, path, map[string]any{"jobs": 1}, "If-Match", etag)
		if r.status != 412 {
			t.Errorf("%d %s", r.status, r.body)
		}
		if got, _ := e.projects.Get(context.Background(), pr.Code); got.Jobs != 77 {
			t.Errorf("stale write landed: jobs %d", got.Jobs)
		}
	})
	t.Run("StageRulesNameTheField", func(t *testing.T) {
		cur := e.get(path).header.Get("ETag")
		r := board.call(http.MethodPatch, path+"?lang=vi", map[string]any{"stage": "approved"}, "If-Match", cur, "Accept-Language", "vi")
		var p web.Problem
		_ = json.Unmarshal([]byte(r.body), &p)
		if r.status != 400 || len(p.Errors) != 1 || p.Errors[0].Field != "reason" || p.Errors[0].Message != "Quay lại giai đoạn trước cần nêu lý do." {
			t.Errorf("%d %s", r.status, r.body)
		}
		if r := board.call(http.MethodPatch, path, map[string]any{"stage": "construction", "nonsense": 1}, "If-Match", cur); r.status != 400 || !strings.Contains(r.body, "nonsense") {
			t.Errorf("unknown field: %d %s", r.status, r.body)
		}
	})
	t.Run("Disbursement", func(t *testing.T) {
		cur := e.get(path).header.Get("ETag")
		r := board.call(http.MethodPost, path+"/disbursements", map[string]any{"amount": 5000, "date": "2026-01-02"}, "If-Match", cur)
		if r.status != 200 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		if r := board.call(http.MethodPost, path+"/disbursements", map[string]any{"amount": 5000}, "If-Match", cur); r.status != 412 {
			t.Errorf("stale disbursement: %d", r.status)
		}
	})
	t.Run("Create", func(t *testing.T) {
		in := map[string]any{"code": "DA-9001", "kind": "domestic", "name": map[string]any{"vi": "Khu công nghiệp mới"},
			"investor": map[string]any{"name": "Công ty B", "country": "VN"}, "sector": "industry", "location": "ninh_hoa",
			"registeredCapital": map[string]any{"amount": 900_000_000_000, "currency": "VND"}, "jobs": 500, "stage": "approved"}
		r := board.call(http.MethodPost, "/api/v1/projects", in)
		if r.status != 201 || r.header.Get("Location") != "/api/v1/projects/DA-9001" || r.header.Get("ETag") != `"DA-9001-v1"` {
			t.Fatalf("%d %s", r.status, r.body)
		}
		if r := board.call(http.MethodPost, "/api/v1/projects", in); r.status != 400 || !strings.Contains(r.body, `"field":"code"`) {
			t.Errorf("duplicate: %d %s", r.status, r.body)
		}
		if r := e.apiAs(account.RoleBusiness).call(http.MethodPost, "/api/v1/projects", in); r.status != 403 {
			t.Errorf("business: %d", r.status)
		}
		if r := (&apiClient{e: e}).call(http.MethodPost, "/api/v1/projects", in); r.status != 401 {
			t.Errorf("anonymous: %d", r.status)
		}
	})
	t.Run("History", func(t *testing.T) {
		r := e.apiAs(account.RoleTaskForce).call(http.MethodGet, path+"/history", nil)
		var h boardweb.HistoryPage
		if err := json.Unmarshal([]byte(r.body), &h); err != nil || r.status != 200 {
			t.Fatalf("%d %v", r.status, err)
		}
		if h.Total != 2 || h.Items[0].Action != project.ActionDisbursement || h.Items[1].By.Name != e.users[account.RoleBoard].Name {
			t.Errorf("%+v", h)
		}
		var fields []string
		for _, f := range h.Items[1].Fields {
			fields = append(fields, f.Field+":"+f.From+"→"+f.To)
		}
		if want := "name_en:" + pr.Name.EN + "→Patched name"; !strings.Contains(strings.Join(fields, " "), want) {
			t.Errorf("fields %v lack %s", fields, want)
		}
		if r := e.apiAs(account.RoleBusiness).call(http.MethodGet, path+"/history", nil); r.status != 403 {
			t.Errorf("business: %d", r.status)
		}
		if r := (&apiClient{e: e}).call(http.MethodGet, path+"/history", nil); r.status != 401 {
			t.Errorf("anonymous: %d", r.status)
		}
	})
}

// TestFiftyEditorsOneWinner: 50 editors read the same project, then all
// PATCH it at once through the HTTP layer. Exactly one gets 200, the
// other 49 get 412; the stored document holds the winner's change and one
// history entry, the winner's.
func TestFiftyEditorsOneWinner(t *testing.T) {
	e := newEnv(t)
	pr := e.firstAtStage(project.Operating)
	path := "/api/v1/projects/" + pr.Code
	roles := []account.Role{account.RoleBoard, account.RoleAdmin}
	type editor struct {
		token, etag, name string
	}
	editors := make([]editor, 50)
	for i := range editors {
		a := e.apiAs(roles[i%2])
		editors[i] = editor{token: a.token, etag: a.call(http.MethodGet, path, nil).header.Get("ETag"), name: fmt.Sprintf("Editor %02d", i)}
	}
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		status = map[int]int{}
		winner string
		start  = make(chan struct{})
	)
	begin := time.Now()
	for _, ed := range editors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body, _ := json.Marshal(map[string]any{"name": map[string]any{"en": ed.name}})
			req := httptest.NewRequest(http.MethodPatch, path, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+ed.token)
			req.Header.Set("If-Match", ed.etag)
			<-start
			res, err := e.srv.App().Test(req, 60_000)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				status[-1]++
				return
			}
			res.Body.Close()
			status[res.StatusCode]++
			if res.StatusCode == 200 {
				winner = ed.name
			}
		}()
	}
	close(start)
	wg.Wait()
	t.Logf("50 concurrent PATCHes in %v: %v", time.Since(begin).Round(time.Millisecond), status)
	if status[200] != 1 || status[412] != 49 {
		t.Fatalf("statuses %v, want one 200 and 49 × 412", status)
	}
	got, _ := e.projects.Get(context.Background(), pr.Code)
	h := e.history(pr.Code)
	if got.Name.EN != winner || got.Version != pr.Version+1 {
		t.Errorf("stored %q v%d, winner %q", got.Name.EN, got.Version, winner)
	}
	if len(h) != 1 || len(h[0].Fields) != 1 || h[0].Fields[0].To != winner || h[0].Version != pr.Version+1 {
		t.Errorf("history %+v", h)
	}
}

func TestProgressWatch(t *testing.T) {
	e := newEnv(t)
	c := e.as(account.RoleBoard)
	w, _ := e.projects.WatchSettings(context.Background())
	items, _ := e.projects.Watch(context.Background(), w, time.Now())
	for lang, word := range map[string]string{"en": "construction not started", "vi": "chưa khởi công"} {
		d := c.get("/" + lang + "/board/watch").doc(t)
		rows := d.Find("[data-testid=watch-list] tbody tr")
		if rows.Length() != len(items) || len(items) == 0 {
			t.Fatalf("%s: %d rows, %d slow projects", lang, rows.Length(), len(items))
		}
		if !strings.Contains(text(d, "[data-testid=watch-list]"), word) || !strings.Contains(text(d, "[data-testid=watch-rules]"), "24") {
			t.Errorf("%s: reasons or rules not shown", lang)
		}
	}
	// An administrator raises the thresholds; the list follows.
	admin := e.as(account.RoleAdmin)
	v := formValues(t, admin.get("/en/admin/settings").doc(t), "[data-testid=settings-form]")
	v.Set("months", "0")
	r := admin.send(http.MethodPost, "/vi/admin/settings", v)
	if r.status != 400 || text(r.doc(t), "#err-months") != "Nhập số tháng nguyên từ 1 đến 240." {
		t.Fatalf("bad months: %d %q", r.status, text(r.doc(t), "#err-months"))
	}
	v.Set("months", "240")
	v.Set("share", "1")
	if r := admin.send(http.MethodPost, "/en/admin/settings", v); r.status != http.StatusSeeOther {
		t.Fatalf("save settings: %d", r.status)
	}
	if r := admin.send(http.MethodPost, "/en/admin/settings", v); r.status != http.StatusConflict {
		t.Errorf("stale settings form: %d", r.status)
	}
	d := c.get("/en/board/watch").doc(t)
	if n := d.Find("[data-testid=watch-list] tbody tr").Length(); n >= len(items) || !strings.Contains(text(d, "[data-testid=watch-rules]"), "240 months") {
		t.Errorf("after raising thresholds: %d rows (was %d)", n, len(items))
	}
}

// TestThrottleMessageAfterFiveFailures: the 5th wrong password from one
// address makes that address wait a minute (no longer a 15-minute lock of
// the account; see TestStrangerCannotLockAdminOut).
func TestThrottleMessageAfterFiveFailures(t *testing.T) {
	e := newEnv(t)
	for lang, c := range map[string]struct{ email, msg string }{
		"vi": {"taskforce@demo.local", "Đăng nhập sai quá nhiều lần. Quý vị vui lòng thử lại sau 1 phút."},
		"en": {"agency@demo.local", "Too many failed sign-in attempts. Please try again in a minute."},
	} {
		cl := e.anonymous()
		for i := range 5 {
			r := cl.send(http.MethodPost, "/"+lang+"/login", url.Values{"_csrf": {cl.csrf()}, "email": {c.email}, "password": {"wrong-password"}})
			if i < 4 && r.status != http.StatusUnauthorized {
				t.Fatalf("%s failure %d: %d", lang, i+1, r.status)
			}
		}
		// The right password no longer opens the account from here.
		r := cl.send(http.MethodPost, "/"+lang+"/login", url.Values{"_csrf": {cl.csrf()}, "email": {c.email}, "password": {demoPassword}})
		if r.status != http.StatusTooManyRequests || text(r.doc(t), "[data-testid=login-error]") != c.msg || r.header.Get("Retry-After") == "" {
			t.Errorf("%s: %d %q", lang, r.status, text(r.doc(t), "[data-testid=login-error]"))
		}
	}
}

// problemOf decodes a problem+json answer.
func problemOf(t *testing.T, r response) web.Problem {
	t.Helper()
	var p web.Problem
	if err := json.Unmarshal([]byte(r.body), &p); err != nil || !strings.Contains(r.header.Get("Content-Type"), "problem+json") {
		t.Fatalf("not a problem (%d %q): %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	return p
}

// fieldMessage is the message a problem gives for field, "" if none.
func fieldMessage(p web.Problem, field string) string {
	for _, f := range p.Errors {
		if f.Field == field {
			return f.Message
		}
	}
	return ""
}

// TestHugeAmountsAreRefused: capital 9223372036854775807 and other
// amounts beyond the portal's bound are refused by the API and the board's
// forms with a localized field error, nothing is stored, and the public
// figures stay as they were.
func TestHugeAmountsAreRefused(t *testing.T) {
	e := newEnv(t)
	board := e.apiAs(account.RoleBoard)
	const huge = "9223372036854775807"
	home := func() string { return text(e.get("/en/").doc(t), "[data-testid=figure-domestic]") }
	before := home()
	msg := map[string]string{
		"vi": "Số tiền vượt quá mức tối đa cổng thông tin chấp nhận (10 triệu tỷ đồng, hoặc 400 tỷ USD); hãy kiểm tra lại số chữ số.",
		"en": "This amount is above the most the portal accepts (VND 10 million billion, or US$400 billion); check the number of digits.",
	}
	t.Run("APICreate", func(t *testing.T) {
		for lang, want := range msg {
			in := map[string]any{"code": "DA-9101", "kind": "domestic", "name": map[string]any{"vi": "Dự án khổng lồ"},
				"investor": map[string]any{"name": "Công ty B", "country": "VN"}, "sector": "industry", "location": "ninh_hoa",
				"registeredCapital": map[string]any{"amount": json.Number(huge), "currency": "VND"}, "jobs": 5, "stage": "licensed"}
			r := board.call(http.MethodPost, "/api/v1/projects", in, "Accept-Language", lang)
			if r.status != 400 || fieldMessage(problemOf(t, r), "registered_capital") != want {
				t.Errorf("%s: %d %s", lang, r.status, r.body)
			}
		}
		if _, err := e.projects.Get(context.Background(), "DA-9101"); err == nil {
			t.Error("the project was stored")
		}
	})
	pr := e.firstAtStage(project.Construction)
	path := "/api/v1/projects/" + pr.Code
	etag := e.get(path).header.Get("ETag")
	t.Run("APIPatch", func(t *testing.T) {
		r := board.call(http.MethodPatch, path, map[string]any{"jobs": 9, "registeredCapital": map[string]any{"amount": json.Number(huge), "currency": pr.Registered.Currency}}, "If-Match", etag)
		if r.status != 400 || fieldMessage(problemOf(t, r), "registered_capital") == "" {
			t.Errorf("%d %s", r.status, r.body)
		}
	})
	t.Run("APIDisbursement", func(t *testing.T) {
		for _, amount := range []string{huge, "-" + huge} {
			r := board.call(http.MethodPost, path+"/disbursements", map[string]any{"amount": json.Number(amount), "reason": "x"}, "If-Match", etag)
			if r.status != 400 || fieldMessage(problemOf(t, r), "amount") == "" {
				t.Errorf("%s: %d %s", amount, r.status, r.body)
			}
		}
	})
	if got := e.get(path).header.Get("ETag"); got != etag {
		t.Errorf("a refused write moved the ETag: %s → %s", etag, got)
	}
	c := e.as(account.RoleBoard)
	t.Run("BoardCreateForm", func(t *testing.T) {
		for _, amount := range []string{huge, "99999999999999999999999", "10000000000000001"} {
			v := formValues(t, c.get("/vi/board/projects/new").doc(t), "[data-testid=project-form]")
			for k, val := range map[string]string{"code": "DA-9102", "kind": "domestic", "name_vi": "Dự án khổng lồ", "investor_name": "Công ty B",
				"investor_country": "VN", "sector": "industry", "location": "ninh_hoa", "registered_capital": amount, "stage": "licensed"} {
				v.Set(k, val)
			}
			r := c.send(http.MethodPost, "/vi/board/projects", v)
			if got := text(r.doc(t), "#err-registered_capital"); r.status != 400 || got != msg["vi"] {
				t.Errorf("%s: %d %q", amount, r.status, got)
			}
		}
	})
	t.Run("BoardEditForm", func(t *testing.T) {
		v := formValues(t, c.get("/en/board/projects/"+pr.Code+"/edit").doc(t), "[data-testid=project-form]")
		v.Set("registered_capital", huge)
		r := c.send(http.MethodPost, "/en/board/projects/"+pr.Code+"/edit", v)
		if got := text(r.doc(t), "#err-registered_capital"); r.status != 400 || got != msg["en"] {
			t.Errorf("%d %q", r.status, got)
		}
	})
	t.Run("BoardDisbursementForm", func(t *testing.T) {
		v := formValues(t, c.get("/en/board/projects/"+pr.Code+"/disbursements").doc(t), "[data-testid=disbursement-form]")
		v.Set("amount", huge)
		r := c.send(http.MethodPost, "/en/board/projects/"+pr.Code+"/disbursements", v)
		if got := text(r.doc(t), "#err-amount"); r.status != 400 || got != msg["en"] {
			t.Errorf("%d %q", r.status, got)
		}
	})
	if got, _ := e.projects.Get(context.Background(), pr.Code); got.Version != pr.Version || got.Registered != pr.Registered || got.Disbursed != pr.Disbursed {
		t.Errorf("a refused write was stored: %+v", got)
	}
	if after := home(); after != before || strings.Contains(after, "-") {
		t.Errorf("home figures %q, were %q", after, before)
	}
}

// TestPublicProjectAnswersCarryNoStaffData: after a board officer edits a
// project and records a disbursement with an internal reason, nothing a
// visitor can read (the project API and list, the open-data feed, the
// exports, the project page) names the officer or gives the reason; staff
// still read both in the history.
func TestPublicProjectAnswersCarryNoStaffData(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	officer, err := e.accounts.CreateUser(ctx, account.NewUser{Email: "tran.thi.officer@board.test", Name: "Trần Thị Cán Bộ Mẫu",
		Role: account.RoleBoard, Password: "Khanh-Hoa-Board-2026!x"}, account.SystemActor, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	plain, _, err := e.accounts.IssueToken(ctx, officer.ID, "test", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	board := &apiClient{e: e, token: plain}
	pr := e.firstAtStage(project.Construction)
	path := "/api/v1/projects/" + pr.Code
	const note = "Ghi chú nội bộ: chờ xác minh chứng từ ngân hàng"
	r := board.call(http.MethodPatch, path, map[string]any{"jobs": pr.Jobs + 1, "reason": note + " (edit)"}, "If-Match", e.get(path).header.Get("ETag"))
	if r.status != 200 {
		t.Fatalf("patch: %d %s", r.status, r.body)
	}
	r = board.call(http.MethodPost, path+"/disbursements", map[string]any{"amount": 1000, "reason": note}, "If-Match", r.header.Get("ETag"))
	if r.status != 200 {
		t.Fatalf("disbursement: %d %s", r.status, r.body)
	}
	secrets := []string{officer.Email, officer.Name, officer.ID, note}
	for _, p := range []string{path, "/api/v1/projects?q=" + pr.Code, "/api/v1/open/projects?q=" + pr.Code,
		"/api/v1/exports/projects?format=csv&q=" + pr.Code, "/en/projects/" + pr.Code, "/vi/projects/" + pr.Code} {
		r := e.get(p)
		if r.status != 200 || !strings.Contains(r.body, pr.Code) {
			t.Fatalf("%s: %d", p, r.status)
		}
		for _, s := range secrets {
			if strings.Contains(r.body, s) {
				t.Errorf("%s shows %q to a visitor", p, s)
			}
		}
	}
	var h boardweb.HistoryPage
	r = board.call(http.MethodGet, path+"/history", nil)
	if err := json.Unmarshal([]byte(r.body), &h); err != nil || r.status != 200 || len(h.Items) != 2 {
		t.Fatalf("history: %d %s", r.status, r.body)
	}
	for _, s := range secrets {
		if !strings.Contains(r.body, s) {
			t.Errorf("the history lacks %q", s)
		}
	}
}

// TestControlCharactersRefusedByTheProjectAPI: a NUL in a name is refused
// with the field named; nothing is stored.
func TestControlCharactersRefusedByTheProjectAPI(t *testing.T) {
	e := newEnv(t)
	board := e.apiAs(account.RoleBoard)
	pr := e.firstAtStage(project.Operating)
	path := "/api/v1/projects/" + pr.Code
	etag := e.get(path).header.Get("ETag")
	r := board.call(http.MethodPatch, path, map[string]any{"name": map[string]any{"en": "Resort\u0000=1+1"}}, "If-Match", etag, "Accept-Language", "vi")
	if r.status != 400 || fieldMessage(problemOf(t, r), "name_en") != "Trường này chứa ký tự điều khiển (như ký tự NUL) không được phép. Quý vị vui lòng xóa các ký tự đó và nhập lại." {
		t.Errorf("%d %s", r.status, r.body)
	}
	if e.get(path).header.Get("ETag") != etag {
		t.Error("a refused write moved the ETag")
	}
}
