package account

import (
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/khanhhoa/investportal/internal/holidays"
	"github.com/khanhhoa/investportal/internal/record"
	"github.com/khanhhoa/investportal/seed/admin"
	"go.mongodb.org/mongo-driver/bson"
)

// Successor is an agency that took over a former agency's tasks; Part
// says which, for a split (empty: all of them).
type Successor struct {
	ID   string `json:"id" bson:"id"`
	Part string `json:"part,omitempty" bson:"part,omitempty"`
}

// DayLayout is the layout of ValidFrom, ValidTo and effective dates.
const DayLayout = "2006-01-02"

// ValidDay reports whether s is a date in DayLayout.
func ValidDay(s string) bool {
	_, err := time.Parse(DayLayout, s)
	return err == nil
}

// Day is the calendar day of t in the province (Asia/Ho_Chi_Minh), in DayLayout.
func Day(t time.Time) string { return t.In(holidays.Location()).Format(DayLayout) }

// DayBefore is the day before day (in DayLayout); "" for a bad day.
func DayBefore(day string) string {
	t, err := time.Parse(DayLayout, day)
	if err != nil {
		return ""
	}
	return t.AddDate(0, 0, -1).Format(DayLayout)
}

// Former reports whether the agency no longer exists on the day of now.
func (a *Agency) Former(now time.Time) bool { return a.ValidTo != "" && a.ValidTo < Day(now) }

// SuccessorIDs lists the codes of the agency's successors.
func (a *Agency) SuccessorIDs() []string {
	out := make([]string, 0, len(a.Successors))
	for _, s := range a.Successors {
		out = append(out, s.ID)
	}
	return out
}

// Current returns the agencies of list that exist on the day of now,
// those obstacles may be assigned to.
func Current(list []Agency, now time.Time) []Agency {
	var out []Agency
	for _, a := range list {
		if !a.Former(now) {
			out = append(out, a)
		}
	}
	return out
}

// CurrentOf follows the successors of the agency id in list to today's
// agencies: a merger chain (tax → tax_region_xiii → tax_khanh_hoa) ends
// in one; a split gives several. An agency that is current, or unknown,
// is its own answer.
func CurrentOf(list []Agency, id string, now time.Time) []string {
	byID := make(map[string]Agency, len(list))
	for _, a := range list {
		byID[a.ID] = a
	}
	var out []string
	var walk func(id string, depth int)
	walk = func(id string, depth int) {
		a, ok := byID[id]
		if !ok || !a.Former(now) || len(a.Successors) == 0 || depth > 10 {
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
			return
		}
		for _, s := range a.Successors {
			walk(s.ID, depth+1)
		}
	}
	walk(id, 0)
	return out
}

// AgencyChange is one row of seed/admin/agency_changes.csv: the former
// agency Old went (wholly, or the Part of it, for a split) to New on
// Effective.
type AgencyChange struct {
	Old, New, Effective, Kind, Part, LegalBasis, Status string
}

// endOf2023 are the portal's agencies as at the end of 2023, by code: the
// names the former ones keep as history.
var endOf2023 = []Agency{
	{ID: PlanningAndInvestment, Name: Text{VI: "Sở Kế hoạch và Đầu tư", EN: "Department of Planning and Investment"}},
	{ID: Finance, Name: Text{VI: "Sở Tài chính", EN: "Department of Finance"}},
	{ID: "natural_resources", Name: Text{VI: "Sở Tài nguyên và Môi trường", EN: "Department of Natural Resources and Environment"}},
	{ID: "construction", Name: Text{VI: "Sở Xây dựng", EN: "Department of Construction"}},
	{ID: "transport", Name: Text{VI: "Sở Giao thông vận tải", EN: "Department of Transport"}},
	{ID: "industry_trade", Name: Text{VI: "Sở Công Thương", EN: "Department of Industry and Trade"}},
	{ID: "agriculture", Name: Text{VI: "Sở Nông nghiệp và Phát triển nông thôn", EN: "Department of Agriculture and Rural Development"}},
	{ID: "tourism", Name: Text{VI: "Sở Du lịch", EN: "Department of Tourism"}},
	{ID: "van_phong_ez", Name: Text{VI: "Ban Quản lý Khu kinh tế Vân Phong", EN: "Van Phong Economic Zone Management Board"}},
	{ID: "tax", Name: Text{VI: "Cục Thuế tỉnh Khánh Hòa", EN: "Khanh Hoa Provincial Tax Department"}},
	{ID: "nha_trang", Name: Text{VI: "Ủy ban nhân dân thành phố Nha Trang", EN: "Nha Trang City People's Committee"}},
	{ID: "cam_ranh", Name: Text{VI: "Ủy ban nhân dân thành phố Cam Ranh", EN: "Cam Ranh City People's Committee"}},
	{ID: Labour, Name: Text{VI: "Sở Lao động - Thương binh và Xã hội", EN: "Department of Labour, Invalids and Social Affairs"}},
	{ID: StateBankKhanhHoa, Name: Text{VI: "Ngân hàng Nhà nước Việt Nam Chi nhánh tỉnh Khánh Hòa", EN: "State Bank of Vietnam, Khanh Hoa Branch"}},
}

// EndOf2023Agencies returns the portal's agencies as they were at the end
// of 2023, without dates: the shape of a database made before issue 15,
// which `portal migrate` brings up to date.
func EndOf2023Agencies() []Agency { return slices.Clone(endOf2023) }

var structure = sync.OnceValues(loadStructure)

