package web

import (
	"bytes"
	"cmp"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/bilingual"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/money"
	viewfs "github.com/khanhhoa/investportal/views"
)

// views are the parsed page templates, one set per page, each with the
// layout and partials.
type views struct {
	pages map[string]*template.Template
}

var funcs = template.FuncMap{
	"add": func(a, b int) int { return a + b },
	"sub": func(a, b int) int { return a - b },
	"seq": func(from, to int) []int {
		var out []int
		for i := from; i <= to; i++ {
			out = append(out, i)
		}
		return out
	},
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			k, _ := kv[i].(string)
			m[k] = kv[i+1]
		}
		return m
	},
	"eq_str": func(a, b any) bool { return fmt.Sprint(a) == fmt.Sprint(b) },
	// refRate and refRateDate are the reference exchange rate that pages
	// name wherever VND and USD amounts are combined or banded.
	"fieldID": FieldID,
	// invalid marks a form field that has an error in errs: aria-invalid,
	// and aria-describedby naming its message (the field_error partial).
	"invalid": func(errs map[string]string, field string) template.HTMLAttr {
		if errs[field] == "" {
			return ""
		}
		return template.HTMLAttr(`aria-invalid="true" aria-describedby="err-` + template.HTMLEscapeString(field) + `"`)
	},
	"refRate":     func() int64 { return money.ReferenceVNDPerUSD },
	"refRateDate": func() time.Time { d, _ := time.Parse("2006-01-02", money.ReferenceRateDate); return d },
}

func loadViews() (*views, error) {
	files, err := fs.Glob(viewfs.FS, "*.html")
	if err != nil {
		return nil, err
	}
	sub, err := fs.Glob(viewfs.FS, "*/*.html")
	if err != nil {
		return nil, err
	}
	files = append(files, sub...)
	v := &views{pages: map[string]*template.Template{}}
	for _, f := range files {
		base := path.Base(f)
		if base == "layout.html" || base == "partials.html" || f == "map.html" {
			continue
		}
		name := strings.TrimSuffix(f, ".html")
		t, err := template.New(base).Funcs(funcs).ParseFS(viewfs.FS, "layout.html", "partials.html", "map.html", f)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", f, err)
		}
		v.pages[name] = t
	}
	return v, nil
}

// Page is what every template receives.
type Page struct {
	L *i18n.Localizer
	// Lang and AltLang are the page's language and the other one.
	Lang, AltLang string
	// Path is the request path without its language prefix, with query.
	Path string
	// BaseURL is the site's public address, for hreflang links.
	BaseURL string
	// TitleID names the page title's message.
	TitleID string
	// Nav marks the active menu entry.
	Nav string
	// User is the signed-in user, nil for a visitor.
	User *account.User
	// csrf is the anti-forgery token every form must send back (CSRF).
	csrf string
	// csrfShown records that the page holds csrf, so it is never cached.
	csrfShown bool
	// Unread is the signed-in user's unread inbox items (cached per user).
	Unread int
	// Flash is a one-time message id left by the previous request.
	Flash string
	// Data is the page's own content.
	Data any
	// Errors are the lines of the error summary a failed form shows at
	// its top (see AddError, ErrorsFrom and the "error_summary" partial);
	// any line also prefixes the page title with "Error:".
	Errors []SummaryError
}

// SummaryError is one line of a form's error summary: a link to the
// field that is wrong, the field's label and what is wrong with it, both
// already in the page's language.
type SummaryError struct {
	// Href is the link to the field, "#f-<field>" (or the form's anchor).
	Href string
	// Label is the field's label; empty for a message about the whole form.
	Label string
	// Text says what is wrong.
	Text string
}

// FieldID is the element id of a form field named field, the target of
// the error summary's links: inputs carry id="{{fieldID "name"}}"
// (f-name), and their message id="err-name" (see the field_error partial).
func FieldID(field string) string { return "f-" + field }

// HasErrors reports whether the page shows an error summary.
func (p *Page) HasErrors() bool { return len(p.Errors) > 0 }

