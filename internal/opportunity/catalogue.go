package opportunity

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/changelog"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// The catalogue's facet counts and its lists without a text query are
// public and asked on every catalogue page, so they come from a read model
// in memory: one small row per opportunity (its facet fields and folded
// text), loaded once and followed write by write (internal/changelog).
// Facets adds up those rows and reads nothing; a list without text is
// kept per filter until the next write.
//
// Consistency: this process's own writes (Create, Update, LinkProject)
// are in the next answer; other processes' within CatalogueMaxAge (the
// changelog's head is read by _id every half of it, by Start's loop so
// that requests read only memory, then only the opportunities written
// since, each by code).
const (
	// CatalogueMaxAge bounds how late Facets and List show another
	// process's write.
	CatalogueMaxAge = time.Second
	// catalogueTimeout bounds one load or catch-up.
	catalogueTimeout = time.Minute
	// maxCachedLists bounds the lists kept between writes.
	maxCachedLists    = 256
	feedOpportunities = "opportunities"
)

// facetRow is what Facets, List and the lookups by code need of one
// opportunity.
type facetRow struct {
	// item is the opportunity without its history, as lists show it.
	item *Opportunity
	// ID is its _id; the rest is what the store derives for queries.
	ID          any
	CapitalBand string
	CapitalVND  int64
	SearchText  string
}

// catalogueDoc is an opportunity as the catalogue reads it (without its
// history): the embedded database decodes whole documents whatever the
// projection, so the rows keep the opportunity itself and lists read
// nothing (about 3 kB an opportunity: 15 MB at 100 times the demo).
type catalogueDoc struct {
	ID          any `bson:"_id"`
	Opportunity `bson:",inline"`
	SearchText  string `bson:"searchText"`
	CapitalBand string `bson:"capitalBand"`
	CapitalVND  int64  `bson:"capitalVND"`
}

func (d *catalogueDoc) row() facetRow {
	o := d.Opportunity
	return facetRow{item: &o, ID: d.ID, CapitalBand: d.CapitalBand, CapitalVND: d.CapitalVND, SearchText: d.SearchText}
}

// catalogue is the Store's read model, made at its first use.
type catalogue struct {
	once sync.Once
	m    *catalogueModel
}

// catalogueModel's fields but loaded are guarded by follow's lock.
type catalogueModel struct {
	follow  *changelog.Follower
	s       *Store
	rows    map[string]facetRow
	version int64
	facets  map[string]*FacetCounts
	lists   map[string]*ListResult
	// loaded turns true at the first load, so writers apply their own
	// writes from then on.
	loaded atomic.Bool
	// ids maps each code to its _id (neither ever changes), so that Fetch,
	// which runs without the lock, reads a known opportunity by _id.
	ids sync.Map // string → any
}

func (s *Store) catalogueModel() *catalogueModel {
	s.cat.once.Do(func() {
		feed := changelog.NewFeed(s.opps.Mongo().Database(), feedOpportunities)
		s.cat.m = &catalogueModel{s: s, follow: changelog.NewFollower(feed, CatalogueMaxAge/2, nil)}
	})
	return s.cat.m
}

// written tells the catalogue (here at once, other processes through the
// changelog) that the opportunity code may have changed. Once the
// catalogue is loaded the write is applied before it returns (one read by
// code), so the next page reads only memory.
func (s *Store) written(code string) {
	m := s.catalogueModel()
	m.follow.Wrote(code)
	if m.loaded.Load() {
		ctx, cancel := context.WithTimeout(context.Background(), catalogueTimeout)
		defer cancel()
		m.follow.TrySyncOwn(ctx, m)
	}
}

// Start loads the catalogue in the background and then follows other
// processes' writes every CatalogueMaxAge/2 until ctx ends or stop is
// called (which waits for the loop to end). While it runs, Facets and
// List read only memory (this process's own writes are applied by the
// writer). Without Start, they catch up themselves, at most every
// CatalogueMaxAge/2.
func (s *Store) Start(ctx context.Context) (stop func()) {
	m := s.catalogueModel()
	return m.follow.Start(ctx, m, nil)
}

// sync brings the model up to date; the caller holds follow's lock, which
// is let go while the database is read (changelog.Follower applies what it
// read with the lock). With a loop following and none of this process's
// writes pending it reads nothing.
func (m *catalogueModel) sync(ctx context.Context) error {
	if m.follow.Following() && !m.follow.Pending() {
		return nil
	}
	m.follow.Unlock()
	defer m.follow.Lock()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), catalogueTimeout)
	defer cancel()
	if _, err := m.follow.CatchUp(ctx, m); err != nil {
		return apperr.Internal(fmt.Errorf("opportunity catalogue: %w", err))
	}
	return nil
}

