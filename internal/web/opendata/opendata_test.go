package opendata_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"math"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/config"
	"github.com/khanhhoa/investportal/internal/export"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/web"
	"github.com/khanhhoa/investportal/internal/web/opendata"
	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
	"github.com/xuri/excelize/v2"
)

func parseCSV(t *testing.T, r sitetest.Response) [][]string {
	t.Helper()
	if r.Status != 200 {
		t.Fatalf("status %d: %.300s", r.Status, r.Body)
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("content type %q", r.Header.Get("Content-Type"))
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, export.BOM))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func openXLSX(t *testing.T, r sitetest.Response) (*excelize.File, string) {
	t.Helper()
	if r.Status != 200 {
		t.Fatalf("status %d: %.300s", r.Status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != export.XLSX.ContentType() {
		t.Fatalf("content type %q", ct)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(r.Body)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, f.GetSheetList()[0]
}

func TestProjectExportCSVKeepsFiltersAndLanguage(t *testing.T) {
	t.Parallel()
	e := sitetest.NewDemo(t, nil)
	want := sitetest.AllProjects(t, e.Projects, project.Filter{Kind: project.FDI, Sort: "capital_desc"})
	if len(want) <= project.MaxPerPage {
		t.Fatalf("only %d FDI projects: the test needs more than one page", len(want))
	}
	for _, lang := range i18n.Languages {
		l := e.Bundle.For(lang)
		r := e.Get("/" + lang + "/projects.csv?kind=fdi&sort=capital_desc&page=3&per_page=20")
		if cd := r.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, ".csv") {
			t.Errorf("%s: Content-Disposition %q", lang, cd)
		}
		recs := parseCSV(t, r)
		if recs[0][0] != l.T("export.col.code") || recs[0][9] != l.T("export.col.registered_capital") {
			t.Errorf("%s header %q", lang, recs[0])
		}
		if len(recs)-1 != len(want) {
			t.Fatalf("%s: %d rows, want every match (%d), not one page", lang, len(recs)-1, len(want))
		}
		for i, p := range want {
			row := recs[i+1]
			if row[0] != p.Code || row[1] != p.Name.Get(lang) || row[4] != l.Label("project.kind", "fdi") ||
				row[8] != l.Label("project.stage", string(p.Stage)) || row[9] != strconv.FormatInt(p.Registered.Amount, 10) ||
				row[10] != strconv.FormatInt(p.Disbursed.Amount, 10) || row[11] != "USD" {
				t.Fatalf("%s row %d = %q, want %s %q %d %d", lang, i+1, row, p.Code, p.Name.Get(lang), p.Registered.Amount, p.Disbursed.Amount)
			}
			if row[17] != p.UpdatedAt.UTC().Format(time.RFC3339) {
				t.Fatalf("%s %s updated %q, want %s", lang, p.Code, row[17], p.UpdatedAt.UTC().Format(time.RFC3339))
			}
		}
	}
}

func TestProjectExportXLSXCellByCell(t *testing.T) {
	t.Parallel()
	e := sitetest.NewDemo(t, nil)
	want := sitetest.AllProjects(t, e.Projects, project.Filter{Sector: "tourism"})
	f, sheet := openXLSX(t, e.Get("/vi/projects.xlsx?sector=tourism"))
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows)-1 != len(want) {
		t.Fatalf("%d rows, want %d", len(rows)-1, len(want))
	}
	l := e.Bundle.For("vi")
	if rows[0][0] != "Mã" || rows[0][11] != l.T("export.col.currency") {
		t.Errorf("header %q", rows[0])
	}
	for i := range want {
		// The store's list is read from MongoDB through the same
		// snapshot as a Get; one read keeps the test fast.
		stored := &want[i]
		r := i + 2
		cell := func(col int) string {
			ref, _ := excelize.CoordinatesToCellName(col, r)
			v, err := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		checks := map[int]string{
			1: stored.Code, 2: stored.Name.VI, 3: stored.Investor.Name, 4: stored.Investor.Country,
			6: l.Label("sector", "tourism"), 7: l.Label("location", stored.Location),
			9:  l.Label("project.stage", string(stored.Stage)),
			10: strconv.FormatInt(stored.Registered.Amount, 10), 11: strconv.FormatInt(stored.Disbursed.Amount, 10),
			12: stored.Registered.Currency, 13: strconv.FormatInt(stored.LandAreaCentiHa, 10), 14: strconv.Itoa(stored.Jobs),
		}
		for col, w := range checks {
			if got := cell(col); got != w {
				t.Fatalf("%s column %d = %q, want %q", stored.Code, col, got, w)
			}
		}
		if typ, _ := f.GetCellType(sheet, "J"+strconv.Itoa(r)); typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
			t.Fatalf("registered capital of %s stored as text", stored.Code)
		}
		serial, err := strconv.ParseFloat(cell(18), 64)
		if err != nil {
			t.Fatalf("%s updated-at is not a date: %q", stored.Code, cell(18))
		}
		got, _ := excelize.ExcelDateToTime(serial, false)
		if d := got.Sub(stored.UpdatedAt.UTC()); math.Abs(d.Seconds()) > 0.5 {
			t.Fatalf("%s updated %v, stored %v", stored.Code, got, stored.UpdatedAt.UTC())
		}
	}
}

func TestProjectListLinksToExportsWithFilters(t *testing.T) {
	t.Parallel()
	e := sitetest.NewDemo(t, nil)
	d := e.Get("/en/projects?kind=domestic&sector=energy").Doc(t)
	for sel, want := range map[string]string{
		"[data-testid=export-csv]":  "/en/projects.csv?kind=domestic&sector=energy",
		"[data-testid=export-xlsx]": "/en/projects.xlsx?kind=domestic&sector=energy",
	} {
		href := d.Find(sel).AttrOr("href", "")
		u, err := url.Parse(href)
		w, _ := url.Parse(want)
		if err != nil || u.Path != w.Path || u.Query().Encode() != w.Query().Encode() {
			t.Errorf("%s href %q, want %q", sel, href, want)
		}
	}
	bad := e.Get("/en/projects.csv?capital_min=-1")
	if bad.Status != 400 {
		t.Errorf("invalid filter: status %d", bad.Status)
	}
}

func TestAPIExportFormat(t *testing.T) {
	t.Parallel()
	e := sitetest.NewDemo(t, nil)
	r := e.Get("/api/v1/exports/projects?format=xlsx&lang=en&kind=fdi")
	f, sheet := openXLSX(t, r)
	if v, _ := f.GetCellValue(sheet, "A1"); v != "Code" {
		t.Errorf("A1 = %q", v)
	}
	recs := parseCSV(t, e.Get("/api/v1/exports/projects?kind=fdi", "Accept", "text/csv", "Accept-Language", "vi"))
	if recs[0][0] != "Mã" {
		t.Errorf("Accept-Language ignored: %q", recs[0][0])
	}
	if _, sheet := openXLSX(t, e.Get("/api/v1/exports/opportunities", "Accept", export.XLSX.ContentType())); sheet == "" {
		t.Error("no sheet")
	}
	bad := e.Get("/api/v1/exports/projects?format=pdf")
	var p web.Problem
	if bad.Status != 400 || json.Unmarshal([]byte(bad.Body), &p) != nil || len(p.Errors) != 1 || p.Errors[0].Field != "format" {
		t.Errorf("format=pdf: %d %s", bad.Status, bad.Body)
	}
}

func TestOpportunityExportHasEveryMatch(t *testing.T) {
	t.Parallel()
	e := sitetest.NewDemo(t, nil)
	all, err := e.Opps.List(context.Background(), opportunity.Filter{Sectors: []string{"tourism"}, PerPage: opportunity.MaxPerPage})
	if err != nil {
		t.Fatal(err)
	}
	recs := parseCSV(t, e.Get("/en/opportunities.csv?sector=tourism"))
	if int64(len(recs)-1) != all.Total || all.Total == 0 {
		t.Fatalf("%d rows, store has %d", len(recs)-1, all.Total)
	}
	byCode := map[string]opportunity.Opportunity{}
	for _, o := range all.Items {
		byCode[o.Code] = o
	}
	for _, row := range recs[1:] {
		o, ok := byCode[row[0]]
		if !ok || row[1] != o.Title.Get("en") || row[6] != strconv.FormatInt(o.IndicativeCapital.Amount, 10) || row[7] != o.IndicativeCapital.Currency {
			t.Errorf("row %q does not match the stored opportunity", row)
		}
	}
}

// confidential returns values only staff may see.
func confidential(o obstacle.Obstacle) []string {
	return []string{o.Filer.BusinessName, o.Filer.TaxCode, o.Filer.Email, o.Filer.Phone, o.Filer.ContactPerson, o.Description}
}

func allObstacles(t *testing.T, s *obstacle.Store, actor obstacle.Actor, now time.Time) map[string]obstacle.Obstacle {
	t.Helper()
	out := map[string]obstacle.Obstacle{}
	for page := 1; ; page++ {
		p, err := s.List(context.Background(), obstacle.Filter{Page: page, PerPage: obstacle.MaxPerPage}, actor, now)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range p.Items {
			out[o.TrackingCode] = o
		}
		if len(p.Items) == 0 || int64(page*obstacle.MaxPerPage) >= p.Total {
			return out
		}
	}
}

func TestObstacleExportsKeepConfidentialFieldsToStaff(t *testing.T) {
	t.Parallel()
	e := sitetest.NewDemo(t, nil)
	stored := allObstacles(t, e.Obs, obstacle.SystemActor, e.Now)
	if len(stored) < 10 {
		t.Fatalf("only %d demo obstacles", len(stored))
	}
	l := e.Bundle.For("en")

	pub := e.Get("/en/obstacles/stats.csv")
	recs := parseCSV(t, pub)
	if len(recs)-1 != len(stored) {
		t.Fatalf("public export has %d rows, store %d", len(recs)-1, len(stored))
	}
	for _, id := range []string{"business_name", "tax_code", "email", "phone", "description", "files", "title"} {
		for _, h := range recs[0] {
			if h == l.T("export.col."+id) {
				t.Errorf("public export has the column %q", h)
			}
		}
	}
	for _, o := range stored {
		for _, v := range confidential(o) {
			if v != "" && strings.Contains(pub.Body, v) {
				t.Fatalf("public export shows %q of %s", v, o.TrackingCode)
			}
		}
	}
	checked := 0
	for _, row := range recs[1:] {
		o := stored[row[0]]
		want := []string{"", "", ""}
		for _, ev := range o.Timeline {
			if ev.Act() == obstacle.ActAccept && want[0] == "" {
				want[0] = ev.At.UTC().Format(time.RFC3339)
			}
			if ev.Act() == obstacle.ActAssign && want[1] == "" {
				want[1] = ev.At.UTC().Format(time.RFC3339)
			}
		}
		if o.ResolvedAt != nil {
			want[2] = o.ResolvedAt.UTC().Format(time.RFC3339)
		}
		if row[7] != o.CreatedAt.UTC().Format(time.RFC3339) || row[8] != want[0] || row[9] != want[1] || row[10] != want[2] {
			t.Fatalf("%s stages %q, want submitted %s and %q", o.TrackingCode, row[7:12], o.CreatedAt.UTC().Format(time.RFC3339), want)
		}
		if row[2] != l.Label("obstacle.status", string(o.Status)) {
			t.Fatalf("%s status %q", o.TrackingCode, row[2])
		}
		if want[2] != "" {
			checked++
		}
	}
	if checked == 0 {
		t.Error("no resolved obstacle in the demo data: resolution times unchecked")
	}

	// Staff: the task force sees every obstacle with its confidential fields.
	tf := e.As(account.RoleTaskForce)
	srecs := parseCSV(t, tf.Get("/en/staff/obstacles.csv"))
	if len(srecs)-1 != len(stored) {
		t.Fatalf("staff export has %d rows, store %d", len(srecs)-1, len(stored))
	}
	col := map[string]int{}
	for i, h := range srecs[0] {
		col[h] = i
	}
	for _, row := range srecs[1:] {
		o := stored[row[0]]
		if row[col[l.T("export.col.tax_code")]] != o.Filer.TaxCode || row[col[l.T("export.col.email")]] != o.Filer.Email {
			t.Fatalf("staff row of %s lacks the filer's details", o.TrackingCode)
		}
	}
	f, sheet := openXLSX(t, tf.Get("/vi/staff/obstacles.xlsx"))
	if rows, _ := f.GetRows(sheet); len(rows)-1 != len(stored) {
		t.Errorf("staff XLSX has %d rows", len(rows)-1)
	}
	if cc := tf.Get("/en/staff/obstacles.csv").Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("staff export may be cached: %q", cc)
	}

	// An agency officer gets the agency's obstacles only.
	ag := e.Users[account.RoleAgency]
	mine := allObstacles(t, e.Obs, obstacle.Actor{ID: ag.ID, Role: obstacle.RoleAgency, Agency: ag.AgencyID}, e.Now)
	arecs := parseCSV(t, e.As(account.RoleAgency).Get("/en/staff/obstacles.csv"))
	if len(arecs)-1 != len(mine) || len(mine) == len(stored) {
		t.Errorf("agency export has %d rows; the agency holds %d of %d", len(arecs)-1, len(mine), len(stored))
	}
	for _, row := range arecs[1:] {
		if _, ok := mine[row[0]]; !ok {
			t.Errorf("agency export shows %s, not the agency's", row[0])
		}
	}

	// Nobody else gets the confidential export.
	if r := e.Anonymous().Get("/en/staff/obstacles.csv"); r.Status != 401 && r.Status != 303 && r.Status != 302 {
		t.Errorf("visitor: status %d", r.Status)
	}
	for _, role := range []account.Role{account.RoleBusiness, account.RoleBoard} {
		if r := e.As(role).Get("/en/staff/obstacles.xlsx"); r.Status != 403 {
			t.Errorf("%s: status %d", role, r.Status)
		}
		if r := e.As(role).Get("/api/v1/exports/staff/obstacles"); r.Status != 403 {
			t.Errorf("%s API: status %d", role, r.Status)
		}
	}
}

