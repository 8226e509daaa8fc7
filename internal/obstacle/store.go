package obstacle

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/changelog"
	"github.com/khanhhoa/investportal/internal/holidays"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"github.com/khanhhoa/investportal/internal/paging"
	"github.com/khanhhoa/investportal/internal/record"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Collection names.
const (
	CollObstacles     = "obstacles"
	CollCounters      = "counters"
	CollPolicyIssues  = "policy_issues"
	CollHolidays      = "holidays"
	CollProjects      = "projects"
	CollIdempotency   = "obstacle_idempotency"
	AttachmentsBucket = "obstacle_files"
)

// Options configure a Store.
type Options struct {
	// Notifier hears public status changes; nil means nobody is told.
	Notifier Notifier
	// KeySecret is mixed into the access key derived from an idempotency
	// key, so that a repeated submission shows the same key again. Every
	// portal process must use the same secret.
	KeySecret []byte
	// Rules are the workflow periods; the zero value means DefaultRules.
	Rules Rules
	// Logger records notifier failures; nil discards them.
	Logger *slog.Logger
	// Projects answers whether a project code exists; nil asks the
	// projects collection directly.
	Projects ProjectLookup
}

// Store keeps obstacles in MongoDB: the obstacles collection, per-year
// tracking counters, policy issues, the administrators' extra holidays and
// attachments in GridFS.
type Store struct {
	db *mongo.Database
	// records writes obstacles (their timeline is the history); obstacles
	// is the same collection, for queries.
	records   *record.Collection
	obstacles *mongo.Collection
	// policyRecords writes policy issues; policies is for queries.
	policyRecords *record.Collection
	counters      *mongo.Collection
	policies      *mongo.Collection
	extraDays     *mongo.Collection
	projects      *mongo.Collection
	base          *holidays.Calendar
	opts          Options
	// idem maps an idempotency-key hash (as _id) to the obstacle it made,
	// so a repeated submission is found by _id, the one lookup the
	// embedded database answers from an index.
	idem *mongo.Collection
	// changes hears of every write (changes.go).
	changes *changelog.Follower
	onWrite atomic.Pointer[func()]
}

// ProjectLookup says whether a project exists (project.Store does, from its
// revision-checked snapshot, without scanning the collection).
type ProjectLookup interface {
	Exists(ctx context.Context, code string) (bool, error)
}

func (s *Store) projectExists(ctx context.Context, code string) (bool, error) {
	if s.opts.Projects != nil {
		return s.opts.Projects.Exists(ctx, code)
	}
	n, err := s.projects.CountDocuments(ctx, bson.M{"code": code})
	return n > 0, err
}

// NewStore returns a store on db using cal (normally holidays.Embedded)
// as the base calendar.
func NewStore(db *mongo.Database, cal *holidays.Calendar, opts Options) *Store {
	if opts.Rules == (Rules{}) {
		opts.Rules = DefaultRules
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	// Obstacles are not in the search index.
	records := record.New(db.Collection(CollObstacles), record.Options{
		History: "timeline", NotFound: "obstacle.error.not_found", Conflict: msgStale, Unindexed: true})
	policies := record.New(db.Collection(CollPolicyIssues), record.Options{
		NotFound: "obstacle.error.policy_not_found", Conflict: msgStale, Unindexed: true})
	return &Store{
		db:            db,
		records:       records,
		obstacles:     records.Mongo(),
		policyRecords: policies,
		policies:      policies.Mongo(),
		counters:      db.Collection(CollCounters),
		extraDays:     db.Collection(CollHolidays),
		projects:      db.Collection(CollProjects),
		base:          cal,
		opts:          opts,
		idem:          db.Collection(CollIdempotency),
		changes:       changelog.NewFollower(changelog.NewFeed(db, feedObstacles), ChangesEvery, opts.Logger),
	}
}

// EnsureIndexes creates the store's indexes; it is idempotent.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	idx := func(name string, unique bool, keys ...string) mongo.IndexModel {
		d := bson.D{}
		for _, k := range keys {
			dir := 1
			if strings.HasPrefix(k, "-") {
				k, dir = k[1:], -1
			}
			d = append(d, bson.E{Key: k, Value: dir})
		}
		o := options.Index().SetName(name)
		if unique {
			o.SetUnique(true)
		}
		return mongo.IndexModel{Keys: d, Options: o}
	}
	if err := mongodb.EnsureIndexes(ctx, s.obstacles,
		idx("trackingCode_unique", true, "trackingCode"),
		idx("idempotencyKey_unique", true, "idempotencyKey"),
		idx("status_deadline", false, "status", "deadline"),
		idx("leadAgency_status", false, "leadAgency", "status"),
		idx("coordinatingAgencies", false, "coordinatingAgencies"),
		idx("category", false, "category"),
		idx("createdAt_desc", false, "-createdAt"),
		idx("projectCode", false, "projectCode"),
		idx("policyIssueId", false, "policyIssueId"),
	); err != nil {
		return err
	}
	return mongodb.EnsureIndexes(ctx, s.policies, idx("status_createdAt", false, "status", "-createdAt"))
}

