// Package record is the one way the domains store a versioned record (a
// project, an opportunity, an obstacle, a user): a write is one updateOne
// filtered on the version the caller read, which in the same step sets the
// new fields, appends the history entry (who, when, what changed, a public
// or internal note), bumps the version and marks the record for the search
// indexer. The caller gets nil, or a typed conflict (HTTP 412 / 409) or
// not-found. Every domain's history, ETag and precondition handling
// therefore look the same.
//
// Only the update itself needs to be atomic: two callers that read the same
// version both compute their change, the first write matches the version
// and the second matches nothing and gets a conflict. MongoDB makes a
// filtered update atomic by itself; on the embedded FerretDB (an update is a
// read then a write there) Update serializes writes to one document in this
// process (mongodb.LockDocument), which that database serves alone.
package record

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Stored field names shared by every versioned record.
const (
	FieldVersion    = "version"
	FieldHistory    = "history"
	FieldNeedsIndex = "needsIndex"
)

// Actor is who made a change: a user (ID, Name, Email, Role) or the
// system ("system") or an anonymous filer ("filer").
type Actor struct {
	ID    string `json:"id" bson:"id"`
	Name  string `json:"name,omitempty" bson:"name,omitempty"`
	Email string `json:"email,omitempty" bson:"email,omitempty"`
	Role  string `json:"role,omitempty" bson:"role,omitempty"`
}

// FieldChange is one field's value before and after a write, as text.
type FieldChange struct {
	Field string `json:"field" bson:"field"`
	From  string `json:"from" bson:"from"`
	To    string `json:"to" bson:"to"`
}

// Change is one history entry. Version is the version the write produced.
// Note is the reason or comment given with the write; Internal keeps it
// (and the entry) from the public.
type Change struct {
	Version  int64         `json:"version" bson:"version"`
	At       time.Time     `json:"at" bson:"at"`
	By       Actor         `json:"by" bson:"by"`
	Action   string        `json:"action" bson:"action"`
	Fields   []FieldChange `json:"fields" bson:"fields"`
	Note     string        `json:"note,omitempty" bson:"note,omitempty"`
	Internal bool          `json:"internal,omitempty" bson:"internal,omitempty"`
}

// Entry is a history entry: a Change, or a domain type that embeds one
// (inline) and adds its own fields.
type Entry interface{ Head() *Change }

// Head returns the change itself.
func (c *Change) Head() *Change { return c }

// Diff collects field changes; Add keeps only fields whose text differs.
type Diff []FieldChange

// Add records field if from and to differ.
func (d *Diff) Add(field, from, to string) {
	if from != to {
		*d = append(*d, FieldChange{Field: field, From: from, To: to})
	}
}

// Options describe a collection of versioned records.
type Options struct {
	// Key is the field that names a record: "_id" (the default) or a
	// unique field such as "code".
	Key string
	// NotFound and Conflict are the message ids of the errors for a
	// missing record and a stale version.
	NotFound, Conflict string
	// History is the field that holds the history array ("history" by
	// default; an obstacle's is its "timeline").
	History string
	// Unindexed records are not in the search index: writes do not mark
	// them pending.
	Unindexed bool
	// Lookup, for a Key other than _id, finds a record's _id from its key
	// in the caller's memory (found false: no such record), so that Get,
	// History and Update select it by _id alone: on the embedded FerretDB
	// any other filter reads and decodes every document of the collection.
	Lookup func(ctx context.Context, key any) (id any, found bool, err error)
}

// Collection stores versioned records of one kind.
type Collection struct {
	c       *mongo.Collection
	opts    Options
	onWrite func()
}

// New returns the versioned store over c.
func New(c *mongo.Collection, o Options) *Collection {
	if o.Key == "" {
		o.Key = "_id"
	}
	if o.NotFound == "" {
		o.NotFound = "error.not_found"
	}
	if o.Conflict == "" {
		o.Conflict = "error.conflict"
	}
	if o.History == "" {
		o.History = FieldHistory
	}
	return &Collection{c: c, opts: o}
}

// Mongo returns the underlying collection, for the domain's queries.
func (c *Collection) Mongo() *mongo.Collection { return c.c }

// OnWrite sets fn to be called after every successful write (the search
// indexer's wake-up, so the index catches up at once); it must not block.
// Call it before the collection is used.
func (c *Collection) OnWrite(fn func()) { c.onWrite = fn }

func (c *Collection) written() {
	if c.onWrite != nil {
		c.onWrite()
	}
}