// AddError adds a line to the error summary: the field it links to
// (its element id is FieldID(field), or field itself when it starts with
// "#"), the message id of the field's label ("" for none), and the
// message id and its key/value data saying what is wrong.
func (p *Page) AddError(field, labelID, messageID string, data ...any) {
	href := field
	if !strings.HasPrefix(field, "#") {
		href = "#" + FieldID(field)
	}
	e := SummaryError{Href: href, Text: p.L.T(messageID, data...)}
	if labelID != "" {
		e.Label = p.L.T(labelID)
	}
	p.Errors = append(p.Errors, e)
}

// ErrorsFrom adds a summary line for every field error in errs (field
// name to message id, as apperr.Fields and Form.Errors hold them).
// fieldLabels are pairs of field name and label message id, in the order
// the fields stand on the page; errors of fields not named there follow
// in name order, without a label, linking to fallback (such as the
// form's "#anchor"; empty links to the field's own id).
func (p *Page) ErrorsFrom(errs map[string]string, fallback string, fieldLabels ...string) {
	named := map[string]bool{}
	for i := 0; i+1 < len(fieldLabels); i += 2 {
		field := fieldLabels[i]
		named[field] = true
		if id, ok := errs[field]; ok {
			p.AddError(field, fieldLabels[i+1], id)
		}
	}
	var rest []string
	for field := range errs {
		if !named[field] {
			rest = append(rest, field)
		}
	}
	slices.Sort(rest)
	for _, field := range rest {
		target := field
		if fallback != "" {
			target = fallback
		}
		p.AddError(target, "", errs[field])
	}
}

// FormErrors fills the error summary from a form that failed: its
// message for the whole form first (linking to fallback, the form's
// "#anchor"), then its field errors as ErrorsFrom lists them.
func (p *Page) FormErrors(f Form, fallback string, fieldLabels ...string) {
	if f.Message != "" {
		p.AddError(cmp.Or(fallback, "#main"), "", f.Message)
	}
	p.ErrorsFrom(f.Errors, fallback, fieldLabels...)
}

// Title is the page's title as the browser tab shows it: prefixed
// "Error:" when the page shows an error summary, so a screen reader user
// hears at once that the submit failed.
func (p *Page) Title() string {
	t := p.L.T(p.TitleID) + " · " + p.L.T("site.name")
	if p.HasErrors() {
		return p.L.T("a11y.error_title", "Title", t)
	}
	return t
}

// CSRF is the anti-forgery token every form must send back. A page that
// shows it is tied to its visitor and is never kept in a PageCache.
func (p *Page) CSRF() string {
	p.csrfShown = true
	return p.csrf
}

// Can reports whether the signed-in user has one of the roles.
func (p *Page) Can(roles ...string) bool {
	if p.User == nil {
		return false
	}
	for _, r := range roles {
		if string(p.User.Role) == r {
			return true
		}
	}
	return false
}

// NewPage returns the common page data for the request.
func (s *Server) NewPage(c *fiber.Ctx, titleID string) *Page {
	lang := Lang(c)
	rest := strings.TrimPrefix(c.Path(), "/"+lang)
	if rest == "" || rest == c.Path() && !strings.HasPrefix(c.Path(), "/"+lang) {
		rest = "/"
	}
	if q := string(c.Request().URI().QueryString()); q != "" {
		rest += "?" + q
	}
	pg := &Page{
		L: s.i18n.For(lang), Lang: lang, AltLang: i18n.Other(lang),
		Path: rest, BaseURL: s.baseURL, TitleID: titleID,
		csrf: s.csrfToken(c), Flash: s.takeFlash(c, lang),
	}
	if p := Principal(c); p != nil {
		pg.User = &p.User
		if s.inbox != nil {
			pg.Unread = s.inbox.Unread(c.UserContext(), p.User.ID)
		}
	}
	return pg
}

// SwitchURL is the link that shows the same page in the other language.
func (p *Page) SwitchURL() string {
	return "/" + p.AltLang + "/language?to=" + url.QueryEscape(p.Path)
}

// Query is the current request's query string with its "?", or "", for
// links that keep the reader's filters (such as downloads).
func (p *Page) Query() string {
	if i := strings.IndexByte(p.Path, '?'); i >= 0 {
		return p.Path[i:]
	}
	return ""
}

// Asset is the address of a static file, versioned by its content.
func (p *Page) Asset(name string) string {
	return "/static/" + name + "?v=" + assets[name]
}

// assets are the content versions of the static files (see static.go).
var assets = assetVersions()

// URL returns a path of this site in the page's language.
func (p *Page) URL(rest string) string { return "/" + p.Lang + rest }

