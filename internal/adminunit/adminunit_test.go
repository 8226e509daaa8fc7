package adminunit

import (
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	admin "github.com/khanhhoa/investportal/seed/admin"
)

func mustDefault(t *testing.T) *Set {
	t.Helper()
	s, err := Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	return s
}

func TestDefaultShape(t *testing.T) {
	s := mustDefault(t)
	kinds := map[string]int{}
	for _, u := range s.Units {
		kinds[u.Kind]++
	}
	if len(s.Units) != 65 || kinds[Xa] != 48 || kinds[Phuong] != 16 || kinds[DacKhu] != 1 {
		t.Errorf("units %d %v, want 65: 48 xa, 16 phuong, 1 dac_khu", len(s.Units), kinds)
	}
	if len(s.Districts) != 16 {
		t.Errorf("districts %d, want 16", len(s.Districts))
	}
	// Every former commune of both provinces appears, and every former
	// district gave at least one of them: 132 in Khánh Hòa and 62 in Ninh
	// Thuận (the statistics office's lists before the merger).
	perProvince := map[string]int{}
	perDistrict := map[string]int{}
	for _, f := range s.Formers() {
		d, ok := s.District(f.DistrictCode)
		if !ok {
			t.Fatalf("former %s: district %s missing", f.Code, f.DistrictCode)
		}
		perProvince[d.ProvinceCode]++
		perDistrict[d.Code]++
	}
	if perProvince[KhanhHoa] != 132 || perProvince[NinhThuan] != 62 {
		t.Errorf("former units per province %v, want 56:132 58:62", perProvince)
	}
	for _, d := range s.Districts {
		if perDistrict[d.Code] == 0 {
			t.Errorf("district %s %s: no former unit", d.Code, d.NameVI)
		}
	}
}

func names(parts []Part) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p.Former.Name)
	}
	slices.Sort(out)
	return out
}

func findFormer(t *testing.T, s *Set, kind, name string) Former {
	t.Helper()
	for _, f := range s.Formers() {
		if f.Kind == kind && f.Name == name {
			return f
		}
	}
	t.Fatalf("former %s %s not found", kind, name)
	return Former{}
}

// TestAgainstSecondSources checks a few units against sources other than
// the one the file was built from (see SOURCES.md).
func TestAgainstSecondSources(t *testing.T) {
	s := mustDefault(t)
	byName := map[string]Unit{}
	for _, u := range s.Units {
		byName[u.NameVI] = u
	}
	for _, c := range []struct {
		unit   string
		former []string
	}{
		// Tuổi Trẻ, 24 April 2025.
		{"Phường Nha Trang", []string{"Lộc Thọ", "Phước Hòa", "Tân Tiến", "Vĩnh Nguyên", "Vạn Thạnh"}},
		{"Phường Tây Nha Trang", []string{"Ngọc Hiệp", "Phương Sài", "Vĩnh Hiệp", "Vĩnh Ngọc", "Vĩnh Thạnh", "Vĩnh Trung"}},
		// Tuổi Trẻ, 25 April 2025.
		{"Phường Ninh Chử", []string{"Khánh Hải", "Văn Hải"}},
		{"Phường Đô Vinh", []string{"Nhơn Sơn", "Đô Vinh"}},
		// Resolution 1667 as reproduced by thuviennhadat.vn.
		{"Xã Nam Cam Ranh", []string{"Cam Bình", "Cam Lập", "Cam Thịnh Tây", "Cam Thịnh Đông"}},
		{"Xã Đại Lãnh", []string{"Vạn Thạnh", "Vạn Thọ", "Đại Lãnh"}},
	} {
		u, ok := byName[c.unit]
		if !ok {
			t.Errorf("%s: missing", c.unit)
			continue
		}
		want := slices.Clone(c.former)
		slices.Sort(want)
		if got := names(u.FormedFrom); !slices.Equal(got, want) {
			t.Errorf("%s formed from %v, want %v", c.unit, got, want)
		}
	}

	// Đông Hải ward lost its Phú Thọ hamlet to Phước Dinh (Tuổi Trẻ);
	// Cam Tân was split between three communes (anhatrang.id.vn).
	for _, c := range []struct {
		kind, name string
		became     []string
	}{
		{Phuong, "Đông Hải", []string{"Phường Đông Hải", "Xã Phước Dinh"}},
		{Xa, "Cam Tân", []string{"Xã Cam Hiệp", "Xã Cam Lâm", "Xã Suối Dầu"}},
		{ThiTran, "Trường Sa", []string{"Đặc khu Trường Sa"}},
	} {
		f := findFormer(t, s, c.kind, c.name)
		var got []string
		for _, u := range s.Became(f.Code) {
			got = append(got, u.NameVI)
		}
		slices.Sort(got)
		if !slices.Equal(got, c.became) {
			t.Errorf("%s %s became %v, want %v", c.kind, c.name, got, c.became)
		}
		for _, u := range s.Became(f.Code) {
			for _, p := range u.FormedFrom {
				if p.Former.Code == f.Code && (p.Share == SharePart) != (len(c.became) > 1) {
					t.Errorf("%s %s in %s: share %s", c.kind, c.name, u.NameVI, p.Share)
				}
			}
		}
	}
}

