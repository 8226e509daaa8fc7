package migrate

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/holidays"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/project"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

// filed is 2024, before the mergers; now is after them.
var (
	filed = time.Date(2024, 11, 4, 2, 0, 0, 0, time.UTC)
	now   = time.Date(2026, 1, 12, 2, 0, 0, 0, time.UTC)
	tf    = obstacle.Actor{ID: "u-tf", Role: obstacle.RoleTaskforce}
)

type step struct {
	a  obstacle.Action
	in obstacle.Input
	by obstacle.Actor
}

type oldObstacle struct {
	cat   obstacle.Category
	lead  string
	coord []string
	close bool
	// project is the code of the project the obstacle names, if any.
	project string
}

// oldShape seeds db as a portal of end-2023 left it: the 14 agencies
// without dates, and obstacles assigned to them. It returns the obstacle
// ids in the order of obs.
func oldShape(t *testing.T, db *mongo.Database, obs []oldObstacle) []string {
	t.Helper()
	ctx := context.Background()
	acc := account.NewStore(db, account.Options{})
	for _, a := range account.EndOf2023Agencies() {
		if _, err := acc.CreateAgency(ctx, a, account.SystemActor, filed); err != nil {
			t.Fatal(err)
		}
	}
	// One officer of an agency merged whole, one of an agency split.
	cheap := account.NewStore(db, account.Options{Hash: account.HashParams{Time: 1, MemoryKiB: 256, Threads: 1}})
	for email, agency := range map[string]string{"khdt@portal.test": account.PlanningAndInvestment, "ldtbxh@portal.test": account.Labour} {
		if _, err := cheap.CreateUser(ctx, account.NewUser{Email: email, Name: "Cán bộ", Role: account.RoleAgency, AgencyID: agency, Lang: "vi", Password: "a-long-password-1"}, account.SystemActor, filed); err != nil {
			t.Fatal(err)
		}
	}
	st := obstacle.NewStore(db, holidays.MustEmbedded(), obstacle.Options{KeySecret: []byte("k")})
	if err := st.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i, o := range obs {
		f, err := st.Create(ctx, obstacle.Submission{
			Filer: obstacle.Filer{BusinessName: "Công ty TNHH Thử Nghiệm", TaxCode: "0100109106", ContactPerson: "Nguyễn Văn An",
				Email: "an@congty.example", Phone: "0905 123 456", Lang: "vi"},
			Category: o.cat, ProjectCode: o.project, Title: fmt.Sprintf("Vướng mắc số %d", i), Description: "Nội dung vướng mắc cần giải quyết."}, filed)
		if err != nil {
			t.Fatal(err)
		}
		x := f.Obstacle
		steps := []step{{obstacle.ActAccept, obstacle.Input{}, tf}, {obstacle.ActAssign, obstacle.Input{LeadAgency: o.lead, CoordinatingAgencies: o.coord}, tf}}
		if o.close {
			ag := obstacle.Actor{ID: "u-ag", Role: obstacle.RoleAgency, Agency: o.lead}
			steps = append(steps, step{obstacle.ActStart, obstacle.Input{}, ag},
				step{obstacle.ActResolve, obstacle.Input{Resolution: "Đã giải quyết."}, ag},
				step{obstacle.ActConfirm, obstacle.Input{Rating: 5}, obstacle.FilerActor})
		}
		at := filed
		for _, s := range steps {
			at = at.Add(time.Hour)
			if x, err = st.Apply(ctx, x.ID, x.Version, s.a, s.in, s.by, at); err != nil {
				t.Fatalf("%d %s: %v", i, s.a, err)
			}
		}
		ids = append(ids, x.ID)
	}
	return ids
}