// OC4IDS 0.9 codelists used by the feed (schema/project-level/codelists in
// open-contracting/infrastructure).
var (
	oc4idsProjectSector = map[string]bool{"education": true, "health": true, "energy": true, "communications": true, "waterAndWaste": true,
		"governance": true, "economy": true, "cultureSportsAndRecreation": true, "transport": true, "socialHousing": true, "naturalResources": true}
	oc4idsPartyRole = map[string]bool{"buyer": true, "procuringEntity": true, "supplier": true, "tenderer": true, "funder": true, "enquirer": true,
		"payer": true, "payee": true, "reviewBody": true, "publicAuthority": true, "administrativeEntity": true}
)

// checkOC4IDSProject checks one project object against the parts of the
// OC4IDS project schema the feed uses: id required (string); title,
// description, status (closed projectStatus codelist); sector (array of
// strings, projectSector); locations (array of Location with address);
// budget.amount (Value: number amount, ISO 4217 currency); parties
// (Organization with id, name, roles from partyRole); period (Period with
// date-time startDate/endDate); updated (date-time).
func checkOC4IDSProject(t *testing.T, p map[string]any) {
	t.Helper()
	str := func(v any) (string, bool) { s, ok := v.(string); return s, ok }
	id, ok := str(p["id"])
	if !ok || id == "" {
		t.Fatalf("id missing: %v", p)
	}
	for _, k := range []string{"title", "description", "status"} {
		if s, ok := str(p[k]); !ok || s == "" {
			t.Errorf("%s: %s is not a non-empty string", id, k)
		}
	}
	if s, _ := str(p["status"]); !projectStatusCodes[s] {
		t.Errorf("%s: status %q not in projectStatus", id, s)
	}
	dateTime := func(field string, v any) {
		s, ok := str(v)
		if _, err := time.Parse(time.RFC3339, s); !ok || err != nil {
			t.Errorf("%s: %s %v is not a date-time", id, field, v)
		}
	}
	dateTime("updated", p["updated"])
	if sec, ok := p["sector"]; ok {
		arr, ok := sec.([]any)
		if !ok {
			t.Errorf("%s: sector is not an array", id)
		}
		for _, v := range arr {
			if s, _ := str(v); !oc4idsProjectSector[s] {
				t.Errorf("%s: sector %v not in projectSector", id, v)
			}
		}
	}
	locs, ok := p["locations"].([]any)
	if !ok || len(locs) == 0 {
		t.Errorf("%s: no locations", id)
	}
	for _, l := range locs {
		m, _ := l.(map[string]any)
		addr, _ := m["address"].(map[string]any)
		if c, _ := str(addr["countryName"]); c == "" {
			t.Errorf("%s: location without countryName", id)
		}
	}
	value := func(field string, v any) (json.Number, string) {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s: %s is not a Value", id, field)
		}
		n, ok := m["amount"].(json.Number)
		if _, err := n.Float64(); !ok || err != nil {
			t.Errorf("%s: %s.amount %v is not a number", id, field, m["amount"])
		}
		cur, _ := str(m["currency"])
		if len(cur) != 3 || strings.ToUpper(cur) != cur {
			t.Errorf("%s: %s.currency %q is not ISO 4217", id, field, cur)
		}
		return n, cur
	}
	budget, _ := p["budget"].(map[string]any)
	value("budget.amount", budget["amount"])
	parties, _ := p["parties"].([]any)
	if len(parties) == 0 {
		t.Errorf("%s: no parties", id)
	}
	for _, pa := range parties {
		m, _ := pa.(map[string]any)
		if s, _ := str(m["id"]); s == "" {
			t.Errorf("%s: party without id", id)
		}
		if s, _ := str(m["name"]); s == "" {
			t.Errorf("%s: party without name", id)
		}
		roles, _ := m["roles"].([]any)
		for _, r := range roles {
			if s, _ := str(r); !oc4idsPartyRole[s] {
				t.Errorf("%s: party role %v not in partyRole", id, r)
			}
		}
	}
	if per, ok := p["period"].(map[string]any); ok {
		for _, k := range []string{"startDate", "endDate"} {
			if v, ok := per[k]; ok {
				dateTime("period."+k, v)
			}
		}
	}
	inv, _ := p["investment"].(map[string]any)
	value("investment.registeredCapital", inv["registeredCapital"])
	value("investment.disbursedCapital", inv["disbursedCapital"])
}

