// Package obstaclestats computes the task force's public obstacle
// figures (the dashboard's and the API's) and serves them from a read
// model in memory that follows every write (Cache).
package obstaclestats

import (
	"context"
	"iter"
	"slices"
	"sort"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/holidays"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// MonthCount is the trend of one calendar month (Asia/Ho_Chi_Minh).
type MonthCount struct {
	// Month is "2006-01".
	Month    string `json:"month"`
	Filed    int64  `json:"filed"`
	Resolved int64  `json:"resolved"`
}

// Capital is the registered capital of the projects held up by open
// obstacles under one key (a category or an agency). A project counts
// once per key however many obstacles it has there; VND and USD are
// summed apart, never converted.
type Capital struct {
	Key      string       `json:"key"`
	Projects int64        `json:"projects"`
	VND      money.Amount `json:"vnd"`
	USD      money.Amount `json:"usd"`
}

// Figures are the dashboard's obstacle figures at one instant.
type Figures struct {
	// ByStatus counts every obstacle by status.
	ByStatus map[obstacle.Status]int64 `json:"byStatus"`
	// Open counts obstacles still waiting (see obstacle.Status.Open).
	Open           int64                       `json:"open"`
	OpenByCategory map[obstacle.Category]int64 `json:"openByCategory"`
	// OpenByAgency counts open obstacles by lead agency; "" is not yet assigned.
	OpenByAgency map[string]int64 `json:"openByAgency"`
	Overdue      int64            `json:"overdue"`
	DueSoon      int64            `json:"dueSoon"`
	// Escalated counts open obstacles escalated at least once.
	Escalated int64 `json:"escalated"`
	// Resolved counts obstacles with a resolution standing (resolved or
	// closed); ResolvedOnTime those resolved by their deadline.
	Resolved       int64 `json:"resolved"`
	ResolvedOnTime int64 `json:"resolvedOnTime"`
	// OnTimeBP is ResolvedOnTime/Resolved in basis points (9952 = 99.52%).
	OnTimeBP int64 `json:"onTimeBasisPoints"`
	// MedianDaysToResolve is the median of working days from filing to
	// resolution, less the days the clock was paused.
	MedianDaysToResolve float64 `json:"medianDaysToResolve"`
	// ByMonth covers the twelve months up to now's month, oldest first.
	ByMonth []MonthCount `json:"byMonth"`
	// CapitalByCategory and CapitalByAgency sort by key; CapitalTotal
	// counts each held-up project once.
	CapitalByCategory []Capital `json:"capitalByCategory"`
	CapitalByAgency   []Capital `json:"capitalByAgency"`
	CapitalTotal      Capital   `json:"capitalTotal"`
}

// row is the projection the figures read, one per obstacle.
type row struct {
	ID              string            `bson:"_id"`
	Status          obstacle.Status   `bson:"status"`
	Category        obstacle.Category `bson:"category"`
	LeadAgency      string            `bson:"leadAgency"`
	ProjectCode     string            `bson:"projectCode"`
	Deadline        *time.Time        `bson:"deadline"`
	PausedSince     *time.Time        `bson:"pausedSince"`
	PausedDays      int               `bson:"pausedDays"`
	EscalationLevel int               `bson:"escalationLevel"`
	ResolvedAt      *time.Time        `bson:"resolvedAt"`
	CreatedAt       time.Time         `bson:"createdAt"`
}

type projectCapital struct {
	Code       string       `bson:"code"`
	Registered money.Amount `bson:"registered"`
}

// fromScratch computes the figures from scratch: it streams a
// projection of every obstacle, adds up in Go, then reads the registered
// capital of the projects held up. Cache serves the same figures from its
// read model; this is what they must equal. Several figures (due soon,
// working days to resolve) need the working-day calendar, which the
// database does not know, so adding up in Go is the same on MongoDB.
func (m *model) fromScratch(ctx context.Context, now time.Time) (Figures, error) {
	cal, err := m.store.Calendar(ctx)
	if err != nil {
		return Figures{}, err
	}
	cur, err := m.obstacles.Find(ctx, bson.M{}, options.Find().SetProjection(rowProjection))
	if err != nil {
		return Figures{}, apperr.Internal(err)
	}
	defer cur.Close(ctx)
	var rows []row
	if err := cur.All(ctx, &rows); err != nil {
		return Figures{}, apperr.Internal(err)
	}
	st, h := addUp(slices.Values(rows), cal, now)
	capital, err := m.projectCapital(ctx, h.all)
	if err != nil {
		return Figures{}, err
	}
	h.sum(&st, capital)
	return st, nil
}

// heldProjects are the project codes open obstacles hold up: by category,
// by agency and in all.
type heldProjects struct {
	byCat, byAgency map[string]map[string]bool
	all             map[string]bool
}

// addUp computes every figure but the capital from rows, at now, and
// returns the projects held up for sum.
func addUp(rows iter.Seq[row], cal *holidays.Calendar, now time.Time) (Figures, heldProjects) {
	st := Figures{ByStatus: map[obstacle.Status]int64{}, OpenByCategory: map[obstacle.Category]int64{}, OpenByAgency: map[string]int64{}}
	for _, x := range obstacle.Statuses {
		st.ByStatus[x] = 0
	}
	months := lastMonths(now, 12)
	monthIdx := map[string]int{}
	for i, m := range months {
		monthIdx[m.Month] = i
	}
	var resolveDays []int
	h := heldProjects{byCat: map[string]map[string]bool{}, byAgency: map[string]map[string]bool{}, all: map[string]bool{}}

	for r := range rows {
		o := obstacle.Obstacle{Status: r.Status, Deadline: r.Deadline, PausedSince: r.PausedSince, ResolvedAt: r.ResolvedAt}
		st.ByStatus[r.Status]++
		if i, ok := monthIdx[r.CreatedAt.In(holidays.Location()).Format("2006-01")]; ok {
			months[i].Filed++
		}
		if r.ResolvedAt != nil {
			if i, ok := monthIdx[r.ResolvedAt.In(holidays.Location()).Format("2006-01")]; ok {
				months[i].Resolved++
			}
		}
		if r.Status == obstacle.Resolved || r.Status == obstacle.Closed {
			st.Resolved++
			if o.OnTime() {
				st.ResolvedOnTime++
			}
			if r.ResolvedAt != nil {
				d := cal.WorkingDaysBetween(r.CreatedAt, *r.ResolvedAt) - r.PausedDays
				resolveDays = append(resolveDays, max(d, 0))
			}
		}
		if !r.Status.Open() {
			continue
		}
		st.Open++
		st.OpenByCategory[r.Category]++
		st.OpenByAgency[r.LeadAgency]++
		if o.Overdue(now) {
			st.Overdue++
		}
		if o.DueSoon(cal, now) {
			st.DueSoon++
		}
		if r.EscalationLevel > 0 {
			st.Escalated++
		}
		if r.ProjectCode != "" {
			addHeld(h.byCat, string(r.Category), r.ProjectCode)
			addHeld(h.byAgency, r.LeadAgency, r.ProjectCode)
			h.all[r.ProjectCode] = true
		}
	}
	if st.Resolved > 0 {
		st.OnTimeBP = money.BasisPoints(st.ResolvedOnTime, st.Resolved)
	}
	st.MedianDaysToResolve = median(resolveDays)
	st.ByMonth = months
	return st, h
}

// sum fills the capital figures of st from the held projects' capital.
func (h heldProjects) sum(st *Figures, capital map[string]money.Amount) {
	st.CapitalByCategory = sumCapital(h.byCat, capital)
	st.CapitalByAgency = sumCapital(h.byAgency, capital)
	st.CapitalTotal = sumOne("", h.all, capital)
}

func addHeld(m map[string]map[string]bool, key, code string) {
	if m[key] == nil {
		m[key] = map[string]bool{}
	}
	m[key][code] = true
}

// projectCapital reads the registered capital of the given project codes.
func (m *model) projectCapital(ctx context.Context, codes map[string]bool) (map[string]money.Amount, error) {
	out := map[string]money.Amount{}
	if len(codes) == 0 {
		return out, nil
	}
	list := make([]string, 0, len(codes))
	for c := range codes {
		list = append(list, c)
	}
	cur, err := m.projects.Find(ctx, bson.M{"code": bson.M{"$in": list}},
		options.Find().SetProjection(bson.M{"code": 1, "registered": 1}))
	if err != nil {
		return nil, apperr.Internal(err)
	}
	var rows []projectCapital
	if err := cur.All(ctx, &rows); err != nil {
		return nil, apperr.Internal(err)
	}
	for _, r := range rows {
		out[r.Code] = r.Registered
	}
	return out, nil
}

func sumCapital(held map[string]map[string]bool, capital map[string]money.Amount) []Capital {
	out := make([]Capital, 0, len(held))
	for key, codes := range held {
		out = append(out, sumOne(key, codes, capital))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func sumOne(key string, codes map[string]bool, capital map[string]money.Amount) Capital {
	c := Capital{Key: key, VND: money.Amount{Currency: money.VND}, USD: money.Amount{Currency: money.USD}}
	for code := range codes {
		a, ok := capital[code]
		if !ok {
			continue // the project is gone; the obstacle still counts elsewhere
		}
		c.Projects++
		switch a.Currency {
		case money.VND:
			if v, err := c.VND.Add(a); err == nil {
				c.VND = v
			}
		case money.USD:
			if v, err := c.USD.Add(a); err == nil {
				c.USD = v
			}
		}
	}
	return c
}

func lastMonths(now time.Time, n int) []MonthCount {
	t := now.In(holidays.Location())
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, holidays.Location())
	out := make([]MonthCount, n)
	for i := range n {
		out[i].Month = first.AddDate(0, i-n+1, 0).Format("2006-01")
	}
	return out
}

func median(v []int) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]int(nil), v...)
	sort.Ints(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return float64(s[m])
	}
	return float64(s[m-1]+s[m]) / 2
}