func TestLookups(t *testing.T) {
	s := mustDefault(t)
	u, ok := s.Unit("22736")
	if !ok || u.Kind != DacKhu || u.NameEN != "Truong Sa Special Zone" || u.Clause != 65 {
		t.Errorf("Unit(22736) = %+v, %v", u, ok)
	}
	if _, ok := s.Unit("99999"); ok {
		t.Error("Unit(99999) found")
	}
	d, ok := s.District("582")
	if !ok || d.Province != "Ninh Thuận" || d.Slug != "phan_rang_thap_cham" {
		t.Errorf("District(582) = %+v, %v", d, ok)
	}
	if got := s.Became("00000"); got != nil {
		t.Errorf("Became(00000) = %v", got)
	}
}

// TestCodesReused pins what README.md warns about: every current unit took
// the code of one of its own former units, and not always the one with its
// name (Phường Đông Hải is the former Mỹ Hải's 22780).
func TestCodesReused(t *testing.T) {
	s := mustDefault(t)
	for _, u := range s.Units {
		if !slices.ContainsFunc(u.FormedFrom, func(p Part) bool { return p.Former.Code == u.Code }) {
			t.Errorf("%s %s: code is none of its former units' codes", u.Code, u.NameVI)
		}
	}
	u, _ := s.Unit("22780")
	for _, p := range u.FormedFrom {
		if p.Former.Code == u.Code && p.Former.Name != "Mỹ Hải" {
			t.Errorf("22780 was %s, want Mỹ Hải", p.Former.Name)
		}
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Phan Rang-Tháp Chàm": "phan_rang_thap_cham",
		"Đặc khu Trường Sa":   "dac_khu_truong_sa",
		"Bắc Ninh Hòa":        "bac_ninh_hoa",
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

// files returns a writable copy of the embedded data files.
func files(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	for _, name := range []string{UnitsFile, DistrictsFile, FormedFromFile, SourcesFile} {
		b, err := fs.ReadFile(admin.Files, name)
		if err != nil {
			t.Fatal(err)
		}
		m[name] = &fstest.MapFile{Data: b}
	}
	return m
}

// edit replaces old by new in a file of m, failing if old is not there.
func edit(t *testing.T, m fstest.MapFS, name, old, new string) {
	t.Helper()
	s := string(m[name].Data)
	if !strings.Contains(s, old) {
		t.Fatalf("%s: %q not found", name, old)
	}
	m[name].Data = []byte(strings.Replace(s, old, new, 1))
}

// dropLines removes every line of a file of m that contains sub.
func dropLines(m fstest.MapFS, name, sub string) {
	var keep []string
	for _, l := range strings.SplitAfter(string(m[name].Data), "\n") {
		if !strings.Contains(l, sub) {
			keep = append(keep, l)
		}
	}
	m[name].Data = []byte(strings.Join(keep, ""))
}

func TestLoadRejects(t *testing.T) {
	const nhaTrang = "22366,phuong,Nha Trang,Phường Nha Trang,Nha Trang Ward,nha_trang,2025-07-01,49,confirmed,"
	for _, c := range []struct {
		name   string
		change func(t *testing.T, m fstest.MapFS)
		want   string
	}{
		{"MissingUnit", func(t *testing.T, m fstest.MapFS) {
			dropLines(m, UnitsFile, "22909,xa,Cà Ná")
			dropLines(m, FormedFromFile, "22909,")
		}, "units: 64 (47 xã, 16 phường, 1 đặc khu)"},
		{"WrongKind", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, UnitsFile, "22909,xa,Cà Ná,Xã Cà Ná,Ca Na Commune", "22909,phuong,Cà Ná,Phường Cà Ná,Ca Na Ward")
		}, "units: 65 (47 xã, 17 phường, 1 đặc khu)"},
		{"DuplicateCode", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, UnitsFile, "22909,xa,Cà Ná", "22900,xa,Cà Ná")
		}, `unit 22900: code "22900" listed twice`},
		{"DuplicateName", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, UnitsFile, "22909,xa,Cà Ná,Xã Cà Ná,Ca Na Commune,ca_na", "22909,xa,Phước Hà,Xã Phước Hà,Phuoc Ha Commune,phuoc_ha")
		}, `name "Phước Hà" listed twice`},
		{"EnglishName", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, UnitsFile, "Phường Nha Trang,Nha Trang Ward,", "Phường Nha Trang,Nha Trang,")
		}, `English name "Nha Trang", want "Nha Trang Ward"`},
		{"Slug", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, UnitsFile, "Nha Trang Ward,nha_trang,", "Nha Trang Ward,nhatrang,")
		}, `slug "nhatrang", want "nha_trang"`},
		{"UnitWithoutSource", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, UnitsFile, nhaTrang+"nq1667;cv1027;nso2025;bando2025;tt20250424", nhaTrang)
		}, "unit 22366: no source"},
		{"UnknownSource", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, UnitsFile, nhaTrang+"nq1667;cv1027;nso2025;bando2025;tt20250424", nhaTrang+"nso2025;wikipedia")
		}, `unit 22366: source "wikipedia" is not in sources.csv`},
		{"UnknownDistrict", func(t *testing.T, m fstest.MapFS) {
			dropLines(m, DistrictsFile, "589,58,")
		}, `district "589" is not in districts_2024.csv`},
		{"FormerWithoutSource", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, FormedFromFile, "22366,22363,phuong,Lộc Thọ,568,whole,nq1667;nso2024;bando2025", "22366,22363,phuong,Lộc Thọ,568,whole,")
		}, `former 22363 "Lộc Thọ": no source`},
		{"SplitMarkedWhole", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, FormedFromFile, "22780,22768,phuong,Đông Hải,582,part", "22780,22768,phuong,Đông Hải,582,whole")
		}, "former 22768: goes to 2 units but is marked whole"},
		{"FormerDiffers", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, FormedFromFile, "22780,22768,phuong,Đông Hải,582,part", "22780,22768,xa,Đông Hải,582,part")
		}, "differs from an earlier row"},
		{"ConfirmedWithoutFormers", func(t *testing.T, m fstest.MapFS) {
			dropLines(m, FormedFromFile, "22366,")
		}, "unit 22366: confirmed but formed from nothing"},
		{"UnconfirmedWithFormers", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, UnitsFile, nhaTrang, strings.Replace(nhaTrang, "confirmed", Unconfirmed, 1))
		}, "unit 22366: unconfirmed but lists former units"},
		{"FormerOfUnknownUnit", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, FormedFromFile, "22366,22363,", "22367,22363,")
		}, `unit "22367" is not in units_2025.csv`},
		{"DistrictCount", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, DistrictsFile, "589,58,Ninh Thuận", "589,56,Khánh Hòa")
		}, "districts: 16 (10 Khánh Hòa, 6 Ninh Thuận)"},
		{"DuplicateClause", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, UnitsFile, "Nha Trang Ward,nha_trang,2025-07-01,49,", "Nha Trang Ward,nha_trang,2025-07-01,50,")
		}, `clause "50" listed twice`},
		{"ClauseOutOfRange", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, UnitsFile, "Nha Trang Ward,nha_trang,2025-07-01,49,", "Nha Trang Ward,nha_trang,2025-07-01,66,")
		}, "unit 22366: clause 66 is not between 1 and 65"},
		{"Effective", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, UnitsFile, "Nha Trang Ward,nha_trang,2025-07-01,", "Nha Trang Ward,nha_trang,2025-06-16,")
		}, "unit 22366: effective 2025-06-16, want 2025-07-01"},
		{"Header", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, UnitsFile, "code,kind,", "id,kind,")
		}, "units_2025.csv: header"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := files(t)
			c.change(t, m)
			_, err := Load(m)
			if err == nil {
				t.Fatalf("Load accepted the change, want an error containing %q", c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q\ndoes not contain %q", err, c.want)
			}
		})
	}
}

