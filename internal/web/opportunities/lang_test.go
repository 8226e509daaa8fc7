package opportunities_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"unicode"

	"github.com/PuerkitoBio/goquery"
	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/country"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/place"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
	"github.com/khanhhoa/investportal/seed"
	"golang.org/x/net/html"
)

// viOnlyCode names the opportunity viOnly stores.
const viOnlyCode = "OPP-VIONLY-001"

// viOnly stores a copy of the first demo opportunity with every English
// text removed, as a record written in Vietnamese and awaiting its
// translation, and brings the search index up to date.
func viOnly(t *testing.T, e *oppEnv) opportunity.Opportunity {
	t.Helper()
	list, err := seed.Opportunities()
	if err != nil {
		t.Fatal(err)
	}
	o := list[0]
	o.Code, o.ProjectCode = viOnlyCode, ""
	o.AuthoritativeLang, o.TranslationPending = opportunity.LangVI, true
	o.Title.EN, o.Summary.EN, o.Description.EN = "", "", ""
	o.Utilities.Power.EN, o.Utilities.Water.EN, o.Utilities.Road.EN = "", "", ""
	o.Contact.NameEN = ""
	o.Incentives = append([]opportunity.Incentive(nil), o.Incentives...)
	for i := range o.Incentives {
		o.Incentives[i].Text.EN, o.Incentives[i].LegalBasisEN = "", ""
	}
	ctx := context.Background()
	if err := e.opps.Create(ctx, &o); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	return o
}

// markedVI reports whether s shows text marked as Vietnamese (lang="vi")
// followed by the visible VI tag.
func markedVI(s *goquery.Selection, text string) bool {
	return strings.TrimSpace(s.Find(`[lang=vi]`).First().Text()) == text &&
		strings.TrimSpace(s.Find(".lang-tag").First().Text()) == "VI"
}

