// Package inbox keeps each staff member's in-portal notifications: one
// document per recipient (its _id is the user's id) holding the newest
// items and the unread count. Reading an inbox, its count or marking an
// item read touches that one document by _id, the cheap read on both
// MongoDB and the embedded FerretDB (which decodes every document for any
// other filter). Items store a message id and its arguments, never
// rendered text, so each reader sees them in their own language.
package inbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/bilingual"
	"github.com/khanhhoa/investportal/internal/i18n"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Collection holds one inbox document per recipient.
const Collection = "inbox"

// MaxItems is how many items an inbox keeps; older ones drop off.
const MaxItems = 200

// Kinds of item. Each has the message id "inbox.item.<kind>".
const (
	KindObstacleFiled    = "obstacle_filed"    // a business filed a report (task force)
	KindObstacleAssigned = "obstacle_assigned" // a report was assigned to the agency
	KindObstacleAnswered = "obstacle_answered" // the business answered or wrote on a report
	KindEnquiry          = "enquiry"           // an investor sent an enquiry (board)
)

// Item is one notification.
type Item struct {
	// ID names the event, so the same event told twice is kept once.
	ID   string `json:"id" bson:"id"`
	Kind string `json:"kind" bson:"kind"`
	// Args fill the message's placeholders.
	Args map[string]string `json:"args,omitempty" bson:"args,omitempty"`
	// Texts are placeholders with a text in each language (an
	// opportunity's title); where the reader's language has none the
	// Vietnamese is shown, tagged [VI].
	Texts map[string]bilingual.Text `json:"texts,omitempty" bson:"texts,omitempty"`
	// Link is the path of the thing, without the language prefix.
	Link      string     `json:"link" bson:"link"`
	CreatedAt time.Time  `json:"createdAt" bson:"createdAt"`
	ReadAt    *time.Time `json:"readAt,omitempty" bson:"readAt,omitempty"`
}

// MessageID is the locale message that titles the item.
func (it Item) MessageID() string { return "inbox.item." + it.Kind }

// Unread reports whether the item has not been opened.
func (it Item) Unread() bool { return it.ReadAt == nil }

// ArgsFor returns the message arguments as key/value pairs for
// i18n.Localizer.T, each in lang where the item has it.
func (it Item) ArgsFor(lang string) []any {
	out := make([]any, 0, 2*(len(it.Args)+len(it.Texts)))
	for k, v := range it.Args {
		out = append(out, k, v)
	}
	for k, t := range it.Texts {
		v, fellBack := t.In(lang)
		if fellBack {
			v += " [VI]"
		}
		out = append(out, k, v)
	}
	return out
}

// Title is the item's text in l's language.
func (it Item) Title(l *i18n.Localizer) string { return l.T(it.MessageID(), it.ArgsFor(l.Lang)...) }

// Box is one recipient's inbox, newest item first.
type Box struct {
	UserID    string    `json:"userId" bson:"_id"`
	Items     []Item    `json:"items" bson:"items"`
	Unread    int       `json:"unread" bson:"unread"`
	CreatedAt time.Time `json:"createdAt" bson:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt" bson:"updatedAt"`
	Version   int64     `json:"version" bson:"version"`
}

func (b *Box) count() {
	b.Unread = 0
	for _, it := range b.Items {
		if it.Unread() {
			b.Unread++
		}
	}
}

// CountTTL bounds how stale another process's view of a count may be: a
// count is cached per user for this long, and a write by this process
// updates its cache at once.
const CountTTL = 20 * time.Second

// maxCached caps the count cache; it is emptied when full.
const maxCached = 10000

// Store reads and writes inboxes.
type Store struct {
	c   *mongo.Collection
	now func() time.Time

	mu     sync.Mutex
	counts map[string]cachedCount
	// Reads counts how many times a count was read from the database
	// (for tests of the cache).
	reads int64
}

type cachedCount struct {
	n   int
	exp time.Time
}

// NewStore returns the store of db's inboxes.
func NewStore(db *mongo.Database) *Store {
	return &Store{c: db.Collection(Collection), now: time.Now, counts: map[string]cachedCount{}}
}

// SetClock replaces the clock (tests).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// errNotFound is the inbox item that is not in the reader's own inbox.
func errNotFound() error { return apperr.NotFound("inbox.error.not_found") }

// Get returns the user's inbox; a user with none gets an empty one.
func (s *Store) Get(ctx context.Context, userID string) (Box, error) {
	var b Box
	err := s.c.FindOne(ctx, bson.D{{Key: "_id", Value: userID}}).Decode(&b)
	if mongodb.IsNoDocuments(err) {
		return Box{UserID: userID, Items: []Item{}}, nil
	}
	if err != nil {
		return Box{}, apperr.Internal(fmt.Errorf("read inbox: %w", err))
	}
	if b.Items == nil {
		b.Items = []Item{}
	}
	s.remember(userID, b.Unread)
	return b, nil
}

