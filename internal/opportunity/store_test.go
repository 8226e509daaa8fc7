package opportunity

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/record"
)

func newStore(t *testing.T) *Store {
	t.Helper()
	s := NewStore(mongotest.MustOpenDB(t))
	if err := s.EnsureIndexes(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// storeWithSample returns a new store holding sample("OPP-VP-001"), as
// stored (version 1).
func storeWithSample(t *testing.T) (*Store, Opportunity) {
	t.Helper()
	s := newStore(t)
	o := sample("OPP-VP-001")
	if err := s.Create(context.Background(), &o); err != nil {
		t.Fatal(err)
	}
	return s, o
}

// fixture is a varied set of opportunities for the list and facet tests.
func fixture() []Opportunity {
	type spec struct {
		code, sector, location, status string
		forms                          []string
		capital                        money.Amount
		titleVI, titleEN               string
		published                      int
	}
	bn := int64(1_000_000_000)
	specs := []spec{
		{"OPP-VP-001", "energy", "ninh_hoa", StatusOpen, []string{"fdi_100", "joint_venture"}, money.Amount{Amount: 1_400_000_000_00, Currency: money.USD}, "Nhà máy điện khí LNG Vân Phong", "Van Phong LNG power plant", 1},
		{"OPP-VP-002", "energy", "van_ninh", StatusOpen, []string{"domestic", "joint_venture"}, money.Amount{Amount: 3_200 * bn, Currency: money.VND}, "Điện gió trên bờ Vạn Ninh", "Van Ninh onshore wind farm", 2},
		{"OPP-VP-003", "logistics", "ninh_hoa", StatusInNegotiation, []string{"ppp", "bot"}, money.Amount{Amount: 45_000 * bn, Currency: money.VND}, "Cảng trung chuyển quốc tế Đầm Môn", "Dam Mon international transhipment port", 3},
		{"OPP-CL-001", "tourism", "cam_lam", StatusOpen, []string{"domestic", "fdi_100"}, money.Amount{Amount: 850 * bn, Currency: money.VND}, "Khu nghỉ dưỡng Bãi Dài", "Bai Dai resort", 4},
		{"OPP-CL-002", "healthcare", "cam_lam", StatusAwarded, []string{"domestic"}, money.Amount{Amount: 60 * bn, Currency: money.VND}, "Phòng khám quốc tế Cam Lâm", "Cam Lam international clinic", 5},
		{"OPP-NT-001", "trade", "nha_trang", StatusOpen, []string{"land_auction"}, money.Amount{Amount: 3_000_000_00, Currency: money.USD}, "Trung tâm thương mại Phước Hải", "Phuoc Hai shopping centre", 6},
		{"OPP-KS-001", "agriculture", "khanh_son", StatusOpen, []string{"domestic", "joint_venture"}, money.Amount{Amount: 45 * bn, Currency: money.VND}, "Nhà máy chế biến sầu riêng Khánh Sơn", "Khanh Son durian processing plant", 7},
		{"OPP-CR-001", "aquaculture", "cam_ranh", StatusClosed, []string{"domestic", "bidding"}, money.Amount{Amount: 250 * bn, Currency: money.VND}, "Nuôi biển công nghệ cao vịnh Cam Ranh", "Cam Ranh bay hi-tech mariculture", 8},
	}
	var out []Opportunity
	for _, s := range specs {
		o := sample(s.code)
		o.Sector, o.Location, o.Status, o.InvestmentForms, o.IndicativeCapital = s.sector, s.location, s.status, s.forms, s.capital
		o.Title = project.Text{VI: s.titleVI, EN: s.titleEN}
		o.Summary = project.Text{VI: "Tóm tắt " + s.titleVI, EN: "Summary of " + s.titleEN}
		o.Description = project.Text{VI: "Mô tả " + s.titleVI + ".", EN: "About " + s.titleEN + "."}
		o.Incentives = nil
		o.PublishedAt = time.Date(2025, time.Month(s.published), 1, 0, 0, 0, 0, time.UTC)
		if s.sector != "energy" {
			o.Zone = ""
		}
		out = append(out, o)
	}
	return out
}

func createAll(t *testing.T, s *Store, list []Opportunity) {
	t.Helper()
	for i := range list {
		if err := s.Create(context.Background(), &list[i]); err != nil {
			t.Fatalf("create %s: %v", list[i].Code, err)
		}
	}
}

func codes(items []Opportunity) []string {
	out := make([]string, len(items))
	for i, o := range items {
		out[i] = o.Code
	}
	return out
}

func TestStoreCreateGet(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	s.now = func() time.Time { return time.Date(2025, 5, 6, 7, 8, 9, 123456789, time.FixedZone("ICT", 7*3600)) }
	o := sample("OPP-VP-001")
	if err := s.Create(ctx, &o); err != nil {
		t.Fatal(err)
	}
	if o.Version != 1 || !o.CreatedAt.Equal(time.Date(2025, 5, 6, 0, 8, 9, 123_000_000, time.UTC)) || o.CreatedAt.Location() != time.UTC {
		t.Fatalf("create set version %d, createdAt %v", o.Version, o.CreatedAt)
	}
	got, err := s.Get(ctx, "OPP-VP-001")
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != o.Title || got.Incentives[0] != o.Incentives[0] || got.Utilities != o.Utilities ||
		got.Contact != o.Contact || !got.PublishedAt.Equal(o.PublishedAt) || !slices.Equal(got.PlanningBasis, o.PlanningBasis) ||
		got.IndicativeCapital != o.IndicativeCapital || !got.Synthetic || got.Version != 1 {
		t.Fatalf("round trip differs:\n got %+v\nwant %+v", got, o)
	}

	t.Run("ErrDuplicateCode", func(t *testing.T) {
		dup := sample("OPP-VP-001")
		err := s.Create(ctx, &dup)
		var e *apperr.Error
		if !errors.As(err, &e) || e.Code != apperr.CodeConflict || e.Fields["code"] != "opportunity.error.duplicate_code" {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		bad := sample("OPP-VP-002")
		bad.Sector = ""
		if err := s.Create(ctx, &bad); !errors.Is(err, apperr.ErrInvalid) {
			t.Fatalf("got %v", err)
		}
		if _, err := s.Get(ctx, "OPP-VP-002"); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("invalid opportunity was stored: %v", err)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := s.Get(ctx, "OPP-XX-999")
		if !errors.Is(err, apperr.ErrNotFound) || apperr.As(err).MessageID != "opportunity.error.not_found" {
			t.Fatalf("got %v", err)
		}
	})
}

// expect filters the fixture in Go, as the store should.
func expect(all []Opportunity, f Filter) []string {
	in := func(list []string, v string) bool { return len(list) == 0 || slices.Contains(list, v) }
	var out []string
	for _, o := range all {
		formOK := len(f.Forms) == 0
		for _, x := range o.InvestmentForms {
			formOK = formOK || slices.Contains(f.Forms, x)
		}
		if in(f.Sectors, o.Sector) && in(f.Locations, o.Location) && in(f.Statuses, o.Status) &&
			in(f.CapitalBands, o.CapitalBand()) && formOK {
			out = append(out, o.Code)
		}
	}
	sort.Strings(out)
	return out
}

func TestStoreListFilters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	all := fixture()
	createAll(t, s, all)
	cases := []struct {
		name string
		f    Filter
		n    int
	}{
		{"All", Filter{}, 8},
		{"Sector", Filter{Sectors: []string{"energy"}}, 2},
		{"Sectors", Filter{Sectors: []string{"energy", "tourism"}}, 3},
		{"Location", Filter{Locations: []string{"cam_lam"}}, 2},
		{"Form", Filter{Forms: []string{"joint_venture"}}, 3},
		{"Forms", Filter{Forms: []string{"ppp", "land_auction"}}, 2},
		{"CapitalBandUnder100BWithUSD", Filter{CapitalBands: []string{BandUnder100B}}, 3},
		{"CapitalBand100B", Filter{CapitalBands: []string{Band100BTo1000B}}, 2},
		{"CapitalBands", Filter{CapitalBands: []string{Band1000BTo10000, BandOver10000B}}, 3},
		{"CapitalBandOver", Filter{CapitalBands: []string{BandOver10000B}}, 2},
		{"Status", Filter{Statuses: []string{StatusOpen}}, 5},
		{"Combined", Filter{Sectors: []string{"energy", "logistics"}, Locations: []string{"ninh_hoa"}, Statuses: []string{StatusOpen}}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := s.List(ctx, c.f)
			if err != nil {
				t.Fatal(err)
			}
			got := codes(res.Items)
			sort.Strings(got)
			want := expect(all, c.f)
			if len(want) != c.n {
				t.Fatalf("fixture gives %d for this filter, test expects %d", len(want), c.n)
			}
			if !slices.Equal(got, want) || res.Total != int64(len(want)) {
				t.Fatalf("got %v (total %d), want %v", got, res.Total, want)
			}
		})
	}
	t.Run("PagingAndNewestFirst", func(t *testing.T) {
		p1, err := s.List(ctx, Filter{PerPage: 3})
		if err != nil {
			t.Fatal(err)
		}
		p3, err := s.List(ctx, Filter{PerPage: 3, Page: 3})
		if err != nil {
			t.Fatal(err)
		}
		if g := codes(p1.Items); !slices.Equal(g, []string{"OPP-CR-001", "OPP-KS-001", "OPP-NT-001"}) || p1.Total != 8 {
			t.Fatalf("page 1: %v total %d", g, p1.Total)
		}
		if g := codes(p3.Items); !slices.Equal(g, []string{"OPP-VP-002", "OPP-VP-001"}) || p3.Total != 8 || p3.Page != 3 {
			t.Fatalf("page 3: %v total %d", g, p3.Total)
		}
	})
	t.Run("SortCapitalAcrossCurrencies", func(t *testing.T) {
		res, err := s.List(ctx, Filter{Sort: SortCapitalDesc, PerPage: 3})
		if err != nil {
			t.Fatal(err)
		}
		// 45,000 bn VND; 1.4 bn USD = 35,000 bn VND; 3,200 bn VND.
		if g := codes(res.Items); !slices.Equal(g, []string{"OPP-VP-003", "OPP-VP-001", "OPP-VP-002"}) {
			t.Fatalf("got %v", g)
		}
		res, err = s.List(ctx, Filter{Sort: SortCapitalAsc, PerPage: 2})
		if err != nil {
			t.Fatal(err)
		}
		if g := codes(res.Items); !slices.Equal(g, []string{"OPP-KS-001", "OPP-CL-002"}) {
			t.Fatalf("got %v", g)
		}
	})
	t.Run("ErrUnknownCodes", func(t *testing.T) {
		_, err := s.List(ctx, Filter{Sectors: []string{"mining"}, Sort: "random"})
		f := fieldsOf(t, err)
		if f["sector"] != "error.field.invalid" || f["sort"] != "error.field.invalid" {
			t.Fatalf("got %v", f)
		}
	})
}

func TestStoreTextSearch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	all := fixture()
	createAll(t, s, all)
	cases := []struct {
		q    string
		want []string
	}{
		{"van phong", []string{"OPP-VP-001"}},
		{"dien gio", []string{"OPP-VP-002"}},
		{"ĐIỆN GIÓ", []string{"OPP-VP-002"}},
		{"Dam Mon", []string{"OPP-VP-003"}},
		{"durian", []string{"OPP-KS-001"}},
		// OPP-CL-002 by its text, OPP-CL-001 by its place (former Cam Lâm district).
		{"cam lam", []string{"OPP-CL-001", "OPP-CL-002"}},
		{"sầu riêng khanh", []string{"OPP-KS-001"}},
		{"opp-cr-001", []string{"OPP-CR-001"}},
		{"cảng (.*)", []string{"OPP-VP-003"}},
		{"phòng", []string{"OPP-CL-002", "OPP-VP-001"}},
		{"vân phong.*", []string{"OPP-VP-001"}},
		{"no such thing", nil},
	}
	for _, c := range cases {
		t.Run(c.q, func(t *testing.T) {
			res, err := s.List(ctx, Filter{Text: c.q})
			if err != nil {
				t.Fatal(err)
			}
			got := codes(res.Items)
			sort.Strings(got)
			if !slices.Equal(got, c.want) {
				t.Fatalf("%q found %v, want %v", c.q, got, c.want)
			}
		})
	}
	t.Run("TextWithFacet", func(t *testing.T) {
		res, err := s.List(ctx, Filter{Text: "cam", Statuses: []string{StatusClosed}})
		if err != nil {
			t.Fatal(err)
		}
		if g := codes(res.Items); !slices.Equal(g, []string{"OPP-CR-001"}) {
			t.Fatalf("got %v", codes(res.Items))
		}
	})
}

