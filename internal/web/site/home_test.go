package site_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/media"
	"github.com/khanhhoa/investportal/internal/opportunity"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/web/site"
	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
	"github.com/khanhhoa/investportal/seed"
)

// withOpportunities fills the env's opportunity store with the demo
// opportunities and, when illustrate is set, their demo pictures.
func withOpportunities(t *testing.T, e *sitetest.Env, illustrate bool) {
	t.Helper()
	ctx := context.Background()
	opps, err := seed.Opportunities()
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Deps.Opportunities.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Deps.Opportunities.InsertMissing(ctx, opps, nil); err != nil {
		t.Fatal(err)
	}
	if illustrate {
		n, err := seed.Illustrate(ctx, e.Media)
		if err != nil || n != len(seed.Illustrations()) {
			t.Fatalf("illustrate: %d, %v", n, err)
		}
		if n, err := seed.Illustrate(ctx, e.Media); err != nil || n != 0 {
			t.Fatalf("second illustrate added %d, %v", n, err)
		}
	}
}

// moneyFigure matches an amount as the pages write it, in either language.
var moneyFigure = regexp.MustCompile(`VND [0-9,]+ (billion|million)|US\$[0-9.,]+ (billion|million)|[0-9.,]+ (tỷ|triệu) (đồng|USD)`)

