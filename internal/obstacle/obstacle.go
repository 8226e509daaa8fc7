// Package obstacle holds the obstacles (khó khăn, vướng mắc) that businesses
// report to the provincial task force: their type and rules, the workflow
// from filing to closing with deadlines in working days, their storage with
// attachments in GridFS, and the figures the dashboard shows. It knows
// nothing of HTTP.
package obstacle

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/contact"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/record"
	"github.com/khanhhoa/investportal/internal/textcheck"
	"go.mongodb.org/mongo-driver/bson"
)

// Status is where an obstacle stands in the workflow.
type Status string

// Obstacle statuses.
const (
	Submitted          Status = "submitted"
	Accepted           Status = "accepted"
	Rejected           Status = "rejected"
	Assigned           Status = "assigned"
	InProgress         Status = "in_progress"
	WaitingForBusiness Status = "waiting_for_business"
	Resolved           Status = "resolved"
	Closed             Status = "closed"
	// Merged marks a duplicate folded into another obstacle (ParentID).
	Merged Status = "merged"
)

// Statuses lists every status in workflow order.
var Statuses = []Status{Submitted, Accepted, Rejected, Assigned, InProgress, WaitingForBusiness, Resolved, Closed, Merged}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if v == s {
			return true
		}
	}
	return false
}

// Open reports whether an obstacle in this status still waits for the
// authorities or the business (not resolved, closed, rejected or merged).
func (s Status) Open() bool {
	switch s {
	case Submitted, Accepted, Assigned, InProgress, WaitingForBusiness:
		return true
	}
	return false
}

// ClockRunning reports whether the deadline clock runs in this status: it
// runs once an agency holds the obstacle and pauses while the business is
// asked a question.
func (s Status) ClockRunning() bool { return s == Assigned || s == InProgress }

// Category classifies what an obstacle is about.
type Category string

// Obstacle categories.
const (
	LandSiteClearance    Category = "land_site_clearance"
	Planning             Category = "planning"
	InvestmentProcedures Category = "investment_procedures"
	ConstructionPermits  Category = "construction_permits"
	Environment          Category = "environment"
	TaxFees              Category = "tax_fees"
	Credit               Category = "credit"
	Infrastructure       Category = "infrastructure"
	Labour               Category = "labour"
	Other                Category = "other"
)

// Categories lists every category in display order.
var Categories = []Category{LandSiteClearance, Planning, InvestmentProcedures, ConstructionPermits, Environment, TaxFees, Credit, Infrastructure, Labour, Other}

// Valid reports whether c is a known category.
func (c Category) Valid() bool {
	for _, v := range Categories {
		if v == c {
			return true
		}
	}
	return false
}

// DefaultWorkingDays is the deadline, in working days from assignment, that
// the task force gives an obstacle of category c unless it sets another.
func DefaultWorkingDays(c Category) int {
	switch c {
	case LandSiteClearance, Infrastructure:
		return 20
	case Planning, ConstructionPermits, Environment:
		return 15
	default:
		return 10
	}
}

// Escalation levels.
const (
	EscalationNone     = 0
	EscalationTaskHead = 1 // the head of the task force
	EscalationPPC      = 2 // the provincial People's Committee
	MaxEscalation      = EscalationPPC
)

// Filer is the business that reported the obstacle.
type Filer struct {
	BusinessName  string `json:"businessName" bson:"businessName"`
	TaxCode       string `json:"taxCode" bson:"taxCode"`
	ContactPerson string `json:"contactPerson" bson:"contactPerson"`
	Email         string `json:"email" bson:"email"`
	Phone         string `json:"phone" bson:"phone"`
	// Lang is the language the business reads: "vi" or "en".
	Lang string `json:"lang" bson:"lang"`
}

// Attachment is a file stored in the GridFS bucket obstacle_files.
type Attachment struct {
	// FileID is the GridFS file id (hex ObjectID).
	FileID      string    `json:"fileId" bson:"fileId"`
	Name        string    `json:"name" bson:"name"`
	ContentType string    `json:"contentType" bson:"contentType"`
	Size        int64     `json:"size" bson:"size"`
	UploadedAt  time.Time `json:"uploadedAt" bson:"uploadedAt"`
	UploadedBy  string    `json:"uploadedBy" bson:"uploadedBy"`
}

// Event is one step in an obstacle's timeline: a record.Change (when, by
// whom, the action, the note, and Internal for the authorities' own notes,
// which the business never sees) with the statuses before and after.
type Event struct {
	record.Change `bson:",inline"`
	FromStatus    Status `json:"fromStatus,omitempty" bson:"fromStatus,omitempty"`
	ToStatus      Status `json:"toStatus" bson:"toStatus"`
	// Agency names the lead agency on an assign event.
	Agency string `json:"agency,omitempty" bson:"agency,omitempty"`
	// FromAgency names the former agency on a restructure event.
	FromAgency string `json:"fromAgency,omitempty" bson:"fromAgency,omitempty"`
}

