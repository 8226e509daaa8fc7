package seed

import (
	"fmt"
	"hash/fnv"
	"math/bits"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/khanhhoa/investportal/internal/adminunit"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/project"
)

// Totals the province published for end-2023; Projects(1, now) reproduces
// them exactly.
const (
	// DomesticCount is the number of domestic projects.
	DomesticCount = 623
	// FDICount is the number of foreign-invested projects.
	FDICount = 112
	// DomesticRegisteredVND is the capital registered by domestic projects,
	// in đồng (VND has no minor unit).
	DomesticRegisteredVND int64 = 363_240_000_000_000
	// FDIRegisteredUSDCents is the capital registered by foreign-invested
	// projects: 3.9 billion USD, in cents.
	FDIRegisteredUSDCents int64 = 390_000_000_000
)

// Projects returns the demo projects times scale (scale below 1 counts as
// 1): for scale 1 exactly DomesticCount domestic and FDICount FDI projects
// whose registered capital adds up exactly to DomesticRegisteredVND and
// FDIRegisteredUSDCents. Scale N appends N-1 replicas of that set whose codes
// end in -R1 … -R<N-1>, so counts and totals are N times as large.
//
// The output depends only on scale and now: random draws come from fixed
// seeds, and now only bounds the dates (every stage date lies before it) and
// fills CreatedAt and UpdatedAt.
func Projects(scale int, now time.Time) []project.Project {
	if scale < 1 {
		scale = 1
	}
	now = now.UTC()
	names := map[string]int{}
	base := generate(domesticSpec, now, names)
	base = append(base, generate(fdiSpec, now, names)...)

	out := make([]project.Project, 0, len(base)*scale)
	out = append(out, base...)
	for r := 1; r < scale; r++ {
		for _, p := range base {
			out = append(out, replica(p, r))
		}
	}
	return out
}

// replica copies p under the code of replica r, sharing no memory with p.
func replica(p project.Project, r int) project.Project {
	p.Code = fmt.Sprintf("%s-R%d", p.Code, r)
	p.StageHistory = append([]project.StageDate(nil), p.StageHistory...)
	if p.ExpectedCompletion != nil {
		ec := *p.ExpectedCompletion
		p.ExpectedCompletion = &ec
	}
	return p
}

// kindSpec describes how to draw the projects of one kind.
type kindSpec struct {
	kind         project.Kind
	codePrefix   string
	count        int
	total        int64 // registered capital to reach, minor units
	unit         int64 // registered capital is a multiple of unit (bar the largest)
	disburseUnit int64 // disbursed capital is a multiple of disburseUnit
	seed1, seed2 uint64
	sectors      []weighted[string]
	// bins are size-class bounds in weight units; weightUnit scales them.
	bins       []int64
	weightUnit int64
	binWeights map[sizeClass][]int
}

var domesticSpec = kindSpec{
	kind:         project.Domestic,
	codePrefix:   "DA",
	count:        DomesticCount,
	total:        DomesticRegisteredVND,
	unit:         1_000_000,
	disburseUnit: 1_000_000,
	seed1:        0x6b68_616e_6868_6f61, // "khanhhoa"
	seed2:        0x646f_6d65_7374_6963, // "domestic"
	sectors: []weighted[string]{
		{"tourism", 200}, {"real_estate", 140}, {"energy", 60}, {"industry", 110},
		{"logistics", 50}, {"agriculture", 90}, {"aquaculture", 80}, {"healthcare", 40},
		{"education", 45}, {"infrastructure", 60}, {"trade", 95}, {"technology", 30},
	},
	// billions of đồng; weights are drawn in millions.
	bins:       []int64{2, 4, 7, 12, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 40000},
	weightUnit: 1000,
	binWeights: map[sizeClass][]int{
		classBig:    {1, 2, 4, 6, 8, 10, 11, 11, 10, 8, 6, 4, 2, 1},
		classEnergy: {0, 0, 1, 2, 3, 5, 8, 10, 12, 12, 9, 6, 2, 0},
		classMedium: {2, 4, 6, 9, 12, 14, 14, 12, 8, 5, 3, 1, 0, 0},
		classSmall:  {6, 10, 12, 14, 14, 12, 9, 6, 3, 1, 0, 0, 0, 0},
	},
}

var fdiSpec = kindSpec{
	kind:         project.FDI,
	codePrefix:   "FDI",
	count:        FDICount,
	total:        FDIRegisteredUSDCents,
	unit:         100_000,               // 1,000 USD
	disburseUnit: 100,                   // 1 USD
	seed1:        0x6b68_616e_6868_6f61, // "khanhhoa"
	seed2:        0x666f_7265_6967_6e21, // "foreign!"
	sectors: []weighted[string]{
		{"tourism", 300}, {"real_estate", 90}, {"energy", 60}, {"industry", 200},
		{"logistics", 50}, {"agriculture", 20}, {"aquaculture", 90}, {"healthcare", 40},
		{"education", 40}, {"infrastructure", 20}, {"trade", 50}, {"technology", 40},
	},
	// thousands of USD.
	bins:       []int64{200, 500, 1000, 3000, 5000, 10000, 20000, 50000, 100000, 200000, 500000, 1000000, 2000000},
	weightUnit: 1,
	binWeights: map[sizeClass][]int{
		classBig:    {1, 2, 4, 6, 8, 10, 12, 12, 9, 6, 3, 0},
		classEnergy: {0, 1, 2, 3, 4, 6, 8, 10, 9, 6, 3, 1},
		classMedium: {2, 5, 8, 10, 10, 10, 8, 5, 2, 1, 0, 0},
		classSmall:  {6, 10, 12, 10, 8, 5, 3, 1, 0, 0, 0, 0},
	},
}

// generator draws the projects of one kind.
type generator struct {
	spec       *kindSpec
	rng        *rand.Rand
	now        time.Time
	last       time.Time // latest date any stage may have
	licenceMin time.Time
	licenceMax time.Time
	names      map[string]int // how often each template and place was used
}

// draft is a project before its capital is known.
type draft struct {
	p           project.Project
	weight      int64
	disbursedBP int64
}

