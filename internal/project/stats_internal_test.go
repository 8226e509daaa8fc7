package project

import (
	"math"
	"testing"

	"github.com/khanhhoa/investportal/internal/money"
)

// TestStatsNeverWrap: figures over stored data (some of it perhaps from
// before amounts were bounded) are held at the int64 limit, never wrapped
// into a negative total.
func TestStatsNeverWrap(t *testing.T) {
	t.Parallel()
	big := func(code string, k Kind) Project {
		cur := k.Currency()
		return Project{Code: code, Kind: k, Stage: Operating, Sector: "tourism", Location: "nha_trang",
			Registered: money.Amount{Amount: math.MaxInt64 - 10, Currency: cur}, Disbursed: money.Amount{Amount: 6e18, Currency: cur}}
	}
	st := computeStats([]Project{big("DA-1", Domestic), big("DA-2", Domestic), big("FDI-1", FDI), big("FDI-2", FDI)})
	for _, k := range Kinds {
		ks := st.Kind(k)
		if ks.Registered.Amount != math.MaxInt64 || ks.Disbursed.Amount != math.MaxInt64 || ks.Count != 2 {
			t.Errorf("%s: %+v, want totals held at the limit", k, ks)
		}
	}
	for _, g := range [][]GroupStat{st.ByStage, st.BySector, st.ByLocation} {
		if len(g) != 1 || g[0].Domestic.Registered.Amount != math.MaxInt64 || g[0].FDI.Disbursed.Amount != math.MaxInt64 {
			t.Errorf("group figures wrapped: %+v", g)
		}
	}
}
