package seed

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/place"
	"github.com/khanhhoa/investportal/internal/project"
)

var testNow = time.Date(2024, 6, 1, 9, 30, 0, 0, time.UTC)

// totals adds up the registered capital of each kind and counts projects.
func totals(ps []project.Project) (counts map[project.Kind]int, sums map[project.Kind]int64) {
	counts = map[project.Kind]int{}
	sums = map[project.Kind]int64{}
	for _, p := range ps {
		counts[p.Kind]++
		sums[p.Kind] += p.Registered.Amount
	}
	return counts, sums
}

func TestProjectsCountsAndTotals(t *testing.T) {
	ps := Projects(1, testNow)
	counts, sums := totals(ps)
	if counts[project.Domestic] != DomesticCount || counts[project.FDI] != FDICount || len(ps) != DomesticCount+FDICount {
		t.Fatalf("counts = %v (len %d), want %d domestic and %d FDI", counts, len(ps), DomesticCount, FDICount)
	}
	if sums[project.Domestic] != DomesticRegisteredVND {
		t.Errorf("domestic registered = %d, want %d", sums[project.Domestic], DomesticRegisteredVND)
	}
	if sums[project.FDI] != FDIRegisteredUSDCents {
		t.Errorf("FDI registered = %d, want %d", sums[project.FDI], FDIRegisteredUSDCents)
	}
	for _, p := range ps {
		if p.Registered.Amount <= 0 {
			t.Errorf("%s: registered %d, want > 0", p.Code, p.Registered.Amount)
		}
	}
}

func TestProjectsDeterministic(t *testing.T) {
	a := Projects(1, testNow)
	b := Projects(1, testNow)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two calls with the same arguments differ")
	}
	// now only bounds dates: a later now leaves projects licensed long ago unchanged.
	c := Projects(1, testNow.AddDate(1, 0, 0))
	same := 0
	for i := range a {
		if reflect.DeepEqual(a[i].StageHistory, c[i].StageHistory) && a[i].Name == c[i].Name && a[i].Registered == c[i].Registered {
			same++
		}
	}
	if same < len(a)*3/4 {
		t.Errorf("only %d of %d projects unchanged when now moves by a year", same, len(a))
	}
}

func TestProjectsCodes(t *testing.T) {
	domestic := regexp.MustCompile(`^DA-\d{4}$`)
	fdi := regexp.MustCompile(`^FDI-\d{4}$`)
	seen := map[string]bool{}
	for _, p := range Projects(1, testNow) {
		if seen[p.Code] {
			t.Errorf("duplicate code %s", p.Code)
		}
		seen[p.Code] = true
		want := domestic
		if p.Kind == project.FDI {
			want = fdi
		}
		if !want.MatchString(p.Code) || !project.ValidCode(p.Code) {
			t.Errorf("%s project has code %q", p.Kind, p.Code)
		}
	}
	if !seen["DA-0001"] || !seen[fmt.Sprintf("DA-%04d", DomesticCount)] || !seen["FDI-0001"] || !seen[fmt.Sprintf("FDI-%04d", FDICount)] {
		t.Error("codes do not run from 0001 to the count")
	}
}

func TestProjectsValidate(t *testing.T) {
	for _, p := range Projects(2, testNow) {
		if err := p.Validate(); err != nil {
			t.Errorf("%s: %v", p.Code, err)
		}
	}
}

func TestProjectsScale(t *testing.T) {
	base := Projects(1, testNow)
	ps := Projects(3, testNow)
	counts, sums := totals(ps)
	if counts[project.Domestic] != 3*DomesticCount || counts[project.FDI] != 3*FDICount {
		t.Fatalf("scale 3 counts = %v", counts)
	}
	if sums[project.Domestic] != 3*DomesticRegisteredVND || sums[project.FDI] != 3*FDIRegisteredUSDCents {
		t.Fatalf("scale 3 totals = %v", sums)
	}
	seen := map[string]bool{}
	for _, p := range ps {
		if seen[p.Code] {
			t.Errorf("duplicate code %s", p.Code)
		}
		seen[p.Code] = true
		if !project.ValidCode(p.Code) {
			t.Errorf("invalid code %q", p.Code)
		}
	}
	if !reflect.DeepEqual(ps[:len(base)], base) {
		t.Error("scale 3 does not start with the scale 1 projects")
	}
	n := len(base)
	r2 := ps[2*n+5]
	if want := base[5].Code + "-R2"; r2.Code != want {
		t.Errorf("replica code = %q, want %q", r2.Code, want)
	}
	r2.Code = base[5].Code
	if !reflect.DeepEqual(r2, base[5]) {
		t.Error("a replica differs from its original beyond the code")
	}
	// Replicas share no memory with the original.
	ps[n+5].StageHistory[0].Date = time.Time{}
	if ps[5].StageHistory[0].Date.IsZero() {
		t.Error("replica shares its stage history with the original")
	}
	if Projects(0, testNow) == nil || len(Projects(0, testNow)) != len(base) {
		t.Error("scale 0 does not count as 1")
	}
}

