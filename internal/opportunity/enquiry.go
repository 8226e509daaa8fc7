package opportunity

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/mongodb"
	"github.com/khanhhoa/investportal/internal/paging"
	"github.com/khanhhoa/investportal/internal/record"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// Enquiry statuses.
const (
	EnquiryNew      = "new"
	EnquiryAnswered = "answered"
)

// EnquiryStatuses lists every enquiry status in display order.
var EnquiryStatuses = []string{EnquiryNew, EnquiryAnswered}

// Enquiry limits, in characters.
const (
	MaxEnquiryMessage = 5000
	MaxIdempotencyKey = 128
)

// Enquiry is a message an investor sends about an opportunity; staff of the
// investment promotion staff answer it outside the portal and mark it answered.
type Enquiry struct {
	ID              string `json:"id" bson:"_id"`
	OpportunityCode string `json:"opportunityCode" bson:"opportunityCode"`
	Name            string `json:"name" bson:"name"`
	Organisation    string `json:"organisation,omitempty" bson:"organisation,omitempty"`
	// Country is an ISO 3166-1 alpha-2 code, upper case.
	Country string `json:"country" bson:"country"`
	Email   string `json:"email" bson:"email"`
	Message string `json:"message" bson:"message"`
	// Lang is the language the investor wrote in and wants an answer in.
	Lang       string     `json:"lang" bson:"lang"`
	Status     string     `json:"status" bson:"status"`
	AnsweredBy string     `json:"answeredBy,omitempty" bson:"answeredBy,omitempty"`
	AnsweredAt *time.Time `json:"answeredAt,omitempty" bson:"answeredAt,omitempty"`
	// Reply is the board's answer as e-mailed to the investor (see
	// ReplyEnquiry); empty when the enquiry was only marked answered.
	Reply string `json:"reply,omitempty" bson:"reply,omitempty"`
	// IdempotencyKey makes a resent form create nothing new; the same key
	// returns the enquiry it first created.
	IdempotencyKey string    `json:"idempotencyKey" bson:"idempotencyKey"`
	CreatedAt      time.Time `json:"createdAt" bson:"createdAt"`
	UpdatedAt      time.Time `json:"updatedAt" bson:"updatedAt"`
	Version        int64     `json:"version" bson:"version"`
}

var (
	countryPattern = regexp.MustCompile(`^[A-Z]{2}$`)
	keyPattern     = regexp.MustCompile(`^[A-Za-z0-9._:-]+$`)
)

// Validate checks the enquiry, trimming its text and upper-casing the
// country, and names each field that is wrong.
func (e *Enquiry) Validate() error {
	f := apperr.Fields{}
	e.OpportunityCode = strings.TrimSpace(e.OpportunityCode)
	e.Name = strings.TrimSpace(e.Name)
	e.Organisation = strings.TrimSpace(e.Organisation)
	e.Country = strings.ToUpper(strings.TrimSpace(e.Country))
	e.Email = strings.TrimSpace(e.Email)
	e.Message = strings.TrimSpace(e.Message)
	e.IdempotencyKey = strings.TrimSpace(e.IdempotencyKey)
	if !ValidCode(e.OpportunityCode) {
		f.Add("opportunity_code", "opportunity.error.code")
	}
	checkField(f, "name", e.Name, MaxShort, true, singleLine)
	checkField(f, "organisation", e.Organisation, MaxShort, false, singleLine)
	if e.Country == "" {
		f.Add("country", "error.field.required")
	} else if !countryPattern.MatchString(e.Country) {
		f.Add("country", "opportunity.enquiry.error.country")
	}
	if e.Email == "" {
		f.Add("email", "error.field.required")
	} else if !validEmail(e.Email) || utf8.RuneCountInString(e.Email) > MaxShort {
		f.Add("email", "error.field.email")
	}
	checkField(f, "message", e.Message, MaxEnquiryMessage, true, multiLine)
	if e.Lang != LangVI && e.Lang != LangEN {
		f.Add("lang", "opportunity.error.lang")
	}
	if !slices.Contains(EnquiryStatuses, e.Status) {
		f.Add("status", "opportunity.enquiry.error.status")
	}
	if e.Status == EnquiryAnswered && strings.TrimSpace(e.AnsweredBy) == "" {
		f.Add("answered_by", "error.field.required")
	}
	if e.IdempotencyKey != "" && (len(e.IdempotencyKey) > MaxIdempotencyKey || !keyPattern.MatchString(e.IdempotencyKey)) {
		f.Add("idempotency_key", "error.field.invalid")
	}
	return f.Err()
}