// TestOneFigureEverywhere: after the board changes a project's registered
// capital, the home page's cards and the dashboard show the same new
// total, the one the read model computes, and the footer states no figure
// of its own that could disagree.
func TestOneFigureEverywhere(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	ctx := context.Background()
	pr := e.FirstAtStage(project.Construction)
	if pr.Kind != project.Domestic {
		list, err := e.Projects.List(ctx, project.Filter{Kind: project.Domestic, Stage: project.Construction, Page: 1, PerPage: 1})
		if err != nil || len(list.Items) == 0 {
			t.Fatalf("no domestic project: %v", err)
		}
		pr = &list.Items[0]
	}
	figures := func(lang string) (home, dashboard, footer string) {
		d := e.Get("/" + lang + "/").Doc(t)
		home = sitetest.Text(d, "[data-testid=figure-domestic] .amount")
		footer = d.Find("footer").Text()
		dash := e.Get("/" + lang + "/dashboard").Doc(t)
		dashboard = strings.TrimSpace(dash.Find(".figures .figure .amount").First().Text())
		return
	}
	before, _, _ := figures("en")
	path := "/api/v1/projects/" + pr.Code
	etag := e.Get(path).Header.Get("ETag")
	// One thousand billion đồng more: the total's shown digits change.
	next := pr.Registered.Amount + 1_000_000_000_000
	r := e.APIAs(account.RoleBoard).Call(http.MethodPatch, path, map[string]any{
		"registeredCapital": map[string]any{"amount": json.Number(itoa(next)), "currency": pr.Registered.Currency},
		"reason":            "capital increase",
	}, "If-Match", etag)
	if r.Status != 200 {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	st, err := e.Projects.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"vi", "en"} {
		want := e.Bundle.For(lang).Money(st.Kind(project.Domestic).Registered)
		home, dash, footer := figures(lang)
		if home != want || dash != want {
			t.Errorf("%s: home %q, dashboard %q, read model %q", lang, home, dash, want)
		}
		if lang == "en" && home == before {
			t.Errorf("the home figure did not change: %q", home)
		}
		if m := moneyFigure.FindString(footer); m != "" {
			t.Errorf("%s: the footer states its own figure %q", lang, m)
		}
	}
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestHomeShowsWhatSellsTheProvince: the home page has featured
// opportunities with their pictures (alt text in the page's language),
// the key figures, the newest projects and a way to report an obstacle,
// in both languages.
func TestHomeShowsWhatSellsTheProvince(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	withOpportunities(t, e, true)
	withImage := map[string]bool{}
	for _, il := range seed.Illustrations() {
		withImage[il.Owner] = true
	}
	for _, lang := range []string{"vi", "en"} {
		d := e.Get("/" + lang + "/").Doc(t)
		featured := d.Find("[data-testid=featured-opportunity]")
		if featured.Length() != 3 {
			t.Fatalf("%s: %d featured opportunities", lang, featured.Length())
		}
		featured.Each(func(_ int, s *goquery.Selection) {
			code := s.AttrOr("data-code", "")
			img := s.Find("img")
			if !withImage[code] || img.Length() != 1 {
				t.Errorf("%s: featured %s has no picture", lang, code)
				return
			}
			alt := img.AttrOr("alt", "")
			wantPrefix := map[string]string{"vi": "Hình minh họa tổng hợp", "en": "Synthetic illustration"}[lang]
			if !strings.HasPrefix(alt, wantPrefix) {
				t.Errorf("%s: alt %q", lang, alt)
			}
			if r := e.Get(img.AttrOr("src", "")); r.Status != 200 || r.Header.Get("Content-Type") != "image/png" {
				t.Errorf("%s: picture %s: %d %s", lang, img.AttrOr("src", ""), r.Status, r.Header.Get("Content-Type"))
			}
		})
		if n := d.Find("[data-testid=newest-project]").Length(); n != 5 {
			t.Errorf("%s: %d newest projects", lang, n)
		}
		if d.Find("[data-testid=figure-domestic] .amount").Length() != 1 || d.Find("[data-testid=figure-fdi] .amount").Length() != 1 {
			t.Errorf("%s: key figures missing", lang)
		}
		if href := d.Find("[data-testid=cta-obstacle]").AttrOr("href", ""); href != "/"+lang+"/obstacles/new" {
			t.Errorf("%s: report-an-obstacle link %q", lang, href)
		}
	}
}

// TestHomeFeaturesNewestWithoutPictures: with no picture stored the home
// page still features the newest open opportunities.
func TestHomeFeaturesNewestWithoutPictures(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	withOpportunities(t, e, false)
	list, err := e.Deps.Opportunities.List(context.Background(), opportunity.Filter{Statuses: []string{opportunity.StatusOpen, opportunity.StatusInNegotiation}, Sort: opportunity.SortNewest, PerPage: 3})
	if err != nil {
		t.Fatal(err)
	}
	d := e.Get("/en/").Doc(t)
	var got []string
	d.Find("[data-testid=featured-opportunity]").Each(func(_ int, s *goquery.Selection) { got = append(got, s.AttrOr("data-code", "")) })
	if len(got) != 3 || got[0] != list.Items[0].Code || got[2] != list.Items[2].Code {
		t.Errorf("featured %v, newest %v %v %v", got, list.Items[0].Code, list.Items[1].Code, list.Items[2].Code)
	}
}

// pngOf draws a w×h PNG.
func pngOf(t *testing.T, w, h int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetNRGBA(x, y, color.NRGBA{uint8(x), uint8(y), 120, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// upload posts the board's media form with one file in field.
func upload(t *testing.T, e *sitetest.Env, c *sitetest.Client, path string, fields map[string]string, field, name string, data []byte) sitetest.Response {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	part, err := w.CreateFormFile(field, name)
	if err != nil {
		t.Fatal(err)
	}
	part.Write(data)
	w.Close()
	req := httptest.NewRequest(http.MethodPost, path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.DoWith(e.Srv, req)
}

// TestBoardUploadsServesAndRemovesMedia drives the board's upload on the
// embedded database: a picture and a brochure are stored and served with
// their type, ETag and cache headers; a file of the wrong type, one too
// large and one without alt text are refused with a localized message on
// the field; other roles and requests without the anti-forgery token are
// refused; removing a file stops it being shown and served.
func TestBoardUploadsServesAndRemovesMedia(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	withOpportunities(t, e, false)
	// The portal's default body limit (12 MB), above the picture limit,
	// so that a too-large picture reaches the check that names the field.
	deps := e.Deps
	deps.BodyLimit = 12 << 20
	srv, err := site.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	e.Srv = srv
	const code = "OPP-CR-002"
	board := e.As(account.RoleBoard)
	edit := "/en/board/opportunities/" + code + "/edit"
	page := board.Get(edit)
	csrf := sitetest.PageCSRF(t, page)
	form := page.Doc(t)
	for _, id := range []string{"media-image", "media-alt-vi", "media-alt-en", "media-brochure"} {
		in := form.Find("#" + id)
		if _, req := in.Attr("required"); !req || form.Find("label[for="+id+"]").Length() != 1 {
			t.Errorf("upload form: %s is not a labelled required field", id)
		}
	}
	if hint := sitetest.Text(form, "#media-image-hint"); !strings.Contains(hint, "at most 5 MB") {
		t.Errorf("picture hint %q", hint)
	}
	action := "/en/board/opportunities/" + code + "/media"
	img := pngOf(t, 640, 360)
	imageFields := map[string]string{"_csrf": csrf, "kind": "image", "alt_vi": "Vịnh Cam Ranh", "alt_en": "Cam Ranh bay"}

	refused := func(name string, r sitetest.Response, field, want string) {
		t.Helper()
		if r.Status != 400 {
			t.Errorf("%s: %d, want 400", name, r.Status)
			return
		}
		d := r.Doc(t)
		if got := sitetest.Text(d, "#err-"+field); got != want {
			t.Errorf("%s: message on %s %q, want %q", name, field, got, want)
		}
		if d.Find("[name="+field+"]").AttrOr("aria-invalid", "") != "true" {
			t.Errorf("%s: %s not marked invalid", name, field)
		}
	}
	t.Run("WrongTypeRefused", func(t *testing.T) {
		r := upload(t, e, board, action, imageFields, "image", "photo.png", []byte("%PDF-1.4\n1 0 obj\n"))
		refused("pdf as picture", r, "image", "This file is not a JPEG, PNG or WebP picture (its content was checked, not its name).")
		vi := upload(t, e, board, "/vi/board/opportunities/"+code+"/media", imageFields, "image", "x.png", []byte("MZ\x90\x00 not a picture"))
		refused("exe as picture (vi)", vi, "image", "Tệp này không phải hình JPEG, PNG hay WebP (nội dung tệp được kiểm tra, không dựa vào tên tệp).")
		pic := upload(t, e, board, action, map[string]string{"_csrf": csrf, "kind": "brochure"}, "brochure", "b.pdf", img)
		refused("picture as brochure", pic, "brochure", "This file is not a PDF document (its content was checked, not its name).")
	})
	t.Run("TooLargeRefused", func(t *testing.T) {
		big := append(pngOf(t, 300, 300), make([]byte, media.MaxImageSize)...)
		r := upload(t, e, board, action, imageFields, "image", "big.png", big)
		refused("too large", r, "image", "The picture is larger than 5 MB; make it smaller and upload it again.")
	})
	t.Run("AltTextRequired", func(t *testing.T) {
		r := upload(t, e, board, action, map[string]string{"_csrf": csrf, "kind": "image", "alt_vi": "Vịnh"}, "image", "a.png", img)
		refused("no English alt", r, "alt_en", "This field is required.")
	})
	t.Run("OthersRefused", func(t *testing.T) {
		for role, c := range map[string]*sitetest.Client{"anonymous": e.Anonymous(), "taskforce": e.As(account.RoleTaskForce), "agency": e.As(account.RoleAgency)} {
			fields := map[string]string{"_csrf": sitetest.PageCSRF(t, c.Get("/en/login")), "kind": "image", "alt_vi": "a", "alt_en": "b"}
			if r := upload(t, e, c, action, fields, "image", "a.png", img); r.Status < 300 || r.Status == http.StatusSeeOther && strings.Contains(r.Header.Get("Location"), "/edit") {
				t.Errorf("%s: %d %s", role, r.Status, r.Header.Get("Location"))
			}
		}
		if r := upload(t, e, board, action, map[string]string{"kind": "image", "alt_vi": "a", "alt_en": "b"}, "image", "a.png", img); r.Status != http.StatusForbidden {
			t.Errorf("without CSRF: %d", r.Status)
		}
		if items, _ := e.Media.List(context.Background(), code); len(items) != 0 {
			t.Fatalf("refused uploads stored %d files", len(items))
		}
	})

	r := upload(t, e, board, action, imageFields, "image", "cam ranh.png", img)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", r.Status, r.Body)
	}
	pdf := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("0 0 obj\n"), 2000)...)
	if r := upload(t, e, board, action, map[string]string{"_csrf": csrf, "kind": "brochure"}, "brochure", "Cam Ranh – brochure.pdf", pdf); r.Status != http.StatusSeeOther {
		t.Fatalf("brochure: %d %s", r.Status, r.Body)
	}
	items, err := e.Media.List(context.Background(), code)
	if err != nil || len(items) != 2 {
		t.Fatalf("stored: %+v %v", items, err)
	}
	imgURL, pdfURL := "/media/"+items[0].ID, "/media/"+items[1].ID

	t.Run("Served", func(t *testing.T) {
		r := e.Get(imgURL)
		if r.Status != 200 || r.Body != string(img) || r.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("picture: %d %s %d bytes", r.Status, r.Header.Get("Content-Type"), len(r.Body))
		}
		etag := r.Header.Get("ETag")
		if etag == "" || !strings.Contains(r.Header.Get("Cache-Control"), "max-age") || r.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("picture headers: %v", r.Header)
		}
		if r := e.Get(imgURL, "If-None-Match", etag); r.Status != http.StatusNotModified || r.Body != "" {
			t.Errorf("If-None-Match: %d", r.Status)
		}
		p := e.Get(pdfURL)
		if p.Status != 200 || p.Body != string(pdf) || p.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("brochure: %d %s", p.Status, p.Header.Get("Content-Type"))
		}
		if cd := p.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "filename*=UTF-8''Cam%20Ranh%20%E2%80%93%20brochure.pdf") {
			t.Errorf("Content-Disposition %q", cd)
		}
		for lang, alt := range map[string]string{"vi": "Vịnh Cam Ranh", "en": "Cam Ranh bay"} {
			d := e.Get("/" + lang + "/opportunities/" + code).Doc(t)
			if got := d.Find("[data-testid=opp-image]").AttrOr("alt", ""); got != alt {
				t.Errorf("%s detail: alt %q", lang, got)
			}
			if href := d.Find("[data-testid=opp-brochure]").AttrOr("href", ""); href != pdfURL {
				t.Errorf("%s detail: brochure link %q", lang, href)
			}
		}
		home := e.Get("/en/").Doc(t)
		if home.Find("[data-testid=featured-opportunity][data-code="+code+"] img").AttrOr("src", "") != imgURL {
			t.Error("the opportunity with a picture is not featured with it on the home page")
		}
		if r := e.Get("/media/000000000000000000000000"); r.Status != 404 {
			t.Errorf("unknown file: %d", r.Status)
		}
	})

	t.Run("Delete", func(t *testing.T) {
		del := "/en/board/opportunities/" + code + "/media/" + items[0].ID + "/delete"
		if r := e.As(account.RoleTaskForce).Send(http.MethodPost, del, map[string][]string{"_csrf": {csrf}}); r.Status == http.StatusSeeOther && strings.Contains(r.Header.Get("Location"), "/edit") {
			t.Errorf("taskforce deleted: %d", r.Status)
		}
		if r := board.Send(http.MethodPost, del, map[string][]string{"_csrf": {csrf}}); r.Status != http.StatusSeeOther {
			t.Fatalf("delete: %d %s", r.Status, r.Body)
		}
		if r := e.Get(imgURL); r.Status != 404 {
			t.Errorf("deleted picture served: %d", r.Status)
		}
		if n := e.Get("/en/opportunities/" + code).Doc(t).Find("[data-testid=opp-image]").Length(); n != 0 {
			t.Errorf("deleted picture still shown")
		}
		if r := board.Send(http.MethodPost, del, map[string][]string{"_csrf": {csrf}}); r.Status != 404 {
			t.Errorf("second delete: %d", r.Status)
		}
	})
}