// expectFacets computes, in Go, the counts Facets should return: for each
// facet, over the opportunities matching the filter without that facet.
func expectFacets(all []Opportunity, f Filter) FacetCounts {
	count := func(g Filter, key func(o Opportunity) []string) map[string]int64 {
		m := map[string]int64{}
		for _, o := range all {
			if !slices.Contains(expect(all, g), o.Code) {
				continue
			}
			for _, k := range key(o) {
				m[k]++
			}
		}
		return m
	}
	g := f
	g.Sectors = nil
	sec := count(g, func(o Opportunity) []string { return []string{o.Sector} })
	g = f
	g.Locations = nil
	loc := count(g, func(o Opportunity) []string { return []string{o.Location} })
	g = f
	g.Forms = nil
	form := count(g, func(o Opportunity) []string { return o.InvestmentForms })
	g = f
	g.CapitalBands = nil
	band := count(g, func(o Opportunity) []string { return []string{o.CapitalBand()} })
	g = f
	g.Statuses = nil
	st := count(g, func(o Opportunity) []string { return []string{o.Status} })
	return FacetCounts{Sector: sec, Location: loc, Form: form, CapitalBand: band, Status: st}
}

func TestStoreFacets(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	all := fixture()
	createAll(t, s, all)
	for i, f := range []Filter{
		{},
		{Sectors: []string{"energy"}},
		{Statuses: []string{StatusOpen}, Forms: []string{"joint_venture", "domestic"}},
		{Locations: []string{"ninh_hoa", "cam_lam"}, CapitalBands: []string{BandOver10000B, Band100BTo1000B}},
	} {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			got, err := s.Facets(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			want := expectFacets(all, f)
			for name, pair := range map[string][2]map[string]int64{
				"sector": {got.Sector, want.Sector}, "location": {got.Location, want.Location},
				"form": {got.Form, want.Form}, "capitalBand": {got.CapitalBand, want.CapitalBand},
				"status": {got.Status, want.Status},
			} {
				if !maps.Equal(pair[0], pair[1]) {
					t.Errorf("%s: got %v, want %v", name, pair[0], pair[1])
				}
			}
		})
	}
	t.Run("FiguresAreNotZero", func(t *testing.T) {
		// Guards against the FerretDB multi-accumulator bug and a broken
		// $unwind: the unfiltered form counts must add up to every form of
		// every opportunity.
		got, err := s.Facets(ctx, Filter{})
		if err != nil {
			t.Fatal(err)
		}
		var sum, want int64
		for _, n := range got.Form {
			sum += n
		}
		for _, o := range all {
			want += int64(len(o.InvestmentForms))
		}
		if sum != want || got.Sector["energy"] != 2 || got.Status[StatusOpen] != 5 {
			t.Fatalf("forms %d want %d; %+v", sum, want, got)
		}
	})
	t.Run("Text", func(t *testing.T) {
		got, err := s.Facets(ctx, Filter{Text: "cam"})
		if err != nil {
			t.Fatal(err)
		}
		// "cam" is in the place names of the two opportunities in Cam Lâm
		// and the one in Cam Ranh (the place is searchable).
		if !maps.Equal(got.Location, map[string]int64{"cam_lam": 2, "cam_ranh": 1}) {
			t.Fatalf("got %v", got.Location)
		}
	})
}

