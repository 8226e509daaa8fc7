package board_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/web"
	boardweb "github.com/khanhhoa/investportal/internal/web/board"
	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
)

func TestBoardEditsAProjectWithHistory(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	c := e.As(account.RoleBoard)
	pr := e.FirstAtStage(project.Operating)
	edit := c.Get("/en/board/projects/" + pr.Code + "/edit")
	if edit.Status != 200 {
		t.Fatalf("edit form: %d", edit.Status)
	}
	v := sitetest.FormValues(t, edit.Doc(t), "[data-testid=project-form]")
	if v.Get("version") != fmt.Sprint(pr.Version) || v.Get("name_vi") != pr.Name.VI || v.Get("sector") != pr.Sector {
		t.Fatalf("form not filled from the project: %v", v)
	}
	v.Set("name_en", "Harbour View Resort")
	v.Set("jobs", "4321")
	r := c.Send(http.MethodPost, "/en/board/projects/"+pr.Code+"/edit", v)
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/en/projects/"+pr.Code {
		t.Fatalf("save: %d %q", r.Status, r.Header.Get("Location"))
	}
	got, _ := e.Projects.Get(context.Background(), pr.Code)
	if got.Name.EN != "Harbour View Resort" || got.Jobs != 4321 || got.Version != pr.Version+1 || got.Sector != pr.Sector {
		t.Errorf("stored %+v", got)
	}
	for lang, want := range map[string][]string{
		"en": {"Edited", "Name in English: " + pr.Name.EN + " → Harbour View Resort", "Jobs: ", "4,321", e.Users[account.RoleBoard].Name},
		"vi": {"Chỉnh sửa", "Tên tiếng Anh: " + pr.Name.EN + " → Harbour View Resort", "Số lao động: ", "4.321"},
	} {
		d := c.Get("/" + lang + "/projects/" + pr.Code).Doc(t)
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
			d := c.Get("/" + lang + "/board/projects/" + pr.Code + "/edit").Doc(t)
			v := sitetest.FormValues(t, d, "[data-testid=project-form]")
			v.Set("name_vi", "")
			v.Set("name_en", "Kept input")
			v.Set("registered_capital", "lots")
			r := c.Send(http.MethodPost, "/"+lang+"/board/projects/"+pr.Code+"/edit", v)
			if r.Status != http.StatusBadRequest {
				t.Fatalf("%s: status %d", lang, r.Status)
			}
			d = r.Doc(t)
			if got := sitetest.Text(d, "#err-name_vi"); got != msg {
				t.Errorf("%s name_vi message %q", lang, got)
			}
			if d.Find("#err-registered_capital").Length() != 1 || d.Find(`input[name=name_en]`).AttrOr("value", "") != "Kept input" {
				t.Errorf("%s: amount message missing or input lost", lang)
			}
		}
		if h := e.History(pr.Code); len(h) != 1 {
			t.Errorf("a refused edit left history: %d entries", len(h))
		}
	})
	t.Run("StaleFormIsRefused", func(t *testing.T) {
		other := e.As(account.RoleAdmin)
		mine := sitetest.FormValues(t, c.Get("/en/board/projects/"+pr.Code+"/edit").Doc(t), "[data-testid=project-form]")
		theirs := sitetest.FormValues(t, other.Get("/en/board/projects/"+pr.Code+"/edit").Doc(t), "[data-testid=project-form]")
		theirs.Set("name_en", "Their name")
		if r := other.Send(http.MethodPost, "/en/board/projects/"+pr.Code+"/edit", theirs); r.Status != http.StatusSeeOther {
			t.Fatalf("first save: %d", r.Status)
		}
		mine.Set("name_en", "My name")
		r := c.Send(http.MethodPost, "/en/board/projects/"+pr.Code+"/edit", mine)
		if r.Status != http.StatusConflict || !strings.Contains(sitetest.Text(r.Doc(t), "[data-testid=form-error]"), "Someone else changed this project") {
			t.Fatalf("stale save: %d", r.Status)
		}
		if got, _ := e.Projects.Get(context.Background(), pr.Code); got.Name.EN != "Their name" {
			t.Errorf("lost update: %q", got.Name.EN)
		}
	})
}