// CreateEnquiry stores a new enquiry about an open or in-negotiation
// opportunity, with status new. It is idempotent by IdempotencyKey: when an
// enquiry with the same key exists and the request is the same one sent
// again (see sameRequest), that enquiry is returned with created false and
// nothing is stored. The same key with any other request is refused
// (CodeUnprocessable, field idempotency_key) and tells nothing of the
// enquiry it first made. An empty key is replaced by the new enquiry's id.
// A missing opportunity is not found; an awarded or closed one takes no
// enquiries.
func (s *Store) CreateEnquiry(ctx context.Context, e *Enquiry) (*Enquiry, bool, error) {
	in := *e
	in.ID = primitive.NewObjectID().Hex()
	if in.IdempotencyKey == "" {
		in.IdempotencyKey = in.ID
	}
	in.Status, in.AnsweredBy, in.AnsweredAt = EnquiryNew, "", nil
	if err := in.Validate(); err != nil {
		return nil, false, err
	}
	if prev, err := s.enquiryByKey(ctx, in.IdempotencyKey); err == nil {
		return sameEnquiry(prev, &in)
	} else if !errors.Is(err, apperr.ErrNotFound) {
		return nil, false, err
	}
	o, err := s.Get(ctx, in.OpportunityCode)
	if err != nil {
		return nil, false, err
	}
	if o.Status != StatusOpen && o.Status != StatusInNegotiation {
		return nil, false, apperr.New(apperr.CodeInvalid, "opportunity.enquiry.error.closed")
	}
	now := s.stamp()
	in.CreatedAt, in.UpdatedAt, in.Version = now, now, 1
	if err := s.enquiries.Insert(ctx, in, nil); err != nil {
		if mongodb.IsDuplicateKey(err) {
			// Another request with the same key won the race.
			prev, gerr := s.enquiryByKey(ctx, in.IdempotencyKey)
			if gerr != nil {
				return nil, false, gerr
			}
			return sameEnquiry(prev, &in)
		}
		return nil, false, err
	}
	return &in, true, nil
}

// sameEnquiry answers a request whose key is already taken: the stored
// enquiry if the request is the one that made it, else an error that
// names the key and nothing else.
func sameEnquiry(prev, in *Enquiry) (*Enquiry, bool, error) {
	if requestDigest(prev) != requestDigest(in) {
		return nil, false, &apperr.Error{Code: apperr.CodeUnprocessable, MessageID: "opportunity.enquiry.error.key_reused",
			Fields: map[string]string{"idempotency_key": "opportunity.enquiry.error.key_reused"}}
	}
	return prev, false, nil
}

// requestDigest binds an idempotency key to the request it came with: a
// SHA-256 of every field the sender chose, in the validated form in which
// they are stored (so the stored enquiry gives the same digest as the
// request that made it, older enquiries included, and nothing extra need
// be kept). Anyone who knows or guesses a key but not the whole request
// gets a refusal, never the enquiry's id or data.
func requestDigest(e *Enquiry) [sha256.Size]byte {
	b, _ := json.Marshal([]string{e.OpportunityCode, e.Name, e.Organisation, e.Country,
		strings.ToLower(e.Email), e.Message, e.Lang})
	return sha256.Sum256(b)
}

func (s *Store) enquiryByKey(ctx context.Context, key string) (*Enquiry, error) {
	var e Enquiry
	err := s.enquiries.Mongo().FindOne(ctx, bson.D{{Key: "idempotencyKey", Value: key}},
		options.FindOne().SetProjection(s.enquiries.NoHistory())).Decode(&e)
	if mongodb.IsNoDocuments(err) {
		return nil, s.enquiries.NotFound()
	}
	if err != nil {
		return nil, apperr.Internal(fmt.Errorf("find enquiry by key: %w", err))
	}
	return &e, nil
}

// GetEnquiry returns the enquiry with the id, or a not-found error.
func (s *Store) GetEnquiry(ctx context.Context, id string) (*Enquiry, error) {
	var e Enquiry
	if err := s.enquiries.Get(ctx, id, &e); err != nil {
		return nil, err
	}
	return &e, nil
}

