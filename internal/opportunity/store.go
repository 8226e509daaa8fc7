package opportunity

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/changelog"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"github.com/khanhhoa/investportal/internal/paging"
	"github.com/khanhhoa/investportal/internal/place"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/record"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Collection names.
const (
	CollOpportunities = "opportunities"
	CollHistory       = "opportunity_history"
	CollEnquiries     = "enquiries"
)

// Store keeps opportunities, their history and enquiries in MongoDB.
// Opportunities and enquiries are versioned records (internal/record):
// every write is one update filtered on the version read, with its
// history entry.
type Store struct {
	opps *record.Collection
	// history holds the entries written before they moved into the
	// opportunity's own document; History still reads them.
	history   *mongo.Collection
	enquiries *record.Collection
	now       func() time.Time
	// cat serves Facets and lists without text (catalogue.go).
	cat catalogue
}

// NewStore returns a store on db. Call EnsureIndexes once at start.
func NewStore(db *mongo.Database) *Store {
	s := &Store{
		history: db.Collection(CollHistory),
		enquiries: record.New(db.Collection(CollEnquiries), record.Options{Unindexed: true,
			NotFound: "opportunity.enquiry.error.not_found", Conflict: "opportunity.enquiry.error.conflict"}),
		now: time.Now,
	}
	s.opps = record.New(db.Collection(CollOpportunities), record.Options{Key: "code", Lookup: s.idOf,
		NotFound: "opportunity.error.not_found", Conflict: "opportunity.error.conflict"})
	return s
}

// OnWrite sets fn to be called after every write to an opportunity (the
// search indexer's wake-up); it must not block. Enquiries are not in the
// search index and do not call it.
func (s *Store) OnWrite(fn func()) { s.opps.OnWrite(fn) }

// stamp is the current time as stored: UTC, to the millisecond.
func (s *Store) stamp() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// EnsureIndexes creates the indexes of the three collections; it is
// idempotent.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	if err := mongodb.EnsureIndexes(ctx, s.opps.Mongo(),
		mongo.IndexModel{Keys: bson.D{{Key: "code", Value: 1}}, Options: options.Index().SetUnique(true).SetName("code_unique")},
		mongo.IndexModel{Keys: bson.D{{Key: "status", Value: 1}, {Key: "publishedAt", Value: -1}}, Options: options.Index().SetName("status_published")},
		mongo.IndexModel{Keys: bson.D{{Key: "sector", Value: 1}}, Options: options.Index().SetName("sector")},
		mongo.IndexModel{Keys: bson.D{{Key: "location", Value: 1}}, Options: options.Index().SetName("location")},
		mongo.IndexModel{Keys: bson.D{{Key: "capitalBand", Value: 1}}, Options: options.Index().SetName("capital_band")},
		// The indexer's marker (record.FieldNeedsIndex), under the name
		// existing databases already have it by (record.Indexes names it
		// otherwise, and MongoDB refuses a second index on the same key).
		mongo.IndexModel{Keys: bson.D{{Key: record.FieldNeedsIndex, Value: 1}}, Options: options.Index().SetName("needs_index")},
	); err != nil {
		return err
	}
	if err := mongodb.EnsureIndexes(ctx, s.history,
		mongo.IndexModel{Keys: bson.D{{Key: "code", Value: 1}, {Key: "version", Value: 1}}, Options: options.Index().SetUnique(true).SetName("code_version")},
	); err != nil {
		return err
	}
	return mongodb.EnsureIndexes(ctx, s.enquiries.Mongo(),
		mongo.IndexModel{Keys: bson.D{{Key: "idempotencyKey", Value: 1}}, Options: options.Index().SetUnique(true).SetName("idempotency_key")},
		mongo.IndexModel{Keys: bson.D{{Key: "status", Value: 1}, {Key: "createdAt", Value: -1}}, Options: options.Index().SetName("status_created")},
		mongo.IndexModel{Keys: bson.D{{Key: "opportunityCode", Value: 1}}, Options: options.Index().SetName("opportunity_code")},
	)
}

