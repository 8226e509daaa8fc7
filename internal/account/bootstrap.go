package account

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"go.mongodb.org/mongo-driver/bson"
)

// DefaultAdminEmail is the first administrator's address when none is
// configured.
const DefaultAdminEmail = "admin@localhost"

// BootstrapOptions say which accounts a fresh installation gets.
type BootstrapOptions struct {
	// AdminEmail and AdminPassword make the first administrator when there
	// is none; an empty email is DefaultAdminEmail, an empty password is
	// generated. A configured password must pass ValidatePassword.
	AdminEmail    string
	AdminPassword string
	// Demo adds one account per role at demo.local.
	Demo bool
	// DemoPassword is the demo accounts' password; empty generates one.
	DemoPassword string
}

// Credential is an account Bootstrap made. Password is set only when it
// was generated, for the caller to print once; a configured password is
// never echoed.
type Credential struct {
	Email    string
	Role     Role
	Password string
}

// DemoUsers are the demo accounts, one per role; the agency officer works
// for the Department of Planning and Investment.
func DemoUsers() []NewUser {
	return []NewUser{
		{Email: "admin@demo.local", Name: "Quản trị viên (demo)", Role: RoleAdmin},
		{Email: "board@demo.local", Name: "Cán bộ Trung tâm Xúc tiến đầu tư (demo)", Role: RoleBoard},
		{Email: "taskforce@demo.local", Name: "Tổ công tác tháo gỡ khó khăn (demo)", Role: RoleTaskForce},
		{Email: "agency@demo.local", Name: "Cán bộ Sở Tài chính (demo)", Role: RoleAgency, AgencyID: Finance},
		{Email: "business@demo.local", Name: "Doanh nghiệp (demo)", Role: RoleBusiness, Lang: "en"},
	}
}

// Bootstrap readies a database for use: it seeds the DefaultAgencies
// that are missing (never renaming one), makes the first administrator when there is none (of
// any state), and with Demo the DemoUsers that are missing. It is
// idempotent: a second run makes nothing and returns nothing. The
// returned credentials are the accounts it made.
func (s *Store) Bootstrap(ctx context.Context, o BootstrapOptions, now time.Time) ([]Credential, error) {
	if _, err := s.SeedAgencies(ctx, now); err != nil {
		return nil, err
	}
	if err := o.checkPasswords(); err != nil {
		return nil, err
	}
	var out []Credential
	admins, err := s.users.Mongo().CountDocuments(ctx, bson.M{"role": RoleAdmin})
	if err != nil {
		return nil, apperr.Internal(fmt.Errorf("count admins: %w", err))
	}
	if admins == 0 {
		c, err := s.ensureUser(ctx, NewUser{Email: o.adminEmail(), Name: "Quản trị viên", Role: RoleAdmin}, o.AdminPassword, now)
		if err != nil {
			return nil, fmt.Errorf("first administrator: %w", err)
		}
		if c != nil {
			out = append(out, *c)
		}
	}
	if o.Demo {
		// One password for all the demo accounts made in this run.
		pw := o.DemoPassword
		if pw == "" {
			pw = GeneratePassword()
		}
		for _, nu := range DemoUsers() {
			c, err := s.ensureUser(ctx, nu, pw, now)
			if err != nil {
				return nil, fmt.Errorf("demo user %s: %w", nu.Email, err)
			}
			if c != nil {
				if o.DemoPassword == "" {
					c.Password = pw
				}
				out = append(out, *c)
			}
		}
	}
	return out, nil
}

func (o BootstrapOptions) adminEmail() string {
	if o.AdminEmail == "" {
		return DefaultAdminEmail
	}
	return o.AdminEmail
}

// checkPasswords refuses configured passwords that ValidatePassword would
// refuse (too short, common, the account's e-mail), before any account is
// made, so that a bad setting leaves no half-made set of accounts.
func (o BootstrapOptions) checkPasswords() error {
	if o.AdminPassword != "" {
		if id := passwordProblem(o.AdminPassword, o.adminEmail()); id != "" {
			return fmt.Errorf("first administrator: the configured password is refused (%s)", id)
		}
	}
	if o.Demo && o.DemoPassword != "" {
		for _, nu := range DemoUsers() {
			if id := passwordProblem(o.DemoPassword, nu.Email); id != "" {
				return fmt.Errorf("demo user %s: the configured password is refused (%s)", nu.Email, id)
			}
		}
	}
	return nil
}

// ensureUser makes nu with password (generated when empty) unless its
// e-mail is taken, returning the credential made or nil.
func (s *Store) ensureUser(ctx context.Context, nu NewUser, password string, now time.Time) (*Credential, error) {
	if _, err := s.GetByEmail(ctx, nu.Email); err == nil {
		return nil, nil
	} else if !errors.Is(err, apperr.ErrNotFound) {
		return nil, err
	}
	generated := password == ""
	if generated {
		password = GeneratePassword()
	}
	nu.Password = password
	u, err := s.CreateUser(ctx, nu, SystemActor, now)
	if err != nil {
		// Another process bootstrapping at the same moment made it first.
		if e := apperr.As(err); e.Fields["email"] == "account.error.email_taken" {
			return nil, nil
		}
		return nil, err
	}
	c := &Credential{Email: u.Email, Role: u.Role}
	if generated {
		c.Password = password
	}
	return c, nil
}