func TestProjectsCapital(t *testing.T) {
	for _, p := range Projects(1, testNow) {
		want := money.VND
		if p.Kind == project.FDI {
			want = money.USD
		}
		if p.Registered.Currency != want || p.Disbursed.Currency != want {
			t.Errorf("%s (%s): currencies %s/%s, want %s", p.Code, p.Kind, p.Registered.Currency, p.Disbursed.Currency, want)
		}
		if p.Disbursed.Amount < 0 || p.Disbursed.Amount > p.Registered.Amount {
			t.Errorf("%s: disbursed %d of registered %d", p.Code, p.Disbursed.Amount, p.Registered.Amount)
		}
		switch p.Stage {
		case project.Proposed, project.Approved:
			if p.Disbursed.Amount != 0 {
				t.Errorf("%s at %s has disbursed %d", p.Code, p.Stage, p.Disbursed.Amount)
			}
		case project.Operating:
			if p.DisbursedShare() < 6000 {
				t.Errorf("%s operating with only %d bp disbursed", p.Code, p.DisbursedShare())
			}
		}
		if p.LandAreaCentiHa <= 0 || p.Jobs <= 0 {
			t.Errorf("%s: land %d, jobs %d", p.Code, p.LandAreaCentiHa, p.Jobs)
		}
	}
}

func TestProjectsStages(t *testing.T) {
	order := map[project.Stage]int{}
	for i, s := range project.Stages {
		order[s] = i
	}
	licenceFrom := time.Date(2005, 1, 1, 0, 0, 0, 0, time.UTC)
	licenceTo := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, now := range []time.Time{testNow, time.Date(2024, 1, 10, 0, 0, 0, 0, time.UTC)} {
		for _, p := range Projects(1, now) {
			h := p.StageHistory
			if len(h) == 0 || h[0].Stage != project.Proposed || h[len(h)-1].Stage != p.Stage {
				t.Errorf("%s: history %v does not run from proposed to %s", p.Code, h, p.Stage)
				continue
			}
			for i := 1; i < len(h); i++ {
				if !h[i].Date.After(h[i-1].Date) {
					t.Errorf("%s: %s on %s not after %s on %s", p.Code, h[i].Stage, h[i].Date, h[i-1].Stage, h[i-1].Date)
				}
				if order[h[i].Stage] <= order[h[i-1].Stage] {
					t.Errorf("%s: %s follows %s", p.Code, h[i].Stage, h[i-1].Stage)
				}
			}
			if last := h[len(h)-1].Date; !last.Before(now) {
				t.Errorf("%s: stage date %s not before now %s", p.Code, last, now)
			}
			lic, ok := p.StageDate(project.Licensed)
			licensed := order[p.Stage] >= order[project.Licensed]
			if ok != licensed {
				t.Errorf("%s at %s: licensed stage present = %v", p.Code, p.Stage, ok)
			}
			if ok {
				if lic.Before(licenceFrom) || !lic.Before(licenceTo) {
					t.Errorf("%s: licensed on %s, outside 2005-2023", p.Code, lic)
				}
				if p.LicensedYear != lic.Year() {
					t.Errorf("%s: LicensedYear %d, licence date %s", p.Code, p.LicensedYear, lic)
				}
			} else if p.LicensedYear != 0 {
				t.Errorf("%s: LicensedYear %d without a licence", p.Code, p.LicensedYear)
			}
			done := p.Stage == project.Operating || p.Stage == project.Terminated
			if done != (p.ExpectedCompletion == nil) {
				t.Errorf("%s at %s: expected completion %v", p.Code, p.Stage, p.ExpectedCompletion)
			}
			if p.ExpectedCompletion != nil && !p.ExpectedCompletion.After(h[len(h)-1].Date) {
				t.Errorf("%s: expected completion %s before its last stage", p.Code, p.ExpectedCompletion)
			}
			if !p.Synthetic || p.Version != 1 || !p.CreatedAt.Equal(now) || !p.UpdatedAt.Equal(now) || p.CreatedAt.Location() != time.UTC {
				t.Errorf("%s: synthetic %v version %d created %s updated %s", p.Code, p.Synthetic, p.Version, p.CreatedAt, p.UpdatedAt)
			}
		}
	}
}