// doc is an opportunity as stored: the opportunity plus fields derived from
// it for querying (searchText, capitalBand, capitalVND). The version, the
// history and the indexer's mark are the record's (internal/record).
type doc struct {
	Opportunity `bson:",inline"`
	SearchText  string `bson:"searchText"`
	CapitalBand string `bson:"capitalBand"`
	CapitalVND  int64  `bson:"capitalVND"`
}

// derived returns the fields the store keeps from o for querying.
func derived(o *Opportunity) bson.D {
	return bson.D{
		{Key: "searchText", Value: o.SearchText()},
		{Key: "capitalBand", Value: o.CapitalBand()},
		{Key: "capitalVND", Value: VNDEquivalent(o.IndicativeCapital)},
	}
}

func normalizeTimes(o *Opportunity) {
	o.PublishedAt = o.PublishedAt.UTC().Truncate(time.Millisecond)
	if !o.VerifiedAt.IsZero() {
		o.VerifiedAt = o.VerifiedAt.UTC().Truncate(time.Millisecond)
	}
}

// Create validates and stores a new opportunity at version 1, waiting to be
// indexed, with an empty history. It sets o's CreatedAt, UpdatedAt and
// Version. A code already in use is a conflict on the code field.
func (s *Store) Create(ctx context.Context, o *Opportunity) error {
	if err := o.Validate(); err != nil {
		return err
	}
	normalizeTimes(o)
	now := s.stamp()
	o.CreatedAt, o.UpdatedAt, o.Version = now, now, 1
	d := doc{Opportunity: *o, SearchText: o.SearchText(), CapitalBand: o.CapitalBand(),
		CapitalVND: VNDEquivalent(o.IndicativeCapital)}
	err := s.opps.Insert(ctx, d, nil)
	if changelog.MayHaveWritten(err) {
		s.written(o.Code)
	}
	if err != nil {
		if mongodb.IsDuplicateKey(err) {
			return &apperr.Error{Code: apperr.CodeConflict, MessageID: "opportunity.error.duplicate_code",
				Fields: map[string]string{"code": "opportunity.error.duplicate_code"}}
		}
		return err
	}
	return nil
}

// Get returns the opportunity with the code, or a not-found error.
func (s *Store) Get(ctx context.Context, code string) (*Opportunity, error) {
	var o Opportunity
	if err := s.opps.Get(ctx, code, &o); err != nil {
		return nil, err
	}
	return &o, nil
}

// Sort orders of List.
const (
	// SortNewest puts the most recently published first (the default).
	SortNewest = "newest"
	// SortCapitalDesc puts the largest indicative capital (in VND
	// equivalent) first.
	SortCapitalDesc = "capital_desc"
	// SortCapitalAsc puts the smallest indicative capital first.
	SortCapitalAsc = "capital_asc"
	// SortCode orders by code.
	SortCode = "code"
	// SortUpdated puts the most recently changed first.
	SortUpdated = "updated"
)

// Sorts lists the sort orders List accepts.
var Sorts = []string{SortNewest, SortCapitalDesc, SortCapitalAsc, SortCode, SortUpdated}

// Paging limits.
const (
	DefaultPerPage = 20
	MaxPerPage     = 100
	// MaxQueryLen is the longest fallback text query, in characters.
	MaxQueryLen = 200
	// maxQueryTerms bounds the words of a fallback text query.
	maxQueryTerms = 12
)

// Filter selects opportunities. Within one list the values are
// alternatives (any of); the lists and Text must all hold. An empty list
// does not filter.
type Filter struct {
	Sectors   []string
	Locations []string
	// Units are current units' slugs; Provinces former provinces' keys.
	Units        []string
	Provinces    []string
	Forms        []string
	CapitalBands []string
	Statuses     []string
	// Text is matched word by word, each word anywhere in the folded
	// searchText, so case and diacritics do not matter: "van phong" finds
	// "Vân Phong". It serves when the search engine is unavailable.
	Text    string
	Sort    string
	Page    int
	PerPage int
}

