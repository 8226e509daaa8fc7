package opendata_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/export"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/web"
	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
	"github.com/xuri/excelize/v2"
	"go.mongodb.org/mongo-driver/bson"
)

// parseCSVSep is parseCSV for a file split at sep.
func parseCSVSep(t *testing.T, r sitetest.Response, sep rune) [][]string {
	t.Helper()
	if r.Status != 200 {
		t.Fatalf("status %d: %.300s", r.Status, r.Body)
	}
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, export.BOM)))
	cr.Comma = sep
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// problemField is the one field a problem+json answer names, or "".
func problemField(t *testing.T, r sitetest.Response) string {
	t.Helper()
	if !strings.Contains(r.Header.Get("Content-Type"), "problem+json") {
		t.Errorf("status %d, content type %q, not a problem: %.200s", r.Status, r.Header.Get("Content-Type"), r.Body)
		return ""
	}
	var p web.Problem
	if err := json.Unmarshal([]byte(r.Body), &p); err != nil || len(p.Errors) != 1 {
		t.Errorf("problem %s: %v", r.Body, err)
		return ""
	}
	return p.Errors[0].Field
}

// TestExportSemicolon: every CSV comes split at semicolons with ?sep,
// cell for cell the same as the comma file; a bad separator names the
// field; the Vietnamese pages link to the variant and the open-data page
// documents it.
func TestExportSemicolon(t *testing.T) {
	t.Parallel()
	e := sitetest.NewDemo(t, nil)
	tf := e.As(account.RoleTaskForce)
	for _, c := range []struct {
		client *sitetest.Client
		path   string
	}{
		{e.Anonymous(), "/vi/projects.csv?kind=fdi"},
		{e.Anonymous(), "/vi/opportunities.csv"},
		{e.Anonymous(), "/en/obstacles/stats.csv"},
		{tf, "/vi/staff/obstacles.csv"},
		{e.Anonymous(), "/api/v1/exports/projects?lang=vi&sector=tourism"},
		{e.Anonymous(), "/api/v1/exports/obstacles"},
	} {
		join := "?"
		if strings.Contains(c.path, "?") {
			join = "&"
		}
		comma := parseCSV(t, c.client.Get(c.path))
		semi := c.client.Get(c.path + join + "sep=semicolon")
		if head := strings.SplitN(strings.TrimPrefix(semi.Body, export.BOM), "\r\n", 2)[0]; !strings.Contains(head, ";") || strings.Count(head, ";") < len(comma[0])-1 {
			t.Errorf("%s: semicolon header line %q", c.path, head)
		}
		got := parseCSVSep(t, semi, ';')
		if len(got) != len(comma) || len(comma) < 2 {
			t.Fatalf("%s: %d semicolon rows, %d comma rows", c.path, len(got), len(comma))
		}
		for i := range comma {
			if strings.Join(got[i], "\x1f") != strings.Join(comma[i], "\x1f") {
				t.Fatalf("%s row %d: %q, comma file %q", c.path, i, got[i], comma[i])
			}
		}
		if r := c.client.Get(c.path + join + "sep=tab"); r.Status != http.StatusBadRequest {
			t.Errorf("%s sep=tab: status %d", c.path, r.Status)
		}
	}
	for _, path := range []string{"/api/v1/exports/projects?sep=tab", "/api/v1/exports/opportunities?format=xlsx&sep=%3B"} {
		r := e.Get(path)
		if r.Status != http.StatusBadRequest || problemField(t, r) != "sep" {
			t.Errorf("%s: %d %s", path, r.Status, r.Body)
		}
	}

	// Links: on Vietnamese pages, beside the CSV link, with the filters.
	vi := e.Bundle.For("vi")
	d := e.Get("/vi/projects?kind=domestic&sector=energy").Doc(t)
	a := d.Find("[data-testid=export-csv-semicolon]")
	u, err := url.Parse(a.AttrOr("href", ""))
	if err != nil || u.Path != "/vi/projects.csv" || u.Query().Get("sep") != "semicolon" || u.Query().Get("kind") != "domestic" || u.Query().Get("sector") != "energy" {
		t.Errorf("project list link %q", a.AttrOr("href", ""))
	}
	if strings.TrimSpace(a.Text()) != vi.T("export.list.csv_semicolon") || vi.T("export.list.csv_semicolon") != "CSV (dấu chấm phẩy, cho Excel tiếng Việt)" {
		t.Errorf("link text %q", a.Text())
	}
	for _, c := range []struct {
		client *sitetest.Client
		page   string
		want   string
	}{
		{e.Anonymous(), "/vi/opportunities?sector=tourism", "/vi/opportunities.csv?sector=tourism&sep=semicolon"},
		{e.Anonymous(), "/vi/opportunities", "/vi/opportunities.csv?sep=semicolon"},
		{e.Anonymous(), "/vi/obstacles/stats", "/vi/obstacles/stats.csv?sep=semicolon"},
		{tf, "/vi/staff/obstacles", "/vi/staff/obstacles.csv?sep=semicolon"},
	} {
		r := c.client.Get(c.page)
		if r.Status != 200 {
			t.Fatalf("%s: %d", c.page, r.Status)
		}
		href := r.Doc(t).Find("[data-testid=export-csv-semicolon]").AttrOr("href", "")
		if href != c.want {
			t.Errorf("%s: semicolon link %q, want %q", c.page, href, c.want)
		}
		if dl := c.client.Get(href); dl.Status != 200 || !strings.HasPrefix(dl.Header.Get("Content-Type"), "text/csv") {
			t.Errorf("%s: link %s gives %d", c.page, href, dl.Status)
		}
	}
	for _, page := range []string{"/en/projects", "/en/opportunities", "/en/obstacles/stats"} {
		if n := e.Get(page).Doc(t).Find("[data-testid=export-csv-semicolon]").Length(); n != 0 {
			t.Errorf("%s: %d semicolon links on an English page", page, n)
		}
	}
	for _, lang := range []string{"vi", "en"} {
		od := e.Get("/" + lang + "/open-data").Doc(t)
		if txt := od.Find("[data-testid=open-downloads-sep]").Text(); txt != e.Bundle.For(lang).T("export.open.downloads.sep") || !strings.Contains(txt, "sep=semicolon") {
			t.Errorf("%s open-data page: %q", lang, txt)
		}
		if href := od.Find("[data-testid=open-download-projects-csv-semicolon]").AttrOr("href", ""); href != "/"+lang+"/projects.csv?sep=semicolon" {
			t.Errorf("%s open-data link %q", lang, href)
		}
	}
}