func TestBoardMovesStagesByTheRules(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	c := e.As(account.RoleBoard)
	pr := e.FirstAtStage(project.Licensed)
	page := c.Get("/vi/board/projects/" + pr.Code + "/stage")
	d := page.Doc(t)
	if d.Find("[data-testid=stage-licensed]").Length() != 0 || d.Find("[data-testid=stage-site_clearance]").Length() != 1 {
		t.Fatal("the stage form offers the current stage or lacks the next")
	}
	post := func(lang, stage, reason string) sitetest.Response {
		d := c.Get("/" + lang + "/board/projects/" + pr.Code + "/stage").Doc(t)
		v := sitetest.FormValues(t, d, "[data-testid=stage-form]")
		v.Set("stage", stage)
		v.Set("reason", reason)
		return c.Send(http.MethodPost, "/"+lang+"/board/projects/"+pr.Code+"/stage", v)
	}
	if r := post("en", "site_clearance", ""); r.Status != http.StatusSeeOther {
		t.Fatalf("forward: %d", r.Status)
	}
	d = c.Get("/en/projects/" + pr.Code).Doc(t)
	if sitetest.Text(d, "[data-testid=project-stage]") != "Site clearance" || d.Find("[data-testid=flash]").Length() != 1 {
		t.Errorf("project page: stage %q", sitetest.Text(d, "[data-testid=project-stage]"))
	}
	if h := sitetest.Text(d, "[data-testid=history-entry]"); !strings.Contains(h, "Stage moved") || !strings.Contains(h, "Licensed → Site clearance") {
		t.Errorf("history %q", h)
	}
	for lang, msg := range map[string]string{"vi": "Quay lại giai đoạn trước cần nêu lý do.", "en": "Going back to an earlier stage needs a reason."} {
		r := post(lang, "licensed", "")
		if r.Status != http.StatusBadRequest || sitetest.Text(r.Doc(t), "#err-reason") != msg {
			t.Errorf("%s back without reason: %d %q", lang, r.Status, sitetest.Text(r.Doc(t), "#err-reason"))
		}
	}
	if r := post("en", "licensed", "Site handed back to the province"); r.Status != http.StatusSeeOther {
		t.Fatalf("back with reason: %d", r.Status)
	}
	if r := post("en", "terminated", ""); r.Status != http.StatusSeeOther {
		t.Fatalf("terminate: %d", r.Status)
	}
	d = c.Get("/vi/board/projects/" + pr.Code + "/stage").Doc(t)
	if sitetest.Text(d, "[data-testid=stage-final]") != "Dự án đã chấm dứt không thể chuyển sang giai đoạn khác." {
		t.Errorf("terminated project: %q", sitetest.Text(d, "main"))
	}
	v := url.Values{"_csrf": {sitetest.PageCSRF(t, c.Get("/en/board"))}, "stage": {"operating"}, "version": {fmt.Sprint(pr.Version + 3)}}
	if r := c.Send(http.MethodPost, "/en/board/projects/"+pr.Code+"/stage", v); r.Status != http.StatusBadRequest || sitetest.Text(r.Doc(t), "#err-stage") == "" {
		t.Errorf("moving a terminated project: %d", r.Status)
	}
	h := e.History(pr.Code)
	if len(h) != 3 || h[1].Note != "Site handed back to the province" {
		t.Errorf("history %+v", h)
	}
}