// Rules returns the workflow periods in force.
func (s *Store) Rules() Rules { return s.opts.Rules }

// errNotFound is the one not-found error of this package.
func (s *Store) errNotFound() error { return s.records.NotFound() }

// ---- calendar ----

type holidayDoc struct {
	holidays.Day `bson:",inline"`
	CreatedBy    string    `bson:"createdBy"`
	CreatedAt    time.Time `bson:"createdAt"`
	UpdatedAt    time.Time `bson:"updatedAt"`
	Version      int64     `bson:"version"`
}

// Calendar returns the base calendar merged with the days administrators
// added; it is read from the database each time, so every process agrees.
func (s *Store) Calendar(ctx context.Context) (*holidays.Calendar, error) {
	extra, err := s.ExtraHolidays(ctx)
	if err != nil {
		return nil, err
	}
	if len(extra) == 0 {
		return s.base, nil
	}
	cal, err := s.base.With(extra...)
	if err != nil {
		return nil, apperr.Internal(err)
	}
	return cal, nil
}

// ExtraHolidays lists the days administrators added, in date order.
func (s *Store) ExtraHolidays(ctx context.Context) ([]holidays.Day, error) {
	cur, err := s.extraDays.Find(ctx, bson.M{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, apperr.Internal(err)
	}
	var docs []holidayDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, apperr.Internal(err)
	}
	out := make([]holidays.Day, len(docs))
	for i, d := range docs {
		out[i] = d.Day
	}
	return out, nil
}

// AddHoliday stores an extra calendar day (a day off, or with kind Makeup a
// working weekend day) that overrides the embedded data for its date. Only
// administrators may; a date already added is a conflict.
func (s *Store) AddHoliday(ctx context.Context, d holidays.Day, actor Actor, now time.Time) error {
	if actor.Role != RoleAdmin {
		return apperr.Forbidden()
	}
	d.Date = strings.TrimSpace(d.Date)
	if d.Occasion == "" {
		d.Occasion = holidays.OccasionCustom
	}
	if d.Kind == "" {
		d.Kind = holidays.Custom
	}
	f := apperr.Fields{}
	if _, err := d.Time(); err != nil {
		f.Add("date", "error.field.invalid")
	}
	if !d.Kind.Valid() {
		f.Add("kind", "error.field.invalid")
	}
	checkChars(f, "note", d.Note, false)
	if len(d.Note) > MaxTitle {
		f.Add("note", "error.field.too_long")
	}
	if err := f.Err(); err != nil {
		return err
	}
	now = now.UTC().Truncate(time.Millisecond)
	_, err := s.extraDays.InsertOne(ctx, holidayDoc{Day: d, CreatedBy: actor.ID, CreatedAt: now, UpdatedAt: now, Version: 1})
	if changelog.MayHaveWritten(err) {
		s.changed() // working days move deadlines and figures
	}
	if mongodb.IsDuplicateKey(err) {
		return apperr.Conflict("obstacle.error.holiday_exists")
	}
	if err != nil {
		return apperr.Internal(err)
	}
	return nil
}

// RemoveHoliday deletes an extra day an administrator added.
func (s *Store) RemoveHoliday(ctx context.Context, date string, actor Actor) error {
	if actor.Role != RoleAdmin {
		return apperr.Forbidden()
	}
	res, err := s.extraDays.DeleteOne(ctx, bson.M{"_id": date})
	if err != nil {
		s.changed()
		return apperr.Internal(err)
	}
	if res.DeletedCount == 0 {
		return apperr.NotFound("error.not_found")
	}
	s.changed()
	return nil
}

// ---- keys and codes ----

var keyEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// FormatKey writes the first 15 bytes of b as an access key: 24 base32
// characters in groups of four (b must hold at least 15 bytes).
func FormatKey(b []byte) string {
	s := keyEncoding.EncodeToString(b[:15])
	var parts []string
	for i := 0; i < len(s); i += 4 {
		parts = append(parts, s[i:i+4])
	}
	return strings.Join(parts, "-")
}

var keyCleaner = strings.NewReplacer("-", "", " ", "", "0", "O", "1", "I", "8", "B")

// NormalizeKey makes an access key as typed comparable: upper case, no
// dashes or spaces, and digits base32 lacks read as the letters they look like.
// Spaces are trimmed after the separators go, so that normalising twice
// gives what normalising once did.
func NormalizeKey(k string) string { return strings.TrimSpace(keyCleaner.Replace(strings.ToUpper(k))) }