func TestStoreUpdate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, o := storeWithSample(t)
	status := StatusInNegotiation
	title := project.Text{VI: o.Title.VI, EN: "Van Phong onshore wind farm"}

	t.Run("ErrStaleVersion", func(t *testing.T) {
		_, err := s.Update(ctx, o.Code, 7, Changes{Status: &status}, by("staff@board"), "talks started")
		if !errors.Is(err, apperr.ErrConflict) {
			t.Fatalf("got %v", err)
		}
		h, err := s.History(ctx, o.Code)
		if err != nil || len(h) != 0 {
			t.Fatalf("history after conflict: %v %v", h, err)
		}
		got, _ := s.Get(ctx, o.Code)
		if got.Status != StatusOpen || got.Version != 1 {
			t.Fatalf("stale update was applied: %+v", got)
		}
	})

	t.Run("RecordsHistory", func(t *testing.T) {
		upd, err := s.Update(ctx, o.Code, 1, Changes{Status: &status, Title: &title}, by("staff@board"), "talks started")
		if err != nil {
			t.Fatal(err)
		}
		if upd.Version != 2 || upd.Status != status {
			t.Fatalf("got %+v", upd)
		}
		got, _ := s.Get(ctx, o.Code)
		if got.Version != 2 || got.Status != status || got.Title.EN != title.EN || !got.CreatedAt.Equal(o.CreatedAt) {
			t.Fatalf("stored %+v", got)
		}
		h, err := s.History(ctx, o.Code)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != 1 || h[0].By.Email != "staff@board" || h[0].Note != "talks started" || h[0].Version != 2 || h[0].At.IsZero() {
			t.Fatalf("history %+v", h)
		}
		want := []record.FieldChange{
			{Field: "title_en", From: "Van Phong wind farm", To: "Van Phong onshore wind farm"},
			{Field: "status", From: "open", To: "in_negotiation"},
		}
		if !slices.Equal(h[0].Fields, want) {
			t.Fatalf("changes %v, want %v", h[0].Fields, want)
		}
		// The old version is now stale.
		if _, err := s.Update(ctx, o.Code, 1, Changes{Status: &status}, by("x"), ""); !errors.Is(err, apperr.ErrConflict) {
			t.Fatalf("got %v", err)
		}
	})

	t.Run("SearchTextFollowsEdits", func(t *testing.T) {
		desc := project.Text{VI: "Khu vực gần Đầm Môn.", EN: "Near Dam Mon."}
		if _, err := s.Update(ctx, o.Code, 2, Changes{Description: &desc}, by("staff@board"), ""); err != nil {
			t.Fatal(err)
		}
		res, err := s.List(ctx, Filter{Text: "dam mon"})
		if err != nil || len(res.Items) != 1 {
			t.Fatalf("got %v %v", res, err)
		}
	})

	t.Run("NoChangeWritesNothing", func(t *testing.T) {
		same := StatusInNegotiation
		got, err := s.Update(ctx, o.Code, 3, Changes{Status: &same}, by("staff@board"), "")
		if err != nil || got.Version != 3 {
			t.Fatalf("got %+v %v", got, err)
		}
		h, _ := s.History(ctx, o.Code)
		if len(h) != 2 {
			t.Fatalf("history has %d entries, want 2", len(h))
		}
	})

	t.Run("ClearZone", func(t *testing.T) {
		empty := ""
		if _, err := s.Update(ctx, o.Code, 3, Changes{Zone: &empty}, by("staff@board"), ""); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Get(ctx, o.Code)
		if got.Zone != "" {
			t.Fatalf("zone kept %q", got.Zone)
		}
	})

	t.Run("ErrInvalidChange", func(t *testing.T) {
		bad := "mining"
		_, err := s.Update(ctx, o.Code, 4, Changes{Sector: &bad}, by("staff@board"), "")
		if fieldsOf(t, err)["sector"] != "opportunity.error.sector" {
			t.Fatalf("got %v", err)
		}
	})

	t.Run("ErrNoActor", func(t *testing.T) {
		_, err := s.Update(ctx, o.Code, 4, Changes{Status: &status}, by(" "), "")
		if fieldsOf(t, err)["actor"] != "error.field.required" {
			t.Fatalf("got %v", err)
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := s.Update(ctx, "OPP-NO-001", 1, Changes{Status: &status}, by("x"), ""); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("got %v", err)
		}
		if _, err := s.History(ctx, "OPP-NO-001"); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestStoreLinkProject(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, o := storeWithSample(t)
	got, err := s.LinkProject(ctx, o.Code, "KH-2025-0042", by("staff@board"))
	if err != nil {
		t.Fatal(err)
	}
	if got.ProjectCode != "KH-2025-0042" || got.Version != 2 {
		t.Fatalf("got %+v", got)
	}
	stored, _ := s.Get(ctx, o.Code)
	if stored.ProjectCode != "KH-2025-0042" || stored.Version != 2 {
		t.Fatalf("stored %+v", stored)
	}
	h, _ := s.History(ctx, o.Code)
	if len(h) != 1 || !slices.Equal(h[0].Fields, []record.FieldChange{{Field: "project_code", From: "", To: "KH-2025-0042"}}) {
		t.Fatalf("history %+v", h)
	}
	if _, err := s.LinkProject(ctx, o.Code, "bad code", by("staff")); fieldsOf(t, err)["project_code"] != "opportunity.error.project_code" {
		t.Fatalf("got %v", err)
	}
	if _, err := s.LinkProject(ctx, "OPP-NO-001", "KH-1", by("staff")); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("got %v", err)
	}
	// An ordinary update keeps the link.
	st := StatusAwarded
	if _, err := s.Update(ctx, o.Code, 2, Changes{Status: &st}, by("staff"), ""); err != nil {
		t.Fatal(err)
	}
	if stored, _ := s.Get(ctx, o.Code); stored.ProjectCode != "KH-2025-0042" {
		t.Fatalf("link lost: %+v", stored)
	}
}

func pending(t *testing.T, s *Store) map[string]int64 {
	t.Helper()
	list, err := s.PendingIndex(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]int64{}
	for _, o := range list {
		m[o.Code] = o.Version
	}
	return m
}

func TestStoreIndexing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	a, b := sample("OPP-VP-001"), sample("OPP-VP-002")
	createAll(t, s, []Opportunity{a, b})
	if p := pending(t, s); !maps.Equal(p, map[string]int64{"OPP-VP-001": 1, "OPP-VP-002": 1}) {
		t.Fatalf("new ones must be pending: %v", p)
	}
	if err := s.MarkIndexed(ctx, record.Indexed{ID: "OPP-VP-001", Version: 1}); err != nil {
		t.Fatal(err)
	}
	if p := pending(t, s); !maps.Equal(p, map[string]int64{"OPP-VP-002": 1}) {
		t.Fatalf("after marking: %v", p)
	}
	st := StatusClosed
	if _, err := s.Update(ctx, "OPP-VP-001", 1, Changes{Status: &st}, by("staff"), ""); err != nil {
		t.Fatal(err)
	}
	if p := pending(t, s); !maps.Equal(p, map[string]int64{"OPP-VP-001": 2, "OPP-VP-002": 1}) {
		t.Fatalf("a write after indexing must make it pending: %v", p)
	}
	// The indexer read version 1 before the write: marking it changes nothing.
	if err := s.MarkIndexed(ctx, record.Indexed{ID: "OPP-VP-001", Version: 1}); err != nil {
		t.Fatal(err)
	}
	if p := pending(t, s); p["OPP-VP-001"] != 2 {
		t.Fatalf("an old version must not mark: %v", p)
	}
	if err := s.MarkIndexed(ctx, record.Indexed{ID: "OPP-VP-001", Version: 2}); err != nil {
		t.Fatal(err)
	}
	if _, ok := pending(t, s)["OPP-VP-001"]; ok {
		t.Fatal("current version must mark")
	}
	if _, err := s.LinkProject(ctx, "OPP-VP-001", "KH-0001", by("staff")); err != nil {
		t.Fatal(err)
	}
	if p := pending(t, s); p["OPP-VP-001"] != 3 {
		t.Fatalf("linking is a write: %v", p)
	}
	if list, err := s.PendingIndex(ctx, 1); err != nil || len(list) != 1 {
		t.Fatalf("limit: %v %v", len(list), err)
	}
	_ = s.MarkIndexed(ctx, record.Indexed{ID: "OPP-VP-001", Version: 3})
	_ = s.MarkIndexed(ctx, record.Indexed{ID: "OPP-VP-002", Version: 1})
	if p := pending(t, s); len(p) != 0 {
		t.Fatalf("all indexed: %v", p)
	}
	n, err := s.MarkAllForIndex(ctx)
	if err != nil || n != 2 || len(pending(t, s)) != 2 {
		t.Fatalf("reindex all: %d %v %v", n, err, pending(t, s))
	}
}