// TestProjectExportXLSXMoney: the money columns of the project export
// carry the #,##0 format on every row (the demo holds amounts of 12 and
// more digits), and no cell is an empty string.
func TestProjectExportXLSXMoney(t *testing.T) {
	t.Parallel()
	e := sitetest.NewDemo(t, nil)
	f, sheet := openXLSX(t, e.Get("/vi/projects.xlsx"))
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 100 {
		t.Fatalf("%d rows", len(rows))
	}
	long := 0
	for r := 2; r <= len(rows); r++ {
		for _, col := range []string{"J", "K"} {
			ref := col + strconv.Itoa(r)
			id, err := f.GetCellStyle(sheet, ref)
			if err != nil {
				t.Fatal(err)
			}
			st, err := f.GetStyle(id)
			if err != nil || st.CustomNumFmt == nil || *st.CustomNumFmt != export.MoneyFormat {
				t.Fatalf("%s: number format %v, want %q", ref, st.CustomNumFmt, export.MoneyFormat)
			}
			raw, _ := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
			shown, _ := f.GetCellValue(sheet, ref)
			if len(raw) >= 12 {
				long++
				if strings.ContainsAny(shown, "Ee") || strings.Count(shown, ",") != (len(raw)-1)/3 {
					t.Fatalf("%s: %s shown as %q", ref, raw, shown)
				}
			}
		}
		for c := range rows[r-1] {
			ref, _ := excelize.CoordinatesToCellName(c+1, r)
			if typ, _ := f.GetCellType(sheet, ref); rows[r-1][c] == "" && typ != excelize.CellTypeUnset {
				t.Fatalf("%s: an empty %v cell, want a blank", ref, typ)
			}
		}
	}
	if long == 0 {
		t.Error("no amount of 12 digits or more in the demo data: the check proved nothing")
	}
}

// hostile are texts no one types on purpose; input refuses each of them
// in a single-line field.
var hostile = []string{
	"\x00=1+1", "Tên\x00", "\x1b[31mđỏ", "a\x7fb", "a\u0085b", "a\u009bb", "dòng\nhai", "dòng\u2028hai", "\x01@SUM(A1)",
}