func generate(spec kindSpec, now time.Time, names map[string]int) []project.Project {
	g := &generator{
		spec:  &spec,
		rng:   rand.New(rand.NewPCG(spec.seed1, spec.seed2)),
		now:   now,
		names: names,
	}
	g.last = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	g.licenceMin = time.Date(2005, 1, 1, 0, 0, 0, 0, time.UTC)
	g.licenceMax = time.Date(2023, 12, 31, 0, 0, 0, 0, time.UTC)
	if limit := g.last.AddDate(0, 0, -90); limit.Before(g.licenceMax) {
		g.licenceMax = limit
	}
	if g.licenceMax.Before(g.licenceMin) {
		g.licenceMin = g.licenceMax.AddDate(-18, 0, 0)
	}

	drafts := make([]draft, spec.count)
	weights := make([]int64, spec.count)
	for i := range drafts {
		drafts[i] = g.draft(i + 1)
		weights[i] = drafts[i].weight
	}
	amounts := allocate(weights, spec.total, spec.unit)

	cur := spec.kind.Currency()
	out := make([]project.Project, spec.count)
	for i, d := range drafts {
		p := d.p
		p.Registered = money.Amount{Amount: amounts[i], Currency: cur}
		disbursed := mulDiv(amounts[i], d.disbursedBP, 10_000)
		disbursed -= disbursed % spec.disburseUnit
		p.Disbursed = money.Amount{Amount: disbursed, Currency: cur}
		out[i] = p
	}
	return out
}

// draft draws everything about project number n except its capital.
func (g *generator) draft(n int) draft {
	sector := pick(g.rng, g.spec.sectors)
	info := sectorInfos[sector]
	location := pick(g.rng, info.locations)
	if g.spec.kind == project.FDI && !contains(mainland, location) {
		// Trường Sa is an island district in a disputed sea area under
		// military administration: no foreign-invested project goes there.
		location = pick(g.rng, onMainland(info.locations))
	}
	zone := g.zone(sector, location)
	stage := pick(g.rng, stageWeights)

	bin := pickIndex(g.rng, g.spec.binWeights[info.class])
	lo, hi := g.spec.bins[bin]*g.spec.weightUnit, g.spec.bins[bin+1]*g.spec.weightUnit
	weight := lo + g.rng.Int64N(hi-lo)
	nbins := len(g.spec.bins) - 1

	name, place := g.name(info, location)
	if fossil(name.VI) {
		// An LNG or gas-fired plant is not built by a "renewable" company.
		info.domainsVI, info.domainsEN = info.fossilVI, info.fossilEN
	}
	var investor project.Investor
	if g.spec.kind == project.FDI {
		investor = g.foreignInvestor(info)
	} else {
		investor = project.Investor{Name: g.domesticInvestor(sector, info, bin, nbins), Country: "VN"}
	}

	land := info.land[0] + g.rng.Int64N((info.land[1]-info.land[0])*int64(bin+1)/int64(nbins)+1)
	switch {
	case strings.HasPrefix(name.VI, clusterPrefix):
		land = min(max(land, clusterMinCentiHa), clusterMaxCentiHa)
	case strings.HasPrefix(name.VI, parkPrefix):
		land = max(land, clusterMaxCentiHa+100) // larger than any cluster
	}
	jobs := info.jobs[0] + g.rng.IntN((info.jobs[1]-info.jobs[0])*(bin+1)/nbins+1)

	history := g.history(stage, info.class)
	p := project.Project{
		Code:            fmt.Sprintf("%s-%04d", g.spec.codePrefix, n),
		Name:            name,
		Investor:        investor,
		Kind:            g.spec.kind,
		Sector:          sector,
		Location:        location,
		Unit:            unitFor(location, place, fmt.Sprintf("%s-%04d", g.spec.codePrefix, n)),
		Zone:            zone,
		LandAreaCentiHa: land,
		Stage:           stage,
		StageHistory:    history,
		Jobs:            jobs,
		Synthetic:       true,
		CreatedAt:       g.now,
		UpdatedAt:       g.now,
		Version:         1,
	}
	if d, ok := p.StageDate(project.Licensed); ok {
		p.LicensedYear = d.Year()
	}
	switch stage {
	case project.Proposed, project.Approved, project.Licensed, project.SiteClearance, project.Construction, project.Suspended:
		t := history[len(history)-1].Date.AddDate(0, 12+g.rng.IntN(48), 0)
		q := (int(t.Month()) - 1) / 3
		ec := time.Date(t.Year(), time.Month(q*3+4), 0, 0, 0, 0, 0, time.UTC) // last day of the quarter
		p.ExpectedCompletion = &ec
	}
	return draft{p: p, weight: weight, disbursedBP: g.disbursedBP(stage)}
}

// disbursedBP draws the share of registered capital disbursed, in basis
// points, for a project at stage s.
func (g *generator) disbursedBP(s project.Stage) int64 {
	switch s {
	case project.Licensed:
		return g.rng.Int64N(800)
	case project.SiteClearance:
		return 300 + g.rng.Int64N(2200)
	case project.Construction:
		return 2000 + g.rng.Int64N(5500)
	case project.Operating:
		return 6500 + g.rng.Int64N(3501)
	case project.Suspended:
		return 500 + g.rng.Int64N(4000)
	case project.Terminated:
		return g.rng.Int64N(2500)
	default:
		return 0
	}
}

// zone draws a zone consistent with the location and sector.
func (g *generator) zone(sector, location string) string {
	chance := func(pct int) bool { return g.rng.IntN(100) < pct }
	switch location {
	case "nha_trang":
		switch sector {
		case "tourism", "real_estate", "trade":
			if chance(40) {
				return "nha_trang_bay"
			}
		case "industry":
			if chance(30) {
				return "industrial_park"
			}
		}
	case "cam_ranh":
		switch sector {
		case "tourism", "real_estate", "logistics":
			if chance(45) {
				return "cam_ranh_bay"
			}
		case "industry", "aquaculture":
			if chance(30) {
				return "industrial_park"
			}
		}
	case "ninh_hoa":
		if chance(60) {
			return "van_phong_ez"
		}
	case "van_ninh":
		switch r := g.rng.IntN(100); {
		case r < 35:
			return "bac_van_phong"
		case r < 70:
			return "van_phong_ez"
		}
	case "cam_lam":
		switch sector {
		case "industry", "logistics":
			if chance(40) {
				return "industrial_park"
			}
		case "agriculture", "energy", "aquaculture":
		default:
			if chance(55) {
				return "cam_lam_urban"
			}
		}
	case "dien_khanh":
		if sector == "industry" && chance(30) {
			return "industrial_park"
		}
	}
	return ""
}

