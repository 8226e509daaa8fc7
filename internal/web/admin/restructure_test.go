package admin_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/web/admin"
	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
)

// An administrator restructures agencies from the agencies page: bad
// input is named field by field in the page's language, a preview writes
// nothing, applying dates the former agency, creates the successor and
// passes the open obstacle with a timeline entry; the API does the same
// for administrators only.
func TestAdminRestructuresAgencies(t *testing.T) {
	t.Parallel()
	e := sitetest.NewObstacles(t, false)
	ctx := context.Background()
	f := sitetest.FilingForm(t, "vi", "Công ty Sắp Xếp")
	filed, err := e.Obstacles.Create(ctx, obstacle.Submission{Filer: obstacle.Filer{BusinessName: f["business_name"], TaxCode: f["tax_code"],
		ContactPerson: f["contact_person"], Email: f["email"], Phone: f["phone"], Lang: "vi"},
		Category: obstacle.InvestmentProcedures, Title: f["title"], Description: f["description"]}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	tf := obstacle.Actor{ID: "u-tf", Role: obstacle.RoleTaskforce}
	o, err := e.Obstacles.Apply(ctx, filed.Obstacle.ID, filed.Obstacle.Version, obstacle.ActAccept, obstacle.Input{}, tf, time.Now())
	if err == nil {
		o, err = e.Obstacles.Apply(ctx, o.ID, o.Version, obstacle.ActAssign, obstacle.Input{LeadAgency: account.Finance}, tf, time.Now())
	}
	if err != nil {
		t.Fatal(err)
	}

	adm := e.As(account.RoleAdmin)
	token := sitetest.PageCSRF(t, adm.Get("/vi/admin/agencies"))
	r := adm.Send(http.MethodPost, "/vi/admin/agencies/restructure", url.Values{"_csrf": {token}, "mode": {"apply"}, "effective": {"1/3/2026"}})
	d := r.Doc(t)
	if r.Status != 400 || sitetest.Text(d, "#err-former") != "Trường này là bắt buộc." || sitetest.Text(d, "#err-legal_basis") == "" || sitetest.Text(d, "#err-effective") == "" || sitetest.Text(d, "#err-successors") == "" {
		t.Fatalf("bad restructure: %d former %q", r.Status, sitetest.Text(d, "#err-former"))
	}

	today := account.Day(time.Now())
	form := url.Values{"_csrf": {token}, "former": {account.Finance}, "new_id": {"finance_investment"},
		"new_name.vi": {"Sở Tài chính - Đầu tư"}, "new_name.en": {"Department of Finance and Investment"},
		"effective": {today}, "legal_basis": {"Quyết định 99/QĐ-UBND"}, "mode": {"preview"}}
	r = adm.Send(http.MethodPost, "/en/admin/agencies/restructure", form)
	d = r.Doc(t)
	if r.Status != 200 || !strings.Contains(sitetest.Text(d, "[data-testid=restructure-outcome]"), "Preview: 5 changes would be made") ||
		!strings.Contains(sitetest.Text(d, "[data-testid=restructure-changes]"), o.TrackingCode) {
		t.Fatalf("preview: %d %q", r.Status, sitetest.Text(d, "[data-testid=restructure-outcome]"))
	}
	if a, _ := e.Accounts.GetAgency(ctx, account.Finance); a.ValidTo != "" {
		t.Fatal("the preview wrote")
	}
	if _, err := e.Accounts.GetAgency(ctx, "finance_investment"); err == nil {
		t.Fatal("the preview created the successor")
	}

	form.Set("mode", "apply")
	r = adm.Send(http.MethodPost, "/en/admin/agencies/restructure", form)
	if r.Status != 200 || !strings.Contains(sitetest.Text(r.Doc(t), "[data-testid=restructure-outcome]"), "Applied: 5 changes.") {
		t.Fatalf("apply: %d %q", r.Status, sitetest.Text(r.Doc(t), "[data-testid=restructure-outcome]"))
	}
	fin, err := e.Accounts.GetAgency(ctx, account.Finance)
	if err != nil || fin.ValidTo != account.DayBefore(today) || fin.Successors[0].ID != "finance_investment" || fin.EndBasis != "Quyết định 99/QĐ-UBND" {
		t.Fatalf("finance after: %v %+v", err, fin)
	}
	if u, _ := e.Accounts.GetUser(ctx, e.Users[account.RoleAgency].ID); u.AgencyID != "finance_investment" {
		t.Errorf("the finance officer works for %s", u.AgencyID)
	}
	got, _ := e.Obstacles.Get(ctx, o.ID)
	last := got.Timeline[len(got.Timeline)-1]
	if got.LeadAgency != "finance_investment" || last.Act() != obstacle.ActRestructure || last.FromAgency != account.Finance || last.By.Role != string(account.RoleAdmin) {
		t.Fatalf("obstacle after: %s %+v", got.LeadAgency, last)
	}
	// The page and the obstacle show the former agency as former.
	if txt := sitetest.Text(adm.Get("/en/admin/agencies").Doc(t), "[data-testid=agency-finance]"); !strings.Contains(txt, "Former, until "+account.DayBefore(today)) || !strings.Contains(txt, "Department of Finance and Investment") {
		t.Errorf("agency row %q", txt)
	}
	tfc := e.As(account.RoleTaskForce)
	if tl := sitetest.Text(tfc.Get("/vi/staff/obstacles/"+o.ID).Doc(t), "[data-testid=detail-timeline]"); !strings.Contains(tl, "Sở Tài chính (cũ, nay là Sở Tài chính - Đầu tư) → Sở Tài chính - Đầu tư") {
		t.Errorf("timeline %q", tl)
	}

	// The API: a dry run for an administrator, 403 for anyone else, the
	// wrong fields named.
	api := e.APIAs(account.RoleAdmin)
	body := admin.RestructureRequest{Former: []string{"finance_investment"}, Successors: []account.Successor{{ID: "industry_trade"}}, Effective: today, LegalBasis: "Quyết định 100/QĐ-UBND"}
	r = api.Call(http.MethodPost, "/api/v1/admin/restructure", body)
	var res admin.RestructureResult
	if err := json.Unmarshal([]byte(r.Body), &res); err != nil || r.Status != 200 || res.Applied || res.Changes != 4 || len(res.Items) != 4 {
		t.Fatalf("api dry run: %d %s", r.Status, r.Body)
	}
	if a, _ := e.Accounts.GetAgency(ctx, "finance_investment"); a.ValidTo != "" {
		t.Fatal("the API dry run wrote")
	}
	if r := e.APIAs(account.RoleTaskForce).Call(http.MethodPost, "/api/v1/admin/restructure", body); r.Status != 403 {
		t.Errorf("task force: %d", r.Status)
	}
	r = api.Call(http.MethodPost, "/api/v1/admin/restructure", map[string]any{"former": []string{"nope"}, "successors": []any{}, "effective": "x", "apply": true})
	if r.Status != 400 || !strings.Contains(r.Body, `"field":"former"`) || !strings.Contains(r.Body, `"field":"effective"`) || !strings.Contains(r.Body, `"field":"legal_basis"`) {
		t.Errorf("api bad plan: %d %s", r.Status, r.Body)
	}
}
