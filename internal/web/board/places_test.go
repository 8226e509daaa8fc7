package board_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
)

// TestBoardAddsAFormerNinhThuanProject: the board adds a project of the
// former Ninh Thuận with its current unit; a unit not formed from the
// chosen former district is refused naming the unit field, and nothing is
// stored; the new project is shown as its unit, formerly its district, and
// found by the province and unit filters.
func TestBoardAddsAFormerNinhThuanProject(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	c := e.As(account.RoleBoard)
	d := c.Get("/en/board/projects/new").Doc(t)
	if d.Find(`#f-unit optgroup`).Length() != 16 {
		t.Errorf("unit select: %d groups, want 16 former districts", d.Find(`#f-unit optgroup`).Length())
	}
	v := sitetest.FormValues(t, d, "[data-testid=project-form]")
	v.Set("code", "DA-NT-0001")
	v.Set("kind", "domestic")
	v.Set("name_vi", "Nhà máy điện mặt trời Phước Hữu")
	v.Set("investor_name", "Công ty Năng lượng Ninh Thuận")
	v.Set("investor_country", "VN")
	v.Set("sector", "energy")
	v.Set("location", "ninh_phuoc")
	v.Set("unit", "bac_cam_ranh") // a unit of the former Cam Ranh
	v.Set("registered_capital", "1200")
	v.Set("stage", "licensed")
	r := c.Send(http.MethodPost, "/en/board/projects", v)
	if r.Status != http.StatusBadRequest || sitetest.Text(r.Doc(t), "#err-unit") == "" {
		t.Fatalf("unit of another district: %d %s", r.Status, sitetest.Text(r.Doc(t), "main"))
	}
	if got := sitetest.Text(c.Get("/en/dashboard").Doc(t), "[data-testid=published-basis]"); got != "End-2023 figures of the former Khanh Hoa province." {
		t.Errorf("dashboard basis before: %q", got)
	}
	if _, err := e.Projects.Get(context.Background(), "DA-NT-0001"); err == nil {
		t.Fatal("a refused project was stored")
	}
	v.Set("_csrf", sitetest.PageCSRF(t, c.Get("/en/board/projects/new")))
	v.Set("unit", "phuoc_huu")
	r = c.Send(http.MethodPost, "/en/board/projects", v)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("create: %d %s", r.Status, sitetest.Text(r.Doc(t), "main"))
	}
	got, err := e.Projects.Get(context.Background(), "DA-NT-0001")
	if err != nil || got.Unit != "phuoc_huu" || got.Province() != "ninh_thuan" {
		t.Fatalf("%+v %v", got, err)
	}
	for path, want := range map[string]string{
		"/en/projects/DA-NT-0001": "Phuoc Huu Commune (formerly Ninh Phuoc District)",
		"/vi/projects/DA-NT-0001": "Xã Phước Hữu (trước đây thuộc huyện Ninh Phước)",
	} {
		if txt := sitetest.Text(c.Get(path).Doc(t), "main"); !strings.Contains(txt, want) {
			t.Errorf("%s lacks %q", path, want)
		}
	}
	// The dashboard no longer calls its figures the former Khanh Hoa's alone.
	if got := sitetest.Text(c.Get("/en/dashboard").Doc(t), "[data-testid=published-basis]"); !strings.Contains(got, "also count 1 project of the former Ninh Thuan province") {
		t.Errorf("dashboard basis after a Ninh Thuan project: %q", got)
	}
	for _, q := range []string{"province=ninh_thuan", "unit=phuoc_huu", "q=phuoc+huu"} {
		doc := c.Get("/en/projects?" + q).Doc(t)
		if doc.Find("[data-testid=project-link]").Length() != 1 || sitetest.Text(doc, "[data-testid=project-link]") != "DA-NT-0001" {
			t.Errorf("?%s: %q", q, sitetest.Text(doc, "[data-testid=project-link]"))
		}
	}
	for _, q := range []string{"unit=atlantis", "province=binh_dinh"} {
		if r := c.Get("/en/projects?" + q); r.Status != http.StatusBadRequest {
			t.Errorf("?%s: %d, want 400", q, r.Status)
		}
		if r := c.Get("/api/v1/projects?" + q); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, strings.Split(q, "=")[0]) {
			t.Errorf("API ?%s: %d %s", q, r.Status, r.Body)
		}
	}
}