// name draws a project name from the sector's templates and the location's
// places. A name already given gets a number (energy) or a phase; a template
// and place pair is tried again rather than used a fourth time.
func (g *generator) name(info sectorInfo, location string) (project.Text, string) {
	var cands []nameTemplate
	for _, t := range info.templates {
		if t.domesticOnly && g.spec.kind == project.FDI {
			continue
		}
		if t.locs == nil || contains(t.locs, location) {
			cands = append(cands, t)
		}
	}
	if len(cands) == 0 {
		cands = info.templates
	}
	pl := places[location]
	var t nameTemplate
	var place string
	var n int
	for try := 0; ; try++ {
		t = cands[g.rng.IntN(len(cands))]
		place = pl[g.rng.IntN(len(pl))]
		key := t.vi + "|" + place
		n = g.names[key] + 1
		if n <= 3 || try >= 7 {
			g.names[key] = n
			break
		}
	}
	vi := strings.ReplaceAll(t.vi, "{p}", place)
	en := strings.ReplaceAll(t.en, "{p}", fold(place))
	if n > 1 {
		num := strconv.Itoa(n)
		if t.numbered {
			vi = strings.ReplaceAll(t.vi, "{p}", place+" "+num)
			en = strings.ReplaceAll(t.en, "{p}", fold(place)+" "+num)
		} else {
			vi += " giai đoạn " + num
			en += " Phase " + num
		}
	}
	if g.rng.IntN(100) < 5 {
		en = "" // shown with the Vietnamese fallback
	}
	return project.Text{VI: vi, EN: en}, place
}

// unitFor is the current unit of a project in the former district location
// named after place: the unit the former commune of that name went into
// (one of them, chosen by the code, when it was split), the current unit
// of that name, or else one of the district's units chosen by the code.
// It draws nothing from the generator, so the rest of the data is as before.
func unitFor(location, place, code string) string {
	s := adminunit.Std()
	d, ok := s.DistrictBySlug(location)
	if !ok {
		return ""
	}
	h := fnv.New32a()
	h.Write([]byte(code))
	pick := func(us []adminunit.Unit) string { return us[int(h.Sum32()%uint32(len(us)))].Slug }
	key := fold(place)
	for _, f := range s.Formers() {
		if f.DistrictCode == d.Code && fold(f.Name) == key {
			return pick(s.Became(f.Code))
		}
	}
	units := s.UnitsOf(d.Code)
	for _, u := range units {
		if fold(u.Name) == key {
			return u.Slug
		}
	}
	return pick(units)
}

// domesticInvestor draws a fictional Vietnamese company name suited to the
// sector and size of the project.
func (g *generator) domesticInvestor(sector string, info sectorInfo, bin, nbins int) string {
	var form string
	switch {
	case bin >= nbins-3 && g.rng.IntN(2) == 0:
		form = "Tập đoàn"
	case (sector == "agriculture" || sector == "aquaculture") && bin <= 2 && g.rng.IntN(3) == 0:
		form = "Hợp tác xã"
	default:
		form = domesticForms[g.rng.IntN(len(domesticForms))]
	}
	domain := info.domainsVI[g.rng.IntN(len(info.domainsVI))]
	var brand string
	if g.rng.IntN(2) == 0 {
		brand = brandsVI[g.rng.IntN(len(brandsVI))]
	} else {
		loc := mainland[g.rng.IntN(len(mainland))]
		brand = places[loc][g.rng.IntN(len(places[loc]))]
	}
	return form + " " + domain + " " + brand
}

// foreignInvestor draws a fictional foreign company and its country.
func (g *generator) foreignInvestor(info sectorInfo) project.Investor {
	c := pick(g.rng, countryWeights)
	f := foreignNames[c]
	name := f.prefixes[g.rng.IntN(len(f.prefixes))] + " " +
		info.domainsEN[g.rng.IntN(len(info.domainsEN))] + " " +
		f.forms[g.rng.IntN(len(f.forms))]
	return project.Investor{Name: name, Country: c}
}

// history draws the stages a project went through to reach s, with dates.
func (g *generator) history(s project.Stage, class sizeClass) []project.StageDate {
	day := func(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }
	if s == project.Proposed || s == project.Approved {
		proposed := g.last.AddDate(0, 0, -(60 + g.rng.IntN(900)))
		h := []project.StageDate{{Stage: project.Proposed, Date: proposed}}
		if s == project.Approved {
			d := spread(proposed, []int{30 + g.rng.IntN(300)}, g.last)
			h = append(h, project.StageDate{Stage: project.Approved, Date: d[0]})
		}
		return h
	}

	var post []project.Stage
	skipClearance := g.rng.IntN(100) < 10 || (class == classSmall && g.rng.IntN(100) < 30)
	years := [2]int{2005, 2021}
	switch s {
	case project.Licensed:
		years = [2]int{2016, 2023}
	case project.SiteClearance:
		years = [2]int{2012, 2023}
		post = []project.Stage{project.SiteClearance}
	case project.Construction:
		years = [2]int{2010, 2023}
		post = []project.Stage{project.SiteClearance, project.Construction}
		if skipClearance {
			post = post[1:]
		}
	case project.Operating:
		post = []project.Stage{project.SiteClearance, project.Construction, project.Operating}
		if skipClearance {
			post = post[1:]
		}
	case project.Suspended:
		years = [2]int{2007, 2021}
		post = append([]project.Stage{project.SiteClearance, project.Construction}[:g.rng.IntN(3)], project.Suspended)
	case project.Terminated:
		years = [2]int{2005, 2020}
		post = [][]project.Stage{
			{project.Terminated},
			{project.Suspended, project.Terminated},
			{project.SiteClearance, project.Terminated},
			{project.SiteClearance, project.Suspended, project.Terminated},
		}[g.rng.IntN(4)]
	}

	licence := g.licenceDate(years[0], years[1])
	approved := licence.Add(-day(30 + g.rng.IntN(300)))
	proposed := approved.Add(-day(30 + g.rng.IntN(400)))
	h := []project.StageDate{
		{Stage: project.Proposed, Date: proposed},
		{Stage: project.Approved, Date: approved},
		{Stage: project.Licensed, Date: licence},
	}
	gaps := make([]int, len(post))
	prev := project.Licensed
	for i, st := range post {
		switch st {
		case project.SiteClearance:
			gaps[i] = 60 + g.rng.IntN(340)
		case project.Construction:
			gaps[i] = 120 + g.rng.IntN(780)
		case project.Operating:
			gaps[i] = 365 + g.rng.IntN(1100)
		case project.Suspended:
			gaps[i] = 180 + g.rng.IntN(900)
		case project.Terminated:
			if prev == project.Suspended {
				gaps[i] = 90 + g.rng.IntN(640)
			} else {
				gaps[i] = 365 + g.rng.IntN(1500)
			}
		}
		prev = st
	}
	for i, d := range spread(licence, gaps, g.last) {
		h = append(h, project.StageDate{Stage: post[i], Date: d})
	}
	return h
}