func TestOpportunityPageContactUnitAndCitationsInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	e := newOppEnv(t)
	list, err := seed.Opportunities()
	if err != nil {
		t.Fatal(err)
	}

	t.Run("EnglishWhereThereIsEnglish", func(t *testing.T) {
		for _, o := range list[:8] {
			for _, lang := range []string{"en", "vi"} {
				d := e.Get("/" + lang + "/opportunities/" + o.Code).Doc(t)
				unit := d.Find("[data-testid=contact-unit]")
				if got, want := strings.TrimSpace(unit.Text()), o.Contact.Unit().Get(lang); got != want || unit.Find("[lang]").Length() != 0 {
					t.Errorf("%s %s: contact unit %q, want %q unmarked", lang, o.Code, got, want)
				}
				bases := d.Find("[data-testid=legal-basis]")
				if bases.Length() != len(o.Incentives) {
					t.Fatalf("%s %s: %d citations, want %d", lang, o.Code, bases.Length(), len(o.Incentives))
				}
				bases.Each(func(i int, s *goquery.Selection) {
					in := o.Incentives[i]
					if lang == "vi" {
						if got, want := s.Text(), in.LegalBasis; got != "("+want+")" || s.Find("[lang]").Length() != 0 {
							t.Errorf("%s %s: citation %d %q, want %q", lang, o.Code, i, got, want)
						}
						return
					}
					// English gives the English title with the Vietnamese
					// one beside it, marked as Vietnamese (issue 13, item 10).
					want := "(" + in.LegalBasisEN + "; in Vietnamese: " + in.LegalBasis + ")"
					if got := s.Text(); got != want || s.Find("[lang]").Length() != 1 || s.Find(`[lang="vi"]`).Text() != in.LegalBasis {
						t.Errorf("%s %s: citation %d %q, want %q with the Vietnamese marked", lang, o.Code, i, got, want)
					}
				})
			}
		}
	})

	t.Run("VietnameseOnlyIsMarked", func(t *testing.T) {
		o := viOnly(t, e)
		d := e.Get("/en/opportunities/" + o.Code).Doc(t)
		if !markedVI(d.Find("[data-testid=contact-unit]"), o.Contact.Name) {
			t.Errorf("contact unit not marked: %s", sitetest.Text(d, "[data-testid=contact-unit]"))
		}
		d.Find("[data-testid=legal-basis]").Each(func(i int, s *goquery.Selection) {
			if !markedVI(s, o.Incentives[i].LegalBasis) {
				t.Errorf("citation %d not marked: %q", i, s.Text())
			}
		})
		if !markedVI(d.Find("[data-testid=opp-title]"), o.Title.VI) {
			t.Errorf("title not marked: %q", sitetest.Text(d, "[data-testid=opp-title]"))
		}
		// The catalogue row too, found by a query in either language.
		for _, q := range []string{"lng+van+phong", "nha+may+dien+khi"} {
			d = e.Get("/en/opportunities?q=" + q).Doc(t)
			found := false
			d.Find("[data-testid=opp-card]").Each(func(_ int, s *goquery.Selection) {
				if s.Find(".code").Text() != o.Code {
					return
				}
				found = true
				if !markedVI(s.Find("[data-testid=opp-link]"), o.Title.VI) {
					t.Errorf("q=%s: catalogue title not marked: %q", q, s.Find("[data-testid=opp-link]").Text())
				}
			})
			if !found {
				t.Errorf("q=%s does not find %s", q, o.Code)
			}
		}
		// On the Vietnamese page nothing is marked.
		d = e.Get("/vi/opportunities/" + o.Code).Doc(t)
		if d.Find("main .lang-tag").Length() != 0 {
			t.Error("the Vietnamese page marks Vietnamese text")
		}
	})

	t.Run("BoardFormTakesBothLanguages", func(t *testing.T) {
		board := e.As(account.RoleBoard)
		path := "/en/board/opportunities/" + viOnlyCode + "/edit"
		d := board.Get(path).Doc(t)
		if d.Find("input[name=contact_name][lang=vi]").Length() != 1 || d.Find("input[name=contact_name_en][lang=en]").Length() != 1 ||
			d.Find("input[name='incentives.0.legal_basis_en'][lang=en]").Length() != 1 || d.Find("textarea[name=description_vi][lang=vi]").Length() != 1 {
			t.Fatal("the form lacks the English contact unit or citation, or its inputs their lang")
		}
		v := sitetest.FormValues(t, d, "[data-testid=opp-form]")
		v.Set("contact_name_en", strings.Repeat("x", opportunity.MaxShort+1))
		v.Set("incentives.0.legal_basis_en", "Decree No. 31/2021/ND-CP")
		r := board.Send(http.MethodPost, path, v)
		if r.Status != http.StatusBadRequest {
			t.Fatalf("too long an English name: %d", r.Status)
		}
		d = r.Doc(t)
		in := d.Find("input[name=contact_name_en]")
		if d.Find("#err-contact_name_en").Length() != 1 || in.AttrOr("aria-describedby", "") != "err-contact_name_en" ||
			d.Find("input[name='incentives.0.legal_basis_en']").AttrOr("value", "") != "Decree No. 31/2021/ND-CP" {
			t.Errorf("the error is not tied to the field or the input was lost")
		}
		if o, _ := e.opps.Get(context.Background(), viOnlyCode); o.Version != 1 {
			t.Fatalf("a refused form wrote version %d", o.Version)
		}
		v.Set("contact_name_en", "Investment Management Division")
		v.Set("reason", "English contact unit and citation")
		if r := board.Send(http.MethodPost, path, v); r.Status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", r.Status, sitetest.Text(r.Doc(t), ".field-error"))
		}
		o, err := e.opps.Get(context.Background(), viOnlyCode)
		if err != nil || o.Contact.NameEN != "Investment Management Division" || o.Incentives[0].LegalBasisEN != "Decree No. 31/2021/ND-CP" {
			t.Fatalf("stored %+v %+v (%v)", o.Contact, o.Incentives[0], err)
		}
		d = e.Get("/en/opportunities/" + viOnlyCode).Doc(t)
		if got := sitetest.Text(d, "[data-testid=contact-unit]"); got != "Investment Management Division" {
			t.Errorf("English page contact unit after the edit: %q", got)
		}
		if got := d.Find("[data-testid=legal-basis]").First().Text(); got != "(Decree No. 31/2021/ND-CP; in Vietnamese: "+o.Incentives[0].LegalBasis+")" {
			t.Errorf("English page citation after the edit: %q", got)
		}
	})

	t.Run("APIKeepsItsShape", func(t *testing.T) {
		r := e.Get("/api/v1/opportunities/" + list[0].Code)
		var got struct {
			Contact    map[string]any   `json:"contact"`
			Incentives []map[string]any `json:"incentives"`
		}
		if err := json.Unmarshal([]byte(r.Body), &got); err != nil || r.Status != 200 {
			t.Fatalf("get: %d %v", r.Status, err)
		}
		// name and legalBasis stay strings (the Vietnamese text), as
		// before; the English texts are fields of their own.
		if got.Contact["name"] != list[0].Contact.Name || got.Contact["nameEn"] != list[0].Contact.NameEN ||
			got.Incentives[0]["legalBasis"] != list[0].Incentives[0].LegalBasis || got.Incentives[0]["legalBasisEn"] != list[0].Incentives[0].LegalBasisEN {
			t.Errorf("API contact %v, incentive %v", got.Contact, got.Incentives[0])
		}
		etag := r.Header.Get("ETag")
		body := `{"contact":{"agency":"ipc","name":"Phòng Xúc tiến đầu tư","nameEn":"Investment Promotion Division","email":"xuctien@khanhhoa.example"},"reason":"desk moved"}`
		if r := oppJSON(e.As(account.RoleBoard), http.MethodPatch, "/api/v1/opportunities/"+list[0].Code, body, "If-Match", etag); r.Status != 200 {
			t.Fatalf("patch: %d %s", r.Status, r.Body)
		}
		if o, _ := e.opps.Get(context.Background(), list[0].Code); o.Contact.Unit() != (project.Text{VI: "Phòng Xúc tiến đầu tư", EN: "Investment Promotion Division"}) {
			t.Errorf("stored contact %+v", o.Contact)
		}
	})
}

