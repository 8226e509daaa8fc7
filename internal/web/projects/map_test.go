package projects_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/place"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/web"
	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
)

// TestDashboardMapFollowsTheFigures: the dashboard's map has one linked
// path per area, each named with the read model's figure, coloured so a
// larger figure is never lighter, and each link opens the project list
// filtered to that area with as many projects as the map says.
func TestDashboardMapFollowsTheFigures(t *testing.T) {
	t.Parallel()
	e := sitetest.Shared(t)
	st, err := e.Projects.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]project.GroupStat{}
	for _, r := range st.ByLocation {
		rows[r.Key] = r
	}
	for _, lang := range i18n.Languages {
		l := e.Bundle.For(lang)
		for _, measure := range []string{"", "capital", "count"} {
			path := "/" + lang + "/dashboard"
			if measure != "" {
				path += "?map=" + measure
			}
			r := e.Get(path)
			if r.Status != 200 {
				t.Fatalf("%s: status %d", path, r.Status)
			}
			d := r.Doc(t)
			areas := d.Find("[data-testid=provmap] svg a[data-area]")
			// The map draws the former districts of the former Khánh Hòa (the
			// figures' basis); the former Ninh Thuận has no shapes yet.
			want := 0
			for _, loc := range place.Locations {
				if place.ProvinceOf(loc) == "khanh_hoa" {
					want++
				}
			}
			if areas.Length() != want || areas.Find("path").Length() != want {
				t.Fatalf("%s: %d areas drawn, want %d", path, areas.Length(), want)
			}
			value := map[string]int64{}
			class := map[string]int{}
			areas.Each(func(_ int, a *goquery.Selection) {
				code := a.AttrOr("data-area", "")
				row := rows[code]
				if href := a.AttrOr("href", ""); href != "/"+lang+"/projects?location="+code {
					t.Errorf("%s %s: links to %q", path, code, href)
				}
				var fig string
				if measure == "count" {
					value[code], fig = row.Count, l.Int(row.Count)
				} else {
					reg := web.CombinedVND(row.Domestic.Registered, row.FDI.Registered)
					if reg.Currency == "" {
						reg.Currency = money.VND
					}
					value[code], fig = reg.Amount, l.Money(reg)
				}
				label := a.AttrOr("aria-label", "")
				if !strings.Contains(label, l.Label("location", code)) || !strings.Contains(label, fig) || a.Find("title").Text() != label {
					t.Errorf("%s %s: labelled %q, want its name and %q", path, code, label, fig)
				}
				class[code], _ = strconv.Atoi(a.AttrOr("data-class", ""))
			})
			var top int64
			for _, v := range value {
				top = max(top, v)
			}
			for a, va := range value {
				if va == top && class[a] != 4 || va == 0 && class[a] != 0 || va > 0 && class[a] == 0 {
					t.Errorf("%s: %s figure %d (top %d) has class %d", path, a, va, top, class[a])
				}
				for b, vb := range value {
					if va > vb && class[a] < class[b] {
						t.Errorf("%s: %s (%d) is lighter than %s (%d)", path, a, va, b, vb)
					}
				}
			}
			cur := d.Find("[data-testid=provmap] .provmap-toggle a[aria-current]").AttrOr("data-measure", "")
			if want := map[string]string{"": "capital"}[measure]; cur != measure && cur != want {
				t.Errorf("%s: toggle marks %q", path, cur)
			}
		}
	}
	// The link opens the list of the area's projects: as many as the map says.
	for code, row := range rows {
		if row.Count == 0 {
			continue
		}
		d := e.Get("/en/projects?location=" + code).Doc(t)
		if got := sitetest.Text(d, "[data-testid=result-count]"); !strings.Contains(got, e.Bundle.For("en").Int(row.Count)+" ") {
			t.Errorf("%s: the list says %q, the map %d", code, got, row.Count)
		}
		break
	}
}

func TestDashboardRefusesAnUnknownMapMeasure(t *testing.T) {
	t.Parallel()
	e := sitetest.Shared(t)
	for lang, want := range map[string]string{"vi": "Giá trị không hợp lệ", "en": "This value is not valid"} {
		r := e.Get("/" + lang + "/dashboard?map=%3Cscript%3E")
		if r.Status != 400 || !strings.Contains(r.Body, want) || strings.Contains(r.Body, "<script>") {
			t.Errorf("%s: status %d, body lacks %q or echoes the input", lang, r.Status, want)
		}
	}
}