// where returns the filter that selects the record named key, and
// whether it selects by _id alone.
func (c *Collection) where(ctx context.Context, key any) (bson.D, bool, error) {
	if c.opts.Key == "_id" {
		return bson.D{{Key: "_id", Value: key}}, true, nil
	}
	if c.opts.Lookup == nil {
		return bson.D{{Key: c.opts.Key, Value: key}}, false, nil
	}
	id, found, err := c.opts.Lookup(ctx, key)
	switch {
	case err != nil:
		return nil, false, err
	case !found:
		return nil, false, c.NotFound()
	}
	return bson.D{{Key: "_id", Value: id}}, true, nil
}

// NotFound returns the collection's not-found error.
func (c *Collection) NotFound() error { return apperr.NotFound(c.opts.NotFound) }

// Conflict returns the collection's stale-version error.
func (c *Collection) Conflict() error { return apperr.Conflict(c.opts.Conflict) }

// Indexes are the indexes every versioned collection needs (the
// indexer's pending marker); add them to the domain's EnsureIndexes.
func Indexes(prefix string) []mongodb.Index {
	return []mongodb.Index{{
		Keys:    bson.D{{Key: FieldNeedsIndex, Value: 1}},
		Options: options.Index().SetName(prefix + "_needs_index"),
	}}
}

// Insert stores doc as version 1 with first as its first history entry,
// marked for the indexer. A nil first starts an empty history (for
// domains whose history lists only changes after creation). doc must
// marshal to a document with the record's own fields; its version field,
// if any, is overwritten. A duplicate key comes back as the driver's error
// (mongodb.IsDuplicateKey).
func (c *Collection) Insert(ctx context.Context, doc any, first Entry) error {
	d, err := toD(doc)
	if err != nil {
		return err
	}
	hist := bson.A{}
	if first != nil {
		first.Head().Version = 1
		hist = append(hist, first)
	}
	d = setKey(d, FieldVersion, int64(1))
	d = setKey(d, c.opts.History, hist)
	if !c.opts.Unindexed {
		d = setKey(d, FieldNeedsIndex, true)
	}
	if _, err := c.c.InsertOne(ctx, d); err != nil {
		if mongodb.IsDuplicateKey(err) {
			return err
		}
		return apperr.Internal(fmt.Errorf("insert into %s: %w", c.c.Name(), err))
	}
	c.written()
	return nil
}

// Write is one versioned update.
type Write struct {
	// Set and Unset change the record's fields.
	Set   bson.D
	Unset []string
	// Entry is appended to the history; its Version is filled in.
	Entry Entry
	// Push appends to other arrays in the same step (field → value).
	Push bson.D
}

// Update applies w to the record id if its stored version is still read:
// in one updateOne it sets the fields, appends the entry, sets the version
// to read+1 and marks the record for the indexer. A stale version is the
// collection's conflict, a missing record its not-found; in both cases
// nothing is written.
func (c *Collection) Update(ctx context.Context, id any, read int64, w Write) error {
	set := append(bson.D{}, w.Set...)
	set = append(set, bson.E{Key: FieldVersion, Value: read + 1})
	if !c.opts.Unindexed {
		set = append(set, bson.E{Key: FieldNeedsIndex, Value: true})
	}
	push := bson.D{}
	if w.Entry != nil {
		w.Entry.Head().Version = read + 1
		push = append(push, bson.E{Key: c.opts.History, Value: w.Entry})
	}
	push = append(push, w.Push...)
	update := bson.D{{Key: "$set", Value: set}}
	if len(push) > 0 {
		update = append(update, bson.E{Key: "$push", Value: push})
	}
	if len(w.Unset) > 0 {
		unset := bson.D{}
		for _, f := range w.Unset {
			unset = append(unset, bson.E{Key: f, Value: ""})
		}
		update = append(update, bson.E{Key: "$unset", Value: unset})
	}
	where, byID, err := c.where(ctx, id)
	if err != nil {
		return err
	}
	filter := append(slices.Clone(where), bson.E{Key: FieldVersion, Value: read})
	c.lookupIndex(ctx)
	unlock := mongodb.LockDocument(c.c, id)
	if !mongodb.FeaturesOf(c.c.Database()).IsolatedUpdates() {
		if filter, err = c.checkVersion(ctx, where, byID, read); err != nil {
			unlock()
			return err
		}
	}
	res, err := c.c.UpdateOne(ctx, filter, update)
	unlock()
	if err != nil {
		if mongodb.IsDuplicateKey(err) {
			return err
		}
		return apperr.Internal(fmt.Errorf("update %s %v: %w", c.c.Name(), id, err))
	}
	if res.MatchedCount == 0 {
		return c.missOrStale(ctx, where)
	}
	c.written()
	return nil
}