// Normalize fills defaults (page 1, DefaultPerPage, SortNewest), caps
// PerPage at MaxPerPage, and rejects unknown codes, naming the field.
func (f *Filter) Normalize() error {
	fs := apperr.Fields{}
	check := func(name string, vals, known []string) {
		for _, v := range vals {
			if !slices.Contains(known, v) {
				fs.Add(name, "error.field.invalid")
			}
		}
	}
	check("sector", f.Sectors, project.Sectors)
	check("location", f.Locations, place.Locations)
	for _, u := range f.Units {
		if !place.ValidUnit(u) {
			fs.Add("unit", place.UnitError)
		}
	}
	check("province", f.Provinces, place.Provinces)
	check("form", f.Forms, InvestmentForms)
	check("capital", f.CapitalBands, CapitalBands)
	check("status", f.Statuses, Statuses)
	f.Text = strings.TrimSpace(f.Text)
	if utf8.RuneCountInString(f.Text) > MaxQueryLen {
		fs.Add("q", "error.field.too_long")
	}
	if f.Sort == "" {
		f.Sort = SortNewest
	}
	if !slices.Contains(Sorts, f.Sort) {
		fs.Add("sort", "error.field.invalid")
	}
	f.Page, f.PerPage = paging.Bounds(f.Page, f.PerPage, DefaultPerPage, MaxPerPage)
	return fs.Err()
}

// facet names, also the keys of the filter conditions.
const (
	facetSector   = "sector"
	facetLocation = "location"
	facetUnit     = "unit"
	facetProvince = "province" // derived from the location, not stored
	facetForm     = "investmentForms"
	facetBand     = "capitalBand"
	facetStatus   = "status"
)

// query builds the MongoDB filter for f, leaving out the facet named in
// skip ("" leaves out nothing).
func (f *Filter) query(skip string) bson.D {
	var and bson.A
	in := func(field string, vals []string) {
		if field == skip || len(vals) == 0 {
			return
		}
		and = append(and, bson.D{{Key: field, Value: bson.D{{Key: "$in", Value: vals}}}})
	}
	in(facetSector, f.Sectors)
	in(facetLocation, f.Locations)
	in(facetUnit, f.Units)
	if len(f.Provinces) > 0 && skip != facetProvince {
		// The province is derived from the former district.
		and = append(and, bson.D{{Key: facetLocation, Value: bson.D{{Key: "$in", Value: provinceLocations(f.Provinces)}}}})
	}
	in(facetForm, f.Forms)
	in(facetBand, f.CapitalBands)
	in(facetStatus, f.Statuses)
	terms := strings.Fields(Fold(f.Text))
	if len(terms) > maxQueryTerms {
		terms = terms[:maxQueryTerms]
	}
	for _, t := range terms {
		and = append(and, bson.D{{Key: "searchText", Value: bson.D{
			{Key: "$regex", Value: regexp.QuoteMeta(t)}, {Key: "$options", Value: "i"},
		}}})
	}
	if len(and) == 0 {
		return bson.D{}
	}
	return bson.D{{Key: "$and", Value: and}}
}

// Page is one page of a list and how many items match in all.
type Page[T any] struct {
	Items   []T   `json:"items"`
	Total   int64 `json:"total"`
	Page    int   `json:"page"`
	PerPage int   `json:"perPage"`
}

// ListResult is one page of opportunities.
type ListResult = Page[Opportunity]

