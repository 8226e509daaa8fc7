package opportunity

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/fold"
	"github.com/khanhhoa/investportal/internal/money"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"github.com/khanhhoa/investportal/internal/place"
	"github.com/khanhhoa/investportal/internal/record"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// billionVND is one tỷ đồng.
const billionVND = 1_000_000_000

// MaxCapitalMinor is the largest indicative capital accepted, in minor units
// of currency: the portal's one bound on amounts, money.Max.
func MaxCapitalMinor(currency string) int64 { return money.Max(currency) }

// VNDEquivalent converts an amount into whole VND at the portal's
// reference rate (money.ReferenceVNDPerUSD); an unknown currency gives 0.
// It only sorts opportunities into bands and orders them by size.
func VNDEquivalent(a money.Amount) int64 {
	if !money.Valid(a.Currency) {
		return 0
	}
	return money.VNDEquivalent(a)
}

// CapitalBand returns the band of an amount by its VND equivalent:
// under 100 billion, 100 to under 1,000 billion, 1,000 to under 10,000
// billion, and 10,000 billion or more.
func CapitalBand(a money.Amount) string {
	v := VNDEquivalent(a)
	switch {
	case v < 100*billionVND:
		return BandUnder100B
	case v < 1000*billionVND:
		return Band100BTo1000B
	case v < 10000*billionVND:
		return Band1000BTo10000
	default:
		return BandOver10000B
	}
}

// Fold lowers s, strips Vietnamese (and other) diacritics, turns đ into d
// and every run of anything but letters and digits into one space, so that
// "Điện gió Vân Phong – 2" becomes "dien gio van phong 2". The stored
// searchText and the fallback query are both folded with it; the search
// indexer may use it for the same purpose.
func Fold(s string) string { return fold.Words(s) }

// SearchText is the folded text the fallback search matches: the code and
// both languages of the title, summary, description and incentives, and
// the place's names, former and current (place.Names).
func (o *Opportunity) SearchText() string {
	parts := []string{o.Code, o.Title.VI, o.Title.EN, o.Summary.VI, o.Summary.EN, o.Description.VI, o.Description.EN,
		place.Names(o.Location, o.Unit)}
	for _, in := range o.Incentives {
		parts = append(parts, in.Text.VI, in.Text.EN)
	}
	return Fold(strings.Join(parts, " "))
}

// On the embedded FerretDB the search indexer's marks live apart from the
// opportunities, as the project store's do (project.IndexStateCollection).
// FerretDB pushes only a filter of exactly {_id: x} down to SQLite, and an
// opportunity is named by its code, so clearing the needsIndex mark in the
// opportunity's own document reads and decodes the whole collection for
// each opportunity: 5,100 scans of 5,100 documents at 100 times the demo,
// many minutes for a rebuild. Here IndexStateCollection records the version
// the index last took in ({_id: code, v: version}); an opportunity is
// pending while its record is missing or names another version than the
// stored one. Marking is one unordered insert, a rebuild drops the
// collection, and a stale mark only leaves an opportunity pending, so no
// lock is needed. On MongoDB the marks stay the record's needsIndex.

// IndexStateCollection holds the indexed version of each opportunity on
// the embedded database.
const IndexStateCollection = "opportunity_index_state"

type indexState struct {
	Code    string `bson:"_id"`
	Version int64  `bson:"v"`
}

// marksApart reports whether the index marks live in IndexStateCollection.
func (s *Store) marksApart() bool { return mongodb.FeaturesOf(s.opps.Mongo().Database()).Embedded }

func (s *Store) indexState() *mongo.Collection {
	return s.opps.Mongo().Database().Collection(IndexStateCollection)
}

// indexHead is what finding the pending opportunities reads of each.
type indexHead struct {
	Code      string    `bson:"code"`
	Version   int64     `bson:"version"`
	UpdatedAt time.Time `bson:"updatedAt"`
}

