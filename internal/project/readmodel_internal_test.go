package project

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/place"
)

// TestPutAllMatchesPut: a bulk insert into the read model (putAll) leaves
// the same projects, in the same order, with the same figures, as putting
// them one by one: new codes in any order, codes already held (an older
// and a newer version) and a code twice in the batch.
func TestPutAllMatchesPut(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	mk := func(code string, version int64) *Project {
		k := Kinds[r.IntN(len(Kinds))]
		cur := k.Currency()
		return &Project{Code: code, Kind: k, Version: version,
			Stage: Stages[r.IntN(len(Stages))], Sector: Sectors[r.IntN(len(Sectors))], Location: place.Locations[r.IntN(len(place.Locations))],
			Registered: money.Amount{Amount: r.Int64N(1e12), Currency: cur}, Disbursed: money.Amount{Amount: r.Int64N(1e11), Currency: cur}}
	}
	var held, batch []*Project
	for i := range 200 {
		held = append(held, mk(fmt.Sprintf("DA-%04d", i*3), 2))
	}
	for _, i := range r.Perm(300) {
		batch = append(batch, mk(fmt.Sprintf("DA-%04d", i*2), 1+int64(i%3))) // some held, older, equal or newer
	}
	batch = append(batch, mk("DA-0001", 1), mk("DA-0001", 3), mk("DA-0001", 2)) // twice (thrice) in the batch
	one, bulk := &readModel{}, &readModel{}
	for _, m := range []*readModel{one, bulk} {
		for _, p := range held {
			m.put(p)
		}
	}
	for _, p := range batch {
		one.put(p)
	}
	gen := bulk.gen
	bulk.putAll(batch)
	if len(one.items) != len(bulk.items) {
		t.Fatalf("putAll holds %d projects, put %d", len(bulk.items), len(one.items))
	}
	for i := range one.items {
		if one.items[i].p != bulk.items[i].p {
			t.Fatalf("item %d: putAll holds %s v%d, put %s v%d", i,
				bulk.items[i].p.Code, bulk.items[i].p.Version, one.items[i].p.Code, one.items[i].p.Version)
		}
	}
	if !reflect.DeepEqual(one.agg, bulk.agg) {
		t.Error("putAll's figures differ from put's")
	}
	if bulk.gen == gen || bulk.stats != nil {
		t.Error("putAll did not mark the model changed")
	}
}