func TestOpenDataFeedFollowsOC4IDS(t *testing.T) {
	t.Parallel()
	e := sitetest.NewDemo(t, nil)
	r := e.Get("/api/v1/open/projects?lang=en&kind=fdi&per_page=50")
	if r.Status != 200 {
		t.Fatalf("status %d: %.300s", r.Status, r.Body)
	}
	dec := json.NewDecoder(strings.NewReader(r.Body))
	dec.UseNumber()
	var pkg map[string]any
	if err := dec.Decode(&pkg); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"uri", "publishedDate", "license", "publicationPolicy", "version"} {
		if s, _ := pkg[k].(string); s == "" {
			t.Errorf("package %s missing", k)
		}
	}
	if pkg["version"] != "0.9" {
		t.Errorf("version %v", pkg["version"])
	}
	projects, _ := pkg["projects"].([]any)
	if len(projects) != 50 {
		t.Fatalf("%d projects on the page", len(projects))
	}
	links, _ := pkg["links"].(map[string]any)
	next, _ := links["next"].(string)
	if !strings.Contains(next, "page=2") || !strings.Contains(next, "kind=fdi") {
		t.Errorf("links.next %q", next)
	}
	byCode := map[string]*project.Project{}
	all := sitetest.AllProjects(t, e.Projects, project.Filter{Kind: project.FDI})
	for i := range all {
		byCode[all[i].Code] = &all[i]
	}
	statuses := map[string]bool{}
	for _, raw := range projects {
		p := raw.(map[string]any)
		checkOC4IDSProject(t, p)
		stored := byCode[strings.TrimPrefix(p["id"].(string), config.DefaultOC4IDSPrefix+"-")]
		if stored == nil {
			t.Fatalf("feed has %v, not an FDI project", p["id"])
		}
		statuses[p["status"].(string)] = true
		inv := p["investment"].(map[string]any)
		reg := inv["registeredCapital"].(map[string]any)
		dis := inv["disbursedCapital"].(map[string]any)
		// USD: cents written as a decimal with two places, exactly.
		wantReg := strconv.FormatInt(stored.Registered.Amount/100, 10) + "." + strconv.FormatInt(100+stored.Registered.Amount%100, 10)[1:]
		if reg["amount"].(json.Number).String() != wantReg || reg["currency"] != "USD" {
			t.Errorf("%s registered %v, want %s USD", stored.Code, reg, wantReg)
		}
		if p["budget"].(map[string]any)["amount"].(map[string]any)["amount"].(json.Number).String() != wantReg {
			t.Errorf("%s budget differs from registered capital", stored.Code)
		}
		wantDis := strconv.FormatInt(stored.Disbursed.Amount/100, 10) + "." + strconv.FormatInt(100+stored.Disbursed.Amount%100, 10)[1:]
		if dis["amount"].(json.Number).String() != wantDis {
			t.Errorf("%s disbursed %v, want %s", stored.Code, dis["amount"], wantDis)
		}
		if inv["originCountry"] != stored.Investor.Country || p["title"] != stored.Name.Get("en") {
			t.Errorf("%s: origin %v title %v", stored.Code, inv["originCountry"], p["title"])
		}
	}
	if len(statuses) < 2 {
		t.Errorf("every project has the same status: %v", statuses)
	}
	// Domestic amounts have no decimals.
	dr := e.Get("/api/v1/open/projects?kind=domestic&per_page=1")
	if !strings.Contains(dr.Body, `"currency":"VND"`) || strings.Contains(dr.Body, `.0,"currency":"VND"`) {
		t.Errorf("domestic amounts: %.400s", dr.Body)
	}
}