// licenceDate draws a licence date in [from, to] (years), later years more
// likely, kept within the generator's licence window.
func (g *generator) licenceDate(from, to int) time.Time {
	total := 0
	for y := from; y <= to; y++ {
		total += y - from + 3
	}
	r := g.rng.IntN(total)
	year := from
	for ; year < to; year++ {
		r -= year - from + 3
		if r < 0 {
			break
		}
	}
	d := time.Date(year, time.Month(1+g.rng.IntN(12)), 1+g.rng.IntN(28), 0, 0, 0, 0, time.UTC)
	if d.After(g.licenceMax) {
		d = g.licenceMax
	}
	if d.Before(g.licenceMin) {
		d = g.licenceMin
	}
	return d
}

// spread returns the dates reached from start by the successive gaps (in
// days), shrinking the gaps in proportion when they would pass last. Every
// gap stays at least one day, so the dates strictly increase.
func spread(start time.Time, gaps []int, last time.Time) []time.Time {
	sum := 0
	for _, d := range gaps {
		sum += d
	}
	avail := int(last.Sub(start).Hours() / 24)
	out := make([]time.Time, len(gaps))
	t := start
	for i, d := range gaps {
		if sum > avail {
			d = max(1, d*avail/sum)
		}
		t = t.AddDate(0, 0, d)
		out[i] = t
	}
	return out
}

// allocate splits total (a multiple of unit, or not) in proportion to the
// weights, in multiples of unit, each share at least one unit; the rounding
// remainder goes to the share with the largest weight, so the shares add up
// to total exactly.
func allocate(weights []int64, total, unit int64) []int64 {
	units := total / unit
	var sum int64
	largest := 0
	for i, w := range weights {
		sum += w
		if w > weights[largest] {
			largest = i
		}
	}
	out := make([]int64, len(weights))
	var given int64
	for i, w := range weights {
		out[i] = max(1, mulDiv(units, w, sum))
		given += out[i]
	}
	out[largest] += units - given
	for i := range out {
		out[i] *= unit
	}
	out[largest] += total % unit
	return out
}

// mulDiv returns a*b/c rounded down, with a 128-bit intermediate product;
// all arguments are non-negative, c positive, and the result must fit.
func mulDiv(a, b, c int64) int64 {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	q, _ := bits.Div64(hi, lo, uint64(c))
	return int64(q)
}

// weighted is a value with a relative chance of being drawn.
type weighted[T any] struct {
	v T
	w int
}

// pick draws one of items with chance proportional to its weight.
func pick[T any](r *rand.Rand, items []weighted[T]) T {
	total := 0
	for _, it := range items {
		total += it.w
	}
	n := r.IntN(total)
	for _, it := range items {
		n -= it.w
		if n < 0 {
			return it.v
		}
	}
	return items[len(items)-1].v
}

// pickIndex draws an index of weights with chance proportional to its value.
func pickIndex(r *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		n -= w
		if n < 0 {
			return i
		}
	}
	return len(weights) - 1
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// fold removes Vietnamese diacritics, for English names of places.
func fold(s string) string {
	return strings.Map(func(r rune) rune {
		if f, ok := foldMap[r]; ok {
			return f
		}
		return r
	}, s)
}

var foldMap = func() map[rune]rune {
	groups := map[rune]string{
		'a': "àáạảãâầấậẩẫăằắặẳẵ", 'A': "ÀÁẠẢÃÂẦẤẬẨẪĂẰẮẶẲẴ",
		'e': "èéẹẻẽêềếệểễ", 'E': "ÈÉẸẺẼÊỀẾỆỂỄ",
		'i': "ìíịỉĩ", 'I': "ÌÍỊỈĨ",
		'o': "òóọỏõôồốộổỗơờớợởỡ", 'O': "ÒÓỌỎÕÔỒỐỘỔỖƠỜỚỢỞỠ",
		'u': "ùúụủũưừứựửữ", 'U': "ÙÚỤỦŨƯỪỨỰỬỮ",
		'y': "ỳýỵỷỹ", 'Y': "ỲÝỴỶỸ",
		'd': "đ", 'D': "Đ",
	}
	m := map[rune]rune{}
	for base, variants := range groups {
		for _, r := range variants {
			m[r] = base
		}
	}
	return m
}()

// stageWeights is the share of projects at each stage, in percent.
var stageWeights = []weighted[project.Stage]{
	{project.Proposed, 4}, {project.Approved, 6}, {project.Licensed, 13},
	{project.SiteClearance, 15}, {project.Construction, 20}, {project.Operating, 34},
	{project.Suspended, 5}, {project.Terminated, 3},
}

// sizeClass groups sectors by how large their projects tend to be.
type sizeClass int

const (
	classSmall sizeClass = iota
	classMedium
	classBig
	classEnergy
)

// nameTemplate is a project name pattern; {p} stands for the place.
type nameTemplate struct {
	vi, en   string
	numbered bool     // repeats are numbered ("Vạn Ninh 2") rather than phased
	locs     []string // locations it suits; nil means any
	// domesticOnly marks a business foreign investors are in practice not
	// given: petrol retail (left out of Viet Nam's WTO services
	// commitments) and social housing.
	domesticOnly bool
}