// NewEvent starts an event of action by actor at at; public events are
// shown to the business.
func NewEvent(at time.Time, actor Actor, action Action, from, to Status, note string, public bool) Event {
	return Event{Change: record.Change{At: at, By: actor.Record(), Action: string(action), Note: note, Internal: !public},
		FromStatus: from, ToStatus: to}
}

// Act is the event's workflow action.
func (e Event) Act() Action { return Action(e.Action) }

// ActorRole is the role of whoever took the step.
func (e Event) ActorRole() Role { return Role(e.By.Role) }

// Public reports whether the business may see the event.
func (e Event) Public() bool { return !e.Internal }

// StatusChange reports whether the event moved the obstacle to another status.
func (e Event) StatusChange() bool { return e.FromStatus != e.ToStatus }

// ShowsNewStatus reports whether a timeline should name the status the
// event led to: it changed the status, and it is not the filing itself,
// whose name ("Submitted") already says it.
func (e Event) ShowsNewStatus() bool { return e.StatusChange() && e.Act() != ActSubmit }

// UnmarshalBSON reads an event as stored now, or as stored before events
// were record.Changes: an "actor" id beside "actorRole", and "public"
// where Internal now says the opposite.
func (e *Event) UnmarshalBSON(b []byte) error {
	type plain Event // the same fields without this method
	var old struct {
		Actor     *string `bson:"actor"`
		ActorRole string  `bson:"actorRole"`
		Public    *bool   `bson:"public"`
	}
	*e = Event{}
	if err := bson.Unmarshal(b, (*plain)(e)); err != nil {
		return err
	}
	if err := bson.Unmarshal(b, &old); err != nil {
		return err
	}
	if old.Actor != nil {
		e.By = record.Actor{ID: *old.Actor, Role: old.ActorRole}
	}
	if old.Public != nil {
		e.Internal = !*old.Public
	}
	return nil
}

// Obstacle is a difficulty a business reported to the task force.
type Obstacle struct {
	ID string `json:"id" bson:"_id"`
	// TrackingCode is shown to the business, e.g. VM-2026-000123.
	TrackingCode string `json:"trackingCode" bson:"trackingCode"`
	// AccessKeyHash is the SHA-256 of the access key shown once at filing.
	AccessKeyHash string `json:"-" bson:"accessKeyHash"`
	Filer         Filer  `json:"filer" bson:"filer"`
	// ProjectCode links the obstacle to a licensed project; empty if general.
	ProjectCode string       `json:"projectCode,omitempty" bson:"projectCode,omitempty"`
	Category    Category     `json:"category" bson:"category"`
	Title       string       `json:"title" bson:"title"`
	Description string       `json:"description" bson:"description"`
	Attachments []Attachment `json:"attachments" bson:"attachments"`
	Status      Status       `json:"status" bson:"status"`
	// LeadAgency is the agency id responsible for resolving it.
	LeadAgency           string   `json:"leadAgency,omitempty" bson:"leadAgency,omitempty"`
	CoordinatingAgencies []string `json:"coordinatingAgencies,omitempty" bson:"coordinatingAgencies,omitempty"`
	// Deadline is the start (midnight, Asia/Ho_Chi_Minh) of the last day
	// allowed; the obstacle is overdue from the next day on.
	Deadline *time.Time `json:"deadline,omitempty" bson:"deadline,omitempty"`
	// PausedDays counts the working days the clock stood still while the
	// business was asked; they were added to Deadline on resuming.
	PausedDays int `json:"pausedDays" bson:"pausedDays"`
	// PausedSince is set while the clock is paused.
	PausedSince     *time.Time `json:"pausedSince,omitempty" bson:"pausedSince,omitempty"`
	EscalationLevel int        `json:"escalationLevel" bson:"escalationLevel"`
	Resolution      string     `json:"resolution,omitempty" bson:"resolution,omitempty"`
	ResolvedAt      *time.Time `json:"resolvedAt,omitempty" bson:"resolvedAt,omitempty"`
	ClosedAt        *time.Time `json:"closedAt,omitempty" bson:"closedAt,omitempty"`
	// Rating is the business's 1-5 rating when it confirms; 0 if none.
	Rating        int    `json:"rating,omitempty" bson:"rating,omitempty"`
	RatingComment string `json:"ratingComment,omitempty" bson:"ratingComment,omitempty"`
	// ParentID is the obstacle this duplicate was merged into.
	ParentID string `json:"parentId,omitempty" bson:"parentId,omitempty"`
	// PolicyIssueID groups obstacles that share one policy cause.
	PolicyIssueID string  `json:"policyIssueId,omitempty" bson:"policyIssueId,omitempty"`
	Timeline      []Event `json:"timeline" bson:"timeline"`
	// IdempotencyKey is the SHA-256 of the key the filing form sent, so a
	// repeated submission finds the first one.
	IdempotencyKey string `json:"-" bson:"idempotencyKey"`
	// RequestHash binds IdempotencyKey to the submission it came with (see
	// Submission.requestHash): only the same submission gets the first
	// answer again. Empty on obstacles filed before it existed.
	RequestHash string    `json:"-" bson:"requestHash,omitempty"`
	Synthetic   bool      `json:"synthetic,omitempty" bson:"synthetic,omitempty"`
	CreatedAt   time.Time `json:"createdAt" bson:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt" bson:"updatedAt"`
	Version     int64     `json:"version" bson:"version"`
}