// TestUnconfirmedAllowed: a unit whose former units could not be sourced
// stays in the set, marked unconfirmed, with no former units.
func TestUnconfirmedAllowed(t *testing.T) {
	m := files(t)
	edit(t, m, UnitsFile, "22909,xa,Cà Ná,Xã Cà Ná,Ca Na Commune,ca_na,2025-07-01,34,confirmed,", "22909,xa,Cà Ná,Xã Cà Ná,Ca Na Commune,ca_na,2025-07-01,34,unconfirmed,")
	dropLines(m, FormedFromFile, "22909,")
	s, err := Load(m)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	u, _ := s.Unit("22909")
	if u.FormerStatus != Unconfirmed || len(u.FormedFrom) != 0 {
		t.Errorf("Cà Ná = %+v", u)
	}
}

// TestSplitFormers: Resolution 1667 splits exactly these former units
// ("một phần" in clauses 18, 19 and 36, "phần còn lại" in 20, 21 and 61).
func TestSplitFormers(t *testing.T) {
	s := mustDefault(t)
	var got []string
	for _, f := range s.Formers() {
		if len(s.Became(f.Code)) > 1 {
			got = append(got, f.Name)
		}
	}
	slices.Sort(got)
	want := []string{"Cam An Bắc", "Cam An Nam", "Cam Hiệp Bắc", "Cam Hiệp Nam", "Cam Hòa", "Cam Tân", "Suối Tân", "Đông Hải"}
	if !slices.Equal(got, want) {
		t.Errorf("split former units %v, want %v", got, want)
	}
}