// TestHostileTextRefusedOnInputAndGuardedInExports: a project PATCH with
// control characters is refused naming the field and stores nothing;
// fullwidth formula text (no control character) is accepted and comes
// out of the export guarded; text with control characters already in the
// database (written past the checks) is exported without them and
// guarded, in CSV and XLSX.
func TestHostileTextRefusedOnInputAndGuardedInExports(t *testing.T) {
	t.Parallel()
	e := sitetest.NewDemo(t, nil)
	ctx := context.Background()
	board := e.APIAs(account.RoleBoard)
	pr := e.FirstAtStage(project.Licensed)
	path := "/api/v1/projects/" + pr.Code
	for _, s := range hostile {
		for _, body := range []map[string]any{
			{"name": map[string]any{"en": s}},
			{"investor": map[string]any{"name": s, "country": pr.Investor.Country}},
		} {
			etag := e.Get(path).Header.Get("ETag")
			r := board.Call(http.MethodPatch, path, body, "If-Match", etag)
			if r.Status != http.StatusBadRequest {
				t.Fatalf("PATCH %q: %d %s", body, r.Status, r.Body)
			}
			if f := problemField(t, r); !strings.Contains(f, "name") {
				t.Errorf("PATCH %q names field %q", body, f)
			}
			if !strings.Contains(r.Body, e.Bundle.For("vi").T(project.ControlCharsID)) && !strings.Contains(r.Body, e.Bundle.For("en").T(project.ControlCharsID)) {
				t.Errorf("PATCH %q: message is not the control-character one: %s", body, r.Body)
			}
		}
	}
	if got, _ := e.Projects.Get(ctx, pr.Code); got.Version != pr.Version || got.Name.EN != pr.Name.EN {
		t.Fatalf("a refused PATCH was stored: v%d %q", got.Version, got.Name.EN)
	}

	// The board's HTML form refuses the same with the localized message
	// at the field, and keeps the project as it was.
	board2 := e.As(account.RoleBoard)
	for _, lang := range []string{"vi", "en"} {
		edit := "/" + lang + "/board/projects/" + pr.Code + "/edit"
		for _, field := range []string{"name_vi", "investor_name"} {
			v := sitetest.FormValues(t, board2.Get(edit).Doc(t), "[data-testid=project-form]")
			v.Set(field, "\x00=1+1")
			r := board2.Send(http.MethodPost, edit, v)
			if r.Status != http.StatusBadRequest && r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("%s form %s: status %d", lang, field, r.Status)
			}
			if got, want := sitetest.Text(r.Doc(t), "#err-"+field), e.Bundle.For(lang).T(project.ControlCharsID); got != want {
				t.Errorf("%s form %s: error %q, want %q", lang, field, got, want)
			}
		}
	}
	if got, _ := e.Projects.Get(ctx, pr.Code); got.Version != pr.Version {
		t.Fatalf("a refused form was stored: v%d", got.Version)
	}

	// Fullwidth ＝ is text, not a control character: stored, guarded out.
	etag := e.Get(path).Header.Get("ETag")
	if r := board.Call(http.MethodPatch, path, map[string]any{"name": map[string]any{"en": "＝1+1"}}, "If-Match", etag); r.Status != 200 {
		t.Fatalf("fullwidth name: %d %s", r.Status, r.Body)
	}
	for _, rec := range parseCSV(t, e.Get("/en/projects.csv?q="+url.QueryEscape(pr.Code)))[1:] {
		if rec[0] == pr.Code && rec[1] != "'＝1+1" {
			t.Errorf("exported name %q, want it guarded", rec[1])
		}
	}

	// Older data, written straight to the database.
	stored := allObstacles(t, e.Obs, obstacle.SystemActor, e.Now)
	var code string
	for c := range stored {
		code = c
		break
	}
	raw := map[string]string{"title": "\x00=1+1", "filer.businessName": "\x01\x02＠SUM(A1)", "description": "\u200b\x1b-2+3\x00 rest"}
	set := bson.M{}
	for k, v := range raw {
		set[k] = v
	}
	if res, err := e.DB.Collection(obstacle.CollObstacles).UpdateOne(ctx, bson.M{"trackingCode": code}, bson.M{"$set": set}); err != nil || res.MatchedCount != 1 {
		t.Fatalf("raw update of %s: %v %v", code, res, err)
	}
	l := e.Bundle.For("en")
	want := map[string]string{
		l.T("export.col.title"):         "'=1+1",
		l.T("export.col.business_name"): "'＠SUM(A1)",
		l.T("export.col.description"):   "'\u200b-2+3 rest",
	}
	tf := e.As(account.RoleTaskForce)
	for _, sep := range []string{"", "semicolon"} {
		comma := ','
		if sep != "" {
			comma = ';'
		}
		recs := parseCSVSep(t, tf.Get("/en/staff/obstacles.csv?sep="+sep), comma)
		col := map[string]int{}
		for i, h := range recs[0] {
			col[h] = i
		}
		found := false
		for _, rec := range recs[1:] {
			if rec[0] != code {
				continue
			}
			found = true
			for h, w := range want {
				if got := rec[col[h]]; got != w {
					t.Errorf("sep %q: %s = %q, want %q", sep, h, got, w)
				}
			}
		}
		if !found {
			t.Fatalf("%s not in the staff export", code)
		}
	}
	f, sheet := openXLSX(t, tf.Get("/en/staff/obstacles.xlsx"))
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		for _, cell := range row {
			for _, r := range cell {
				if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' || r == '\ufffd' {
					t.Fatalf("XLSX cell %q holds %U", cell, r)
				}
			}
		}
	}
}