func TestOpenDataPage(t *testing.T) {
	t.Parallel()
	e := sitetest.NewDemo(t, nil)
	for _, lang := range i18n.Languages {
		r := e.Get("/" + lang + "/open-data")
		if r.Status != 200 {
			t.Fatalf("%s: status %d", lang, r.Status)
		}
		d := r.Doc(t)
		if d.Find("[data-testid=open-licence] a[rel=license]").AttrOr("href", "") != opendata.OpenDataLicense {
			t.Errorf("%s: no licence link", lang)
		}
		if n := d.Find("[data-testid=open-statuses] tbody tr").Length(); n != len(project.Stages) {
			t.Errorf("%s: %d stage rows", lang, n)
		}
		// Every stage's code is in the closed projectStatus codelist, and
		// its count is the store's; the feed holds them all.
		var sum int
		for _, st := range project.Stages {
			row := d.Find("[data-testid=open-statuses] tr[data-stage=" + string(st) + "]")
			code := row.Find("[data-testid=open-stage-status]").Text()
			if !projectStatusCodes[code] {
				t.Errorf("%s: %s shown as %q, not a projectStatus code", lang, st, code)
			}
			want := len(sitetest.AllProjects(t, e.Projects, project.Filter{Stage: st}))
			if got := digits(row.Find("[data-testid=open-stage-count]").Text()); got != want {
				t.Errorf("%s: %s count %d, store %d", lang, st, got, want)
			}
			sum += want
		}
		if got := digits(sitetest.Text(d, "[data-testid=open-holds]")); got != sum {
			t.Errorf("%s: the page says the feed holds %d, the store has %d", lang, got, sum)
		}
		if !strings.Contains(sitetest.Text(d, "[data-testid=open-filter]"), "stage=licensed,") {
			t.Errorf("%s: the stage filter is not documented", lang)
		}
		if txt := sitetest.Text(d, "[data-testid=open-prefix]"); !strings.Contains(txt, config.DefaultOC4IDSPrefix+"-DA-0001") || !strings.Contains(txt, "OC4IDS_PREFIX") {
			t.Errorf("%s: prefix not documented: %s", lang, txt)
		}
		if d.Find("[data-testid=open-extension-json]").AttrOr("href", "") != "/api/v1/open/extension.json" {
			t.Errorf("%s: no link to extension.json", lang)
		}
		if !strings.Contains(sitetest.Text(d, "[data-testid=open-extension]"), "investment.originCountry") {
			t.Errorf("%s: extension not documented", lang)
		}
		if d.Find("[data-testid=open-download-projects-xlsx]").AttrOr("href", "") != "/"+lang+"/projects.xlsx" {
			t.Errorf("%s: no XLSX link", lang)
		}
	}
	if m := e.Bundle.Missing(); len(m) > 0 {
		t.Errorf("missing messages: %v", m)
	}
}

// projectStatusCodes is the closed OC4IDS 0.9 projectStatus codelist, read
// from the official CSV in testdata.
var projectStatusCodes = func() map[string]bool {
	b, err := os.ReadFile("testdata/oc4ids/codelists/projectStatus.csv")
	if err != nil {
		panic(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		panic(err)
	}
	m := map[string]bool{}
	for _, r := range recs[1:] {
		m[r[0]] = true
	}
	return m
}()

// digits reads the whole number in s, ignoring every other character
// (group separators of either language included).
func digits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n = n*10 + int(r-'0')
		}
	}
	return n
}