// sectorInfo holds what the generator needs to know about a sector.
type sectorInfo struct {
	class     sizeClass
	locations []weighted[string]
	templates []nameTemplate
	land      [2]int64 // hundredths of a hectare, smallest and largest project
	jobs      [2]int
	domainsVI []string // trade words for domestic investor names
	domainsEN []string // trade words for foreign investor names
	// fossilVI and fossilEN replace the domains for LNG and gas projects.
	fossilVI, fossilEN []string
}

// An industrial cluster (cụm công nghiệp) covers 10 to 75 ha (Decree No.
// 68/2017/ND-CP on industrial clusters, in force at end-2023; Decree No.
// 32/2024/ND-CP that replaced it keeps the limits; 5 ha is the floor in
// mountain districts). An industrial park is larger.
const (
	clusterPrefix     = "Cụm công nghiệp"
	parkPrefix        = "Hạ tầng khu công nghiệp"
	clusterMinCentiHa = 10_00
	clusterMaxCentiHa = 75_00
)

// fossil reports whether a project name is an LNG terminal or gas-fired
// plant.
func fossil(vi string) bool {
	return strings.Contains(vi, "LNG") || strings.Contains(vi, "điện khí")
}

// onMainland returns the weighted locations that are on the mainland.
func onMainland(locs []weighted[string]) []weighted[string] {
	var out []weighted[string]
	for _, l := range locs {
		if contains(mainland, l.v) {
			out = append(out, l)
		}
	}
	return out
}

// mainland lists the locations on the mainland (all but truong_sa).
var mainland = []string{"nha_trang", "cam_ranh", "ninh_hoa", "van_ninh", "cam_lam", "dien_khanh", "khanh_vinh", "khanh_son"}

var (
	coastal      = []string{"nha_trang", "cam_ranh", "ninh_hoa", "van_ninh", "cam_lam"}
	windy        = []string{"ninh_hoa", "van_ninh", "cam_lam", "cam_ranh"}
	sunny        = []string{"ninh_hoa", "van_ninh", "cam_lam", "cam_ranh", "dien_khanh"}
	mountains    = []string{"khanh_vinh", "khanh_son"}
	vanPhong     = []string{"ninh_hoa", "van_ninh"}
	lobsterWater = []string{"van_ninh", "cam_ranh", "nha_trang", "ninh_hoa"}
	processing   = []string{"nha_trang", "cam_ranh", "ninh_hoa", "van_ninh", "cam_lam", "dien_khanh"}
)

// places are real place names in each location, used in project names.
var places = map[string][]string{
	"nha_trang":  {"Nha Trang", "Hòn Tre", "Vĩnh Hòa", "Phước Đồng", "Hòn Chồng", "Vĩnh Lương", "Hòn Tằm", "Bãi Tiên", "Vĩnh Trường", "Vĩnh Phương", "Đồng Đế", "Cù Lao", "Vĩnh Thái", "Hòn Một"},
	"cam_ranh":   {"Cam Ranh", "Bình Ba", "Cam Nghĩa", "Cam Phúc Nam", "Ba Ngòi", "Cam Thịnh Đông", "Bình Hưng", "Cam Linh", "Mỹ Ca", "Cam Lập", "Bãi Nồm"},
	"ninh_hoa":   {"Ninh Hòa", "Ninh Thủy", "Dốc Lết", "Ninh Phước", "Ninh Diêm", "Hòn Khói", "Ninh Vân", "Ninh Hải", "Ninh Xuân", "Ninh Ích", "Ninh Tịnh", "Ninh Tân"},
	"van_ninh":   {"Vạn Ninh", "Đầm Môn", "Vạn Giã", "Đại Lãnh", "Tuần Lễ", "Vạn Thạnh", "Điệp Sơn", "Vạn Thọ", "Xuân Tự", "Vạn Long", "Vạn Hưng", "Mũi Đôi"},
	"cam_lam":    {"Cam Lâm", "Bãi Dài", "Cam Hải Đông", "Cam Hải Tây", "Cam Đức", "Suối Tân", "Cam Thành Bắc", "Cam Hòa", "Suối Dầu", "Cam An Nam", "Cam Hiệp Bắc"},
	"dien_khanh": {"Diên Khánh", "Suối Hiệp", "Diên Phú", "Diên An", "Diên Thọ", "Diên Lâm", "Diên Sơn", "Suối Tiên", "Diên Điền", "Diên Phước"},
	"khanh_vinh": {"Khánh Vĩnh", "Sông Giang", "Khánh Bình", "Sơn Thái", "Khánh Thượng", "Giang Ly", "Liên Sang", "Khánh Hiệp", "Cầu Bà"},
	"khanh_son":  {"Khánh Sơn", "Tô Hạp", "Sơn Bình", "Sơn Lâm", "Thành Sơn", "Ba Cụm Bắc", "Sơn Hiệp", "Sơn Trung"},
	"truong_sa":  {"Trường Sa", "Song Tử Tây", "Sinh Tồn"},
}