// EnquiryFilter selects enquiries; empty fields do not filter.
type EnquiryFilter struct {
	Status          string
	OpportunityCode string
	Page            int
	PerPage         int
}

// EnquiryList is one page of enquiries, newest first.
type EnquiryList = Page[Enquiry]

// ListEnquiries returns a page of the enquiries f selects, newest first.
func (s *Store) ListEnquiries(ctx context.Context, f EnquiryFilter) (*EnquiryList, error) {
	if f.Status != "" && !slices.Contains(EnquiryStatuses, f.Status) {
		return nil, apperr.Fields{"status": "error.field.invalid"}.Err()
	}
	f.Page, f.PerPage = paging.Bounds(f.Page, f.PerPage, DefaultPerPage, MaxPerPage)
	q := bson.D{}
	if f.Status != "" {
		q = append(q, bson.E{Key: "status", Value: f.Status})
	}
	if f.OpportunityCode != "" {
		q = append(q, bson.E{Key: "opportunityCode", Value: f.OpportunityCode})
	}
	total, err := s.enquiries.Mongo().CountDocuments(ctx, q)
	if err != nil {
		return nil, apperr.Internal(fmt.Errorf("count enquiries: %w", err))
	}
	cur, err := s.enquiries.Mongo().Find(ctx, q, options.Find().SetProjection(s.enquiries.NoHistory()).
		SetSort(bson.D{{Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}).
		SetSkip(paging.Skip(f.Page, f.PerPage)).SetLimit(int64(f.PerPage)))
	if err != nil {
		return nil, apperr.Internal(fmt.Errorf("find enquiries: %w", err))
	}
	items := []Enquiry{}
	if err := cur.All(ctx, &items); err != nil {
		return nil, apperr.Internal(fmt.Errorf("read enquiries: %w", err))
	}
	return &EnquiryList{Items: items, Total: total, Page: f.Page, PerPage: f.PerPage}, nil
}

// MarkAnswered records that staff member by answered the enquiry, with a
// history entry. version must be the stored one (else a conflict); an
// enquiry already answered is a conflict too. AnsweredBy keeps the
// actor's e-mail address (or, without one, name or id).
func (s *Store) MarkAnswered(ctx context.Context, id string, version int64, by record.Actor) (*Enquiry, error) {
	who, err := answerer(by)
	if err != nil {
		return nil, err
	}
	e, err := s.GetEnquiry(ctx, id)
	if err != nil {
		return nil, err
	}
	if e.Version != version {
		return nil, s.enquiries.Conflict()
	}
	if e.Status == EnquiryAnswered {
		return nil, apperr.Conflict("opportunity.enquiry.error.already_answered")
	}
	return e, s.answer(ctx, e, version, who, "", by)
}

// answerer is the AnsweredBy of an enquiry answered by by: the e-mail
// address, else the name or id.
func answerer(by record.Actor) (string, error) {
	who := cmp.Or(strings.TrimSpace(by.Email), strings.TrimSpace(by.Name), strings.TrimSpace(by.ID))
	if who == "" {
		return "", apperr.Fields{"answered_by": "error.field.required"}.Err()
	}
	return who, nil
}

// answer marks e (read at version) answered by who, with the reply text
// when there is one, in one versioned write with its history entry, and
// updates e to what was stored.
func (s *Store) answer(ctx context.Context, e *Enquiry, version int64, who, reply string, by record.Actor) error {
	now := s.stamp()
	var d record.Diff
	d.Add("status", e.Status, EnquiryAnswered)
	set := bson.D{
		{Key: "status", Value: EnquiryAnswered},
		{Key: "answeredBy", Value: who},
		{Key: "answeredAt", Value: now},
		{Key: "updatedAt", Value: now},
	}
	if reply != "" {
		d.Add("reply", "", reply)
		set = append(set, bson.E{Key: "reply", Value: reply})
	}
	err := s.enquiries.Update(ctx, e.ID, version, record.Write{
		Set:   set,
		Entry: &record.Change{At: now, By: by, Action: ActionAnswer, Fields: d},
	})
	if err != nil {
		return err
	}
	e.Status, e.AnsweredBy, e.AnsweredAt, e.UpdatedAt, e.Version = EnquiryAnswered, who, &now, now, version+1
	if reply != "" {
		e.Reply = reply
	}
	return nil
}