// PublicTimeline returns the events the business may see.
func (o *Obstacle) PublicTimeline() []Event {
	var out []Event
	for _, e := range o.Timeline {
		if !e.Internal {
			out = append(out, e)
		}
	}
	return out
}

// HasAgency reports whether agency leads or coordinates the obstacle.
func (o *Obstacle) HasAgency(agency string) bool {
	if agency == "" {
		return false
	}
	if o.LeadAgency == agency {
		return true
	}
	for _, a := range o.CoordinatingAgencies {
		if a == agency {
			return true
		}
	}
	return false
}

// Field length limits, in characters.
const (
	MaxBusinessName  = 300
	MaxContactPerson = 120
	MaxEmail         = 254
	MaxTitle         = 200
	MaxDescription   = 10000
	MaxNote          = 4000
	MinDescription   = 20
)

// Validate checks the fields a business fills in, naming each wrong one:
// business_name, tax_code, contact_person, email, phone, lang, project_code,
// category, title, description. It trims spaces in place.
func (o *Obstacle) Validate() error {
	f := apperr.Fields{}
	fl := &o.Filer
	fl.BusinessName = strings.TrimSpace(fl.BusinessName)
	fl.TaxCode = strings.TrimSpace(fl.TaxCode)
	fl.ContactPerson = strings.TrimSpace(fl.ContactPerson)
	fl.Email = strings.TrimSpace(fl.Email)
	fl.Phone = strings.TrimSpace(fl.Phone)
	o.ProjectCode = strings.TrimSpace(o.ProjectCode)
	o.Title = strings.TrimSpace(o.Title)
	o.Description = strings.TrimSpace(o.Description)

	// Characters first, so a field with a NUL is named for that, whatever
	// else is wrong with it.
	for field, v := range map[string]string{"business_name": fl.BusinessName, "tax_code": fl.TaxCode,
		"contact_person": fl.ContactPerson, "email": fl.Email, "phone": fl.Phone, "lang": fl.Lang,
		"project_code": o.ProjectCode, "category": string(o.Category), "title": o.Title} {
		checkChars(f, field, v, false)
	}
	checkChars(f, "description", o.Description, true)
	requiredText(f, "business_name", fl.BusinessName, MaxBusinessName)
	if fl.TaxCode == "" {
		f.Add("tax_code", "error.field.required")
	} else if id := TaxCodeProblem(fl.TaxCode); id != "" {
		f.Add("tax_code", id)
	}
	requiredText(f, "contact_person", fl.ContactPerson, MaxContactPerson)
	if fl.Email == "" {
		f.Add("email", "error.field.required")
	} else if utf8.RuneCountInString(fl.Email) > MaxEmail {
		f.Add("email", "error.field.too_long")
	} else if !ValidEmail(fl.Email) {
		f.Add("email", "error.field.email")
	}
	if fl.Phone == "" {
		f.Add("phone", "error.field.required")
	} else if !ValidPhone(fl.Phone) {
		f.Add("phone", "obstacle.error.phone")
	}
	if fl.Lang != "vi" && fl.Lang != "en" {
		f.Add("lang", "error.field.invalid")
	}
	if o.ProjectCode != "" && !project.ValidCode(o.ProjectCode) {
		f.Add("project_code", "error.field.invalid")
	}
	if !o.Category.Valid() {
		f.Add("category", "error.field.invalid")
	}
	requiredText(f, "title", o.Title, MaxTitle)
	requiredText(f, "description", o.Description, MaxDescription)
	if o.Description != "" && utf8.RuneCountInString(o.Description) < MinDescription {
		f.Add("description", "obstacle.error.description_short")
	}
	return f.Err()
}