// loadStructure reads agencies_2025.csv and agency_changes.csv of
// seed/admin. The files are embedded and checked by the tests, so an
// error is a build mistake.
func loadStructure() ([]Agency, []AgencyChange) {
	rows := readCSV("agencies_2025.csv", 10)
	var list []Agency
	seen := map[string]bool{}
	for _, r := range rows {
		list = append(list, Agency{ID: r[0], Kind: r[1], Name: Text{VI: r[2], EN: r[3]}, ValidFrom: r[4], ValidTo: r[5]})
		seen[r[0]] = true
	}
	var changes []AgencyChange
	for _, r := range readCSV("agency_changes.csv", 10) {
		changes = append(changes, AgencyChange{Old: r[0], New: r[1], Effective: r[2], Kind: r[4], Part: r[5], LegalBasis: r[6], Status: r[7]})
	}
	// The former agencies of end-2023 that are not rows of the file.
	for _, a := range endOf2023 {
		if !seen[a.ID] {
			list = append(list, a)
		}
	}
	for i := range list {
		for _, c := range changes {
			if c.Old != list[i].ID {
				continue
			}
			part := c.Part
			if part == "all" {
				part = ""
			}
			list[i].Successors = append(list[i].Successors, Successor{ID: c.New, Part: part})
			if to := DayBefore(c.Effective); list[i].ValidTo == "" || to < list[i].ValidTo {
				list[i].ValidTo = to
			}
		}
	}
	return list, changes
}

func readCSV(name string, cols int) [][]string {
	f, err := admin.Files.Open(name)
	if err != nil {
		panic(fmt.Sprintf("account: %s: %v", name, err))
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = cols
	rows, err := r.ReadAll()
	if err != nil || len(rows) < 2 {
		panic(fmt.Sprintf("account: %s: %v", name, err))
	}
	for _, row := range rows[1:] {
		for i := range row {
			row[i] = strings.TrimSpace(row[i])
		}
	}
	return rows[1:]
}

// DefaultAgencies are the agencies seeded on first start: Khánh Hòa's
// agencies after the 2025 mergers (seed/admin/agencies_2025.csv) and the
// former ones of end-2023, kept with ValidTo and Successors so that old
// obstacles still name them. Administrators change the structure in the
// portal (Store.Restructure), not here.
func DefaultAgencies() []Agency {
	list, _ := structure()
	out := make([]Agency, len(list))
	for i, a := range list {
		a.Successors = slices.Clone(a.Successors)
		out[i] = a
	}
	return out
}

// AgencyChanges returns the rows of seed/admin/agency_changes.csv.
func AgencyChanges() []AgencyChange {
	_, c := structure()
	return slices.Clone(c)
}

// Retire marks the agency id as former from the day after validTo, with
// its successors, recording the change (and note, the legal basis) in its
// history. An agency already retired so is left alone: changed is false.
func (s *Store) Retire(ctx context.Context, id, validTo string, successors []Successor, note string, by Actor, now time.Time) (changed bool, err error) {
	now = utc(now)
	cur, err := s.GetAgency(ctx, id)
	if err != nil {
		return false, err
	}
	if cur.ValidTo == validTo && slices.Equal(cur.Successors, successors) && cur.EndBasis == note {
		return false, nil
	}
	next := cur
	next.ValidTo, next.Successors, next.EndBasis = validTo, successors, note
	if err := next.Validate(); err != nil {
		return false, err
	}
	var d record.Diff
	d.Add("validTo", cur.ValidTo, validTo)
	d.Add("successors", strings.Join(cur.SuccessorIDs(), ","), strings.Join(next.SuccessorIDs(), ","))
	err = s.agencies.Update(ctx, id, cur.Version, record.Write{
		Set: bson.D{{Key: "validTo", Value: validTo}, {Key: "successors", Value: successors},
			{Key: "endBasis", Value: note}, {Key: "updatedAt", Value: now}},
		Entry: &Change{At: now, By: by, Action: "restructure", Note: note, Fields: d},
	})
	return err == nil, err
}

// categoryLeads are, by obstacle category, the current agencies that lead
// such obstacles, the usual one first: investment procedures go to the
// Department of Finance (or the economic-zone board in a zone), labour to
// Home Affairs, credit to the State Bank's regional branch, land and
// environment to Agriculture and Environment, roads to Construction.
var categoryLeads = map[string][]string{
	"land_site_clearance":   {"agriculture_environment"},
	"planning":              {"construction", Finance},
	"investment_procedures": {Finance, "ez_ip_board"},
	"construction_permits":  {"construction", "ez_ip_board"},
	"environment":           {"agriculture_environment", "ez_ip_board"},
	"tax_fees":              {"tax_khanh_hoa", Finance},
	"credit":                {StateBankRegion},
	"infrastructure":        {"construction", "industry_trade"},
	"labour":                {HomeAffairs},
	"other":                 {"culture_sports_tourism", "agriculture_environment", Finance, "industry_trade"},
}

// CategoryLeads returns the current agencies that lead obstacles of the
// category (an obstacle.Category), the usual one first; nil if unknown.
func CategoryLeads(category string) []string { return slices.Clone(categoryLeads[category]) }

// ByCategory picks, among the successors of a split, the one that leads
// obstacles of category: the category's usual lead if it is one of them.
// ok is false when the category does not decide (a person must choose).
func ByCategory(successors []string, category string) (id string, ok bool) {
	if l := categoryLeads[category]; len(l) > 0 && slices.Contains(successors, l[0]) {
		return l[0], true
	}
	return "", false
}