// AltHref is the absolute address of this page in lang, for hreflang.
func (p *Page) AltHref(lang string) string { return p.BaseURL + "/" + lang + p.Path }

// Render executes a page template into the response.
func (s *Server) Render(c *fiber.Ctx, name string, p *Page) error {
	t, ok := s.views.pages[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	if p.User != nil || p.Flash != "" || p.csrfShown {
		c.Locals(localNoStore, true)
	}
	if p.User != nil {
		// Staff pages hold data that must not sit in shared caches.
		c.Set(fiber.HeaderCacheControl, "private, no-store")
	}
	c.Set("Content-Language", p.Lang)
	return c.Send(buf.Bytes())
}

// Text shows bilingual content in the page's language. Where the page's
// language has no translation the other language's text is shown marked
// with its lang attribute (so screen readers pronounce it right) and a
// visible language tag, so the reader knows it is not a translation.
func (p *Page) Text(t bilingual.Text) template.HTML {
	s, fellBack := t.In(p.Lang)
	body := template.HTML(template.HTMLEscapeString(s))
	if !fellBack {
		return body
	}
	return p.Fallback(body, "vi")
}

// Fallback shows body (safe HTML: escaped text or a search highlight),
// written in lang because the page's language has no text for it, marked
// with its lang attribute and a visible language tag.
func (p *Page) Fallback(body template.HTML, lang string) template.HTML {
	return template.HTML(`<span lang="`+lang+`">`) + body + template.HTML(`</span> <span class="badge lang-tag" title="`+
		template.HTMLEscapeString(p.L.T("content.fallback_"+lang))+`">`+strings.ToUpper(lang)+`</span>`)
}

// Mark renders s, marked with lang when that is not the page's language,
// so that text the portal did not write (a business's report, a person's
// name) is read out in its own language.
func (p *Page) Mark(s, lang string) template.HTML {
	if lang == "" || lang == p.Lang {
		return template.HTML(template.HTMLEscapeString(s))
	}
	return template.HTML(`<span lang="` + template.HTMLEscapeString(lang) + `">` + template.HTMLEscapeString(s) + `</span>`)
}

// Name renders a person's or a business's name: one written with
// Vietnamese letters is marked lang="vi" on an English page. A name has
// no stored language, so its letters are the only evidence there is.
func (p *Page) Name(s string) template.HTML { return p.Mark(s, p.NameLang(s)) }

// TMark is a message with one argument, key, marked as written in lang
// (see Mark), such as a report's title inside a sentence of the page.
func (p *Page) TMark(id, key, value, lang string) template.HTML {
	const slot = "\u27e6value\u27e7"
	msg := template.HTMLEscapeString(p.L.T(id, key, slot))
	return template.HTML(strings.Replace(msg, slot, string(p.Mark(value, lang)), 1))
}

// isVietnameseLetter reports whether r is a letter only Vietnamese uses
// among the portal's languages: đ, ă, ơ, ư, or a vowel with a tone mark.
func isVietnameseLetter(r rune) bool {
	switch r {
	case 'đ', 'Đ', 'ă', 'Ă', 'ơ', 'Ơ', 'ư', 'Ư', 'à', 'á', 'ả', 'ã', 'â', 'è', 'é', 'ê', 'ì', 'í', 'ò', 'ó', 'ô', 'õ', 'ù', 'ú', 'ý',
		'À', 'Á', 'Â', 'È', 'É', 'Ê', 'Ì', 'Í', 'Ò', 'Ó', 'Ô', 'Õ', 'Ù', 'Ú', 'Ý', 'ĩ', 'Ĩ', 'ũ', 'Ũ':
		return true
	}
	return r >= 0x1EA0 && r <= 0x1EF9
}

// NameLang is the language a name is marked with (see Name): "vi" for
// one written with Vietnamese letters, else "" (the page's).
func (p *Page) NameLang(s string) string { return p.TextLang(s, "") }

// TextLang is the language of text a user wrote, such as a business's
// report: Vietnamese when it holds Vietnamese letters, else stated (the
// language its writer chose), for a business may read English and write
// Vietnamese.
func (p *Page) TextLang(s, stated string) string {
	if strings.IndexFunc(s, isVietnameseLetter) >= 0 {
		return "vi"
	}
	return stated
}