// snapshot is the database's agencies and obstacles as stored.
func snapshot(t *testing.T, db *mongo.Database) string {
	t.Helper()
	var b strings.Builder
	for _, coll := range []string{account.AgenciesCollection, obstacle.CollObstacles, account.UsersCollection} {
		cur, err := db.Collection(coll).Find(context.Background(), bson.M{})
		if err != nil {
			t.Fatal(err)
		}
		var docs []bson.M
		if err := cur.All(context.Background(), &docs); err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(docs, func(a, b bson.M) int { return strings.Compare(fmt.Sprint(a["_id"]), fmt.Sprint(b["_id"])) })
		fmt.Fprintln(&b, docs)
	}
	return b.String()
}

func TestCitations(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Nghị định 45/2025/NĐ-CP ngày 28/02/2025 (national); Khánh Hòa's own decision not found":                                      "Nghị định 45/2025/NĐ-CP ngày 28/02/2025",
		"Nghị định 26/2025/NĐ-CP (State Bank organisation, from 01/03/2025); the State Bank decision forming Region 10 was not found": "Nghị định 26/2025/NĐ-CP",
		"a decision of the Prime Minister (trip360_ezb): number and date not found":                                                   "",
		"Nghị quyết 202/2025/QH15; Nghị quyết 1667/NQ-UBTVQH15 khoản 50 Điều 1 and Điều 2":                                            "Nghị quyết 202/2025/QH15|Nghị quyết 1667/NQ-UBTVQH15 khoản 50 Điều 1 và Điều 2",
	} {
		if got := strings.Join(citations(in), "|"); got != want {
			t.Errorf("citations(%q) = %q, want %q", in, got, want)
		}
	}
}