// Add puts it at the top of the user's inbox and reports whether it is
// new: an item whose ID is already there is not added again.
func (s *Store) Add(ctx context.Context, userID string, it Item) (bool, error) {
	if it.ID == "" || it.Kind == "" {
		return false, errors.New("inbox: item without id or kind")
	}
	if it.CreatedAt.IsZero() {
		it.CreatedAt = s.now().UTC()
	}
	added := false
	err := s.change(ctx, userID, func(b *Box) bool {
		if slices.ContainsFunc(b.Items, func(x Item) bool { return x.ID == it.ID }) {
			return false
		}
		b.Items = append([]Item{it}, b.Items...)
		if len(b.Items) > MaxItems {
			b.Items = b.Items[:MaxItems]
		}
		added = true
		return true
	})
	return added && err == nil, err
}

// MarkRead marks the item read in the user's own inbox and returns it.
// An item not in that inbox is not found, whoever else it belongs to.
func (s *Store) MarkRead(ctx context.Context, userID, itemID string) (Item, error) {
	var found *Item
	now := s.now().UTC()
	err := s.change(ctx, userID, func(b *Box) bool {
		for i := range b.Items {
			if b.Items[i].ID == itemID {
				it := b.Items[i]
				found = &it
				if it.ReadAt != nil {
					return false
				}
				b.Items[i].ReadAt = &now
				found.ReadAt = &now
				return true
			}
		}
		return false
	})
	if err != nil {
		return Item{}, err
	}
	if found == nil {
		return Item{}, errNotFound()
	}
	return *found, nil
}

// MarkAllRead marks every item of the user's inbox read and returns how
// many were unread.
func (s *Store) MarkAllRead(ctx context.Context, userID string) (int, error) {
	n := 0
	now := s.now().UTC()
	err := s.change(ctx, userID, func(b *Box) bool {
		n = 0
		for i := range b.Items {
			if b.Items[i].ReadAt == nil {
				b.Items[i].ReadAt = &now
				n++
			}
		}
		return n > 0
	})
	return n, err
}

// change reads the user's inbox, lets fn change it (fn reports whether it
// did) and writes it back filtering on the version read, retrying when
// another write came between. A missing inbox is created.
func (s *Store) change(ctx context.Context, userID string, fn func(*Box) bool) error {
	for range 20 {
		var b Box
		err := s.c.FindOne(ctx, bson.D{{Key: "_id", Value: userID}}).Decode(&b)
		fresh := mongodb.IsNoDocuments(err)
		if err != nil && !fresh {
			return apperr.Internal(fmt.Errorf("read inbox: %w", err))
		}
		if fresh {
			b = Box{UserID: userID}
		}
		if !fn(&b) {
			if !fresh {
				s.remember(userID, b.Unread)
			}
			return nil
		}
		b.count()
		now := s.now().UTC()
		b.UpdatedAt = now
		if fresh {
			b.CreatedAt, b.Version = now, 1
			_, err := s.c.InsertOne(ctx, b)
			if mongodb.IsDuplicateKey(err) {
				continue
			}
			if err != nil {
				return apperr.Internal(fmt.Errorf("create inbox: %w", err))
			}
			s.remember(userID, b.Unread)
			return nil
		}
		// The embedded database does not isolate a conditional update;
		// LockDocument does, within the one process it serves.
		unlock := mongodb.LockDocument(s.c, userID)
		res, err := s.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: userID}, {Key: "version", Value: b.Version}},
			bson.D{{Key: "$set", Value: bson.D{
				{Key: "items", Value: b.Items}, {Key: "unread", Value: b.Unread},
				{Key: "updatedAt", Value: now}, {Key: "version", Value: b.Version + 1},
			}}})
		unlock()
		if err != nil {
			return apperr.Internal(fmt.Errorf("write inbox: %w", err))
		}
		if res.MatchedCount == 1 {
			s.remember(userID, b.Unread)
			return nil
		}
	}
	return apperr.Conflict("inbox.error.busy")
}

// Unread returns the user's unread count: from this process's cache when
// it is younger than CountTTL, else read by _id with only the count
// projected. A database error counts as 0: the count decorates every
// page and must never break one.
func (s *Store) Unread(ctx context.Context, userID string) int {
	now := s.now()
	s.mu.Lock()
	c, ok := s.counts[userID]
	s.mu.Unlock()
	if ok && now.Before(c.exp) {
		return c.n
	}
	var b struct {
		Unread int `bson:"unread"`
	}
	err := s.c.FindOne(ctx, bson.D{{Key: "_id", Value: userID}},
		options.FindOne().SetProjection(bson.D{{Key: "unread", Value: 1}})).Decode(&b)
	s.mu.Lock()
	s.reads++
	s.mu.Unlock()
	if err != nil && !mongodb.IsNoDocuments(err) {
		return 0
	}
	s.remember(userID, b.Unread)
	return b.Unread
}

// CountReads is how many unread counts were read from the database.
func (s *Store) CountReads() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reads
}

func (s *Store) remember(userID string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.counts) >= maxCached {
		clear(s.counts)
	}
	s.counts[userID] = cachedCount{n: n, exp: s.now().Add(CountTTL)}
}
