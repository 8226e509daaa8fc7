package web_test

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/locales"
	viewfs "github.com/khanhhoa/investportal/views"
)

// pluralIDs are the messages written with plural forms (a table of
// one/other) in the English files.
func pluralIDs(t *testing.T) map[string]bool {
	t.Helper()
	files, err := fs.Glob(locales.FS, "*.en.toml")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, f := range files {
		var m map[string]any
		if _, err := toml.DecodeFS(locales.FS, f, &m); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for id, v := range m {
			if _, ok := v.(map[string]any); ok {
				ids[id] = true
			}
		}
	}
	return ids
}

// TestTemplatesPassCountToPluralMessages: a plural message shown without
// a Count always takes its "other" form, which is how "1 enquiries" was
// written; every template call of a plural message must pass one.
func TestTemplatesPassCountToPluralMessages(t *testing.T) {
	plural := pluralIDs(t)
	if len(plural) < 10 {
		t.Fatalf("only %d plural messages found; the check reads the wrong files", len(plural))
	}
	call := regexp.MustCompile(`\.L\.T "([a-z0-9_.]+)"([^}]*)\}\}`)
	var missing []string
	err := fs.WalkDir(viewfs.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		b, err := fs.ReadFile(viewfs.FS, path)
		if err != nil {
			return err
		}
		for _, m := range call.FindAllStringSubmatch(string(b), -1) {
			if plural[m[1]] && !strings.Contains(m[2], `"Count"`) {
				missing = append(missing, path+": "+m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(missing) > 0 {
		t.Errorf("plural messages shown without a Count:\n%s", strings.Join(missing, "\n"))
	}
}

// TestCountsReadRightInBothLanguages renders the counted messages of the
// lists and the home page for 1 and for 2.
func TestCountsReadRightInBothLanguages(t *testing.T) {
	b, err := i18n.Load(locales.FS, nil)
	if err != nil {
		t.Fatal(err)
	}
	en, vi := b.For("en"), b.For("vi")
	cases := []struct{ id, one, two, viTwo string }{
		{"project.list.count", "1 project found", "2 projects found", "Tìm thấy 2 dự án"},
		{"oppweb.list.count", "1 opportunity found", "2 opportunities found", "Tìm thấy 2 cơ hội"},
		{"home.domestic.count", "1 domestic project", "2 domestic projects", "2 dự án trong nước"},
		{"home.fdi.count", "1 foreign-invested project", "2 foreign-invested projects", "2 dự án có vốn đầu tư nước ngoài"},
	}
	for _, c := range cases {
		if got := en.T(c.id, "N", "1", "Count", 1); got != c.one {
			t.Errorf("en %s for 1 = %q, want %q", c.id, got, c.one)
		}
		if got := en.T(c.id, "N", "2", "Count", 2); got != c.two {
			t.Errorf("en %s for 2 = %q, want %q", c.id, got, c.two)
		}
		if got := vi.T(c.id, "N", "2", "Count", 2); got != c.viTwo {
			t.Errorf("vi %s for 2 = %q, want %q", c.id, got, c.viTwo)
		}
	}
	if got := en.T("oppweb.search.count", "N", "1", "Q", "resort", "Count", 1); got != "1 result for “resort”" {
		t.Errorf("en search count for 1 = %q", got)
	}
}
