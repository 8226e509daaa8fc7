package web_test

import (
	"testing"

	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/web"
	"github.com/khanhhoa/investportal/locales"
)

func TestFormErrorsFillTheSummaryInFieldOrder(t *testing.T) {
	b, err := i18n.Load(locales.FS, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := &web.Page{L: b.For("en"), Lang: "en", TitleID: "login.title"}
	plain := p.Title()
	f := web.NewForm()
	f.Message = "board.form.invalid"
	f.Errors["version"] = "error.field.required"
	f.Errors["stage"] = "error.field.required"
	f.Errors["kind"] = "error.field.number"
	p.FormErrors(f, "#project-form", "kind", "project.field.kind", "stage", "project.field.stage")
	want := []web.SummaryError{
		{Href: "#project-form", Text: b.For("en").T("board.form.invalid")},
		{Href: "#f-kind", Label: "Project type", Text: b.For("en").T("error.field.number")},
		{Href: "#f-stage", Label: "Stage", Text: b.For("en").T("error.field.required")},
		{Href: "#project-form", Text: b.For("en").T("error.field.required")},
	}
	if len(p.Errors) != len(want) {
		t.Fatalf("summary %+v", p.Errors)
	}
	for i := range want {
		if p.Errors[i] != want[i] {
			t.Errorf("line %d = %+v, want %+v", i, p.Errors[i], want[i])
		}
	}
	if !p.HasErrors() || p.Title() != "Error: "+plain {
		t.Errorf("title %q, plain %q", p.Title(), plain)
	}
	if m := b.Missing(); len(m) > 0 {
		t.Errorf("missing messages: %v", m)
	}
}
