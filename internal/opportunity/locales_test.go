package opportunity

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// readMessages reads a flat TOML message file: "id" = "text" per line.
func readMessages(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	line := regexp.MustCompile(`^("(?:[^"\\]|\\.)*")\s*=\s*("(?:[^"\\]|\\.)*")$`)
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		m := line.FindStringSubmatch(s)
		if m == nil {
			t.Fatalf("%s:%d: not a message line: %s", path, n, s)
		}
		k, err1 := strconv.Unquote(m[1])
		v, err2 := strconv.Unquote(m[2])
		if err1 != nil || err2 != nil {
			t.Fatalf("%s:%d: bad quoting", path, n)
		}
		if _, dup := out[k]; dup {
			t.Fatalf("%s:%d: %s twice", path, n, k)
		}
		out[k] = v
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestLocales(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("..", "..", "locales")
	en := readMessages(t, filepath.Join(dir, "opportunity.en.toml"))
	vi := readMessages(t, filepath.Join(dir, "opportunity.vi.toml"))
	for k, v := range en {
		if _, ok := vi[k]; !ok {
			t.Errorf("%s missing in vi", k)
		}
		if strings.TrimSpace(v) == "" || strings.TrimSpace(vi[k]) == "" {
			t.Errorf("%s is empty", k)
		}
		if !strings.HasPrefix(k, "opportunity.") {
			t.Errorf("%s is outside the opportunity area", k)
		}
	}
	for k := range vi {
		if _, ok := en[k]; !ok {
			t.Errorf("%s missing in en", k)
		}
	}

	labels := map[string][]string{
		"opportunity.status.":         Statuses,
		"opportunity.form.":           InvestmentForms,
		"opportunity.band.":           CapitalBands,
		"opportunity.planning.":       PlanningBases,
		"opportunity.land.":           LandLegalStatuses,
		"opportunity.clearance.":      SiteClearanceStatuses,
		"opportunity.agency.":         Agencies,
		"opportunity.enquiry.status.": EnquiryStatuses,
		"opportunity.sort.":           Sorts,
	}
	for prefix, list := range labels {
		for _, c := range list {
			if _, ok := en[prefix+c]; !ok {
				t.Errorf("no label %s%s", prefix, c)
			}
		}
	}

	// Every field Diff can report has a label for the history page.
	a, b := sample("OPP-VP-001"), Opportunity{}
	a.TranslationPending, a.ProjectCode = true, "KH-0001"
	a.Attachments = []Attachment{{FileID: "f", Name: "map.pdf", Size: 1}}
	if n := len(Diff(&a, &b)); n != 25 {
		t.Fatalf("Diff reports %d fields against a zero opportunity, want all 25", n)
	}
	for _, c := range Diff(&a, &b) {
		if _, ok := en["opportunity.field."+c.Field]; !ok {
			t.Errorf("no label opportunity.field.%s", c.Field)
		}
	}

	// Every opportunity message id the code returns exists.
	generic := []string{"error.field.required", "error.field.too_long", "error.field.invalid",
		"error.field.not_negative", "error.field.email", "error.internal", "error.invalid",
		"error.not_found", "error.conflict", "error.forbidden", "error.unauthorized"}
	ids := regexp.MustCompile(`"((?:opportunity|error)\.[a-z0-9_.]+)"`)
	files, _ := filepath.Glob("*.go")
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ids.FindAllStringSubmatch(string(src), -1) {
			id := m[1]
			if strings.HasPrefix(id, "error.") {
				if !slices.Contains(generic, id) {
					t.Errorf("%s uses %s, which is not a shared generic id", name, id)
				}
				continue
			}
			if _, ok := en[id]; !ok {
				t.Errorf("%s uses %s, missing from the locales", name, id)
			}
		}
	}
}