var sectorInfos = map[string]sectorInfo{
	"tourism": {
		class: classBig,
		locations: []weighted[string]{
			{"nha_trang", 45}, {"cam_ranh", 18}, {"cam_lam", 15}, {"ninh_hoa", 8},
			{"van_ninh", 9}, {"dien_khanh", 2}, {"khanh_vinh", 2}, {"khanh_son", 1},
		},
		templates: []nameTemplate{
			{vi: "Khu du lịch nghỉ dưỡng {p}", en: "{p} Resort", locs: coastal},
			{vi: "Khu nghỉ dưỡng cao cấp {p}", en: "{p} Luxury Resort", locs: coastal},
			{vi: "Khách sạn {p}", en: "{p} Hotel"},
			{vi: "Tổ hợp khách sạn và căn hộ du lịch {p}", en: "{p} Hotel and Serviced Apartments", locs: coastal},
			{vi: "Khu du lịch sinh thái {p}", en: "{p} Eco-tourism Area"},
			{vi: "Bến du thuyền {p}", en: "{p} Marina", locs: coastal},
			{vi: "Sân golf và biệt thự nghỉ dưỡng {p}", en: "{p} Golf Course and Resort Villas", locs: []string{"cam_ranh", "cam_lam", "ninh_hoa", "nha_trang", "dien_khanh"}},
			{vi: "Khu du lịch suối khoáng nóng {p}", en: "{p} Hot Spring Resort", locs: []string{"nha_trang", "ninh_hoa", "dien_khanh", "khanh_vinh"}},
			{vi: "Khu du lịch cộng đồng {p}", en: "{p} Community Tourism Village", locs: mountains},
		},
		land:      [2]int64{50, 50_000},
		jobs:      [2]int{30, 3000},
		domainsVI: []string{"Đầu tư Du lịch", "Du lịch và Dịch vụ", "Khách sạn và Du lịch", "Phát triển Du lịch"},
		domainsEN: []string{"Resort Development", "Hospitality", "Leisure", "Hotels and Resorts"},
	},
	"real_estate": {
		class: classBig,
		locations: []weighted[string]{
			{"nha_trang", 35}, {"cam_lam", 22}, {"cam_ranh", 14}, {"ninh_hoa", 10},
			{"dien_khanh", 12}, {"van_ninh", 6}, {"khanh_vinh", 1},
		},
		templates: []nameTemplate{
			{vi: "Khu đô thị mới {p}", en: "{p} New Urban Area"},
			{vi: "Khu dân cư {p}", en: "{p} Residential Area"},
			{vi: "Khu nhà ở xã hội {p}", en: "{p} Social Housing", domesticOnly: true},
			{vi: "Tổ hợp thương mại và căn hộ {p}", en: "{p} Commercial and Apartment Complex"},
			{vi: "Khu đô thị sinh thái {p}", en: "{p} Eco Urban Area"},
			{vi: "Khu biệt thự ven biển {p}", en: "{p} Seaside Villas", locs: coastal},
		},
		land:      [2]int64{100, 60_000},
		jobs:      [2]int{20, 800},
		domainsVI: []string{"Đầu tư Bất động sản", "Phát triển Đô thị", "Địa ốc", "Đầu tư và Phát triển Nhà"},
		domainsEN: []string{"Land", "Properties", "Urban Development", "Real Estate"},
	},
	"energy": {
		class: classEnergy,
		locations: []weighted[string]{
			{"ninh_hoa", 28}, {"van_ninh", 20}, {"cam_lam", 18}, {"cam_ranh", 12},
			{"khanh_vinh", 10}, {"khanh_son", 9}, {"dien_khanh", 3},
		},
		templates: []nameTemplate{
			{vi: "Nhà máy điện gió {p}", en: "{p} Wind Power Plant", numbered: true, locs: windy},
			{vi: "Nhà máy điện mặt trời {p}", en: "{p} Solar Power Plant", numbered: true, locs: sunny},
			{vi: "Nhà máy thủy điện {p}", en: "{p} Hydropower Plant", numbered: true, locs: mountains},
			{vi: "Kho cảng LNG {p}", en: "{p} LNG Terminal", locs: vanPhong},
			{vi: "Nhà máy điện khí {p}", en: "{p} Gas-fired Power Plant", numbered: true, locs: vanPhong},
			{vi: "Điện mặt trời áp mái {p}", en: "{p} Rooftop Solar", locs: []string{"nha_trang", "cam_ranh", "dien_khanh", "cam_lam"}},
		},
		land:      [2]int64{200, 40_000},
		jobs:      [2]int{10, 150},
		domainsVI: []string{"Năng lượng", "Năng lượng Tái tạo", "Điện lực", "Đầu tư Năng lượng", "Năng lượng Xanh"},
		domainsEN: []string{"Renewable Energy", "Power", "Wind Energy", "Solar Energy"},
		fossilVI:  []string{"Năng lượng", "Điện lực", "Đầu tư Năng lượng", "Khí và Điện", "Điện khí"},
		fossilEN:  []string{"Power", "Gas and Power", "LNG", "Energy"},
	},
	"industry": {
		class: classMedium,
		locations: []weighted[string]{
			{"ninh_hoa", 25}, {"cam_lam", 22}, {"dien_khanh", 18}, {"cam_ranh", 15},
			{"nha_trang", 12}, {"van_ninh", 8},
		},
		templates: []nameTemplate{
			{vi: "Nhà máy sản xuất vật liệu xây dựng {p}", en: "{p} Building Materials Factory"},
			{vi: "Nhà máy đóng và sửa chữa tàu {p}", en: "{p} Shipyard", locs: coastal},
			{vi: "Nhà máy sản xuất bao bì {p}", en: "{p} Packaging Factory"},
			{vi: "Nhà máy chế biến gỗ {p}", en: "{p} Wood Processing Plant"},
			{vi: "Nhà máy may mặc {p}", en: "{p} Garment Factory"},
			{vi: "Nhà máy sản xuất nước giải khát {p}", en: "{p} Beverage Factory"},
			{vi: "Nhà máy chế biến yến sào {p}", en: "{p} Bird's Nest Processing Plant"},
			{vi: "Nhà máy cơ khí chính xác {p}", en: "{p} Precision Engineering Plant"},
		},
		land:      [2]int64{100, 5_000},
		jobs:      [2]int{50, 3000},
		domainsVI: []string{"Sản xuất", "Công nghiệp", "Cơ khí", "Vật liệu Xây dựng", "Sản xuất và Thương mại"},
		domainsEN: []string{"Industrial", "Manufacturing", "Precision", "Materials"},
	},
	"logistics": {
		class: classMedium,
		locations: []weighted[string]{
			{"ninh_hoa", 25}, {"van_ninh", 22}, {"cam_ranh", 25}, {"nha_trang", 15},
			{"cam_lam", 8}, {"dien_khanh", 5},
		},
		templates: []nameTemplate{
			{vi: "Cảng tổng hợp {p}", en: "{p} General Port", numbered: true, locs: coastal},
			{vi: "Trung tâm logistics {p}", en: "{p} Logistics Centre"},
			{vi: "Kho bãi và dịch vụ hậu cần {p}", en: "{p} Warehousing and Logistics Services"},
			{vi: "Cảng cá {p}", en: "{p} Fishing Port", locs: coastal},
			{vi: "Cảng trung chuyển container {p}", en: "{p} Container Transshipment Port", locs: vanPhong},
		},
		land:      [2]int64{200, 20_000},
		jobs:      [2]int{20, 600},
		domainsVI: []string{"Cảng và Logistics", "Vận tải Biển", "Dịch vụ Hậu cần", "Kho vận"},
		domainsEN: []string{"Logistics", "Port Services", "Shipping", "Supply Chain"},
	},
	"agriculture": {
		class: classSmall,
		locations: []weighted[string]{
			{"khanh_son", 18}, {"khanh_vinh", 20}, {"cam_lam", 18}, {"dien_khanh", 15},
			{"ninh_hoa", 15}, {"van_ninh", 10}, {"cam_ranh", 4},
		},
		templates: []nameTemplate{
			{vi: "Trang trại chăn nuôi bò {p}", en: "{p} Cattle Farm"},
			{vi: "Vùng trồng xoài công nghệ cao {p}", en: "{p} High-tech Mango Farm", locs: []string{"cam_lam", "cam_ranh", "dien_khanh"}},
			{vi: "Nhà máy chế biến nông sản {p}", en: "{p} Agricultural Processing Plant"},
			{vi: "Trang trại sầu riêng {p}", en: "{p} Durian Farm", locs: mountains},
			{vi: "Nông trại rau an toàn {p}", en: "{p} Safe Vegetable Farm"},
			{vi: "Trồng rừng và chế biến lâm sản {p}", en: "{p} Forestry and Timber Processing", locs: []string{"khanh_vinh", "khanh_son", "ninh_hoa", "van_ninh"}},
			{vi: "Nhà máy đường {p}", en: "{p} Sugar Mill", locs: []string{"ninh_hoa", "cam_lam", "dien_khanh"}},
		},
		land:      [2]int64{500, 50_000},
		jobs:      [2]int{10, 500},
		domainsVI: []string{"Nông nghiệp Công nghệ cao", "Nông sản", "Nông lâm nghiệp", "Chăn nuôi"},
		domainsEN: []string{"Agritech", "Farms", "Agri Products"},
	},
	"aquaculture": {
		class: classSmall,
		locations: []weighted[string]{
			{"van_ninh", 30}, {"cam_ranh", 25}, {"ninh_hoa", 22}, {"nha_trang", 10},
			{"cam_lam", 10}, {"truong_sa", 1},
		},
		templates: []nameTemplate{
			{vi: "Khu nuôi tôm công nghệ cao {p}", en: "{p} High-tech Shrimp Farm", locs: coastal},
			{vi: "Trại sản xuất tôm giống {p}", en: "{p} Shrimp Hatchery", locs: coastal},
			{vi: "Vùng nuôi tôm hùm lồng {p}", en: "{p} Lobster Cage Farm", locs: lobsterWater},
			{vi: "Nhà máy chế biến thủy sản {p}", en: "{p} Seafood Processing Plant", locs: processing},
			{vi: "Khu nuôi biển công nghệ cao {p}", en: "{p} Offshore Marine Farm", locs: coastal},
			{vi: "Trạm dịch vụ hậu cần nghề cá {p}", en: "{p} Fisheries Logistics Station", locs: []string{"truong_sa"}},
		},
		land:      [2]int64{100, 10_000},
		jobs:      [2]int{10, 400},
		domainsVI: []string{"Thủy sản", "Hải sản", "Nuôi trồng Thủy sản", "Thủy sản Xuất khẩu"},
		domainsEN: []string{"Seafood", "Aquaculture", "Marine Foods"},
	},
	"healthcare": {
		class: classSmall,
		locations: []weighted[string]{
			{"nha_trang", 50}, {"cam_ranh", 12}, {"ninh_hoa", 10}, {"dien_khanh", 10},
			{"cam_lam", 10}, {"van_ninh", 8},
		},
		templates: []nameTemplate{
			{vi: "Bệnh viện đa khoa {p}", en: "{p} General Hospital"},
			{vi: "Phòng khám đa khoa quốc tế {p}", en: "{p} International Clinic"},
			{vi: "Trung tâm chăm sóc sức khỏe và dưỡng lão {p}", en: "{p} Wellness and Elderly Care Centre"},
			{vi: "Bệnh viện chuyên khoa mắt {p}", en: "{p} Eye Hospital"},
		},
		land:      [2]int64{30, 1_000},
		jobs:      [2]int{30, 1200},
		domainsVI: []string{"Y tế", "Bệnh viện", "Chăm sóc Sức khỏe", "Dược phẩm"},
		domainsEN: []string{"Healthcare", "Medical", "Hospital Group"},
	},
	"education": {
		class: classSmall,
		locations: []weighted[string]{
			{"nha_trang", 45}, {"cam_lam", 15}, {"dien_khanh", 12}, {"ninh_hoa", 10},
			{"cam_ranh", 10}, {"van_ninh", 6}, {"khanh_vinh", 1}, {"khanh_son", 1},
		},
		templates: []nameTemplate{
			{vi: "Trường liên cấp quốc tế {p}", en: "{p} International School"},
			{vi: "Trường mầm non {p}", en: "{p} Kindergarten"},
			{vi: "Trung tâm đào tạo nghề du lịch {p}", en: "{p} Hospitality Vocational Training Centre"},
			{vi: "Trường phổ thông tư thục {p}", en: "{p} Private High School"},
		},
		land:      [2]int64{30, 1_500},
		jobs:      [2]int{20, 400},
		domainsVI: []string{"Giáo dục", "Giáo dục và Đào tạo", "Đào tạo Nghề"},
		domainsEN: []string{"Education", "Academy", "Learning"},
	},
	"infrastructure": {
		class: classMedium,
		locations: []weighted[string]{
			{"nha_trang", 15}, {"cam_lam", 18}, {"ninh_hoa", 20}, {"cam_ranh", 15},
			{"van_ninh", 12}, {"dien_khanh", 12}, {"khanh_vinh", 4}, {"khanh_son", 4},
		},
		templates: []nameTemplate{
			{vi: "Hạ tầng khu công nghiệp {p}", en: "{p} Industrial Park Infrastructure"},
			{vi: "Nhà máy xử lý nước thải {p}", en: "{p} Wastewater Treatment Plant"},
			{vi: "Nhà máy nước sạch {p}", en: "{p} Water Supply Plant"},
			{vi: "Khu xử lý chất thải rắn {p}", en: "{p} Solid Waste Treatment Complex"},
			{vi: "Bến xe khách {p}", en: "{p} Bus Station"},
			{vi: "Cụm công nghiệp {p}", en: "{p} Industrial Cluster"},
		},
		land:      [2]int64{100, 30_000},
		jobs:      [2]int{10, 300},
		domainsVI: []string{"Đầu tư Hạ tầng", "Xây dựng", "Môi trường", "Cấp thoát nước"},
		domainsEN: []string{"Infrastructure", "Engineering", "Environmental Services"},
	},
	"trade": {
		class: classSmall,
		locations: []weighted[string]{
			{"nha_trang", 40}, {"cam_ranh", 14}, {"ninh_hoa", 14}, {"dien_khanh", 10},
			{"cam_lam", 10}, {"van_ninh", 10}, {"khanh_vinh", 1}, {"khanh_son", 1},
		},
		templates: []nameTemplate{
			{vi: "Trung tâm thương mại {p}", en: "{p} Shopping Centre"},
			{vi: "Chợ đầu mối nông sản {p}", en: "{p} Wholesale Produce Market"},
			{vi: "Siêu thị {p}", en: "{p} Supermarket"},
			{vi: "Cửa hàng xăng dầu {p}", en: "{p} Petrol Station", numbered: true, domesticOnly: true},
			{vi: "Trung tâm hội nghị và triển lãm {p}", en: "{p} Convention and Exhibition Centre", locs: []string{"nha_trang", "cam_ranh", "cam_lam"}},
		},
		land:      [2]int64{10, 1_000},
		jobs:      [2]int{10, 600},
		domainsVI: []string{"Thương mại", "Thương mại Dịch vụ", "Xuất nhập khẩu", "Bán lẻ"},
		domainsEN: []string{"Trading", "Retail", "Commerce"},
	},
	"technology": {
		class: classSmall,
		locations: []weighted[string]{
			{"nha_trang", 55}, {"cam_lam", 20}, {"dien_khanh", 10}, {"cam_ranh", 8}, {"ninh_hoa", 7},
		},
		templates: []nameTemplate{
			{vi: "Khu công viên phần mềm {p}", en: "{p} Software Park"},
			{vi: "Trung tâm dữ liệu {p}", en: "{p} Data Centre", numbered: true},
			{vi: "Trung tâm đổi mới sáng tạo {p}", en: "{p} Innovation Centre"},
			{vi: "Cơ sở nghiên cứu và sản xuất công nghệ sinh học biển {p}", en: "{p} Marine Biotechnology Facility"},
		},
		land:      [2]int64{20, 2_000},
		jobs:      [2]int{20, 1500},
		domainsVI: []string{"Công nghệ", "Công nghệ Số", "Phần mềm", "Công nghệ Sinh học"},
		domainsEN: []string{"Technology", "Digital", "Software", "Biotech"},
	},
}