// List returns the page of opportunities f selects, in f's order, and the
// number that match. It is also the fallback search when the search engine
// is down. A list without text is kept until the next write (see
// catalogue.go), so the catalogue's pages read the database once per
// write.
func (s *Store) List(ctx context.Context, f Filter) (*ListResult, error) {
	if err := f.Normalize(); err != nil {
		return nil, err
	}
	if f.Text != "" {
		return s.list(ctx, f)
	}
	m := s.catalogueModel()
	m.follow.Lock()
	if err := m.sync(ctx); err != nil {
		m.follow.Unlock()
		return nil, err
	}
	k := f.key()
	if r, ok := m.lists[k]; ok {
		m.follow.Unlock()
		return cloneList(r), nil
	}
	v := m.version
	m.follow.Unlock()
	res, err := s.list(ctx, f)
	if err != nil {
		return nil, err
	}
	m.follow.Lock()
	if m.version == v && len(m.lists) < maxCachedLists {
		m.lists[k] = cloneList(res)
	}
	m.follow.Unlock()
	return res, nil
}

// FacetCounts holds, for each facet, how many opportunities have each
// value. A value with no opportunity is absent.
type FacetCounts struct {
	Sector   map[string]int64 `json:"sector"`
	Location map[string]int64 `json:"location"`
	Unit     map[string]int64 `json:"unit"`
	// Province counts by former province (derived from the location).
	Province    map[string]int64 `json:"province"`
	Form        map[string]int64 `json:"form"`
	CapitalBand map[string]int64 `json:"capitalBand"`
	Status      map[string]int64 `json:"status"`
}

// Facets counts, per facet value, the opportunities that match f with that
// facet's own selection left out (so the other values of a facet one has
// already narrowed stay visible with their counts); the text and the other
// facets apply. An opportunity counts once for each of its investment
// forms. It adds up the catalogue's read model (catalogue.go) and reads
// nothing but the changelog's head, at most once per CatalogueMaxAge/2.
func (s *Store) Facets(ctx context.Context, f Filter) (*FacetCounts, error) {
	if err := f.Normalize(); err != nil {
		return nil, err
	}
	m := s.catalogueModel()
	m.follow.Lock()
	defer m.follow.Unlock()
	if err := m.sync(ctx); err != nil {
		return nil, err
	}
	k := f.key()
	fc, ok := m.facets[k]
	if !ok {
		fc = m.count(&f)
		if len(m.facets) < maxCachedLists {
			m.facets[k] = fc
		}
	}
	return fc.clone(), nil
}

// Actions of history entries.
const (
	// ActionEdit is an edit of the opportunity's fields (Update), and
	// every entry written before actions were recorded.
	ActionEdit = "edit"
	// ActionLink links or unlinks the licensed project (LinkProject).
	ActionLink = "link_project"
	// ActionAnswer marks an enquiry answered.
	ActionAnswer = "answer"
)

// Update applies changes to the opportunity at the given version, records
// the changed fields in its history with actor and reason, and returns the
// new state. Everything is checked before anything is written: a version
// other than the stored one is a conflict, an invalid field an error
// naming it, and in both cases nothing is written. Changes that change
// nothing write nothing. A linked project code (Changes.ProjectCode) must
// name an existing project; the caller checks that, as this package does
// not read projects.
func (s *Store) Update(ctx context.Context, code string, version int64, ch Changes, actor record.Actor, reason string) (*Opportunity, error) {
	reason, err := checkActor(actor, reason)
	if err != nil {
		return nil, err
	}
	old, err := s.Get(ctx, code)
	if err != nil {
		return nil, err
	}
	if old.Version != version {
		return nil, s.opps.Conflict()
	}
	next := ch.Apply(*old)
	if err := next.Validate(); err != nil {
		return nil, err
	}
	normalizeTimes(&next)
	return s.write(ctx, old, &next, ActionEdit, actor, reason)
}

// checkActor checks who makes a change and why, and returns the reason
// trimmed.
func checkActor(actor record.Actor, reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	fs := apperr.Fields{}
	if strings.TrimSpace(actor.ID) == "" {
		fs.Add("actor", "error.field.required")
	}
	checkField(fs, "reason", reason, MaxIncentive, false, multiLine)
	return reason, fs.Err()
}

