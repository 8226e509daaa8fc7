package admin

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/migrate"
	"github.com/khanhhoa/investportal/internal/paging"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/web"
)

// adminAccess is who administers users, agencies, tokens and settings.
var adminAccess = web.Roles(account.RoleAdmin)

// RegisterPages registers the administrators' pages: users, agencies,
// API tokens and settings.
func (s *Handlers) RegisterPages(g fiber.Router) {
	s.Handle(g, fiber.MethodGet, "/admin", adminAccess, s.adminHome)
	s.Handle(g, fiber.MethodGet, "/admin/users", adminAccess, s.adminUsers)
	s.Handle(g, fiber.MethodGet, "/admin/users/new", adminAccess, s.adminNewUser)
	s.Handle(g, fiber.MethodPost, "/admin/users", adminAccess, s.adminCreateUser)
	s.Handle(g, fiber.MethodGet, "/admin/users/:id", adminAccess, s.adminUser)
	s.Handle(g, fiber.MethodPost, "/admin/users/:id", adminAccess, s.adminUpdateUser)
	s.Handle(g, fiber.MethodPost, "/admin/users/:id/password", adminAccess, s.adminSetPassword)
	s.Handle(g, fiber.MethodPost, "/admin/users/:id/disable", adminAccess, s.adminDisableUser)
	s.Handle(g, fiber.MethodPost, "/admin/users/:id/enable", adminAccess, s.adminEnableUser)
	s.Handle(g, fiber.MethodPost, "/admin/users/:id/tokens", adminAccess, s.adminIssueToken)
	s.Handle(g, fiber.MethodPost, "/admin/users/:id/tokens/:token/revoke", adminAccess, s.adminRevokeToken)
	s.Handle(g, fiber.MethodGet, "/admin/agencies", adminAccess, s.adminAgencies)
	s.Handle(g, fiber.MethodPost, "/admin/agencies", adminAccess, s.adminCreateAgency)
	s.Handle(g, fiber.MethodPost, "/admin/agencies/restructure", adminAccess, s.adminRestructure)
	s.Handle(g, fiber.MethodPost, "/admin/agencies/:id", adminAccess, s.adminRenameAgency)
	s.Handle(g, fiber.MethodGet, "/admin/settings", adminAccess, s.adminSettings)
	s.Handle(g, fiber.MethodPost, "/admin/settings", adminAccess, s.adminSaveSettings)
}

func (s *Handlers) adminHome(c *fiber.Ctx) error {
	p := s.NewPage(c, "admin.home.title")
	p.Nav = "admin"
	return s.Render(c, "admin/home", p)
}

// adminURL is an administration page in the request's language.
func adminURL(c *fiber.Ctx, rest string) string { return "/" + web.Lang(c) + "/admin" + rest }

// Users.

// usersData is the user list's content.
type usersData struct {
	Query, Role string
	Roles       []account.Role
	Result      account.UserPage
	Pages       int
	// Agencies names each agency by its code, for the agency officers' rows.
	Agencies map[string]account.Text
	// PageURL links to another page of the same list.
	PageURL func(int) string
}

