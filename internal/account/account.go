// Package account holds the portal's users and what they may do: roles,
// agencies, password hashing, sign-in with throttling, sessions and API tokens.
// All state lives in MongoDB so that several portal processes can share it.
// It knows nothing of HTTP; the web layer calls it.
package account

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/textcheck"
)

// Role says what a user may do. Every user has exactly one.
type Role string

// The roles, from the design's table of who uses the portal.
const (
	// RoleAdmin manages users, roles, agencies, sectors and settings.
	RoleAdmin Role = "admin"
	// RoleBoard is investment promotion staff staff: opportunities, projects, enquiries.
	RoleBoard Role = "board"
	// RoleTaskForce triages obstacles, assigns agencies and deadlines, closes them.
	RoleTaskForce Role = "taskforce"
	// RoleAgency is an officer of one agency, working the obstacles assigned to it.
	RoleAgency Role = "agency"
	// RoleBusiness is an investor or company that files and follows obstacles.
	RoleBusiness Role = "business"
)

// Roles lists every role in display order.
var Roles = []Role{RoleAdmin, RoleBoard, RoleTaskForce, RoleAgency, RoleBusiness}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r.Is(Roles...) }

// Is reports whether r is one of roles; with no roles it is false. It is the
// one permission check: `u.Role.Is(account.RoleAdmin, account.RoleBoard)`.
func (r Role) Is(roles ...Role) bool {
	for _, v := range roles {
		if r == v {
			return true
		}
	}
	return false
}

// MessageID is the locales/ id of the role's name.
func (r Role) MessageID() string { return "account.role." + string(r) }

// CanEditProjects reports whether the role may create and edit licensed
// projects and opportunities, move projects through their stages and record
// capital: investment promotion staff, and administrators.
func (r Role) CanEditProjects() bool { return r.Is(RoleAdmin, RoleBoard) }

// CanManageObstacles reports whether the role may triage, assign, escalate
// and close any obstacle: the task force, and administrators.
func (r Role) CanManageObstacles() bool { return r.Is(RoleAdmin, RoleTaskForce) }

// CanManageUsers reports whether the role may manage users, roles and
// agencies: administrators only.
func (r Role) CanManageUsers() bool { return r == RoleAdmin }

// IsStaff reports whether the role belongs to the province (every role but
// business); staff see the internal dashboards.
func (r Role) IsStaff() bool { return r.Is(RoleAdmin, RoleBoard, RoleTaskForce, RoleAgency) }

// Languages a user may choose for the portal and its e-mails.
var Languages = []string{"vi", "en"}

// Limits on user fields, in characters.
const (
	MaxEmail = 254
	MaxName  = 200
)

// User is a person who signs in. Email is stored lower-cased and is unique.
// LastLoginAt is sign-in bookkeeping: writing it does not change Version or
// UpdatedAt. Failed sign-ins are counted apart, in login_attempts, so they
// never make an administrator's edit conflict.
type User struct {
	ID    string `json:"id" bson:"_id"`
	Email string `json:"email" bson:"email"`
	Name  string `json:"name" bson:"name"`
	Role  Role   `json:"role" bson:"role"`
	// AgencyID is the agency an agency officer works for; required for
	// the agency role and empty for every other.
	AgencyID string `json:"agencyId,omitempty" bson:"agencyId,omitempty"`
	// Lang is the user's language, "vi" or "en".
	Lang     string `json:"lang" bson:"lang"`
	Disabled bool   `json:"disabled" bson:"disabled"`
	// PasswordHash is an argon2id hash in PHC form; never shown.
	PasswordHash string     `json:"-" bson:"passwordHash"`
	LastLoginAt  *time.Time `json:"lastLoginAt,omitempty" bson:"lastLoginAt,omitempty"`
	CreatedAt    time.Time  `json:"createdAt" bson:"createdAt"`
	UpdatedAt    time.Time  `json:"updatedAt" bson:"updatedAt"`
	Version      int64      `json:"version" bson:"version"`
}

// NormalizeEmail trims and lower-cases an e-mail address, the form in which
// addresses are stored and looked up.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidEmail reports whether s is a bare address such as a@b.vn (no display
// name, no angle brackets). A domain without a dot (admin@localhost) is
// accepted for first-run accounts.
func ValidEmail(s string) bool {
	if s == "" || utf8.RuneCountInString(s) > MaxEmail {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s
}

// Normalize puts the user's fields in stored form: trimmed, the e-mail
// lower-cased, the language defaulting to Vietnamese.
func (u *User) Normalize() {
	u.Email = NormalizeEmail(u.Email)
	u.Name = strings.TrimSpace(u.Name)
	u.AgencyID = strings.TrimSpace(u.AgencyID)
	if u.Lang == "" {
		u.Lang = "vi"
	}
}

// ControlCharsID is the field message of a name with control characters
// (textcheck.Clean), the same as for project and opportunity text.
const ControlCharsID = "project.error.control_chars"

// Validate checks the user's fields, naming each one that is wrong. It does
// not check that the agency exists; the store does.
func (u *User) Validate() error {
	f := apperr.Fields{}
	switch {
	case u.Email == "":
		f.Add("email", "error.field.required")
	case !ValidEmail(u.Email):
		f.Add("email", "error.field.email")
	}
	switch {
	case u.Name == "":
		f.Add("name", "error.field.required")
	case utf8.RuneCountInString(u.Name) > MaxName:
		f.Add("name", "error.field.too_long")
	case !textcheck.Clean(u.Name, false):
		f.Add("name", ControlCharsID)
	}
	if !u.Role.Valid() {
		f.Add("role", "error.field.invalid")
	}
	if u.Role == RoleAgency && u.AgencyID == "" {
		f.Add("agencyId", "account.error.agency_required")
	}
	if u.Role != RoleAgency && u.AgencyID != "" {
		f.Add("agencyId", "account.error.agency_not_allowed")
	}
	if u.Lang != "vi" && u.Lang != "en" {
		f.Add("lang", "error.field.invalid")
	}
	return f.Err()
}

// AuthMethod says how a request proved who it is.
type AuthMethod string

// The ways to sign in.
const (
	ViaSession AuthMethod = "session"
	ViaToken   AuthMethod = "token"
)

// Principal is the signed-in user of one request and how they signed in.
// A nil *Principal is an anonymous visitor.
type Principal struct {
	User User
	Via  AuthMethod
	// Session is set when Via is ViaSession; its CSRFSecret keys the
	// request's anti-forgery tokens.
	Session *Session
	// Token is set when Via is ViaToken.
	Token *Token
}

// Is reports whether p is signed in with one of roles; false for nil.
func (p *Principal) Is(roles ...Role) bool { return p != nil && p.User.Role.Is(roles...) }

// Actor is the signed-in user as history records them; the zero Actor
// for nil.
func (p *Principal) Actor() Actor {
	if p == nil {
		return Actor{}
	}
	return p.User.Actor()
}

// InAgency reports whether p is an officer of the given agency.
func (p *Principal) InAgency(agencyID string) bool {
	return p != nil && p.User.Role == RoleAgency && agencyID != "" && p.User.AgencyID == agencyID
}