// write stores next over old, if old's version is still the stored one,
// with the history entry in the same update. Nothing changed means
// nothing written.
func (s *Store) write(ctx context.Context, old, next *Opportunity, action string, by record.Actor, note string) (*Opportunity, error) {
	changes := Diff(old, next)
	if len(changes) == 0 {
		return old, nil
	}
	next.UpdatedAt = s.stamp()
	set := bson.D{}
	for _, kv := range mustFields(next) {
		switch kv.Key {
		case "code", "createdAt", record.FieldVersion:
			continue
		}
		set = append(set, kv)
	}
	// zone and projectCode are omitted when empty; store the empty value
	// so that clearing one does not keep its old value.
	if next.Zone == "" {
		set = append(set, bson.E{Key: "zone", Value: ""})
	}
	if next.ProjectCode == "" {
		set = append(set, bson.E{Key: "projectCode", Value: ""})
	}
	set = append(set, derived(next)...)
	entry := &record.Change{At: next.UpdatedAt, By: by, Action: action, Fields: changes, Note: note}
	err := s.opps.Update(ctx, old.Code, old.Version, record.Write{Set: set, Entry: entry})
	if changelog.MayHaveWritten(err) {
		s.written(old.Code)
	}
	if err != nil {
		return nil, err
	}
	next.Version = old.Version + 1
	return next, nil
}

// mustFields marshals o into its stored fields. Marshalling a plain struct
// cannot fail; a failure would be a programming error.
func mustFields(o *Opportunity) bson.D {
	raw, err := bson.Marshal(o)
	if err != nil {
		panic(fmt.Sprintf("opportunity: marshal: %v", err))
	}
	var d bson.D
	if err := bson.Unmarshal(raw, &d); err != nil {
		panic(fmt.Sprintf("opportunity: unmarshal: %v", err))
	}
	return d
}

// storedChange reads a history entry as record writes it and as older
// code wrote it, in the document or in the opportunity_history
// collection: "actor" (a string, the e-mail address of the user),
// "reason" and "changes" where record has "by", "note" and "fields".
type storedChange struct {
	record.Change `bson:",inline"`
	Actor         string               `bson:"actor"`
	Reason        string               `bson:"reason"`
	Changes       []record.FieldChange `bson:"changes"`
}

// change converts an entry of either shape into a record.Change.
func (h storedChange) change() record.Change {
	c := h.Change
	if c.By == (record.Actor{}) && h.Actor != "" {
		c.By = record.Actor{ID: h.Actor}
		if strings.Contains(h.Actor, "@") {
			c.By.Email = h.Actor
		} else {
			c.By.Name = h.Actor
		}
	}
	c.Note = cmp.Or(c.Note, h.Reason)
	if c.Fields == nil {
		c.Fields = h.Changes
	}
	if c.Fields == nil {
		c.Fields = []record.FieldChange{}
	}
	c.Action = cmp.Or(c.Action, ActionEdit)
	return c
}

// History returns the recorded writes to an opportunity, oldest first. An
// unknown code gives a not-found error. Entries written before the history
// moved into the opportunity's document are read from the
// opportunity_history collection; an entry in the document wins over one
// there of the same version, as only the document's entries were written
// together with their change.
func (s *Store) History(ctx context.Context, code string) ([]record.Change, error) {
	var inDoc []storedChange
	if err := s.opps.History(ctx, code, &inDoc); err != nil {
		return nil, err
	}
	cur, err := s.history.Find(ctx, bson.D{{Key: "code", Value: code}})
	if err != nil {
		return nil, apperr.Internal(fmt.Errorf("find history of %s: %w", code, err))
	}
	var legacy []storedChange
	if err := cur.All(ctx, &legacy); err != nil {
		return nil, apperr.Internal(fmt.Errorf("read history of %s: %w", code, err))
	}
	byVersion := map[int64]record.Change{}
	for _, h := range append(legacy, inDoc...) {
		byVersion[h.Version] = h.change()
	}
	out := slices.SortedFunc(maps.Values(byVersion), func(a, b record.Change) int { return cmp.Compare(a.Version, b.Version) })
	return out, nil
}