// checkVersion is the version check of an update on the embedded
// FerretDB, made under the document's lock: it reads the stored version by
// where and returns the filter for the update, or the conflict or not-found.
// FerretDB pushes only a filter of exactly {_id: id} down to SQLite (an
// indexed read with the lookup index, see mongodb.EnsureLookupIndex); for
// {_id, version}, or any other filter, it reads and decodes every document
// of the collection (5-9 s over 73,500 projects). Under the lock the
// version read here is the one the update sees, so the update filters on
// _id alone.
func (c *Collection) checkVersion(ctx context.Context, where bson.D, byID bool, read int64) (bson.D, error) {
	var cur struct {
		Version int64 `bson:"version"`
	}
	err := c.c.FindOne(ctx, where,
		options.FindOne().SetProjection(bson.D{{Key: FieldVersion, Value: 1}})).Decode(&cur)
	switch {
	case mongodb.IsNoDocuments(err):
		return nil, c.NotFound()
	case err == nil && cur.Version != read:
		return nil, c.Conflict()
	case err == nil && byID:
		return where, nil
	}
	// Another filter, or a failed read: the update checks the version itself.
	return append(slices.Clone(where), bson.E{Key: FieldVersion, Value: read}), nil
}

// lookupIndex makes the embedded database's lookups of a record by _id
// indexed reads (mongodb.EnsureLookupIndex), once per collection. A
// failure costs only speed, so it does not fail the caller.
func (c *Collection) lookupIndex(ctx context.Context) {
	_ = mongodb.EnsureLookupIndex(ctx, c.c)
}

// missOrStale tells a vanished record from a stale version.
func (c *Collection) missOrStale(ctx context.Context, where bson.D) error {
	n, err := c.c.CountDocuments(ctx, where, options.Count().SetLimit(1))
	if err != nil {
		return apperr.Internal(fmt.Errorf("count %s %v: %w", c.c.Name(), where, err))
	}
	if n == 0 {
		return c.NotFound()
	}
	return c.Conflict()
}

// Get decodes the record id, without its history, into dst.
func (c *Collection) Get(ctx context.Context, id any, dst any) error {
	where, _, err := c.where(ctx, id)
	if err != nil {
		return err
	}
	c.lookupIndex(ctx)
	err = c.c.FindOne(ctx, where,
		options.FindOne().SetProjection(c.NoHistory())).Decode(dst)
	if mongodb.IsNoDocuments(err) {
		return c.NotFound()
	}
	if err != nil {
		return apperr.Internal(fmt.Errorf("read %s %v: %w", c.c.Name(), id, err))
	}
	return nil
}

// NoHistory is the projection that leaves the history out of a read.
func (c *Collection) NoHistory() bson.D { return bson.D{{Key: c.opts.History, Value: 0}} }

// History decodes the record's history, oldest first, into dst (a pointer
// to a slice of Change or of a domain entry type).
func (c *Collection) History(ctx context.Context, id any, dst any) error {
	where, _, err := c.where(ctx, id)
	if err != nil {
		return err
	}
	c.lookupIndex(ctx)
	var doc bson.Raw
	err = c.c.FindOne(ctx, where,
		options.FindOne().SetProjection(bson.D{{Key: c.opts.History, Value: 1}})).Decode(&doc)
	if mongodb.IsNoDocuments(err) {
		return c.NotFound()
	}
	if err != nil {
		return apperr.Internal(fmt.Errorf("read history of %s %v: %w", c.c.Name(), id, err))
	}
	hist, err := doc.LookupErr(c.opts.History)
	if err != nil || hist.Type == bson.TypeNull {
		return nil // no history stored yet
	}
	if err := hist.Unmarshal(dst); err != nil {
		return apperr.Internal(fmt.Errorf("decode history of %s %v: %w", c.c.Name(), id, err))
	}
	return nil
}

// Pending decodes up to limit records whose search-index entry is behind
// (marked by a write, not yet indexed) into dst, a pointer to a slice,
// without their history, in the order of sort.
func (c *Collection) Pending(ctx context.Context, limit int, sort bson.D, dst any) error {
	opts := options.Find().SetProjection(c.NoHistory()).SetSort(sort)
	if limit > 0 {
		opts.SetLimit(int64(limit))
	}
	cur, err := c.c.Find(ctx, bson.D{{Key: FieldNeedsIndex, Value: true}}, opts)
	if err != nil {
		return apperr.Internal(fmt.Errorf("find pending %s: %w", c.c.Name(), err))
	}
	if err := cur.All(ctx, dst); err != nil {
		return apperr.Internal(fmt.Errorf("read pending %s: %w", c.c.Name(), err))
	}
	return nil
}

