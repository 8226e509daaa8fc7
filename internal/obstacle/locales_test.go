package obstacle

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/khanhhoa/investportal/internal/holidays"
	"github.com/khanhhoa/investportal/locales"
)

func loadMessages(t *testing.T, name string) map[string]string {
	t.Helper()
	b, err := locales.FS.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	raw := map[string]any{}
	if err := toml.Unmarshal(b, &raw); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	// A plural message is a table of forms; its "other" form stands for it.
	m := map[string]string{}
	for id, v := range raw {
		switch v := v.(type) {
		case string:
			m[id] = v
		case map[string]any:
			m[id], _ = v["other"].(string)
		}
	}
	return m
}

// TestMessages checks both languages have the same ids, none empty, and
// every id this package uses or derives exists.
func TestMessages(t *testing.T) {
	t.Parallel()
	en, vi := loadMessages(t, "obstacle.en.toml"), loadMessages(t, "obstacle.vi.toml")
	for k, v := range en {
		if vi[k] == "" || v == "" {
			t.Errorf("%s: en %q vi %q", k, v, vi[k])
		}
	}
	for k := range vi {
		if _, ok := en[k]; !ok {
			t.Errorf("%s only in vi", k)
		}
	}
	common := loadMessages(t, "common.en.toml")
	need := []string{}
	for _, s := range Statuses {
		need = append(need, "obstacle.status."+string(s))
	}
	for _, c := range Categories {
		need = append(need, "obstacle.category."+string(c))
	}
	for _, a := range append(Actions, ActSubmit, ActGroup, ActAttach, ActRestructure) {
		need = append(need, "obstacle.action."+string(a))
	}
	for _, r := range []Role{RoleTaskforce, RoleAgency, RoleAdmin, RoleFiler, RoleSystem} {
		need = append(need, "obstacle.role."+string(r))
	}
	for l := 0; l <= MaxEscalation; l++ {
		need = append(need, fmt.Sprintf("obstacle.escalation.%d", l))
	}
	for _, d := range cal.Days() {
		need = append(need, "obstacle.holiday."+d.Occasion, "obstacle.holiday_kind."+string(d.Kind))
	}
	need = append(need, "obstacle.holiday_kind."+string(holidays.Custom), "obstacle.policy_status.open", "obstacle.policy_status.resolved")
	// Every message id written in this package's code.
	files, _ := filepath.Glob("*.go")
	idRe := regexp.MustCompile(`"((?:obstacle|error)\.[a-z_.]+)"`)
	for _, f := range files {
		if matched, _ := filepath.Match("*_test.go", f); matched {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range idRe.FindAllStringSubmatch(string(b), -1) {
			need = append(need, m[1])
		}
	}
	need = append(need, "error.forbidden", "error.invalid")
	for _, id := range need {
		if en[id] == "" && common[id] == "" {
			t.Errorf("message %s is missing", id)
		}
	}
}