// LinkProject records that the opportunity became the licensed project
// projectCode (an empty projectCode removes the link), bumping the version
// and adding a history entry by actor in the same write. It needs no
// version from the caller: the link is made on whatever version is stored
// (read, then written if still that version, a few times over if other
// processes keep writing). The caller checks that the project exists.
func (s *Store) LinkProject(ctx context.Context, code, projectCode string, actor record.Actor) (*Opportunity, error) {
	projectCode = strings.TrimSpace(projectCode)
	if projectCode != "" && !project.ValidCode(projectCode) {
		return nil, apperr.Fields{"project_code": "opportunity.error.project_code"}.Err()
	}
	if _, err := checkActor(actor, ""); err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		old, err := s.Get(ctx, code)
		if err != nil {
			return nil, err
		}
		next := *old
		next.ProjectCode = projectCode
		o, err := s.write(ctx, old, &next, ActionLink, actor, "")
		if err == nil || !errors.Is(err, apperr.ErrConflict) || attempt == 2 {
			return o, err
		}
	}
}

// PendingIndex returns up to limit opportunities whose search-index entry is
// behind (written since last indexed), oldest change first. The indexer
// indexes each and calls MarkIndexed with the version it indexed; after a
// crash it simply asks again.
func (s *Store) PendingIndex(ctx context.Context, limit int) ([]Opportunity, error) {
	if limit < 1 {
		limit = DefaultPerPage
	}
	if s.marksApart() {
		return s.pendingApart(ctx, limit)
	}
	items := []Opportunity{}
	err := s.opps.Pending(ctx, limit, bson.D{{Key: "updatedAt", Value: 1}, {Key: "code", Value: 1}}, &items)
	return items, err
}

// CountPendingIndex counts the opportunities whose search-index entry is
// behind.
func (s *Store) CountPendingIndex(ctx context.Context) (int64, error) {
	if s.marksApart() {
		heads, err := s.pendingHeads(ctx)
		return int64(len(heads)), err
	}
	return s.opps.CountPending(ctx)
}

// MarkIndexed records that the search index holds each opportunity (ID is
// its code) at the version given. A mark only takes effect while that
// version is still the stored one; an opportunity written since stays
// pending. Either way it returns nil unless the database fails.
func (s *Store) MarkIndexed(ctx context.Context, done ...record.Indexed) error {
	if s.marksApart() {
		return s.markIndexedApart(ctx, done)
	}
	return s.opps.MarkIndexed(ctx, done...)
}

// MarkAllForIndex makes every opportunity pending again, for a full rebuild
// of the search index, and returns how many there are.
func (s *Store) MarkAllForIndex(ctx context.Context) (int64, error) {
	if s.marksApart() {
		return s.markAllApart(ctx)
	}
	return s.opps.MarkAllForIndex(ctx)
}

// ByProject returns the opportunities that became the licensed project
// with the code, in code order, so the project page can link back to them:
// from the catalogue's rows.
func (s *Store) ByProject(ctx context.Context, projectCode string) ([]Opportunity, error) {
	out := []Opportunity{}
	err := s.readCatalogue(ctx, func(m *catalogueModel) {
		for _, r := range m.rows {
			if r.item.ProjectCode == projectCode && projectCode != "" {
				out = append(out, *r.item)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b Opportunity) int { return strings.Compare(a.Code, b.Code) })
	return out, nil
}

// provinceLocations lists the former districts of the former provinces.
func provinceLocations(provinces []string) []string {
	var out []string
	for _, l := range place.Locations {
		if slices.Contains(provinces, place.ProvinceOf(l)) {
			out = append(out, l)
		}
	}
	return out
}