func TestBoardRecordsDisbursements(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	c := e.As(account.RoleBoard)
	pr := e.FirstAtStage(project.Construction)
	post := func(amount, reason string) sitetest.Response {
		d := c.Get("/en/board/projects/" + pr.Code + "/disbursements").Doc(t)
		v := sitetest.FormValues(t, d, "[data-testid=disbursement-form]")
		v.Set("amount", amount)
		v.Set("reason", reason)
		return c.Send(http.MethodPost, "/en/board/projects/"+pr.Code+"/disbursements", v)
	}
	unit := int64(1)
	if pr.Disbursed.Currency == "USD" {
		unit = 100
	}
	if r := post("1000", ""); r.Status != http.StatusSeeOther {
		t.Fatalf("record: %d %s", r.Status, sitetest.Text(r.Doc(t), "main"))
	}
	got, _ := e.Projects.Get(context.Background(), pr.Code)
	if got.Disbursed.Amount != pr.Disbursed.Amount+1000*unit || len(got.Disbursements) != 1 {
		t.Fatalf("disbursed %d, want %d", got.Disbursed.Amount, pr.Disbursed.Amount+1000*unit)
	}
	over := fmt.Sprint((got.Registered.Amount - got.Disbursed.Amount + unit) / unit)
	r := post(over, "")
	if r.Status != http.StatusBadRequest || !strings.Contains(sitetest.Text(r.Doc(t), "#err-reason"), "exceed registered capital") {
		t.Fatalf("over registered without reason: %d", r.Status)
	}
	if r := post(over, "Capital increase approved on 2026-11-01"); r.Status != http.StatusSeeOther {
		t.Fatalf("over registered with reason: %d", r.Status)
	}
	d := c.Get("/en/projects/" + pr.Code).Doc(t)
	if n := d.Find("[data-testid=history-entry]").Length(); n != 2 || !strings.Contains(sitetest.Text(d, "[data-testid=history]"), "Disbursement recorded") {
		t.Errorf("%d history entries", n)
	}
}

func TestBoardCreatesAProject(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	c := e.As(account.RoleBoard)
	d := c.Get("/en/board/projects/new").Doc(t)
	v := sitetest.FormValues(t, d, "[data-testid=project-form]")
	v.Set("code", "FDI-9001")
	v.Set("kind", "fdi")
	v.Set("name_vi", "Nhà máy điện gió ngoài khơi")
	v.Set("name_en", "Offshore wind farm")
	v.Set("investor_name", "Blue Sea Energy")
	v.Set("investor_country", "DK")
	v.Set("sector", "energy")
	v.Set("location", "van_ninh")
	v.Set("unit", "van_hung")
	v.Set("registered_capital", "125.0000005") // in millions of US dollars: $125,000,000.50
	v.Set("stage", "licensed")
	before, _ := e.Projects.Stats(context.Background())
	r := c.Send(http.MethodPost, "/en/board/projects", v)
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/en/projects/FDI-9001" {
		t.Fatalf("create: %d %q %s", r.Status, r.Header.Get("Location"), sitetest.Text(r.Doc(t), "main"))
	}
	got, err := e.Projects.Get(context.Background(), "FDI-9001")
	if err != nil || got.Registered.Amount != 12_500_000_050 || got.Registered.Currency != "USD" || got.Version != 1 {
		t.Fatalf("%+v %v", got, err)
	}
	after, _ := e.Projects.Stats(context.Background())
	if after.Kind(project.FDI).Count != before.Kind(project.FDI).Count+1 {
		t.Error("the new project is not in the figures")
	}
	if h := e.History("FDI-9001"); len(h) != 1 || h[0].Action != project.ActionCreate {
		t.Errorf("history %+v", h)
	}
	v.Set("_csrf", sitetest.PageCSRF(t, c.Get("/vi/board/projects/new")))
	v.Set("registered_capital", "125,0000005") // the same amount, written the vi way
	r = c.Send(http.MethodPost, "/vi/board/projects", v)
	if r.Status != http.StatusBadRequest || sitetest.Text(r.Doc(t), "#err-code") == "" {
		t.Errorf("taken code: %d", r.Status)
	}
}