func TestProjectsStageMix(t *testing.T) {
	ps := Projects(1, testNow)
	byStage := map[project.Stage]int{}
	for _, p := range ps {
		byStage[p.Stage]++
	}
	main := byStage[project.Licensed] + byStage[project.SiteClearance] + byStage[project.Construction] + byStage[project.Operating]
	if main*100 < len(ps)*70 {
		t.Errorf("only %d of %d projects licensed to operating: %v", main, len(ps), byStage)
	}
	for _, s := range []project.Stage{project.Proposed, project.Approved, project.Suspended, project.Terminated} {
		if byStage[s] == 0 || byStage[s]*100 > len(ps)*12 {
			t.Errorf("%d projects at %s", byStage[s], s)
		}
	}
}

func TestProjectsRealism(t *testing.T) {
	ps := Projects(1, testNow)
	sectors := map[string]bool{}
	locations := map[string]int{}
	capital := map[string]int64{}
	noEnglish := 0
	zoneLocations := map[string][]string{
		"van_phong_ez":    {"ninh_hoa", "van_ninh"},
		"bac_van_phong":   {"ninh_hoa", "van_ninh"},
		"cam_lam_urban":   {"cam_lam"},
		"nha_trang_bay":   {"nha_trang"},
		"cam_ranh_bay":    {"cam_ranh"},
		"industrial_park": mainland,
	}
	countries := map[string]int{}
	for _, p := range ps {
		sectors[p.Sector] = true
		locations[p.Location]++
		if p.Kind == project.Domestic {
			capital[p.Sector] += p.Registered.Amount
			if p.Investor.Country != "VN" {
				t.Errorf("%s: domestic investor from %s", p.Code, p.Investor.Country)
			}
		} else {
			countries[p.Investor.Country]++
			if p.Investor.Country == "VN" {
				t.Errorf("%s: FDI investor from VN", p.Code)
			}
		}
		if p.Zone != "" && !contains(zoneLocations[p.Zone], p.Location) {
			t.Errorf("%s: zone %s in %s", p.Code, p.Zone, p.Location)
		}
		if p.Name.EN == "" {
			noEnglish++
		}
		for _, r := range p.Name.EN {
			if r > 127 {
				t.Errorf("%s: English name %q is not plain ASCII", p.Code, p.Name.EN)
				break
			}
		}
		if p.Name.VI == p.Name.EN {
			t.Errorf("%s: Vietnamese and English names are the same: %q", p.Code, p.Name.VI)
		}
	}
	if len(sectors) < 8 {
		t.Errorf("only %d sectors used", len(sectors))
	}
	if len(locations) < 7 {
		t.Errorf("only %d locations used: %v", len(locations), locations)
	}
	if locations["truong_sa"] > 2 {
		t.Errorf("%d projects in truong_sa", locations["truong_sa"])
	}
	if share := noEnglish * 1000 / len(ps); share < 20 || share > 90 {
		t.Errorf("%d of %d projects lack an English name", noEnglish, len(ps))
	}
	if big := capital["tourism"] + capital["real_estate"]; big*2 < DomesticRegisteredVND {
		t.Errorf("tourism and real estate hold %d of %d domestic capital", big, DomesticRegisteredVND)
	}
	lead := countries["KR"] + countries["SG"] + countries["JP"]
	if lead*100 < FDICount*35 || len(countries) < 6 {
		t.Errorf("FDI investor countries %v", countries)
	}
	for _, c := range []string{"KR", "SG", "JP"} {
		if countries[c] < countries["US"] || countries[c] < countries["FR"] {
			t.Errorf("%s does not lead: %v", c, countries)
		}
	}
}

