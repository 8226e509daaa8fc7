package project

import (
	"sort"
	"strconv"

	"github.com/khanhhoa/investportal/internal/money"
)

// KindStat is the count and capital of one kind of project. Capital is in
// the kind's own currency, so no exchange rate is involved.
type KindStat struct {
	Kind       Kind         `json:"kind"`
	Count      int64        `json:"count"`
	Registered money.Amount `json:"registeredCapital"`
	Disbursed  money.Amount `json:"disbursedCapital"`
}

// GroupStat is the figures of one stage, sector, location or year, split by
// kind so that VND and USD are never added together.
type GroupStat struct {
	Key      string   `json:"key"`
	Count    int64    `json:"count"`
	Domestic KindStat `json:"domestic"`
	FDI      KindStat `json:"fdi"`
}

// Stats are the pipeline figures the home page, dashboard and API show.
type Stats struct {
	ByKind     []KindStat  `json:"byKind"`
	ByStage    []GroupStat `json:"byStage"`
	BySector   []GroupStat `json:"bySector"`
	ByLocation []GroupStat `json:"byLocation"`
	ByYear     []GroupStat `json:"byYearLicensed"`
}

// Kind returns the figures of one kind.
func (s Stats) Kind(k Kind) KindStat {
	for _, ks := range s.ByKind {
		if ks.Kind == k {
			return ks
		}
	}
	return KindStat{Kind: k, Registered: money.Amount{Currency: k.Currency()}, Disbursed: money.Amount{Currency: k.Currency()}}
}

// cell is one combination of the grouped dimensions.
type cell struct {
	Kind     Kind
	Stage    Stage
	Sector   string
	Location string
	Year     int
}

type cellSum struct {
	ID  cell
	Sum int64
}

// computeStats adds up the figures in Go from the loaded projects. Amounts
// are bounded on input (money.Max), so a total reaches the int64 limit
// only past 900 projects at the bound; it then stays at the limit
// (money.SaturatingAdd) rather than wrapping into a negative figure.
func computeStats(items []Project) Stats {
	var counts, registered, disbursed []cellSum
	for i := range items {
		p := &items[i]
		c := cell{Kind: p.Kind, Stage: p.Stage, Sector: p.Sector, Location: p.Location, Year: p.LicensedYear}
		counts = append(counts, cellSum{c, 1})
		registered = append(registered, cellSum{c, p.Registered.Amount})
		disbursed = append(disbursed, cellSum{c, p.Disbursed.Amount})
	}
	return rollUp(counts, registered, disbursed)
}

func rollUp(counts, registered, disbursed []cellSum) Stats {
	kinds := map[Kind]*KindStat{}
	dims := []map[string]*GroupStat{{}, {}, {}, {}}
	keys := func(c cell) []string {
		year := ""
		if c.Year > 0 {
			year = strconv.Itoa(c.Year)
		}
		return []string{string(c.Stage), c.Sector, c.Location, year}
	}
	add := func(c cell, f func(ks *KindStat, gs *GroupStat)) {
		ks := kinds[c.Kind]
		if ks == nil {
			cur := c.Kind.Currency()
			ks = &KindStat{Kind: c.Kind, Registered: money.Amount{Currency: cur}, Disbursed: money.Amount{Currency: cur}}
			kinds[c.Kind] = ks
		}
		f(ks, nil)
		for i, key := range keys(c) {
			if key == "" {
				continue
			}
			gs := dims[i][key]
			if gs == nil {
				gs = &GroupStat{Key: key,
					Domestic: KindStat{Kind: Domestic, Registered: money.Amount{Currency: money.VND}, Disbursed: money.Amount{Currency: money.VND}},
					FDI:      KindStat{Kind: FDI, Registered: money.Amount{Currency: money.USD}, Disbursed: money.Amount{Currency: money.USD}},
				}
				dims[i][key] = gs
			}
			f(nil, gs)
		}
	}
	part := func(gs *GroupStat, k Kind) *KindStat {
		if k == FDI {
			return &gs.FDI
		}
		return &gs.Domestic
	}
	for _, r := range counts {
		add(r.ID, func(ks *KindStat, gs *GroupStat) {
			if ks != nil {
				ks.Count = money.SaturatingAdd(ks.Count, r.Sum)
				return
			}
			gs.Count = money.SaturatingAdd(gs.Count, r.Sum)
			ps := part(gs, r.ID.Kind)
			ps.Count = money.SaturatingAdd(ps.Count, r.Sum)
		})
	}
	amounts := func(rows []cellSum, of func(*KindStat) *money.Amount) {
		for _, r := range rows {
			add(r.ID, func(ks *KindStat, gs *GroupStat) {
				if ks == nil {
					ks = part(gs, r.ID.Kind)
				}
				a := of(ks)
				a.Amount = money.SaturatingAdd(a.Amount, r.Sum)
			})
		}
	}
	amounts(registered, func(ks *KindStat) *money.Amount { return &ks.Registered })
	amounts(disbursed, func(ks *KindStat) *money.Amount { return &ks.Disbursed })
	var st Stats
	for _, k := range Kinds {
		if ks, ok := kinds[k]; ok {
			st.ByKind = append(st.ByKind, *ks)
		} else {
			st.ByKind = append(st.ByKind, Stats{}.Kind(k))
		}
	}
	order := func(m map[string]*GroupStat, known []string) []GroupStat {
		out := make([]GroupStat, 0, len(m))
		for _, k := range known {
			if gs, ok := m[k]; ok {
				out = append(out, *gs)
				delete(m, k)
			}
		}
		rest := make([]string, 0, len(m))
		for k := range m {
			rest = append(rest, k)
		}
		sort.Strings(rest)
		for _, k := range rest {
			out = append(out, *m[k])
		}
		return out
	}
	stages := make([]string, len(Stages))
	for i, s := range Stages {
		stages[i] = string(s)
	}
	st.ByStage = order(dims[0], stages)
	st.BySector = order(dims[1], Sectors)
	st.ByLocation = order(dims[2], Locations)
	st.ByYear = order(dims[3], nil)
	return st
}