// A database of the old shape: a dry run changes nothing and lists every
// change; --apply makes them (today's agencies created, the former ones
// dated with successors, open obstacles passed on with a timeline entry,
// closed ones kept); a second run finds nothing to change.
func TestAgenciesOnOldShape(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := mongotest.MustOpenDB(t)
	obs := []oldObstacle{
		{cat: obstacle.InvestmentProcedures, lead: account.PlanningAndInvestment, coord: []string{"finance"}},
		{cat: obstacle.LandSiteClearance, lead: "natural_resources", coord: []string{"transport", "agriculture"}},
		{cat: obstacle.Infrastructure, lead: "transport"},
		{cat: obstacle.Labour, lead: account.Labour},
		{cat: obstacle.Other, lead: account.Labour}, // a split the category does not decide
		{cat: obstacle.TaxFees, lead: "tax"},        // tax → tax_region_xiii → tax_khanh_hoa
		{cat: obstacle.Credit, lead: account.StateBankKhanhHoa},
		{cat: obstacle.LandSiteClearance, lead: "nha_trang"}, // by unit: for a person
		{cat: obstacle.InvestmentProcedures, lead: account.PlanningAndInvestment, close: true},
		{cat: obstacle.Planning, lead: "construction"}, // same agency today
	}
	ids := oldShape(t, db, obs)
	before := snapshot(t, db)

	dry, err := Run(ctx, db, Steps(), false, now)
	if err != nil {
		t.Fatal(err)
	}
	if after := snapshot(t, db); after != before {
		t.Fatal("the dry run wrote to the database")
	}
	n, uncertain := Count(dry)
	if uncertain != 3 || n == 0 {
		t.Fatalf("dry run: %d changes, %d uncertain: %+v", n, uncertain, dry)
	}
	var out bytes.Buffer
	if err := Report(&out, dry, false); err != nil {
		t.Fatal(err)
	}
	report := out.String()
	t.Log(report)
	for _, want := range []string{
		`agencies home_affairs created: "" -> "Sở Nội vụ"`,
		`agencies planning_investment validTo: "" -> "2025-02-28"`,
		`agencies planning_investment successors: "" -> "finance"`,
		`leadAgency: "planning_investment" -> "finance"`,
		`leadAgency: "natural_resources" -> "agriculture_environment"`,
		`coordinatingAgencies: "transport" -> "construction"`,
		`leadAgency: "labour" -> "home_affairs"`,
		`UNCERTAIN [agencies] obstacles`,
		`leadAgency: "tax" -> "tax_khanh_hoa"`,
		`leadAgency: "sbv_khanh_hoa" -> "sbv_region_10"`,
		`users khdt@portal.test agencyId: "planning_investment" -> "finance"`,
		`UNCERTAIN [agencies] users ldtbxh@portal.test agencyId: "labour" -> "home_affairs | health | education_training | agriculture_environment | provincial_police"`,
		fmt.Sprintf("%d changes would be made (dry run; --apply writes them), 3 uncertain", n),
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}

	applied, err := Run(ctx, db, Steps(), true, now)
	if err != nil {
		t.Fatal(err)
	}
	if a, u := Count(applied); a != n || u != uncertain {
		t.Fatalf("applied %d/%d, planned %d/%d", a, u, n, uncertain)
	}
	st := obstacle.NewStore(db, holidays.MustEmbedded(), obstacle.Options{})
	wantLead := []string{"finance", "agriculture_environment", "construction", account.HomeAffairs, account.Labour,
		"tax_khanh_hoa", account.StateBankRegion, "nha_trang", account.PlanningAndInvestment, "construction"}
	for i, id := range ids {
		o, err := st.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if o.LeadAgency != wantLead[i] {
			t.Errorf("obstacle %d (%s) led by %s, want %s", i, obs[i].lead, o.LeadAgency, wantLead[i])
		}
		moved := wantLead[i] != obs[i].lead
		var ev *obstacle.Event
		for j, e := range o.Timeline {
			if e.Act() == obstacle.ActRestructure && e.FromAgency == obs[i].lead {
				ev = &o.Timeline[j]
			}
		}
		if moved != (ev != nil) {
			t.Errorf("obstacle %d: restructure event %v", i, ev)
		}
		if moved && (ev.Agency != wantLead[i] || !strings.HasPrefix(ev.Note, "Nghị định") && !strings.HasPrefix(ev.Note, "Quyết định") || ev.Internal || ev.By.Role != "system") {
			t.Errorf("obstacle %d: restructure event %+v", i, ev)
		}
	}
	if o, _ := st.Get(ctx, ids[0]); len(o.CoordinatingAgencies) != 0 {
		t.Errorf("finance coordinates the obstacle it now leads: %v", o.CoordinatingAgencies)
	}
	if o, _ := st.Get(ctx, ids[1]); !slices.Equal(o.CoordinatingAgencies, []string{"construction"}) {
		t.Errorf("coordinating agencies %v, want construction (agriculture merged into the lead)", o.CoordinatingAgencies)
	}
	acc := account.NewStore(db, account.Options{})
	list, err := acc.ListAgencies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != len(account.DefaultAgencies()) || len(account.Current(list, now)) != 22 {
		t.Errorf("%d agencies, %d current", len(list), len(account.Current(list, now)))
	}
	if a, _ := acc.GetAgency(ctx, "tax"); a.ValidTo != "2025-02-28" || a.Successors[0].ID != "tax_region_xiii" || a.EndBasis == "" {
		t.Errorf("tax: %+v", a)
	}

	again, err := Run(ctx, db, Steps(), true, now)
	if err != nil {
		t.Fatal(err)
	}
	if u, err := acc.GetByEmail(ctx, "khdt@portal.test"); err != nil || u.AgencyID != account.Finance {
		t.Errorf("officer of planning and investment: %v %+v", err, u)
	}
	if u, err := acc.GetByEmail(ctx, "ldtbxh@portal.test"); err != nil || u.AgencyID != account.Labour {
		t.Errorf("officer of the split labour department: %v %+v", err, u)
	}
	if n, u := Count(again); n != 0 || u != 3 {
		t.Fatalf("second run: %d changes, %d uncertain: %+v", n, u, again)
	}
}

