package project

import (
	"context"
	"math"
	"math/bits"
	"sort"
	"strconv"

	"github.com/khanhhoa/investportal/internal/adminunit"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/place"
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
	ByKind   []KindStat  `json:"byKind"`
	ByStage  []GroupStat `json:"byStage"`
	BySector []GroupStat `json:"bySector"`
	// ByLocation is by former district (before 1 July 2025), the basis of
	// the published figures; ByUnit by current unit (units' file order,
	// records not yet migrated count in none); ByProvince by former province.
	ByLocation []GroupStat `json:"byLocation"`
	ByYear     []GroupStat `json:"byYearLicensed"`
	ByUnit     []GroupStat `json:"byUnit"`
	ByProvince []GroupStat `json:"byProvince"`
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

// aggregates are the figures kept up to date as projects come and go:
// per kind, and per stage, sector, location and licence year split by
// kind. A write subtracts the old version and adds the new one (O(1)); the
// Stats are rolled up from them on demand (a few dozen keys).
type aggregates struct {
	dims [7]map[string]*[2]sums // kind (key ""), stage, sector, location, year, unit, province
}

// sums are exact: 128-bit totals, so subtracting is the inverse of adding
// even where the int64 figure shown is held at its limit.
type sums struct{ count, reg, dis wide }

type wide struct {
	hi int64
	lo uint64
}

func (w *wide) add(v int64) {
	lo, carry := bits.Add64(w.lo, uint64(v), 0)
	w.lo = lo
	w.hi += int64(carry)
	if v < 0 {
		w.hi--
	}
}

// value is the total held within int64 (money.SaturatingAdd's rule).
func (w wide) value() int64 {
	switch {
	case w.hi > 0 || w.hi == 0 && w.lo > math.MaxInt64:
		return math.MaxInt64
	case w.hi < -1 || w.hi == -1 && w.lo <= math.MaxInt64:
		return math.MinInt64
	}
	return int64(w.lo)
}

func (w wide) zero() bool { return w.hi == 0 && w.lo == 0 }

func kindIndex(k Kind) int {
	if k == FDI {
		return 1
	}
	return 0
}

// add adds the project's figures n times (1 to add, -1 to take away).
func (a *aggregates) add(p *Project, n int64) {
	year := ""
	if p.LicensedYear > 0 {
		year = strconv.Itoa(p.LicensedYear)
	}
	k := kindIndex(p.Kind)
	if p.Kind != Domestic && p.Kind != FDI {
		k = -1 // an unknown kind counts in no figure, as before
	}
	for d, key := range [7]string{"", string(p.Stage), p.Sector, p.Location, year, p.Unit, p.Province()} {
		if d > 0 && key == "" {
			continue
		}
		if a.dims[d] == nil {
			a.dims[d] = map[string]*[2]sums{}
		}
		cell := a.dims[d][key]
		if cell == nil {
			cell = &[2]sums{}
			a.dims[d][key] = cell
		}
		if k < 0 {
			continue
		}
		c := &cell[k]
		c.count.add(n)
		c.reg.add(n * p.Registered.Amount)
		c.dis.add(n * p.Disbursed.Amount)
	}
}

func kindStat(k Kind, s sums) KindStat {
	cur := k.Currency()
	return KindStat{Kind: k, Count: s.count.value(),
		Registered: money.Amount{Amount: s.reg.value(), Currency: cur},
		Disbursed:  money.Amount{Amount: s.dis.value(), Currency: cur}}
}

// stats rolls the aggregates up into the figures shown.
func (a *aggregates) stats() Stats {
	var st Stats
	all := a.dims[0][""]
	for _, k := range Kinds {
		var s sums
		if all != nil {
			s = all[kindIndex(k)]
		}
		st.ByKind = append(st.ByKind, kindStat(k, s))
	}
	group := func(m map[string]*[2]sums, known []string) []GroupStat {
		keys := make([]string, 0, len(m))
		for k, c := range m {
			if !c[0].count.zero() || !c[1].count.zero() {
				keys = append(keys, k)
			}
		}
		rank := map[string]int{}
		for i, k := range known {
			rank[k] = i + 1
		}
		sort.Slice(keys, func(i, j int) bool {
			ri, rj := rank[keys[i]], rank[keys[j]]
			switch {
			case ri > 0 && rj > 0:
				return ri < rj
			case ri > 0 || rj > 0:
				return ri > 0
			}
			return keys[i] < keys[j]
		})
		out := make([]GroupStat, 0, len(keys))
		for _, k := range keys {
			c := m[k]
			g := GroupStat{Key: k, Domestic: kindStat(Domestic, c[0]), FDI: kindStat(FDI, c[1])}
			g.Count = money.SaturatingAdd(g.Domestic.Count, g.FDI.Count)
			out = append(out, g)
		}
		return out
	}
	stages := make([]string, len(Stages))
	for i, s := range Stages {
		stages[i] = string(s)
	}
	st.ByStage = group(a.dims[1], stages)
	st.BySector = group(a.dims[2], Sectors)
	st.ByLocation = group(a.dims[3], place.Locations)
	st.ByYear = group(a.dims[4], nil)
	st.ByUnit = group(a.dims[5], adminunit.Std().UnitSlugs())
	st.ByProvince = group(a.dims[6], place.Provinces)
	return st
}

// computeStats adds up the figures of items from scratch. Amounts are
// bounded on input (money.Max), so a total reaches the int64 limit only
// past 900 projects at the bound; it is then held at the limit rather
// than wrapped into a negative figure.
func computeStats(items []Project) Stats {
	var a aggregates
	for i := range items {
		a.add(&items[i], 1)
	}
	return a.stats()
}

// Registered returns the registered capital of the named projects that
// exist, from the read model (obstaclestats.CapitalSource): no database read
// once the model is loaded and followed (see Start).
func (s *Store) Registered(ctx context.Context, codes map[string]bool) (map[string]money.Amount, error) {
	m, err := s.model(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]money.Amount, len(codes))
	m.mu.RLock()
	defer m.mu.RUnlock()
	for code := range codes {
		if i, ok := m.find(code); ok {
			out[code] = m.items[i].p.Registered
		}
	}
	return out, nil
}

// CapitalGeneration returns a number that moves whenever a project in the
// read model changes, so that a cache of project figures knows when to
// read them again (obstaclestats.CapitalSource): the read model's Revision.
func (s *Store) CapitalGeneration(ctx context.Context) (int64, error) {
	return s.Revision(ctx)
}