// HashKey is the stored form of an access key: the SHA-256 of the key as
// normalised (NormalizeKey), in hex.
func HashKey(k string) string {
	sum := sha256.Sum256([]byte(NormalizeKey(k)))
	return hex.EncodeToString(sum[:])
}

// accessKey returns a random access key without an idempotency key, else
// one derived from the key and the request it is bound to, so that the
// same submission sent again is shown the same access key.
func (s *Store) accessKey(rawIdem, reqHash string) (string, error) {
	if rawIdem == "" {
		b := make([]byte, 15)
		if _, err := rand.Read(b); err != nil {
			return "", err
		}
		return FormatKey(b), nil
	}
	mac := hmac.New(sha256.New, s.opts.KeySecret)
	mac.Write([]byte("obstacle-access-key\x00"))
	mac.Write([]byte(rawIdem))
	mac.Write([]byte("\x00"))
	mac.Write([]byte(reqHash))
	return FormatKey(mac.Sum(nil)), nil
}

// requestHash is the SHA-256 of a validated submission: its fields, each
// length-prefixed in a fixed order, and the digest of its files.
func requestHash(o *Obstacle, filesDigest string) string {
	h := sha256.New()
	f := o.Filer
	for _, v := range []string{f.BusinessName, f.TaxCode, f.ContactPerson, f.Email, f.Phone, f.Lang,
		o.ProjectCode, string(o.Category), o.Title, o.Description, filesDigest} {
		fmt.Fprintf(h, "%d:%s\x00", len(v), v)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// IdempotencyWindow is how long a repeated submission gets the first
// answer again; afterwards its idempotency key is refused even with the
// same content, so an old key cannot be used to reopen an old filing.
const IdempotencyWindow = 24 * time.Hour

// MsgKeyReused is the message of an idempotency key sent again with
// other content (or after IdempotencyWindow).
const MsgKeyReused = "obstacle.error.idempotency_reused"

// IsKeyReused reports whether err refuses an idempotency key that was used
// for another submission.
func IsKeyReused(err error) bool {
	var e *apperr.Error
	return errors.As(err, &e) && e.Code == apperr.CodeInvalid && e.Fields["idempotency_key"] == MsgKeyReused
}

// replay answers a submission whose idempotency key made prev: the first
// answer again (not created) if the submission is the same (same request
// hash, within IdempotencyWindow, and the derived key still opens prev),
// else a refusal that tells nothing of prev.
func replay(prev Obstacle, reqHash, key string, now time.Time) (Filed, error) {
	same := prev.RequestHash != "" && subtle.ConstantTimeCompare([]byte(prev.RequestHash), []byte(reqHash)) == 1
	opens := subtle.ConstantTimeCompare([]byte(prev.AccessKeyHash), []byte(HashKey(key))) == 1
	if !same || !opens || now.Sub(prev.CreatedAt) > IdempotencyWindow {
		return Filed{}, apperr.Fields{"idempotency_key": MsgKeyReused}.Err()
	}
	return Filed{Obstacle: prev, AccessKey: key}, nil
}

var idemPattern = regexp.MustCompile(`^[\x21-\x7e]{16,128}$`)

var trackingPattern = regexp.MustCompile(`^VM-\d{4}-\d{6,}$`)

// FormatTrackingCode writes the tracking code of the seq-th obstacle of year.
func FormatTrackingCode(year int, seq int64) string { return fmt.Sprintf("VM-%04d-%06d", year, seq) }

// NormalizeTrackingCode trims and upper-cases a tracking code as typed.
func NormalizeTrackingCode(code string) string { return strings.ToUpper(strings.TrimSpace(code)) }

func counterID(year int) string { return fmt.Sprintf("obstacle-%d", year) }

// nextSeq takes the next number of year from the counters collection.
func (s *Store) nextSeq(ctx context.Context, year int, now time.Time) (int64, error) {
	var lastErr error
	for range 5 {
		var doc struct {
			Seq int64 `bson:"seq"`
		}
		// The embedded database may lose a concurrent $inc (see
		// mongodb.LockDocument, a no-op on MongoDB).
		unlock := mongodb.LockDocument(s.counters, counterID(year))
		err := s.counters.FindOneAndUpdate(ctx,
			bson.M{"_id": counterID(year)},
			bson.M{"$inc": bson.M{"seq": int64(1), "version": int64(1)}, "$set": bson.M{"updatedAt": now}, "$setOnInsert": bson.M{"createdAt": now}},
			options.FindOneAndUpdate().SetUpsert(true).SetReturnDocument(options.After),
		).Decode(&doc)
		unlock()
		if err == nil {
			return doc.Seq, nil
		}
		lastErr = err
		if !mongodb.IsDuplicateKey(err) { // two first upserts of a year race; retry
			break
		}
	}
	return 0, apperr.Internal(lastErr)
}

// ---- create and read ----

// Submission is what a business sends when it files an obstacle.
type Submission struct {
	Filer       Filer
	ProjectCode string
	Category    Category
	Title       string
	Description string
	// IdempotencyKey is a random token the filing form carries (16-128
	// printable characters); the same token with the same submission
	// yields the same obstacle and access key, with another submission a
	// refusal (IsKeyReused). Empty means no protection against a repeat.
	IdempotencyKey string
	// FilesDigest stands for the files sent with the submission (see
	// FilesDigest), so that they are part of what the key is bound to.
	FilesDigest string
	// SendsReceipt is set by a caller that e-mails the filing receipt
	// itself, with the access key only it sees, when Create reports
	// Created; the notifier then does not hear of the submission (it
	// would send a receipt without the key).
	SendsReceipt bool
}

// Filed is what Create returns: the obstacle, its access key (shown once;
// stored only as a hash) and whether this call created it, as opposed to
// finding the one an earlier submission with the same idempotency key made.
type Filed struct {
	Obstacle  Obstacle
	AccessKey string
	Created   bool
}

// FilesDigest returns the digest of the files sent with a submission, from
// each file's name and SHA-256 in the order sent; "" for none.
func FilesDigest(names []string, sums [][32]byte) string {
	if len(names) == 0 {
		return ""
	}
	h := sha256.New()
	for i, n := range names {
		fmt.Fprintf(h, "%d:%s\x00%x\x00", len(n), n, sums[i])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Create files a new obstacle (Filed.Created). A repeated submission
// with the same idempotency key and the same content, within
// IdempotencyWindow, returns the obstacle the first one created and the
// same key, even when the submissions race; the same key with other
// content is refused (IsKeyReused) and learns nothing. Tracking numbers
// taken by a losing racer are not reused, so the sequence can have gaps.
func (s *Store) Create(ctx context.Context, sub Submission, now time.Time) (Filed, error) {
	now = now.UTC().Truncate(time.Millisecond)
	o := Obstacle{
		Filer: sub.Filer, ProjectCode: sub.ProjectCode, Category: sub.Category,
		Title: sub.Title, Description: sub.Description, Status: Submitted,
		Attachments: []Attachment{},
	}
	f := apperr.Fields{}
	if err := o.Validate(); err != nil {
		for k, v := range apperr.As(err).Fields {
			f.Add(k, v)
		}
	}
	idem := strings.TrimSpace(sub.IdempotencyKey)
	if idem != "" && !idemPattern.MatchString(idem) {
		f.Add("idempotency_key", "error.field.invalid")
	}
	if err := f.Err(); err != nil {
		return Filed{}, err
	}
	o.RequestHash = requestHash(&o, sub.FilesDigest)
	key, err := s.accessKey(idem, o.RequestHash)
	if err != nil {
		return Filed{}, apperr.Internal(err)
	}
	if idem == "" {
		idem = "none:" + key // unique, so the index holds, and never sent twice
	}
	idemHash := sha256.Sum256([]byte(idem))
	o.IdempotencyKey = hex.EncodeToString(idemHash[:])

	// A repeat is found by its recorded key alone (a read by _id); one not
	// recorded (a racing submission, imported data) meets the unique index
	// below and is found then: searching the obstacles themselves first
	// would read every obstacle for every new filing on the embedded
	// database.
	if prev, err := s.byRecordedIdempotency(ctx, o.IdempotencyKey); err == nil {
		return replay(prev, o.RequestHash, key, now)
	} else if !errors.Is(err, apperr.ErrNotFound) {
		return Filed{}, err
	}
	if o.ProjectCode != "" {
		ok, err := s.projectExists(ctx, o.ProjectCode)
		if err != nil {
			return Filed{}, apperr.Internal(err)
		}
		if !ok {
			return Filed{}, apperr.Fields{"project_code": "obstacle.error.project_unknown"}.Err()
		}
	}

	o.ID = primitive.NewObjectID().Hex()
	o.AccessKeyHash = HashKey(key)
	o.CreatedAt, o.UpdatedAt = now, now
	year := now.In(holidays.Location()).Year()
	for range 5 {
		seq, err := s.nextSeq(ctx, year, now)
		if err != nil {
			return Filed{}, err
		}
		o.TrackingCode = FormatTrackingCode(year, seq)
		first := NewEvent(now, FilerActor, ActSubmit, "", Submitted, "", true)
		err = s.records.Insert(ctx, o, &first)
		if changelog.MayHaveWritten(err) {
			s.changed(o.ID)
		}
		if err == nil {
			o.Version, o.Timeline = 1, []Event{first}
			// The unique index on obstacles.idempotencyKey is what makes a
			// repeat impossible; this entry only makes finding it fast.
			if _, err := s.idem.InsertOne(ctx, bson.M{"_id": o.IdempotencyKey, "obstacleId": o.ID}); err != nil && !mongodb.IsDuplicateKey(err) {
				s.opts.Logger.Warn("record idempotency key", "err", err)
			}
			if !sub.SendsReceipt {
				s.notify(ctx, o, first)
			}
			return Filed{Obstacle: o, AccessKey: key, Created: true}, nil
		}
		if !mongodb.IsDuplicateKey(err) {
			return Filed{}, err
		}
		if prev, perr := s.byIdempotency(ctx, o.IdempotencyKey); perr == nil {
			return replay(prev, o.RequestHash, key, now)
		}
		// The tracking code was taken (counter behind imported data): next.
	}
	return Filed{}, apperr.Internal(errors.New("obstacle: no free tracking code"))
}

func (s *Store) byIdempotency(ctx context.Context, hash string) (Obstacle, error) {
	o, err := s.byRecordedIdempotency(ctx, hash)
	if !errors.Is(err, apperr.ErrNotFound) {
		return o, err
	}
	// Not recorded (a racing submission, or data imported before the
	// lookup existed): ask the obstacles themselves.
	return s.findOne(ctx, bson.M{"idempotencyKey": hash})
}

// byRecordedIdempotency finds the obstacle filed with the key through the
// lookup collection only (reads by _id).
func (s *Store) byRecordedIdempotency(ctx context.Context, hash string) (Obstacle, error) {
	var ref struct {
		ObstacleID string `bson:"obstacleId"`
	}
	err := s.idem.FindOne(ctx, bson.M{"_id": hash}).Decode(&ref)
	switch {
	case mongodb.IsNoDocuments(err):
		return Obstacle{}, s.errNotFound()
	case err != nil:
		return Obstacle{}, apperr.Internal(fmt.Errorf("find idempotency key: %w", err))
	}
	return s.Get(ctx, ref.ObstacleID)
}

// Get returns the obstacle with the given id, with its timeline. Whether
// the caller may see it is for the caller to decide (see CanView).
func (s *Store) Get(ctx context.Context, id string) (Obstacle, error) {
	return s.findOne(ctx, bson.M{"_id": id})
}

// findOne returns the obstacle filter matches, or the not-found error.
func (s *Store) findOne(ctx context.Context, filter bson.M) (Obstacle, error) {
	var o Obstacle
	err := s.obstacles.FindOne(ctx, filter).Decode(&o)
	if mongodb.IsNoDocuments(err) {
		return Obstacle{}, s.errNotFound()
	}
	if err != nil {
		return Obstacle{}, apperr.Internal(err)
	}
	return o, nil
}

// CanView reports whether a staff actor may see o: task force and admins
// see all, an agency officer what the agency leads or coordinates.
func (o *Obstacle) CanView(a Actor) bool {
	switch a.Role {
	case RoleTaskforce, RoleAdmin, RoleSystem:
		return true
	case RoleAgency:
		return o.HasAgency(a.Agency)
	}
	return false
}

// dummyHash is compared against when no obstacle has the code, so a wrong
// code and a wrong key take the same path.
var dummyHash = HashKey("AAAA-AAAA-AAAA-AAAA-AAAA-AAAA")

// GetByTracking returns the obstacle a business follows with its tracking
// code and access key. A wrong code and a wrong key give the same
// not-found error, and the key's hash is compared in constant time.
func (s *Store) GetByTracking(ctx context.Context, code, key string) (Obstacle, error) {
	code = NormalizeTrackingCode(code)
	given := HashKey(key)
	var o Obstacle
	err := s.errNotFound()
	stored := dummyHash
	if trackingPattern.MatchString(code) {
		ferr := s.obstacles.FindOne(ctx, bson.M{"trackingCode": code}).Decode(&o)
		switch {
		case ferr == nil:
			stored = o.AccessKeyHash
			err = nil
		case !mongodb.IsNoDocuments(ferr):
			return Obstacle{}, apperr.Internal(ferr)
		}
	}
	match := subtle.ConstantTimeCompare([]byte(stored), []byte(given)) == 1
	if err != nil || !match || strings.TrimSpace(key) == "" {
		return Obstacle{}, s.errNotFound()
	}
	return o, nil
}

// ---- list ----

// Filter selects obstacles for the staff list. Zero fields do not filter.
type Filter struct {
	Status   []Status
	Category Category
	// Agency matches the lead or a coordinating agency; it is forced to an
	// agency officer's own agency.
	Agency string
	// Overdue keeps only obstacles past their deadline with the clock running.
	Overdue bool
	// MinEscalation keeps obstacles escalated at least this far (1 or 2).
	MinEscalation int
	// Text matches tracking code, title, description or business name, or
	// the tax code exactly.
	Text          string
	ProjectCode   string
	PolicyIssueID string
	Page          int
	PerPage       int
}

// Page is one page of a list with the total count.
type Page struct {
	Items   []Obstacle `json:"items"`
	Total   int64      `json:"total"`
	Page    int        `json:"page"`
	PerPage int        `json:"perPage"`
}

// Paging limits.
const (
	DefaultPerPage = 20
	MaxPerPage     = 100
)

func (f Filter) query(now time.Time) bson.M {
	var and []bson.M
	if len(f.Status) > 0 {
		and = append(and, bson.M{"status": bson.M{"$in": f.Status}})
	}
	if f.Category != "" {
		and = append(and, bson.M{"category": f.Category})
	}
	if f.Agency != "" {
		and = append(and, bson.M{"$or": bson.A{bson.M{"leadAgency": f.Agency}, bson.M{"coordinatingAgencies": f.Agency}}})
	}
	if f.Overdue {
		and = append(and, overdueQuery(now))
	}
	if f.MinEscalation > 0 {
		and = append(and, bson.M{"escalationLevel": bson.M{"$gte": f.MinEscalation}})
	}
	if t := strings.TrimSpace(f.Text); t != "" {
		re := primitive.Regex{Pattern: regexp.QuoteMeta(t), Options: "i"}
		and = append(and, bson.M{"$or": bson.A{
			bson.M{"trackingCode": re}, bson.M{"title": re}, bson.M{"description": re},
			bson.M{"filer.businessName": re}, bson.M{"filer.taxCode": t},
		}})
	}
	if f.ProjectCode != "" {
		and = append(and, bson.M{"projectCode": f.ProjectCode})
	}
	if f.PolicyIssueID != "" {
		and = append(and, bson.M{"policyIssueId": f.PolicyIssueID})
	}
	if len(and) == 0 {
		return bson.M{}
	}
	return bson.M{"$and": and}
}

// overdueQuery matches obstacles whose clock runs and whose deadline day
// ended before today (Asia/Ho_Chi_Minh).
func overdueQuery(now time.Time) bson.M {
	return bson.M{
		"status":   bson.M{"$in": bson.A{Assigned, InProgress}},
		"deadline": bson.M{"$lt": holidays.StartOfDay(now).UTC()},
	}
}

// List returns a page of obstacles for a staff actor, newest first. An
// agency officer sees only the obstacles the agency leads or coordinates.
func (s *Store) List(ctx context.Context, f Filter, actor Actor, now time.Time) (Page, error) {
	switch actor.Role {
	case RoleTaskforce, RoleAdmin, RoleSystem:
	case RoleAgency:
		if actor.Agency == "" {
			return Page{}, apperr.Forbidden()
		}
		f.Agency = actor.Agency
	default:
		return Page{}, apperr.Forbidden()
	}
	f.Page, f.PerPage = paging.Bounds(f.Page, f.PerPage, DefaultPerPage, MaxPerPage)
	q := f.query(now)
	total, err := s.obstacles.CountDocuments(ctx, q)
	if err != nil {
		return Page{}, apperr.Internal(err)
	}
	cur, err := s.obstacles.Find(ctx, q, options.Find().
		SetSort(bson.D{{Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}).
		SetSkip(paging.Skip(f.Page, f.PerPage)).SetLimit(int64(f.PerPage)))
	if err != nil {
		return Page{}, apperr.Internal(err)
	}
	items := []Obstacle{}
	if err := cur.All(ctx, &items); err != nil {
		return Page{}, apperr.Internal(err)
	}
	return Page{Items: items, Total: total, Page: f.Page, PerPage: f.PerPage}, nil
}

// ---- transitions ----

// mutableFields are the fields a transition may change; write sets those
// present in the new obstacle and unsets the others.
var mutableFields = []string{
	"status", "leadAgency", "coordinatingAgencies", "deadline", "pausedDays", "pausedSince",
	"escalationLevel", "resolution", "resolvedAt", "closedAt", "rating", "ratingComment",
	"parentId", "policyIssueId",
}

// write stores n, made from o as read, and appends ev to the timeline in
// one versioned update (record.Collection.Update); push appends to other
// arrays in the same step. It returns n as now stored.
func (s *Store) write(ctx context.Context, o, n Obstacle, ev Event, push ...bson.E) (_ Obstacle, err error) {
	defer func() {
		if changelog.MayHaveWritten(err) {
			s.changed(o.ID)
		}
	}()
	n.UpdatedAt = ev.At
	raw, err := bson.Marshal(n)
	if err != nil {
		return Obstacle{}, apperr.Internal(err)
	}
	var doc bson.M
	if err := bson.Unmarshal(raw, &doc); err != nil {
		return Obstacle{}, apperr.Internal(err)
	}
	w := record.Write{Set: bson.D{{Key: "updatedAt", Value: n.UpdatedAt}}, Entry: &ev, Push: push}
	for _, k := range mutableFields {
		if v, ok := doc[k]; ok {
			w.Set = append(w.Set, bson.E{Key: k, Value: v})
		} else {
			w.Unset = append(w.Unset, k)
		}
	}
	if err := s.records.Update(ctx, o.ID, o.Version, w); err != nil {
		return Obstacle{}, err
	}
	n.Version = o.Version + 1
	n.Timeline = append(append([]Event(nil), o.Timeline...), ev)
	return n, nil
}

// msgStale is the message of a version that changed since it was read.
const msgStale = "error.conflict"

// IsStale reports whether err refuses a step because the obstacle changed
// since the version the caller read (as opposed to a step the workflow no
// longer allows, also a conflict). An API caller that sent If-Match gets
// 412 for it.
func IsStale(err error) bool {
	var e *apperr.Error
	return errors.As(err, &e) && e.Code == apperr.CodeConflict && e.MessageID == msgStale && len(e.Fields) == 0
}

// getAt reads the obstacle id and checks it is still at version.
func (s *Store) getAt(ctx context.Context, id string, version int64) (Obstacle, error) {
	o, err := s.Get(ctx, id)
	if err == nil && o.Version != version {
		err = s.records.Conflict()
	}
	return o, err
}

// retry reads the obstacle id and writes what step makes of it, reading
// again when another writer got in first (at most five tries).
func (s *Store) retry(ctx context.Context, id string, step func(o Obstacle) (n Obstacle, ev Event, push []bson.E, err error)) (Obstacle, error) {
	for range 5 {
		o, err := s.Get(ctx, id)
		if err != nil {
			return Obstacle{}, err
		}
		n, ev, push, err := step(o)
		if err != nil {
			return Obstacle{}, err
		}
		if n, err = s.write(ctx, o, n, ev, push...); !IsStale(err) {
			return n, err
		}
	}
	return Obstacle{}, s.records.Conflict()
}

func (s *Store) notify(ctx context.Context, o Obstacle, ev Event) {
	if s.opts.Notifier == nil || ev.Internal || (ev.Act() != ActSubmit && !ev.StatusChange()) {
		return
	}
	if err := s.opts.Notifier.ObstacleChanged(ctx, o, ev); err != nil {
		s.opts.Logger.ErrorContext(ctx, "obstacle notifier failed", "obstacle", o.ID, "tracking", o.TrackingCode, "action", ev.Action, "err", err)
	}
}

// Apply takes a workflow step on the obstacle id as read at version: the
// table decides whether it is allowed (else a conflict with message id
// obstacle.error.transition), the change and its timeline event are written
// in one update that filters on version (a stale version is a conflict),
// and the notifier hears of public status changes.
func (s *Store) Apply(ctx context.Context, id string, version int64, action Action, in Input, actor Actor, now time.Time) (Obstacle, error) {
	o, err := s.getAt(ctx, id, version)
	if err != nil {
		return Obstacle{}, err
	}
	var parent Obstacle
	if action == ActMerge {
		if in.ParentID == "" || in.ParentID == id {
			return Obstacle{}, apperr.Fields{"parent_id": "error.field.invalid"}.Err()
		}
		parent, err = s.Get(ctx, in.ParentID)
		if err != nil {
			if errors.Is(err, apperr.ErrNotFound) {
				return Obstacle{}, apperr.Fields{"parent_id": "obstacle.error.merge_target"}.Err()
			}
			return Obstacle{}, err
		}
		if !parent.Status.Open() || parent.ParentID != "" {
			return Obstacle{}, apperr.Conflict("obstacle.error.merge_target")
		}
	}
	cal, err := s.Calendar(ctx)
	if err != nil {
		return Obstacle{}, err
	}
	n, ev, err := Transition(o, action, in, actor, now, cal, s.opts.Rules)
	if err != nil {
		return Obstacle{}, err
	}
	n, err = s.write(ctx, o, n, ev)
	if err != nil {
		return Obstacle{}, err
	}
	s.notify(ctx, n, ev)
	if action == ActMerge {
		_, err := s.retry(ctx, parent.ID, func(p Obstacle) (Obstacle, Event, []bson.E, error) {
			// An internal note on the primary; its status does not change.
			return p, NewEvent(ev.At, actor, ActMerge, p.Status, p.Status, o.TrackingCode, false), nil, nil
		})
		if err != nil {
			s.opts.Logger.ErrorContext(ctx, "obstacle merge note on primary failed", "primary", parent.ID, "duplicate", id, "err", err)
		}
	}
	return n, nil
}

// Merge folds the duplicate (as read at version) into primary: the
// duplicate's status becomes merged with ParentID set, and primary gets an
// internal note naming the duplicate's tracking code.
func (s *Store) Merge(ctx context.Context, duplicateID string, version int64, primaryID, note string, actor Actor, now time.Time) (Obstacle, error) {
	return s.Apply(ctx, duplicateID, version, ActMerge, Input{ParentID: primaryID, Note: note}, actor, now)
}

// BulkResult is the outcome of one obstacle of a bulk action.
type BulkResult struct {
	ID       string
	Obstacle Obstacle
	Err      error
}

// BulkAssign assigns each obstacle (at its current version) with the same
// input; each succeeds or fails on its own. The error is for the context only.
func (s *Store) BulkAssign(ctx context.Context, ids []string, in Input, actor Actor, now time.Time) ([]BulkResult, error) {
	out := make([]BulkResult, 0, len(ids))
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		r := BulkResult{ID: id}
		o, err := s.Get(ctx, id)
		if err == nil {
			r.Obstacle, err = s.Apply(ctx, id, o.Version, ActAssign, in, actor, now)
		}
		r.Err = err
		out = append(out, r)
	}
	return out, nil
}

// ---- jobs ----

// find returns the obstacles filter matches, with only their id and the
// given fields.
func (s *Store) find(ctx context.Context, filter bson.M, fields ...string) ([]Obstacle, error) {
	proj := bson.M{"_id": 1}
	for _, f := range fields {
		proj[f] = 1
	}
	cur, err := s.obstacles.Find(ctx, filter, options.Find().SetProjection(proj))
	if err != nil {
		return nil, apperr.Internal(err)
	}
	var rows []Obstacle
	if err := cur.All(ctx, &rows); err != nil {
		return nil, apperr.Internal(err)
	}
	return rows, nil
}

// CloseStale closes, as the system, every resolved obstacle whose business
// has neither confirmed nor objected within n working days of the
// resolution; it returns how many it closed. Obstacles changed meanwhile
// are left for the next run.
func (s *Store) CloseStale(ctx context.Context, now time.Time, n int) (int, error) {
	cal, err := s.Calendar(ctx)
	if err != nil {
		return 0, err
	}
	rows, err := s.find(ctx, bson.M{"status": Resolved}, "version", "resolvedAt")
	if err != nil {
		return 0, err
	}
	closed := 0
	for _, r := range rows {
		if r.ResolvedAt == nil || cal.WorkingDaysBetween(*r.ResolvedAt, now) < n {
			continue
		}
		_, err := s.Apply(ctx, r.ID, r.Version, ActAutoClose, Input{}, SystemActor, now)
		switch {
		case err == nil:
			closed++
		case errors.Is(err, apperr.ErrConflict) || errors.Is(err, apperr.ErrNotFound):
		default:
			return closed, err
		}
	}
	return closed, nil
}

// EscalateOverdue raises overdue obstacles, as the system: to the task
// force head (level 1) once overdue, and to the provincial People's
// Committee (level 2) once Rules.EscalatePPCAfterDays working days
// overdue. It returns how many escalation steps it took.
func (s *Store) EscalateOverdue(ctx context.Context, now time.Time) (int, error) {
	cal, err := s.Calendar(ctx)
	if err != nil {
		return 0, err
	}
	q := overdueQuery(now)
	q["escalationLevel"] = bson.M{"$lt": MaxEscalation}
	rows, err := s.find(ctx, q, "version", "deadline", "escalationLevel")
	if err != nil {
		return 0, err
	}
	steps := 0
	for _, r := range rows {
		target := EscalationTaskHead
		if cal.WorkingDaysBetween(*r.Deadline, now) >= s.opts.Rules.EscalatePPCAfterDays {
			target = EscalationPPC
		}
		level, version := r.EscalationLevel, r.Version
		for level < target {
			o, err := s.Apply(ctx, r.ID, version, ActEscalate, Input{}, SystemActor, now)
			if errors.Is(err, apperr.ErrConflict) || errors.Is(err, apperr.ErrNotFound) {
				break
			}
			if err != nil {
				return steps, err
			}
			steps++
			level, version = o.EscalationLevel, o.Version
		}
	}
	return steps, nil
}

// ---- import ----

// Import inserts obstacles made elsewhere (the demo generator, a restore)
// as they are, skipping ids already present, and raises the per-year
// counters past the imported tracking numbers. It returns how many it inserted.
func (s *Store) Import(ctx context.Context, obs []Obstacle, now time.Time) (int, error) {
	defer s.changed()
	inserted := 0
	maxSeq := map[int]int64{}
	for _, o := range obs {
		_, err := s.obstacles.InsertOne(ctx, importable(o))
		switch {
		case err == nil:
			inserted++
		case mongodb.IsDuplicateKey(err):
		default:
			return inserted, apperr.Internal(err)
		}
		noteTrackingSeq(maxSeq, o.TrackingCode)
	}
	return inserted, s.raiseCounters(ctx, maxSeq, now)
}