// pendingHeads returns the opportunities whose index record is missing or
// behind, oldest change first: the opportunities' versions come from the
// catalogue's rows in memory (a read of every opportunity would decode
// them all on the embedded database), the index records from one read.
func (s *Store) pendingHeads(ctx context.Context) ([]indexHead, error) {
	var heads []indexHead
	err := s.readCatalogue(ctx, func(m *catalogueModel) {
		heads = make([]indexHead, 0, len(m.rows))
		for _, r := range m.rows {
			heads = append(heads, indexHead{Code: r.item.Code, Version: r.item.Version, UpdatedAt: r.item.UpdatedAt})
		}
	})
	if err != nil {
		return nil, err
	}
	cur, err := s.indexState().Find(ctx, bson.D{}, options.Find().SetBatchSize(10_000))
	if err != nil {
		return nil, apperr.Internal(fmt.Errorf("read opportunity index state: %w", err))
	}
	var states []indexState
	if err := cur.All(ctx, &states); err != nil {
		return nil, apperr.Internal(fmt.Errorf("read opportunity index state: %w", err))
	}
	indexed := make(map[string]int64, len(states))
	for _, st := range states {
		indexed[st.Code] = st.Version
	}
	out := heads[:0]
	for _, h := range heads {
		if v, ok := indexed[h.Code]; !ok || v != h.Version {
			out = append(out, h)
		}
	}
	slices.SortFunc(out, func(a, b indexHead) int {
		if c := a.UpdatedAt.Compare(b.UpdatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.Code, b.Code)
	})
	return out, nil
}

// pendingApart is PendingIndex on the embedded database.
func (s *Store) pendingApart(ctx context.Context, limit int) ([]Opportunity, error) {
	heads, err := s.pendingHeads(ctx)
	if err != nil {
		return nil, err
	}
	heads = heads[:min(limit, len(heads))]
	codes := make([]string, len(heads))
	for i, h := range heads {
		codes[i] = h.Code
	}
	byCode, err := s.ByCodes(ctx, codes)
	if err != nil {
		return nil, err
	}
	items := make([]Opportunity, 0, len(heads))
	for _, c := range codes {
		if o := byCode[c]; o != nil {
			items = append(items, *o)
		}
	}
	return items, nil
}

// markIndexedApart is MarkIndexed on the embedded database: new records go
// in one unordered insert, the few that exist already are replaced one by
// one.
func (s *Store) markIndexedApart(ctx context.Context, done []record.Indexed) error {
	if len(done) == 0 {
		return nil
	}
	docs := make([]any, len(done))
	for i, d := range done {
		docs[i] = indexState{Code: fmt.Sprint(d.ID), Version: d.Version}
	}
	_, err := s.indexState().InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err == nil {
		return nil
	}
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) {
		return apperr.Internal(fmt.Errorf("mark opportunities indexed: %w", err))
	}
	for _, we := range bwe.WriteErrors {
		if (we.Code != 11000 && we.Code != 11001) || we.Index < 0 || we.Index >= len(docs) {
			return apperr.Internal(fmt.Errorf("mark opportunities indexed: %w", err))
		}
		st := docs[we.Index].(indexState)
		if _, err := s.indexState().ReplaceOne(ctx, bson.D{{Key: "_id", Value: st.Code}}, st,
			options.Replace().SetUpsert(true)); err != nil {
			return apperr.Internal(fmt.Errorf("mark opportunity %s indexed: %w", st.Code, err))
		}
	}
	return nil
}

// markAllApart is MarkAllForIndex on the embedded database: it drops the
// index records.
func (s *Store) markAllApart(ctx context.Context) (int64, error) {
	if err := s.indexState().Drop(ctx); err != nil {
		return 0, apperr.Internal(fmt.Errorf("mark opportunities for indexing: %w", err))
	}
	n, err := s.opps.Mongo().CountDocuments(ctx, bson.D{})
	if err != nil {
		return 0, apperr.Internal(fmt.Errorf("count opportunities: %w", err))
	}
	return n, nil
}

// ScanForIndex calls fn with every stored opportunity, without its
// history, batch at a time in code order, from one cursor: rebuilding the
// search index reads the collection once instead of page by page.
func (s *Store) ScanForIndex(ctx context.Context, batch int, fn func([]Opportunity) error) error {
	if batch < 1 {
		batch = DefaultPerPage
	}
	cur, err := s.opps.Mongo().Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "code", Value: 1}}).
		SetProjection(s.opps.NoHistory()).SetBatchSize(int32(min(batch, 10_000))))
	if err != nil {
		return apperr.Internal(fmt.Errorf("scan opportunities: %w", err))
	}
	defer cur.Close(context.WithoutCancel(ctx))
	items := make([]Opportunity, 0, batch)
	for cur.Next(ctx) {
		var o Opportunity
		if err := cur.Decode(&o); err != nil {
			return apperr.Internal(fmt.Errorf("read opportunity: %w", err))
		}
		items = append(items, o)
		if len(items) == batch {
			if err := fn(items); err != nil {
				return err
			}
			items = make([]Opportunity, 0, batch)
		}
	}
	if err := cur.Err(); err != nil {
		return apperr.Internal(fmt.Errorf("scan opportunities: %w", err))
	}
	if len(items) > 0 {
		return fn(items)
	}
	return nil
}