// domesticForms are the usual legal forms of Vietnamese companies.
var domesticForms = []string{"Công ty CP", "Công ty CP", "Công ty Cổ phần", "Công ty TNHH", "Công ty TNHH MTV"}

// brandsVI are made-up trade names for domestic investors.
var brandsVI = []string{
	"Biển Xanh", "Hải Đăng", "Trầm Hương", "Vịnh Ngọc", "Cát Trắng", "Sóng Xanh",
	"Hòn Ngọc", "Phương Nam", "Thiên Phúc", "An Khang", "Phú An", "Đại Dương",
	"Bình Minh", "Ánh Dương", "Hải Âu", "San Hô", "Rạng Đông", "Gió Biển", "Nam Trung Bộ",
}

// countryWeights is the relative chance of each investor country for FDI
// projects.
var countryWeights = []weighted[string]{
	{"KR", 24}, {"SG", 17}, {"JP", 15}, {"TW", 8}, {"CN", 7}, {"HK", 6}, {"US", 5},
	{"RU", 5}, {"TH", 4}, {"FR", 3}, {"AU", 3}, {"MY", 2}, {"DE", 2}, {"NL", 1}, {"GB", 1},
}

// foreignNames are made-up name stems and legal forms for each country.
var foreignNames = map[string]struct{ prefixes, forms []string }{
	"KR": {[]string{"Haneul", "Bada", "Saebyeok", "Dongbang", "Namsan", "Hangang", "Jeju Blue", "Seoyeon"}, []string{"Co., Ltd.", "Corporation"}},
	"SG": {[]string{"Straits Harbour", "Merlion Bay", "Lion Gate", "Marina Crest", "Tanjong Ridge", "Keppel Cove"}, []string{"Pte. Ltd."}},
	"JP": {[]string{"Aozora", "Minato", "Sakura Marine", "Kaisei", "Tsubasa", "Hokuto", "Shiokaze"}, []string{"Co., Ltd.", "Corporation"}},
	"TW": {[]string{"Jade Mountain", "Kaohsiung Harbour", "Tainan Sunrise", "Alishan"}, []string{"Co., Ltd."}},
	"CN": {[]string{"Hainan Blue Ocean", "Guangxi Haitong", "Zhejiang Sunrise", "Fujian Coastal"}, []string{"Co., Ltd."}},
	"HK": {[]string{"Victoria Harbour", "Kowloon Bay", "Pearl Delta", "Lantau Peak"}, []string{"Holdings Limited", "Limited"}},
	"US": {[]string{"Pacific Crest", "Blue Horizon", "Redwood Coastal", "Summit Ridge"}, []string{"LLC", "Inc."}},
	"RU": {[]string{"Baltic Shore", "Volga Sun", "Taiga Coast", "Siberian Breeze"}, []string{"LLC"}},
	"TH": {[]string{"Andaman Pearl", "Chao Phraya", "Lanna Coast"}, []string{"Co., Ltd.", "Public Co., Ltd."}},
	"FR": {[]string{"Côte Bleue", "Azur Horizon", "Provence Mer"}, []string{"SAS"}},
	"AU": {[]string{"Coral Coast", "Southern Cross", "Bondi Bay"}, []string{"Pty Ltd"}},
	"MY": {[]string{"Penang Straits", "Borneo Tide"}, []string{"Sdn. Bhd."}},
	"DE": {[]string{"Nordsee", "Rheinblick"}, []string{"GmbH"}},
	"NL": {[]string{"Zeewind", "Delta Haven"}, []string{"B.V."}},
	"GB": {[]string{"Albion Shore", "Cornwall Bay"}, []string{"Ltd"}},
}