func TestHistoryIsShownToStaffOnly(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	pr := e.FirstAtStage(project.Operating)
	name := "Visible to staff"
	if _, err := e.Projects.Update(context.Background(), pr.Code, pr.Version, project.Changes{NameEN: &name}, project.Actor{ID: "x", Name: "Tester"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	callers := map[string]*sitetest.Client{"anonymous": e.Anonymous()}
	for _, r := range account.Roles {
		callers[string(r)] = e.As(r)
	}
	for who, c := range callers {
		d := c.Get("/en/projects/" + pr.Code).Doc(t)
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

func TestProjectWriteAPI(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	board := e.APIAs(account.RoleBoard)
	pr := e.FirstAtStage(project.Licensed)
	path := "/api/v1/projects/" + pr.Code
	etag := e.Get(path).Header.Get("ETag")
	patch := map[string]any{"name": map[string]any{"en": "Patched name"}, "jobs": 77}

	t.Run("AnonymousIs401", func(t *testing.T) {
		if r := (&sitetest.APIClient{E: e}).Call(http.MethodPatch, path, patch, "If-Match", etag); r.Status != 401 {
			t.Errorf("%d", r.Status)
		}
	})
	t.Run("WrongRoleIs403", func(t *testing.T) {
		for _, role := range []account.Role{account.RoleBusiness, account.RoleTaskForce, account.RoleAgency} {
			if r := e.APIAs(role).Call(http.MethodPatch, path, patch, "If-Match", etag); r.Status != 403 {
				t.Errorf("%s: %d", role, r.Status)
			}
		}
	})
	t.Run("MissingIfMatchIs428", func(t *testing.T) {
		r := board.Call(http.MethodPatch, path, patch)
		if r.Status != 428 || !strings.Contains(r.Header.Get("Content-Type"), "problem+json") {
			t.Errorf("%d %s", r.Status, r.Body)
		}
	})
	t.Run("CurrentIfMatchIs200WithNewETag", func(t *testing.T) {
		r := board.Call(http.MethodPatch, path, patch, "If-Match", etag)
		if r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		var got project.Project
		_ = json.Unmarshal([]byte(r.Body), &got)
		if got.Name.EN != "Patched name" || got.Jobs != 77 || got.Name.VI != pr.Name.VI || r.Header.Get("ETag") != fmt.Sprintf(`"%s-v%d"`, pr.Code, pr.Version+1) {
			t.Errorf("%+v etag %s", got, r.Header.Get("ETag"))
		}
		if e.Get(path).Header.Get("ETag") != r.Header.Get("ETag") {
			t.Error("GET does not return the new ETag")
		}
	})
	t.Run("StaleIfMatchIs412", func(t *testing.T) {
		r := board.Call(http.MethodPatch, path, map[string]any{"jobs": 1}, "If-Match", etag)
		if r.Status != 412 {
			t.Errorf("%d %s", r.Status, r.Body)
		}
		if got, _ := e.Projects.Get(context.Background(), pr.Code); got.Jobs != 77 {
			t.Errorf("stale write landed: jobs %d", got.Jobs)
		}
	})
	t.Run("StageRulesNameTheField", func(t *testing.T) {
		cur := e.Get(path).Header.Get("ETag")
		r := board.Call(http.MethodPatch, path+"?lang=vi", map[string]any{"stage": "approved"}, "If-Match", cur, "Accept-Language", "vi")
		var p web.Problem
		_ = json.Unmarshal([]byte(r.Body), &p)
		if r.Status != 400 || len(p.Errors) != 1 || p.Errors[0].Field != "reason" || p.Errors[0].Message != "Quay lại giai đoạn trước cần nêu lý do." {
			t.Errorf("%d %s", r.Status, r.Body)
		}
		if r := board.Call(http.MethodPatch, path, map[string]any{"stage": "construction", "nonsense": 1}, "If-Match", cur); r.Status != 400 || !strings.Contains(r.Body, "nonsense") {
			t.Errorf("unknown field: %d %s", r.Status, r.Body)
		}
	})
	t.Run("Disbursement", func(t *testing.T) {
		cur := e.Get(path).Header.Get("ETag")
		r := board.Call(http.MethodPost, path+"/disbursements", map[string]any{"amount": 5000, "date": "2026-01-02"}, "If-Match", cur)
		if r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		if r := board.Call(http.MethodPost, path+"/disbursements", map[string]any{"amount": 5000}, "If-Match", cur); r.Status != 412 {
			t.Errorf("stale disbursement: %d", r.Status)
		}
	})
	t.Run("Create", func(t *testing.T) {
		in := map[string]any{"code": "DA-9001", "kind": "domestic", "name": map[string]any{"vi": "Khu công nghiệp mới"},
			"investor": map[string]any{"name": "Công ty B", "country": "VN"}, "sector": "industry", "location": "ninh_hoa", "unit": "hoa_thang",
			"registeredCapital": map[string]any{"amount": 900_000_000_000, "currency": "VND"}, "jobs": 500, "stage": "approved"}
		r := board.Call(http.MethodPost, "/api/v1/projects", in)
		if r.Status != 201 || r.Header.Get("Location") != "/api/v1/projects/DA-9001" || r.Header.Get("ETag") != `"DA-9001-v1"` {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		if r := board.Call(http.MethodPost, "/api/v1/projects", in); r.Status != 400 || !strings.Contains(r.Body, `"field":"code"`) {
			t.Errorf("duplicate: %d %s", r.Status, r.Body)
		}
		if r := e.APIAs(account.RoleBusiness).Call(http.MethodPost, "/api/v1/projects", in); r.Status != 403 {
			t.Errorf("business: %d", r.Status)
		}
		if r := (&sitetest.APIClient{E: e}).Call(http.MethodPost, "/api/v1/projects", in); r.Status != 401 {
			t.Errorf("anonymous: %d", r.Status)
		}
	})
	t.Run("History", func(t *testing.T) {
		r := e.APIAs(account.RoleTaskForce).Call(http.MethodGet, path+"/history", nil)
		var h boardweb.HistoryPage
		if err := json.Unmarshal([]byte(r.Body), &h); err != nil || r.Status != 200 {
			t.Fatalf("%d %v", r.Status, err)
		}
		if h.Total != 2 || h.Items[0].Action != project.ActionDisbursement || h.Items[1].By.Name != e.Users[account.RoleBoard].Name {
			t.Errorf("%+v", h)
		}
		var fields []string
		for _, f := range h.Items[1].Fields {
			fields = append(fields, f.Field+":"+f.From+"→"+f.To)
		}
		if want := "name_en:" + pr.Name.EN + "→Patched name"; !strings.Contains(strings.Join(fields, " "), want) {
			t.Errorf("fields %v lack %s", fields, want)
		}
		if r := e.APIAs(account.RoleBusiness).Call(http.MethodGet, path+"/history", nil); r.Status != 403 {
			t.Errorf("business: %d", r.Status)
		}
		if r := (&sitetest.APIClient{E: e}).Call(http.MethodGet, path+"/history", nil); r.Status != 401 {
			t.Errorf("anonymous: %d", r.Status)
		}
	})
}

// TestFiftyEditorsOneWinner: 50 editors read the same project, then all
// PATCH it at once through the HTTP layer. Exactly one gets 200, the
// other 49 get 412; the stored document holds the winner's change and one
// history entry, the winner's.
func TestFiftyEditorsOneWinner(t *testing.T) {
	e := sitetest.New(t)
	pr := e.FirstAtStage(project.Operating)
	path := "/api/v1/projects/" + pr.Code
	roles := []account.Role{account.RoleBoard, account.RoleAdmin}
	type editor struct {
		token, etag, name string
	}
	editors := make([]editor, 50)
	for i := range editors {
		a := e.APIAs(roles[i%2])
		editors[i] = editor{token: a.Token, etag: a.Call(http.MethodGet, path, nil).Header.Get("ETag"), name: fmt.Sprintf("Editor %02d", i)}
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
			res, err := e.Srv.App().Test(req, 60_000)
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
	got, _ := e.Projects.Get(context.Background(), pr.Code)
	h := e.History(pr.Code)
	if got.Name.EN != winner || got.Version != pr.Version+1 {
		t.Errorf("stored %q v%d, winner %q", got.Name.EN, got.Version, winner)
	}
	if len(h) != 1 || len(h[0].Fields) != 1 || h[0].Fields[0].To != winner || h[0].Version != pr.Version+1 {
		t.Errorf("history %+v", h)
	}
}

func TestProgressWatch(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	c := e.As(account.RoleBoard)
	w, _ := e.Projects.WatchSettings(context.Background())
	items, _ := e.Projects.Watch(context.Background(), w, time.Now())
	for lang, word := range map[string]string{"en": "construction not started", "vi": "chưa khởi công"} {
		d := c.Get("/" + lang + "/board/watch").Doc(t)
		rows := d.Find("[data-testid=watch-list] tbody tr")
		if rows.Length() != len(items) || len(items) == 0 {
			t.Fatalf("%s: %d rows, %d slow projects", lang, rows.Length(), len(items))
		}
		if !strings.Contains(sitetest.Text(d, "[data-testid=watch-list]"), word) || !strings.Contains(sitetest.Text(d, "[data-testid=watch-rules]"), "24") {
			t.Errorf("%s: reasons or rules not shown", lang)
		}
	}
	// An administrator raises the thresholds; the list follows.
	admin := e.As(account.RoleAdmin)
	v := sitetest.FormValues(t, admin.Get("/en/admin/settings").Doc(t), "[data-testid=settings-form]")
	v.Set("months", "0")
	r := admin.Send(http.MethodPost, "/vi/admin/settings", v)
	if r.Status != 400 || sitetest.Text(r.Doc(t), "#err-months") != "Nhập số tháng nguyên từ 1 đến 240." {
		t.Fatalf("bad months: %d %q", r.Status, sitetest.Text(r.Doc(t), "#err-months"))
	}
	v.Set("months", "240")
	v.Set("share", "1")
	if r := admin.Send(http.MethodPost, "/en/admin/settings", v); r.Status != http.StatusSeeOther {
		t.Fatalf("save settings: %d", r.Status)
	}
	if r := admin.Send(http.MethodPost, "/en/admin/settings", v); r.Status != http.StatusConflict {
		t.Errorf("stale settings form: %d", r.Status)
	}
	d := c.Get("/en/board/watch").Doc(t)
	if n := d.Find("[data-testid=watch-list] tbody tr").Length(); n >= len(items) || !strings.Contains(sitetest.Text(d, "[data-testid=watch-rules]"), "240 months") {
		t.Errorf("after raising thresholds: %d rows (was %d)", n, len(items))
	}
}

// TestHugeAmountsAreRefused: capital 9223372036854775807 and other
// amounts beyond the portal's bound are refused by the API and the board's
// forms with a localized field error, nothing is stored, and the public
// figures stay as they were.
func TestHugeAmountsAreRefused(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	board := e.APIAs(account.RoleBoard)
	const huge = "9223372036854775807"
	home := func() string { return sitetest.Text(e.Get("/en/").Doc(t), "[data-testid=figure-domestic]") }
	before := home()
	msg := map[string]string{
		"vi": "Số tiền vượt quá mức tối đa cổng thông tin chấp nhận (10 triệu tỷ đồng, hoặc 400 tỷ USD); hãy kiểm tra lại số chữ số.",
		"en": "This amount is above the most the portal accepts (VND 10 million billion, or US$400 billion); check the number of digits.",
	}
	t.Run("APICreate", func(t *testing.T) {
		for lang, want := range msg {
			in := map[string]any{"code": "DA-9101", "kind": "domestic", "name": map[string]any{"vi": "Dự án khổng lồ"},
				"investor": map[string]any{"name": "Công ty B", "country": "VN"}, "sector": "industry", "location": "ninh_hoa", "unit": "hoa_thang",
				"registeredCapital": map[string]any{"amount": json.Number(huge), "currency": "VND"}, "jobs": 5, "stage": "licensed"}
			r := board.Call(http.MethodPost, "/api/v1/projects", in, "Accept-Language", lang)
			if r.Status != 400 || sitetest.FieldMessage(sitetest.ProblemOf(t, r), "registered_capital") != want {
				t.Errorf("%s: %d %s", lang, r.Status, r.Body)
			}
		}
		if _, err := e.Projects.Get(context.Background(), "DA-9101"); err == nil {
			t.Error("the project was stored")
		}
	})
	pr := e.FirstAtStage(project.Construction)
	path := "/api/v1/projects/" + pr.Code
	etag := e.Get(path).Header.Get("ETag")
	t.Run("APIPatch", func(t *testing.T) {
		r := board.Call(http.MethodPatch, path, map[string]any{"jobs": 9, "registeredCapital": map[string]any{"amount": json.Number(huge), "currency": pr.Registered.Currency}}, "If-Match", etag)
		if r.Status != 400 || sitetest.FieldMessage(sitetest.ProblemOf(t, r), "registered_capital") == "" {
			t.Errorf("%d %s", r.Status, r.Body)
		}
	})
	t.Run("APIDisbursement", func(t *testing.T) {
		for _, amount := range []string{huge, "-" + huge} {
			r := board.Call(http.MethodPost, path+"/disbursements", map[string]any{"amount": json.Number(amount), "reason": "x"}, "If-Match", etag)
			if r.Status != 400 || sitetest.FieldMessage(sitetest.ProblemOf(t, r), "amount") == "" {
				t.Errorf("%s: %d %s", amount, r.Status, r.Body)
			}
		}
	})
	if got := e.Get(path).Header.Get("ETag"); got != etag {
		t.Errorf("a refused write moved the ETag: %s → %s", etag, got)
	}
	c := e.As(account.RoleBoard)
	t.Run("BoardCreateForm", func(t *testing.T) {
		// In billions of đồng: the last is one đồng over the most accepted.
		for _, amount := range []string{huge, "99999999999999999999999", "10000000,000000001"} {
			v := sitetest.FormValues(t, c.Get("/vi/board/projects/new").Doc(t), "[data-testid=project-form]")
			for k, val := range map[string]string{"code": "DA-9102", "kind": "domestic", "name_vi": "Dự án khổng lồ", "investor_name": "Công ty B",
				"investor_country": "VN", "sector": "industry", "location": "ninh_hoa", "unit": "hoa_thang", "registered_capital": amount, "stage": "licensed"} {
				v.Set(k, val)
			}
			r := c.Send(http.MethodPost, "/vi/board/projects", v)
			if got := sitetest.Text(r.Doc(t), "#err-registered_capital"); r.Status != 400 || got != msg["vi"] {
				t.Errorf("%s: %d %q", amount, r.Status, got)
			}
		}
	})
	t.Run("BoardEditForm", func(t *testing.T) {
		v := sitetest.FormValues(t, c.Get("/en/board/projects/"+pr.Code+"/edit").Doc(t), "[data-testid=project-form]")
		v.Set("registered_capital", huge)
		r := c.Send(http.MethodPost, "/en/board/projects/"+pr.Code+"/edit", v)
		if got := sitetest.Text(r.Doc(t), "#err-registered_capital"); r.Status != 400 || got != msg["en"] {
			t.Errorf("%d %q", r.Status, got)
		}
	})
	t.Run("BoardDisbursementForm", func(t *testing.T) {
		v := sitetest.FormValues(t, c.Get("/en/board/projects/"+pr.Code+"/disbursements").Doc(t), "[data-testid=disbursement-form]")
		v.Set("amount", huge)
		r := c.Send(http.MethodPost, "/en/board/projects/"+pr.Code+"/disbursements", v)
		if got := sitetest.Text(r.Doc(t), "#err-amount"); r.Status != 400 || got != msg["en"] {
			t.Errorf("%d %q", r.Status, got)
		}
	})
	if got, _ := e.Projects.Get(context.Background(), pr.Code); got.Version != pr.Version || got.Registered != pr.Registered || got.Disbursed != pr.Disbursed {
		t.Errorf("a refused write was stored: %+v", got)
	}
	if after := home(); after != before || strings.Contains(after, "-") {
		t.Errorf("home figures %q, were %q", after, before)
	}
}

// TestControlCharactersRefusedByTheProjectAPI: a NUL in a name is refused
// with the field named; nothing is stored.
func TestControlCharactersRefusedByTheProjectAPI(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	board := e.APIAs(account.RoleBoard)
	pr := e.FirstAtStage(project.Operating)
	path := "/api/v1/projects/" + pr.Code
	etag := e.Get(path).Header.Get("ETag")
	r := board.Call(http.MethodPatch, path, map[string]any{"name": map[string]any{"en": "Resort\u0000=1+1"}}, "If-Match", etag, "Accept-Language", "vi")
	if r.Status != 400 || sitetest.FieldMessage(sitetest.ProblemOf(t, r), "name_en") != "Trường này chứa ký tự điều khiển (như ký tự NUL) không được phép. Quý vị vui lòng xóa các ký tự đó và nhập lại." {
		t.Errorf("%d %s", r.Status, r.Body)
	}
	if e.Get(path).Header.Get("ETag") != etag {
		t.Error("a refused write moved the ETag")
	}
}