func TestProjectsNames(t *testing.T) {
	ps := Projects(1, testNow)
	seen := map[string]string{}
	withDiacritics := 0
	for _, p := range ps {
		if other, ok := seen[p.Name.VI]; ok {
			t.Errorf("%s and %s share the name %q", other, p.Code, p.Name.VI)
		}
		seen[p.Name.VI] = p.Code
		if strings.ContainsAny(p.Name.VI, "àáạảãâầấậẩẫăằắặẳẵđèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹĐ") {
			withDiacritics++
		}
		if strings.Contains(p.Name.VI, "{p}") || strings.Contains(p.Name.EN, "{p}") {
			t.Errorf("%s: placeholder left in %v", p.Code, p.Name)
		}
	}
	if withDiacritics*10 < len(ps)*9 {
		t.Errorf("only %d of %d Vietnamese names have diacritics", withDiacritics, len(ps))
	}
}

func TestTables(t *testing.T) {
	for _, s := range project.Sectors {
		info, ok := sectorInfos[s]
		if !ok {
			t.Errorf("sector %s has no table", s)
			continue
		}
		for _, l := range info.locations {
			if !place.ValidLocation(l.v) || len(places[l.v]) == 0 {
				t.Errorf("%s: location %s unknown or without places", s, l.v)
			}
			found := false
			for _, tpl := range info.templates {
				found = found || tpl.locs == nil || contains(tpl.locs, l.v)
			}
			if !found {
				t.Errorf("%s: no name template suits %s", s, l.v)
			}
		}
		if len(info.domainsVI) == 0 || len(info.domainsEN) == 0 || info.land[0] <= 0 || info.land[1] < info.land[0] || info.jobs[0] <= 0 {
			t.Errorf("%s: incomplete table", s)
		}
	}
	for _, c := range countryWeights {
		if f := foreignNames[c.v]; len(f.prefixes) == 0 || len(f.forms) == 0 {
			t.Errorf("country %s has no names", c.v)
		}
	}
	for _, spec := range []kindSpec{domesticSpec, fdiSpec} {
		for class, w := range spec.binWeights {
			if len(w) != len(spec.bins)-1 {
				t.Errorf("%s class %d: %d weights for %d bins", spec.kind, class, len(w), len(spec.bins)-1)
			}
		}
		if spec.total%spec.unit != 0 {
			t.Errorf("%s: total not a multiple of the unit", spec.kind)
		}
	}
	if got := fold("Đầm Môn Vạn Ninh Hòn Tằm Ỷ"); got != "Dam Mon Van Ninh Hon Tam Y" {
		t.Errorf("fold = %q", got)
	}
}

func TestAllocate(t *testing.T) {
	got := allocate([]int64{1, 1_000_000, 3, 0}, 1_000_005, 10)
	var sum int64
	for i, v := range got {
		sum += v
		if v <= 0 {
			t.Errorf("share %d = %d", i, v)
		}
	}
	if sum != 1_000_005 {
		t.Errorf("shares %v add up to %d", got, sum)
	}
	if got[0] != 10 || got[2] != 10 || got[3] != 10 {
		t.Errorf("small shares %v, want one unit each", got)
	}
	if got := mulDiv(363_240_000_000_000, 9_999, 10_000); got != 363_203_676_000_000 {
		t.Errorf("mulDiv = %d", got)
	}
}

func BenchmarkProjects(b *testing.B) {
	for b.Loop() {
		Projects(1, testNow)
	}
}

// TestProjectsHaveCurrentUnits checks that every demo project has a current
// unit formed from its former district, that the former Khánh Hòa's
// districts are the only ones used (the end-2023 figures are that
// province's), and that a project named after a former commune sits in the
// unit that commune went into.
func TestProjectsHaveCurrentUnits(t *testing.T) {
	ps := Projects(1, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	units := map[string]bool{}
	for _, p := range ps {
		if p.Unit == "" || !place.UnitInLocation(p.Unit, p.Location) {
			t.Fatalf("%s: unit %q not formed from %s", p.Code, p.Unit, p.Location)
		}
		if p.Province() != "khanh_hoa" {
			t.Fatalf("%s: province %q", p.Code, p.Province())
		}
		units[p.Unit] = true
	}
	if len(units) < 30 {
		t.Errorf("only %d units used", len(units))
	}
	if got := unitFor("cam_lam", "Cam Đức", "DA-0001"); got != "cam_lam" {
		t.Errorf("Cam Đức went into Xã Cam Lâm, got %q", got)
	}
	if got := unitFor("cam_ranh", "Cam Nghĩa", "DA-0001"); got != "bac_cam_ranh" {
		t.Errorf("Cam Nghĩa went into Phường Bắc Cam Ranh, got %q", got)
	}
}