// MsgControlChars is the field message for text with control characters.
const MsgControlChars = "obstacle.error.control_chars"

// TextProblem returns the message id of what is wrong with the characters
// of v, or "" if nothing is: text must be valid UTF-8 without control
// characters (NUL, escape, the C1 range…); multi-line text (descriptions,
// notes, answers) may hold line breaks and tabs.
func TextProblem(v string, multiline bool) string {
	switch {
	case !utf8.ValidString(v):
		return "error.field.invalid"
	case !textcheck.Clean(v, multiline):
		return MsgControlChars
	}
	return ""
}

// checkChars adds the field's character problem, if any, to f.
func checkChars(f apperr.Fields, field, v string, multiline bool) {
	if id := TextProblem(v, multiline); id != "" {
		f.Add(field, id)
	}
}

func requiredText(f apperr.Fields, field, v string, max int) {
	if v == "" {
		f.Add(field, "error.field.required")
	} else if utf8.RuneCountInString(v) > max {
		f.Add(field, "error.field.too_long")
	}
}

var taxCodePattern = regexp.MustCompile(`^(\d{10})(?:-(\d{3}))?$`)

// taxWeights are the General Department of Taxation's weights for the
// check digit of an enterprise tax code (mã số thuế).
var taxWeights = [9]int{31, 29, 23, 19, 17, 13, 7, 5, 3}

// ValidTaxCode reports whether s is a Vietnamese enterprise tax code: 10
// digits, or 10 digits, "-" and a 3-digit branch number (001-999), whose
// tenth digit is the check digit 10 - (Σ digit_i × weight_i mod 11) over
// the first nine digits with weights 31, 29, 23, 19, 17, 13, 7, 5, 3. A
// remainder of 0 gives no valid check digit, so such a prefix is refused.
func ValidTaxCode(s string) bool { return TaxCodeProblem(s) == "" }

// TaxCodeProblem returns the message id of what is wrong with a tax code,
// or "" if nothing is: the wrong shape (length, characters, branch 000)
// and a wrong check digit are told apart, so that a business with a typo
// is not told to "enter 10 digits" when it did.
func TaxCodeProblem(s string) string {
	m := taxCodePattern.FindStringSubmatch(s)
	if m == nil || m[2] == "000" {
		return "obstacle.error.tax_code"
	}
	check, ok := TaxCheckDigit(m[1][:9])
	if !ok || int(m[1][9]-'0') != check {
		return "obstacle.error.tax_code_check"
	}
	return ""
}

// TaxCheckDigit computes the check digit for the first nine digits of a tax
// code; ok is false for a prefix that has none.
func TaxCheckDigit(nine string) (digit int, ok bool) {
	if len(nine) != 9 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 9; i++ {
		c := nine[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		sum += int(c-'0') * taxWeights[i]
	}
	d := 10 - sum%11
	if d == 10 {
		return 0, false
	}
	return d, true
}

// ValidEmail reports whether s is a bare e-mail address with a dotted
// domain: the rule of package contact, shared with enquiries.
func ValidEmail(s string) bool { return contact.ValidEmail(s) }

var (
	phoneSeparators = strings.NewReplacer(" ", "", ".", "", "-", "", "(", "", ")", "")
	mobilePattern   = regexp.MustCompile(`^0[35789]\d{8}$`)
	landPattern     = regexp.MustCompile(`^02\d{9}$`)
	servicePattern  = regexp.MustCompile(`^1[89]00\d{4,6}$`)
)

// NormalizePhone strips separators and writes an international +84 or 84
// prefix as the domestic 0; it does not validate.
func NormalizePhone(s string) string {
	p := phoneSeparators.Replace(strings.TrimSpace(s))
	switch {
	case strings.HasPrefix(p, "+84"):
		p = "0" + p[3:]
	case strings.HasPrefix(p, "0084"):
		p = "0" + p[4:]
	case strings.HasPrefix(p, "84") && len(p) == 11:
		p = "0" + p[2:]
	}
	return p
}

// ValidPhone reports whether s is a Vietnamese phone number: a mobile
// (03x, 05x, 07x, 08x, 09x and 8 more digits), a landline with its 02xx
// area code (11 digits, such as 0258 3822 123 in Khánh Hòa) or a 1800/1900
// service number; +84 and common separators are accepted.
func ValidPhone(s string) bool {
	p := NormalizePhone(s)
	return mobilePattern.MatchString(p) || landPattern.MatchString(p) || servicePattern.MatchString(p)
}
