package opportunity

import (
	"context"
	"slices"
	"sort"
	"testing"

	"github.com/khanhhoa/investportal/internal/apperr"
)

// TestUnitAndProvinceFilters stores opportunities with current units, one
// of them in the former Ninh Thuận, and checks the unit and province
// filters, the unit facet (read model against the database's own count),
// search by old and new place names, and the unit's consistency check.
func TestUnitAndProvinceFilters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	all := fixture()
	units := map[string]string{"OPP-VP-001": "ninh_hoa", "OPP-VP-002": "van_ninh", "OPP-VP-003": "hoa_thang",
		"OPP-CL-001": "cam_lam", "OPP-CL-002": "cam_lam", "OPP-NT-001": "nha_trang", "OPP-KS-001": "khanh_son", "OPP-CR-001": "bac_cam_ranh"}
	for i := range all {
		all[i].Unit = units[all[i].Code]
	}
	nt := sample("OPP-NH-001")
	nt.Location, nt.Unit = "ninh_hai", "vinh_hai"
	nt.Zone = ""
	all = append(all, nt)
	bad := sample("OPP-BAD-001")
	bad.Location, bad.Unit = "nha_trang", "bac_cam_ranh"
	if err := s.Create(ctx, &bad); err == nil || apperr.As(err).Fields["unit"] == "" {
		t.Fatalf("unit outside its former district: %v, want a unit field error", err)
	}
	createAll(t, s, all)
	list := func(f Filter) []string {
		t.Helper()
		res, err := s.List(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		got := codes(res.Items)
		sort.Strings(got)
		return got
	}
	for _, c := range []struct {
		name string
		f    Filter
		want []string
	}{
		{"unit", Filter{Units: []string{"cam_lam"}}, []string{"OPP-CL-001", "OPP-CL-002"}},
		{"province ninh_thuan", Filter{Provinces: []string{"ninh_thuan"}}, []string{"OPP-NH-001"}},
		{"province khanh_hoa and unit", Filter{Provinces: []string{"khanh_hoa"}, Units: []string{"bac_cam_ranh", "vinh_hai"}}, []string{"OPP-CR-001"}},
		{"new name folded", Filter{Text: "bac cam ranh"}, []string{"OPP-CR-001"}},
		{"new name", Filter{Text: "Bắc Cam Ranh"}, []string{"OPP-CR-001"}},
		{"old district name", Filter{Text: "ninh hai"}, []string{"OPP-NH-001"}},
	} {
		if got := list(c.f); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	fc := sameFacets(t, s, Filter{Provinces: []string{"khanh_hoa"}})
	if fc.Unit["cam_lam"] != 2 || fc.Unit["vinh_hai"] != 0 || fc.Location["ninh_hai"] != 0 {
		t.Errorf("facets: %+v", fc.Unit)
	}
	fc = sameFacets(t, s, Filter{Units: []string{"cam_lam", "vinh_hai"}, Provinces: []string{"ninh_thuan"}})
	if fc.Province["khanh_hoa"] != 2 || fc.Province["ninh_thuan"] != 1 || fc.Unit["vinh_hai"] != 1 {
		t.Errorf("facets with a province chosen: %+v %+v", fc.Province, fc.Unit)
	}
	f := Filter{Units: []string{"atlantis"}, Provinces: []string{"binh_dinh"}}
	if err := f.Normalize(); err == nil || apperr.As(err).Fields["unit"] == "" || apperr.As(err).Fields["province"] == "" {
		t.Errorf("bad filter: %v", err)
	}
}