// Load reads every opportunity's row (changelog.Model).
func (m *catalogueModel) Load(ctx context.Context) (func(), error) {
	cur, err := m.s.opps.Mongo().Find(ctx, bson.D{}, options.Find().SetProjection(m.s.opps.NoHistory()).SetBatchSize(1000))
	if err != nil {
		return nil, err
	}
	var docs []catalogueDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	rows := make([]facetRow, len(docs))
	for i := range docs {
		rows[i] = docs[i].row()
	}
	byCode := make(map[string]facetRow, len(rows))
	for _, r := range rows {
		byCode[r.item.Code] = r
		m.ids.Store(r.item.Code, r.ID)
	}
	return func() {
		m.rows = byCode
		m.changed()
		m.loaded.Store(true)
	}, nil
}

// Fetch reads one opportunity's row again (changelog.Model), by _id when
// the code is known: FerretDB decodes every document for any other filter.
func (m *catalogueModel) Fetch(ctx context.Context, code string) (func(), error) {
	var d catalogueDoc
	filter := bson.D{{Key: "code", Value: code}}
	if id, ok := m.ids.Load(code); ok {
		filter = bson.D{{Key: "_id", Value: id}}
	}
	err := m.s.opps.Mongo().FindOne(ctx, filter, options.FindOne().SetProjection(m.s.opps.NoHistory())).Decode(&d)
	r := d.row()
	switch {
	case mongodb.IsNoDocuments(err):
		return func() { delete(m.rows, code); m.changed() }, nil
	case err != nil:
		return nil, err
	}
	m.ids.Store(code, r.ID)
	return func() { m.rows[code] = r; m.changed() }, nil
}

func (m *catalogueModel) changed() {
	m.version++
	m.facets, m.lists = map[string]*FacetCounts{}, map[string]*ListResult{}
}

// key names a normalized filter.
func (f *Filter) key() string {
	return fmt.Sprintf("%q|%q|%q|%q|%q|%q|%q|%q|%s|%d|%d", f.Sectors, f.Locations, f.Units, f.Provinces, f.Forms, f.CapitalBands, f.Statuses, f.Text, f.Sort, f.Page, f.PerPage)
}

// matches reports whether r is selected by f with the facet skip left out
// (as f.query does in the database).
func (f *Filter) matches(r *facetRow, skip string, terms []string) bool {
	in := func(field string, vals []string, v ...string) bool {
		if field == skip || len(vals) == 0 {
			return true
		}
		for _, x := range v {
			if slices.Contains(vals, x) {
				return true
			}
		}
		return false
	}
	if !in(facetSector, f.Sectors, r.item.Sector) || !in(facetLocation, f.Locations, r.item.Location) ||
		!in(facetUnit, f.Units, r.item.Unit) || !in(facetProvince, f.Provinces, r.item.Province()) ||
		!in(facetForm, f.Forms, r.item.InvestmentForms...) || !in(facetBand, f.CapitalBands, r.CapitalBand) ||
		!in(facetStatus, f.Statuses, r.item.Status) {
		return false
	}
	for _, t := range terms {
		if !strings.Contains(r.SearchText, t) {
			return false
		}
	}
	return true
}

// textTerms are the folded words of f.Text that f.query matches.
func (f *Filter) textTerms() []string {
	terms := strings.Fields(Fold(f.Text))
	if len(terms) > maxQueryTerms {
		terms = terms[:maxQueryTerms]
	}
	return terms
}

// facets counts, for each facet, the rows f selects with that facet left
// out; empty values are not counted (as countBy).
func (m *catalogueModel) count(f *Filter) *FacetCounts {
	out := &FacetCounts{Sector: map[string]int64{}, Location: map[string]int64{}, Unit: map[string]int64{}, Province: map[string]int64{}, Form: map[string]int64{},
		CapitalBand: map[string]int64{}, Status: map[string]int64{}}
	terms := f.textTerms()
	add := func(m map[string]int64, v string) {
		if v != "" {
			m[v]++
		}
	}
	for _, r := range m.rows {
		if f.matches(&r, facetSector, terms) {
			add(out.Sector, r.item.Sector)
		}
		if f.matches(&r, facetLocation, terms) {
			add(out.Location, r.item.Location)
		}
		if f.matches(&r, facetUnit, terms) {
			add(out.Unit, r.item.Unit)
		}
		if f.matches(&r, facetProvince, terms) {
			add(out.Province, r.item.Province())
		}
		if f.matches(&r, facetForm, terms) {
			for _, x := range r.item.InvestmentForms {
				add(out.Form, x)
			}
		}
		if f.matches(&r, facetBand, terms) {
			add(out.CapitalBand, r.CapitalBand)
		}
		if f.matches(&r, facetStatus, terms) {
			add(out.Status, r.item.Status)
		}
	}
	return out
}

func (c *FacetCounts) clone() *FacetCounts {
	cp := func(m map[string]int64) map[string]int64 {
		out := make(map[string]int64, len(m))
		for k, v := range m {
			out[k] = v
		}
		return out
	}
	return &FacetCounts{Sector: cp(c.Sector), Location: cp(c.Location), Unit: cp(c.Unit), Province: cp(c.Province), Form: cp(c.Form), CapitalBand: cp(c.CapitalBand), Status: cp(c.Status)}
}

func cloneList(r *ListResult) *ListResult {
	c := *r
	c.Items = slices.Clone(r.Items)
	return &c
}