// vietnameseLetter reports whether r is a Latin letter with a diacritic,
// as Vietnamese writes nearly every other word and English none.
func vietnameseLetter(r rune) bool {
	return unicode.IsLetter(r) && r >= 0xC0 && (r <= 0x24F || r >= 0x1E00 && r <= 0x1EFF)
}

// placeNames are the words with Vietnamese letters in the English names
// of the province's places (location and zone labels; none since English
// writes them without diacritics, "Ninh Hoa") and of countries; proper
// names, not text in the other language.
func placeNames(e *oppEnv) map[string]bool {
	l := e.Bundle.For("en")
	out := map[string]bool{}
	add := func(label string) {
		for _, w := range strings.Fields(label) {
			if strings.IndexFunc(w, vietnameseLetter) >= 0 {
				out[w] = true
			}
		}
	}
	for _, c := range place.Locations {
		add(l.Label("location", c))
	}
	for _, c := range project.Zones {
		if c != "" {
			add(l.Label("zone", c))
		}
	}
	// The enquiry form lists every country by its English name, some of
	// which are written with accents ("Côte d’Ivoire").
	for _, c := range country.List("en") {
		add(c.Name)
	}
	return out
}

// unmarkedVietnamese returns the texts under sel that hold a word with
// Vietnamese letters, other than the allowed names, while their nearest
// lang attribute is not vi.
func unmarkedVietnamese(d *goquery.Document, sel string, names map[string]bool) []string {
	var out []string
	var walk func(n *html.Node, lang string)
	walk = func(n *html.Node, lang string) {
		if n.Type == html.ElementNode {
			if n.Data == "script" || n.Data == "style" {
				return
			}
			for _, a := range n.Attr {
				if a.Key == "lang" {
					lang = a.Val
				}
			}
		}
		if n.Type == html.TextNode && lang != "vi" {
			for _, w := range strings.FieldsFunc(n.Data, func(r rune) bool { return !unicode.IsLetter(r) }) {
				if !names[w] && strings.IndexFunc(w, vietnameseLetter) >= 0 {
					out = append(out, strings.TrimSpace(n.Data))
					break
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, lang)
		}
	}
	d.Find(sel).Each(func(_ int, s *goquery.Selection) {
		lang := ""
		for p := s; p.Length() > 0; p = p.Parent() {
			if l, ok := p.Attr("lang"); ok {
				lang = l
				break
			}
		}
		for _, n := range s.Nodes {
			walk(n, lang)
		}
	})
	return out
}

// TestEnglishPagesMarkEveryVietnameseText reads the opportunity and board
// pages in English, as a visitor and as the board, and fails on any text
// with Vietnamese letters that is not inside an element marked lang="vi".
// It reads the page's content (main) and the layout's language switch;
// the rest of the layout (such as a signed-in user's name) belongs to the
// layout's own tests. Place names are allowed (placeNames).
func TestEnglishPagesMarkEveryVietnameseText(t *testing.T) {
	t.Parallel()
	e := newOppEnv(t)
	o := viOnly(t, e)
	ctx := context.Background()
	// One project without an English name, one with.
	var noEN, withEN string
	all, err := e.Projects.List(ctx, project.Filter{Page: 1, PerPage: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range all.Items {
		if p.Name.EN != "" && withEN == "" {
			withEN = p.Code
		} else if p.Name.EN != "" && noEN == "" {
			noEN = p.Code
			empty := ""
			if _, err := e.Projects.Update(ctx, p.Code, p.Version, project.Changes{NameEN: &empty}, project.Actor{ID: "test", Name: "test"}, e.Srv.Now()); err != nil {
				t.Fatal(err)
			}
		}
	}
	list, err := seed.Opportunities()
	if err != nil {
		t.Fatal(err)
	}
	pages := []string{"/en/opportunities", "/en/opportunities?q=nha+may", "/en/opportunities?q=khu+du+lich+bai+dai",
		"/en/opportunities?q=lng+van+phong", "/en/opportunities?q=nghi+dinh", "/en/opportunities?q=Vân+Phong",
		"/en/opportunities/" + o.Code}
	for _, op := range list {
		pages = append(pages, "/en/opportunities/"+op.Code)
	}
	board := []string{"/en/board", "/en/board/watch", "/en/board/opportunities", "/en/board/opportunities/new",
		"/en/board/opportunities/" + list[0].Code + "/edit", "/en/board/opportunities/" + o.Code + "/edit"}
	for _, code := range []string{noEN, withEN} {
		pages = append(pages, "/en/projects/"+code)
		board = append(board, "/en/board/projects/"+code+"/stage", "/en/board/projects/"+code+"/disbursements")
	}
	names := placeNames(e)
	// English writes the province's places without diacritics
	// (locales/GLOSSARY.md); the countries' accented names stay allowed.
	if !names["Côte"] || names["Hòa"] || names["Nhà"] {
		t.Fatalf("place names %v", names)
	}
	check := func(c *sitetest.Client, path string) {
		r := c.Get(path)
		if r.Status != 200 {
			t.Errorf("%s: %d", path, r.Status)
			return
		}
		if bad := unmarkedVietnamese(r.Doc(t), "main, .lang-switch", names); len(bad) > 0 {
			t.Errorf("%s shows Vietnamese unmarked: %q", path, bad)
		}
	}
	visitor := e.Anonymous()
	for _, p := range pages {
		check(visitor, p)
	}
	staff := e.As(account.RoleBoard)
	for _, p := range append(board, pages[:3]...) {
		check(staff, p)
	}

	t.Run("CheckerFindsUnmarkedText", func(t *testing.T) {
		d, err := goquery.NewDocumentFromReader(strings.NewReader(
			`<html lang="en"><main><p>Fine</p><p lang="vi">Nhà máy</p><p>Côte d’Ivoire</p><p>Nhà máy Ninh Hòa <span lang="vi">Nhà máy</span></p></main></html>`))
		if err != nil {
			t.Fatal(err)
		}
		if got := unmarkedVietnamese(d, "main", names); len(got) != 1 || got[0] != "Nhà máy Ninh Hòa" {
			t.Errorf("checker found %q, want only the unmarked text", got)
		}
	})
}
