package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/khanhhoa/investportal/internal/app/apptest"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/locales"
)

// typedNumbers are inputs a board officer might type: the page language's
// own way, the other language's way, ambiguous, badly grouped, too
// precise and not numbers at all.
var typedNumbers = []string{
	"12,5", "12.5", "1.250.000", "1,250,000", "1250000,50", "1250000.50",
	"1,250", "1.250", "1,1250", "1.1250", "0,5", "0.5", "1.250,75", "1,250.75",
	"007", "1 250 000", ",5", ".5", "5,", "5.", "12,555", "12.555",
	"1.25.0", "1,25,0", "1.2345", "abc", "-3", "12a", "١٢",
}

// echoWant is what the read-back line must say for typed in a field of
// decimals decimals and unit unit on a page in lang, computed with the
// server's own parser (money.ParseDecimal) and formatter: "Read as: …" or
// the message the server gives for the same input. ok is false for
// input the line does not judge (beyond the field's range).
func echoWant(l *i18n.Localizer, typed string, decimals int, unit, decimalsMsg string) (want string, ok bool) {
	n, err := money.ParseDecimal(typed, l.Lang, decimals)
	switch {
	case err == nil:
		s := l.T("number.echo.read") + " " + money.FormatDecimal(n, l.Lang, decimals)
		if unit != "" {
			s += " " + unit
		}
		return s, true
	case errors.Is(err, money.ErrSyntax):
		return l.T("number.error.syntax"), true
	case errors.Is(err, money.ErrNegative):
		return l.T("error.field.not_negative"), true
	case errors.Is(err, money.ErrAmbiguous):
		return l.T("number.error.ambiguous"), true
	case errors.Is(err, money.ErrGrouping):
		return l.T("number.error.grouping"), true
	case errors.Is(err, money.ErrDecimals):
		return l.T(decimalsMsg), true
	}
	return "", false
}

// TestTypedNumbersAreReadBackBeforeSaving: on the board's project form,
// in both languages, every typed number is read back under its field
// before the form is sent, exactly as the server will read it (same
// value, same grouping, same refusal), with the unit of the field; the
// capital's unit and precision follow the project type chosen.
func TestTypedNumbersAreReadBackBeforeSaving(t *testing.T) {
	b := browser(t)
	p := apptest.Start(t, apptest.Config(t, t.TempDir()))
	bundle, err := i18n.Load(locales.FS, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := project.Filter{}
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	page, err := p.Projects.List(context.Background(), f)
	if err != nil || len(page.Items) == 0 {
		t.Fatalf("no demo project: %v", err)
	}
	const echo = `((sel, v) => {
		const i = document.querySelector(sel);
		i.value = v;
		i.dispatchEvent(new Event('input', {bubbles: true}));
		const e = document.getElementById(i.getAttribute('data-number-echo'));
		return e.hidden ? '' : e.textContent;
	})`
	read := func(sel, typed string) string {
		t.Helper()
		a, _ := json.Marshal(sel)
		v, _ := json.Marshal(typed)
		return get(b, chromedp.Evaluate[string](echo+"("+string(a)+","+string(v)+")"))
	}
	checked := 0
	for _, lang := range []string{"vi", "en"} {
		l := bundle.For(lang)
		b.signIn(p.URL, lang, "board@demo.local", "demo-password-1", "/board/projects/new")
		if got := b.text(`[data-testid=echo-land_area]`); got != "" {
			t.Errorf("%s: read-back shown before anything was typed: %q", lang, got)
		}
		// A real keystroke too, not only the input event.
		b.do("type area "+lang, chromedp.SendKeys(chromedp.CSS(`#f-land_area`), "12,5"))
		if want, _ := echoWant(l, "12,5", 2, "ha", "number.error.decimals_area"); b.text(`[data-testid=echo-land_area]`) != want {
			t.Errorf("%s: typing 12,5 shows %q, want %q", lang, b.text(`[data-testid=echo-land_area]`), want)
		}
		for _, kind := range []project.Kind{project.Domestic, project.FDI} {
			b.do("choose "+string(kind), chromedp.SetValue(chromedp.CSS(`#f-kind`), string(kind)),
				chromedp.Evaluate[chromedp.Void](`document.getElementById('f-kind').dispatchEvent(new Event('change'))`))
			decimals := 9
			if kind.Currency() == money.USD {
				decimals = 8
			}
			unit := l.T("number.unit.capital." + kind.Currency())
			for _, typed := range typedNumbers {
				if want, ok := echoWant(l, typed, decimals, unit, "board.error.capital_precision"); ok {
					if got := read(`#f-registered_capital`, typed); got != want {
						t.Errorf("%s %s capital %q: shows %q, want %q", lang, kind, typed, got, want)
					}
					checked++
				}
			}
		}
		for _, typed := range typedNumbers {
			if want, ok := echoWant(l, typed, 2, l.T("number.unit.ha"), "number.error.decimals_area"); ok {
				if got := read(`#f-land_area`, typed); got != want {
					t.Errorf("%s area %q: shows %q, want %q", lang, typed, got, want)
				}
				checked++
			}
		}
		if got := read(`#f-land_area`, "  "); got != "" {
			t.Errorf("%s: a blanked field still shows %q", lang, got)
		}
		// The disbursement form takes signed amounts in the project's currency.
		pr := page.Items[0]
		b.do("open disbursement "+lang, chromedp.Navigate(p.URL+"/"+lang+"/board/projects/"+pr.Code+"/disbursements"),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=disbursement-form]`)))
		cur := pr.Disbursed.Currency
		for _, typed := range []string{"1.250.000", "1,250,000", "-1.250", "-1,250", "12,5", "12.5"} {
			neg := len(typed) > 0 && typed[0] == '-'
			body := typed
			if neg {
				body = typed[1:]
			}
			want, ok := echoWant(l, body, money.Exponent(cur), l.T("number.unit.amount."+cur), "number.error.decimals_amount")
			if !ok {
				continue
			}
			if neg && want[:len(l.T("number.echo.read"))] == l.T("number.echo.read") {
				n, _ := money.ParseDecimal(body, lang, money.Exponent(cur))
				want = l.T("number.echo.read") + " -" + money.FormatDecimal(n, lang, money.Exponent(cur)) + " " + l.T("number.unit.amount."+cur)
			}
			if got := read(`input[name=amount]`, typed); got != want {
				t.Errorf("%s disbursement %q (%s): shows %q, want %q", lang, typed, cur, got, want)
			}
			checked++
		}
		b.do("sign out "+lang, chromedp.Click(chromedp.CSS(`[data-testid=logout]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid=login-link]`)))
	}
	t.Logf("%d typed numbers read back as the server reads them", checked)
}