func (s *Handlers) adminUsers(c *fiber.Ctx) error {
	q, role := c.Query("q"), c.Query("role")
	// A page that is not a number shows the first page (no error here).
	page := web.PageParam(apperr.Fields{}, "page", c.Query("page"), 1, web.MaxPageParam)
	if len(q) > project.MaxFilterLen || role != "" && !account.Role(role).Valid() {
		return apperr.Fields{"q": "error.field.invalid"}.Err()
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	res, err := s.accounts.ListUsers(ctx, account.UserFilter{Query: q, Role: account.Role(role), Page: page, PerPage: 50})
	if err != nil {
		return err
	}
	p := s.NewPage(c, "admin.users.title")
	p.Nav = "admin"
	agencies, err := s.accounts.ListAgencies(ctx)
	if err != nil {
		return err
	}
	d := usersData{Query: q, Role: role, Roles: account.Roles, Result: res, Agencies: map[string]account.Text{}}
	for _, a := range agencies {
		d.Agencies[a.ID] = a.Name
	}
	d.Pages = paging.Count(res.Total, res.PerPage)
	d.PageURL = func(n int) string {
		v := url.Values{"page": {strconv.Itoa(n)}}
		if q != "" {
			v.Set("q", q)
		}
		if role != "" {
			v.Set("role", role)
		}
		return adminURL(c, "/users?"+v.Encode())
	}
	p.Data = d
	return s.Render(c, "admin/users", p)
}

// userFormFields are the inputs of the user forms; the names are the
// account domain's field names, so its messages land on the right input.
var userFormFields = []string{"email", "name", "role", "agencyId", "lang", "password", "version"}

// userFormData is the new-user form's content.
type userFormData struct {
	Form     web.Form
	Roles    []account.Role
	Agencies []account.Agency
}

func (s *Handlers) renderNewUser(c *fiber.Ctx, status int, f web.Form) error {
	ctx, cancel := web.DBContext(c)
	defer cancel()
	agencies, err := s.accounts.ListAgencies(ctx)
	if err != nil {
		return err
	}
	p := s.NewPage(c, "admin.user_new.title")
	p.Nav = "admin"
	p.Data = userFormData{Form: f, Roles: account.Roles, Agencies: agencies}
	c.Status(status)
	return s.Render(c, "admin/user_new", p)
}

func (s *Handlers) adminNewUser(c *fiber.Ctx) error {
	return s.renderNewUser(c, fiber.StatusOK, web.FormWith(map[string]string{"role": string(account.RoleBoard), "lang": "vi"}))
}

func (s *Handlers) adminCreateUser(c *fiber.Ctx) error {
	f := web.ReadForm(c, userFormFields...).ReadRaw(c, "password") // passwords are not trimmed
	ctx, cancel := web.DBContext(c)
	defer cancel()
	u, err := s.accounts.CreateUser(ctx, account.NewUser{Email: f.V("email"), Name: f.V("name"), Role: account.Role(f.V("role")),
		AgencyID: f.V("agencyId"), Lang: f.V("lang"), Password: f.V("password")}, web.Principal(c).Actor(), s.Now())
	if err != nil {
		f.Values["password"] = ""
		status, err := f.Fail(err)
		if err != nil {
			return err
		}
		return s.renderNewUser(c, status, f)
	}
	s.Flash(c, "admin.flash.user_created")
	return c.Redirect(adminURL(c, "/users/"+u.ID), fiber.StatusSeeOther)
}

// userData is one user's page: profile, password, access and tokens. Form
// holds the submitted form's input and messages; Which names that form.
type userData struct {
	User     account.User
	Roles    []account.Role
	Agencies []account.Agency
	Tokens   []account.Token
	Form     web.Form
	Which    string
	// NewToken is the plaintext of a token just issued, shown this once.
	NewToken string
}

func (s *Handlers) renderUser(c *fiber.Ctx, status int, u account.User, which string, f web.Form, newToken string) error {
	ctx, cancel := web.DBContext(c)
	defer cancel()
	agencies, err := s.accounts.ListAgencies(ctx)
	if err != nil {
		return err
	}
	tokens, err := s.accounts.ListTokens(ctx, u.ID)
	if err != nil {
		return err
	}
	if which != "profile" {
		f.Values = map[string]string{"email": u.Email, "name": u.Name, "role": string(u.Role), "agencyId": u.AgencyID,
			"lang": u.Lang, "version": strconv.FormatInt(u.Version, 10)}
	}
	p := s.NewPage(c, "admin.user.title")
	p.Nav = "admin"
	p.Data = userData{User: u, Roles: account.Roles, Agencies: agencies, Tokens: tokens, Form: f, Which: which, NewToken: newToken}
	if newToken != "" {
		c.Set(fiber.HeaderCacheControl, "no-store")
	}
	c.Status(status)
	return s.Render(c, "admin/user", p)
}

// loadUser reads the user named by :id.
func (s *Handlers) loadUser(c *fiber.Ctx) (account.User, error) {
	ctx, cancel := web.DBContext(c)
	defer cancel()
	return s.accounts.GetUser(ctx, c.Params("id"))
}

func (s *Handlers) adminUser(c *fiber.Ctx) error {
	u, err := s.loadUser(c)
	if err != nil {
		return err
	}
	return s.renderUser(c, fiber.StatusOK, u, "", web.NewForm(), "")
}

// userFormFail re-renders the user page with the failed form's messages.
func (s *Handlers) userFormFail(c *fiber.Ctx, u account.User, which string, f web.Form, err error) error {
	status, err := f.Fail(err)
	if err != nil {
		return err
	}
	return s.renderUser(c, status, u, which, f, "")
}

func (s *Handlers) adminUpdateUser(c *fiber.Ctx) error {
	u, err := s.loadUser(c)
	if err != nil {
		return err
	}
	f := web.ReadForm(c, userFormFields...)
	version, perr := strconv.ParseInt(f.V("version"), 10, 64)
	if perr != nil {
		return s.userFormFail(c, u, "profile", f, apperr.Fields{"version": "board.error.version"}.Err())
	}
	email, name, lang, role, agency := f.V("email"), f.V("name"), f.V("lang"), account.Role(f.V("role")), f.V("agencyId")
	ctx, cancel := web.DBContext(c)
	defer cancel()
	if _, err := s.accounts.UpdateUser(ctx, u.ID, version, account.UserUpdate{Email: &email, Name: &name, Lang: &lang, Role: &role, AgencyID: &agency}, web.Principal(c).Actor(), s.Now()); err != nil {
		return s.userFormFail(c, u, "profile", f, err)
	}
	s.Flash(c, "admin.flash.user_saved")
	return c.Redirect(adminURL(c, "/users/"+u.ID), fiber.StatusSeeOther)
}

func (s *Handlers) adminSetPassword(c *fiber.Ctx) error {
	u, err := s.loadUser(c)
	if err != nil {
		return err
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	f := web.NewForm().ReadRaw(c, "password")
	if err := s.accounts.SetPassword(ctx, u.ID, f.V("password"), web.Principal(c).Actor(), s.Now()); err != nil {
		f.Values["password"] = ""
		return s.userFormFail(c, u, "password", f, err)
	}
	s.Flash(c, "admin.flash.password_set")
	return c.Redirect(adminURL(c, "/users/"+u.ID), fiber.StatusSeeOther)
}

func (s *Handlers) adminDisableUser(c *fiber.Ctx) error {
	u, err := s.loadUser(c)
	if err != nil {
		return err
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	if _, err := s.accounts.Disable(ctx, u.ID, web.Principal(c).Actor(), s.Now()); err != nil {
		return s.userFormFail(c, u, "access", web.NewForm(), err)
	}
	s.Flash(c, "admin.flash.user_disabled")
	return c.Redirect(adminURL(c, "/users/"+u.ID), fiber.StatusSeeOther)
}

func (s *Handlers) adminEnableUser(c *fiber.Ctx) error {
	u, err := s.loadUser(c)
	if err != nil {
		return err
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	if _, err := s.accounts.Enable(ctx, u.ID, web.Principal(c).Actor(), s.Now()); err != nil {
		return err
	}
	s.Flash(c, "admin.flash.user_enabled")
	return c.Redirect(adminURL(c, "/users/"+u.ID), fiber.StatusSeeOther)
}

// adminIssueToken makes an API token and shows its plaintext in this one
// answer (not through a redirect: the secret must not be stored anywhere
// to be shown later).
func (s *Handlers) adminIssueToken(c *fiber.Ctx) error {
	u, err := s.loadUser(c)
	if err != nil {
		return err
	}
	f := web.ReadForm(c, "token_name")
	ctx, cancel := web.DBContext(c)
	defer cancel()
	plain, _, err := s.accounts.IssueToken(ctx, u.ID, f.V("token_name"), s.Now())
	if err != nil {
		e := apperr.As(err)
		if name, ok := e.Fields["name"]; ok {
			e = apperr.Fields{"token_name": name}.Err().(*apperr.Error)
		}
		return s.userFormFail(c, u, "token", f, e)
	}
	return s.renderUser(c, fiber.StatusCreated, u, "token", web.NewForm(), plain)
}

func (s *Handlers) adminRevokeToken(c *fiber.Ctx) error {
	u, err := s.loadUser(c)
	if err != nil {
		return err
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	if err := s.accounts.RevokeToken(ctx, u.ID, c.Params("token")); err != nil {
		return err
	}
	s.Flash(c, "admin.flash.token_revoked")
	return c.Redirect(adminURL(c, "/users/"+u.ID), fiber.StatusSeeOther)
}

// Agencies.

// agenciesData is the agency page's content; Form and Which carry the
// failed form (Which is "new" or an agency code).
type agenciesData struct {
	Agencies []account.Agency
	// Current are the agencies that exist today, Former those that ended;
	// Names names each by its code in the page's language.
	Current, Former []account.Agency
	Names           map[string]string
	Form            web.Form
	Which           string
	// Outcome lists a restructure's changes, nil when none was asked.
	Outcome *restructureOutcome
}

// restructureOutcome is what a restructure did (Applied) or would do.
type restructureOutcome struct {
	Changes            []migrate.Change
	Applied            bool
	Certain, Uncertain int
}

func (s *Handlers) renderAgencies(c *fiber.Ctx, status int, which string, f web.Form) error {
	return s.renderAgenciesWith(c, status, which, f, nil)
}

func (s *Handlers) renderAgenciesWith(c *fiber.Ctx, status int, which string, f web.Form, out *restructureOutcome) error {
	ctx, cancel := web.DBContext(c)
	defer cancel()
	agencies, err := s.accounts.ListAgencies(ctx)
	if err != nil {
		return err
	}
	p := s.NewPage(c, "admin.agencies.title")
	p.Nav = "admin"
	d := agenciesData{Agencies: agencies, Form: f, Which: which, Outcome: out, Names: map[string]string{}}
	for _, a := range agencies {
		d.Names[a.ID], _ = a.Name.In(p.Lang)
		if a.Former(s.Now()) {
			d.Former = append(d.Former, a)
		} else {
			d.Current = append(d.Current, a)
		}
	}
	p.Data = d
	c.Status(status)
	return s.Render(c, "admin/agencies", p)
}

func (s *Handlers) adminAgencies(c *fiber.Ctx) error {
	return s.renderAgencies(c, fiber.StatusOK, "", web.NewForm())
}

func (s *Handlers) adminCreateAgency(c *fiber.Ctx) error {
	f := web.ReadForm(c, "id", "name.vi", "name.en")
	ctx, cancel := web.DBContext(c)
	defer cancel()
	if _, err := s.accounts.CreateAgency(ctx, account.Agency{ID: f.V("id"), Name: account.Text{VI: f.V("name.vi"), EN: f.V("name.en")}}, web.Principal(c).Actor(), s.Now()); err != nil {
		status, err := f.Fail(err)
		if err != nil {
			return err
		}
		return s.renderAgencies(c, status, "new", f)
	}
	s.Flash(c, "admin.flash.agency_created")
	return c.Redirect(adminURL(c, "/agencies"), fiber.StatusSeeOther)
}

func (s *Handlers) adminRenameAgency(c *fiber.Ctx) error {
	id := c.Params("id")
	if !account.ValidAgencyID(id) {
		return apperr.NotFound("account.error.agency_not_found")
	}
	f := web.ReadForm(c, "name.vi", "name.en", "version")
	version, _ := strconv.ParseInt(f.V("version"), 10, 64)
	ctx, cancel := web.DBContext(c)
	defer cancel()
	if _, err := s.accounts.GetAgency(ctx, id); err != nil {
		return err
	}
	if _, err := s.accounts.UpdateAgency(ctx, id, version, account.Text{VI: f.V("name.vi"), EN: f.V("name.en")}, web.Principal(c).Actor(), s.Now()); err != nil {
		status, err := f.Fail(err)
		if err != nil {
			return err
		}
		return s.renderAgencies(c, status, id, f)
	}
	s.Flash(c, "admin.flash.agency_saved")
	return c.Redirect(adminURL(c, "/agencies"), fiber.StatusSeeOther)
}

// Settings.

// settingsData is the settings page's content.
type settingsData struct {
	Watch project.WatchSettings
	Form  web.Form
}

func (s *Handlers) renderSettings(c *fiber.Ctx, status int, w project.WatchSettings, f web.Form) error {
	p := s.NewPage(c, "admin.settings.title")
	p.Nav = "admin"
	p.Data = settingsData{Watch: w, Form: f}
	c.Status(status)
	return s.Render(c, "admin/settings", p)
}

func (s *Handlers) adminSettings(c *fiber.Ctx) error {
	ctx, cancel := web.DBContext(c)
	defer cancel()
	w, err := s.projects.WatchSettings(ctx)
	if err != nil {
		return err
	}
	f := web.FormWith(map[string]string{"months": strconv.Itoa(w.Months), "share": strconv.Itoa(w.SharePercent),
		"version": strconv.FormatInt(w.Version, 10)})
	return s.renderSettings(c, fiber.StatusOK, w, f)
}

func (s *Handlers) adminSaveSettings(c *fiber.Ctx) error {
	f := web.ReadForm(c, "months", "share", "version")
	ctx, cancel := web.DBContext(c)
	defer cancel()
	cur, err := s.projects.WatchSettings(ctx)
	if err != nil {
		return err
	}
	bad := apperr.Fields{}
	months := web.ParseInt64(bad, "months", f.V("months"), true)
	share := web.ParseInt64(bad, "share", f.V("share"), true)
	version, verr := strconv.ParseInt(f.V("version"), 10, 64)
	if verr != nil || version < 0 {
		bad.Add("version", "board.error.version")
	}
	err = bad.Err()
	if err == nil {
		w := project.WatchSettings{Months: int(min(*months, 1<<20)), SharePercent: int(min(*share, 1<<20))}
		_, err = s.projects.SaveWatchSettings(ctx, w, version, web.ProjectActor(c), s.Now())
	}
	if err != nil {
		status, err := f.Fail(err)
		if err != nil {
			return err
		}
		return s.renderSettings(c, status, cur, f)
	}
	s.Flash(c, "admin.flash.settings_saved")
	return c.Redirect(adminURL(c, "/settings"), fiber.StatusSeeOther)
}