// An obstacle of a split city committee goes to the committee of its
// project's current ward: the Nha Trang committee's obstacle about a
// project in Nam Nha Trang ward goes to that ward's committee; one about a
// project not yet given a unit stays for a person.
func TestSplitCityCommitteeFollowsTheProjectUnit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := mongotest.MustOpenDB(t)
	if _, err := db.Collection(project.Collection).InsertMany(ctx, []any{
		bson.M{"code": "DA-T-0001", "location": "nha_trang", "unit": "nam_nha_trang"},
		bson.M{"code": "DA-T-0002", "location": "nha_trang"},
	}); err != nil {
		t.Fatal(err)
	}
	ids := oldShape(t, db, []oldObstacle{
		{cat: obstacle.LandSiteClearance, lead: "nha_trang", project: "DA-T-0001"},
		{cat: obstacle.LandSiteClearance, lead: "nha_trang", project: "DA-T-0002"},
	})
	changes, err := Run(ctx, db, []Step{AgenciesStep()}, true, now)
	if err != nil {
		t.Fatal(err)
	}
	st := obstacle.NewStore(db, holidays.MustEmbedded(), obstacle.Options{})
	for i, want := range []string{"ubnd_nam_nha_trang", "nha_trang"} {
		if o, err := st.Get(ctx, ids[i]); err != nil || o.LeadAgency != want {
			t.Errorf("obstacle %d led by %q (%v), want %q", i, o.LeadAgency, err, want)
		}
	}
	var uncertain []string
	for _, c := range changes {
		if c.Uncertain && c.Collection == obstacle.CollObstacles {
			uncertain = append(uncertain, c.ID)
		}
	}
	if len(uncertain) != 1 {
		t.Errorf("uncertain obstacles %v, want only the one whose project has no unit", uncertain)
	}
}

// An administrator's restructure with a date to come dates the agency but
// passes no obstacle on; once the date has come, migrate passes them.
func TestRestructureFromTheDate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := mongotest.MustOpenDB(t)
	ids := oldShape(t, db, []oldObstacle{{cat: obstacle.Environment, lead: "finance"}})
	r := Restructurer{Accounts: account.NewStore(db, account.Options{}),
		Obstacles: obstacle.NewStore(db, holidays.MustEmbedded(), obstacle.Options{}), By: account.CLIActor, Actor: obstacle.SystemActor}
	p := Plan{Former: []string{"finance"}, Successors: []account.Successor{{ID: "finance_new"}},
		New:       []account.Agency{{ID: "finance_new", Name: account.Text{VI: "Sở Tài chính mới", EN: "New Department of Finance"}}},
		Effective: "2026-03-01", LegalBasis: "Quyết định 1/QĐ-UBND"}
	ch, err := r.Restructure(ctx, p, true, now)
	if err != nil || len(ch) != 3 {
		t.Fatalf("%v %+v", err, ch)
	}
	o, _ := r.Obstacles.Get(ctx, ids[0])
	if o.LeadAgency != "finance" {
		t.Fatalf("passed on before the date: %s", o.LeadAgency)
	}
	later := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	ch, err = r.migrate(ctx, true, later)
	if err != nil {
		t.Fatal(err)
	}
	if o, _ = r.Obstacles.Get(ctx, ids[0]); o.LeadAgency != "finance_new" {
		t.Fatalf("after the date led by %s: %+v", o.LeadAgency, ch)
	}
	// Bad plans name their fields.
	_, err = r.Restructure(ctx, Plan{Former: []string{"nope"}, Successors: []account.Successor{{ID: "finance_new"}}, Effective: "1/3/2026"}, false, now)
	e := apperr.As(err)
	if e == nil || e.Fields["former"] != "admin.error.agency_unknown" || e.Fields["effective"] != "error.field.invalid" || e.Fields["legal_basis"] != "error.field.required" {
		t.Fatalf("bad plan: %v", err)
	}
}
