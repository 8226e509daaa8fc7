package account

import (
	"context"
	"slices"
	"testing"
	"time"
	"unicode"

	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
)

// The defaults are today's agencies of agencies_2025.csv plus the former
// ones of end-2023, each former one with its last day and successors, and
// every name in English without diacritics.
func TestDefaultAgenciesAfter2025(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 15, 3, 0, 0, 0, time.UTC)
	list := DefaultAgencies()
	current := Current(list, now)
	if len(current) != 22 {
		t.Errorf("%d current agencies, want the 22 of agencies_2025.csv", len(current))
	}
	byID := map[string]Agency{}
	for _, a := range list {
		byID[a.ID] = a
		for _, r := range a.Name.EN {
			if r > unicode.MaxASCII {
				t.Errorf("%s: English name %q has %q", a.ID, a.Name.EN, r)
				break
			}
		}
	}
	for _, old := range EndOf2023Agencies() {
		a, ok := byID[old.ID]
		if !ok {
			t.Fatalf("former agency %s dropped", old.ID)
		}
		kept := slices.Contains([]string{Finance, "construction", "industry_trade"}, old.ID)
		if kept == a.Former(now) || kept != (len(a.Successors) == 0) {
			t.Errorf("%s: former %v, successors %v", a.ID, a.Former(now), a.Successors)
		}
	}
	if a := byID[PlanningAndInvestment]; a.ValidTo != "2025-02-28" || a.Name.VI != "Sở Kế hoạch và Đầu tư" {
		t.Errorf("planning and investment: %+v", a)
	}
	for id, want := range map[string][]string{
		PlanningAndInvestment: {Finance},
		"tax":                 {"tax_khanh_hoa"}, // through tax_region_xiii
		StateBankKhanhHoa:     {StateBankRegion},
		"natural_resources":   {"agriculture_environment"},
		"transport":           {"construction"},
		Finance:               {Finance},
		Labour:                {HomeAffairs, "health", "education_training", "agriculture_environment", "provincial_police"},
	} {
		if got := CurrentOf(list, id, now); !slices.Equal(got, want) {
			t.Errorf("CurrentOf(%s) = %v, want %v", id, got, want)
		}
	}
	// Before the change, an agency is its own current one.
	before := time.Date(2025, 2, 20, 3, 0, 0, 0, time.UTC)
	if got := CurrentOf(list, "tax", before); !slices.Equal(got, []string{"tax"}) {
		t.Errorf("tax in February 2025: %v", got)
	}
	if got := CurrentOf(list, "tax", time.Date(2025, 5, 1, 3, 0, 0, 0, time.UTC)); !slices.Equal(got, []string{"tax_region_xiii"}) {
		t.Errorf("tax in May 2025: %v", got)
	}
	for _, id := range []string{HomeAffairs, StateBankRegion, Finance} {
		if a, ok := byID[id]; !ok || a.Former(now) {
			t.Errorf("%s is not a current agency: %+v", id, a)
		}
	}
}

// Retire records the end and the successors in the agency's history,
// once: the same call again changes nothing.
func TestRetireAgency(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := NewStore(mongotest.MustOpenDB(t), Options{Hash: cheap})
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	for _, a := range EndOf2023Agencies() {
		if _, err := s.CreateAgency(ctx, a, SystemActor, t0); err != nil {
			t.Fatal(err)
		}
	}
	succ := []Successor{{ID: Finance}}
	changed, err := s.Retire(ctx, PlanningAndInvestment, "2025-02-28", succ, "Nghị định 45/2025/NĐ-CP", tester, t0)
	if err != nil || !changed {
		t.Fatalf("retire: %v %v", changed, err)
	}
	if changed, err := s.Retire(ctx, PlanningAndInvestment, "2025-02-28", succ, "Nghị định 45/2025/NĐ-CP", tester, t0); err != nil || changed {
		t.Fatalf("second retire: %v %v", changed, err)
	}
	a, err := s.GetAgency(ctx, PlanningAndInvestment)
	if err != nil || a.ValidTo != "2025-02-28" || !slices.Equal(a.Successors, succ) || a.Version != 2 || a.EndBasis != "Nghị định 45/2025/NĐ-CP" {
		t.Fatalf("%v %+v", err, a)
	}
	h, err := s.AgencyHistory(ctx, PlanningAndInvestment)
	if err != nil || len(h) != 2 || h[1].Action != "restructure" || h[1].Note != "Nghị định 45/2025/NĐ-CP" || h[1].By != tester {
		t.Fatalf("history %v %+v", err, h)
	}
	if _, err := s.Retire(ctx, PlanningAndInvestment, "28/02/2025", succ, "", tester, t0); err == nil {
		t.Fatal("a bad date was accepted")
	}
}