// TestOnWriteFollowsOpportunityWrites: the OnWrite hook (the search
// indexer's wake-up) is called once for each stored write to an
// opportunity, not for a refused or empty one, and not for enquiries,
// which are not in the search index.
func TestOnWriteFollowsOpportunityWrites(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	var woke atomic.Int32
	s.OnWrite(func() { woke.Add(1) })
	o := sample("OPP-VP-001")
	if err := s.Create(ctx, &o); err != nil {
		t.Fatal(err)
	}
	status := StatusInNegotiation
	if _, err := s.Update(ctx, o.Code, 1, Changes{Status: &status}, by("staff@board"), ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Update(ctx, o.Code, 1, Changes{Status: &status}, by("staff@board"), ""); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("stale: %v", err)
	}
	if _, err := s.Update(ctx, o.Code, 2, Changes{Status: &status}, by("staff@board"), ""); err != nil {
		t.Fatal(err) // changes nothing: no write
	}
	if _, err := s.LinkProject(ctx, o.Code, "DA-0042", by("staff@board")); err != nil {
		t.Fatal(err)
	}
	if n := woke.Load(); n != 3 {
		t.Fatalf("OnWrite called %d times for 3 writes", n)
	}
	e := sampleEnquiry("hook-1")
	got, _, err := s.CreateEnquiry(ctx, &e)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.MarkAnswered(ctx, got.ID, 1, by("staff@board")); err != nil {
		t.Fatal(err)
	}
	if n := woke.Load(); n != 3 {
		t.Fatalf("enquiry writes called OnWrite: %d", n)
	}
}