func TestFormerDistricts(t *testing.T) {
	s := mustDefault(t)
	perDistrict := 0
	for _, d := range s.Districts {
		perDistrict += len(s.UnitsOf(d.Code))
	}
	multi := map[string]int{}
	total := 0
	for _, u := range s.Units {
		ds := s.FormerDistricts(u)
		total += len(ds)
		if len(ds) == 0 {
			t.Errorf("%s: no former district", u.NameVI)
		}
		for _, d := range ds {
			if !slices.ContainsFunc(s.UnitsOf(d.Code), func(x Unit) bool { return x.Code == u.Code }) {
				t.Errorf("%s: former district %s does not list it", u.NameVI, d.NameVI)
			}
		}
		if len(ds) > 1 {
			multi[u.NameVI] = len(ds)
			for _, d := range ds {
				if d.ProvinceCode != NinhThuan {
					t.Errorf("%s spans districts of the former Khánh Hòa (%s)", u.NameVI, d.NameVI)
				}
			}
		}
	}
	if perDistrict != total {
		t.Errorf("UnitsOf gives %d pairs, FormerDistricts %d", perDistrict, total)
	}
	// Clauses 36, 45, 37, 62 and 64 join communes of two or three former
	// districts of Ninh Thuận.
	want := map[string]int{"Xã Phước Dinh": 3, "Xã Mỹ Sơn": 2, "Xã Ninh Hải": 2, "Phường Ninh Chử": 2, "Phường Đô Vinh": 2}
	if len(multi) != len(want) {
		t.Errorf("units over several districts %v, want %v", multi, want)
	}
	for k, v := range want {
		if multi[k] != v {
			t.Errorf("%s: %d former districts, want %d", k, multi[k], v)
		}
	}
	var camLam []string
	for _, u := range s.UnitsOf("570") {
		camLam = append(camLam, u.Name)
	}
	slices.Sort(camLam)
	if want := []string{"Cam An", "Cam Hiệp", "Cam Lâm", "Suối Dầu"}; !slices.Equal(camLam, want) {
		t.Errorf("UnitsOf(570 Cam Lâm) = %v, want %v", camLam, want)
	}
}