// CountPending counts the records the indexer has yet to index.
func (c *Collection) CountPending(ctx context.Context) (int64, error) {
	n, err := c.c.CountDocuments(ctx, bson.D{{Key: FieldNeedsIndex, Value: true}})
	if err != nil {
		return 0, apperr.Internal(fmt.Errorf("count pending %s: %w", c.c.Name(), err))
	}
	return n, nil
}

// Indexed is a record's id and the version the index now holds.
type Indexed struct {
	ID      any
	Version int64
}

// MarkIndexed clears the pending mark of each record whose stored version
// is still the one indexed; a record written since stays pending.
func (c *Collection) MarkIndexed(ctx context.Context, done ...Indexed) error {
	if len(done) == 0 {
		return nil
	}
	filter := func(d Indexed) bson.D {
		return bson.D{{Key: c.opts.Key, Value: d.ID}, {Key: FieldVersion, Value: d.Version}}
	}
	clear := bson.D{{Key: "$set", Value: bson.D{{Key: FieldNeedsIndex, Value: false}}}}
	if !mongodb.FeaturesOf(c.c.Database()).IsolatedUpdates() {
		// One locked update each: on the embedded database a write between
		// the read and the write of a batch would be marked indexed. Records
		// keyed by _id have their version checked first (see checkVersion),
		// so the update is an indexed read rather than a pass over the
		// collection; so do records of another key found by Lookup.
		c.lookupIndex(ctx)
		for _, d := range done {
			if err := c.markIndexedLocked(ctx, d, clear); err != nil {
				return apperr.Internal(fmt.Errorf("mark %s indexed: %w", c.c.Name(), err))
			}
		}
		return nil
	}
	models := make([]mongo.WriteModel, len(done))
	for i, d := range done {
		models[i] = mongo.NewUpdateOneModel().SetFilter(filter(d)).SetUpdate(clear)
	}
	if _, err := c.c.BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false)); err != nil {
		return apperr.Internal(fmt.Errorf("mark %s indexed: %w", c.c.Name(), err))
	}
	return nil
}

// markIndexedLocked clears one record's mark on the embedded database,
// under the record's lock, if its stored version is still d's.
func (c *Collection) markIndexedLocked(ctx context.Context, d Indexed, clear bson.D) error {
	unlock := mongodb.LockDocument(c.c, d.ID)
	defer unlock()
	where, byID, err := c.where(ctx, d.ID)
	if err == nil {
		where, err = c.checkVersion(ctx, where, byID, d.Version)
	}
	switch {
	case errors.Is(err, apperr.ErrNotFound), errors.Is(err, apperr.ErrConflict):
		return nil // gone, or written since and so still pending
	case err != nil:
		return err
	}
	_, err = c.c.UpdateOne(ctx, where, clear)
	return err
}

// MarkAllForIndex marks every record pending, for a rebuild of the index,
// and returns how many there are.
func (c *Collection) MarkAllForIndex(ctx context.Context) (int64, error) {
	res, err := c.c.UpdateMany(ctx, bson.D{}, bson.D{{Key: "$set", Value: bson.D{{Key: FieldNeedsIndex, Value: true}}}})
	if err != nil {
		return 0, apperr.Internal(fmt.Errorf("mark %s for indexing: %w", c.c.Name(), err))
	}
	return res.MatchedCount, nil
}

// ETag is the strong validator of a record's version: "<id>-v<version>".
func ETag(id string, version int64) string {
	return `"` + id + "-v" + strconv.FormatInt(version, 10) + `"`
}

// VersionOf reads the version out of an ETag made by ETag for id; ok is
// false for any other text (another record's tag, a weak tag, garbage).
func VersionOf(tag, id string) (version int64, ok bool) {
	inner, found := strings.CutPrefix(tag, `"`+id+"-v")
	if !found {
		return 0, false
	}
	digits, found := strings.CutSuffix(inner, `"`)
	if !found || digits == "" || len(digits) > 18 {
		return 0, false
	}
	v, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || v < 1 || digits[0] == '+' || digits[0] == '0' {
		return 0, false
	}
	return v, true
}

// toD marshals v into a document.
func toD(v any) (bson.D, error) {
	raw, err := bson.Marshal(v)
	if err != nil {
		return nil, apperr.Internal(fmt.Errorf("marshal record: %w", err))
	}
	var d bson.D
	if err := bson.Unmarshal(raw, &d); err != nil {
		return nil, apperr.Internal(fmt.Errorf("unmarshal record: %w", err))
	}
	return d, nil
}

// setKey sets key in d, replacing an existing value.
func setKey(d bson.D, key string, v any) bson.D {
	for i := range d {
		if d[i].Key == key {
			d[i].Value = v
			return d
		}
	}
	return append(d, bson.E{Key: key, Value: v})
}
