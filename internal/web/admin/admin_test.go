package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/project"
	"github.com/khanhhoa/investportal/internal/web/site/sitetest"
)

func TestAdminManagesUsers(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	admin := e.As(account.RoleAdmin)
	ctx := context.Background()

	t.Run("CreateRefusesBadInputInBothLanguages", func(t *testing.T) {
		for lang, msg := range map[string]string{"vi": "Trường này là bắt buộc.", "en": "This field is required."} {
			v := sitetest.FormValues(t, admin.Get("/"+lang+"/admin/users/new").Doc(t), "[data-testid=user-form]")
			v.Set("email", "not-an-address")
			v.Set("password", "short")
			r := admin.Send(http.MethodPost, "/"+lang+"/admin/users", v)
			d := r.Doc(t)
			if r.Status != 400 || sitetest.Text(d, "#err-name") != msg || sitetest.Text(d, "#err-email") == "" || sitetest.Text(d, "#err-password") == "" {
				t.Errorf("%s: %d name %q email %q password %q", lang, r.Status, sitetest.Text(d, "#err-name"), sitetest.Text(d, "#err-email"), sitetest.Text(d, "#err-password"))
			}
			if d.Find(`input[name=email]`).AttrOr("value", "") != "not-an-address" || d.Find(`input[name=password]`).AttrOr("value", "") != "" {
				t.Errorf("%s: input not kept, or the password echoed", lang)
			}
		}
	})

	v := sitetest.FormValues(t, admin.Get("/en/admin/users/new").Doc(t), "[data-testid=user-form]")
	v.Set("email", "Officer@Example.VN")
	v.Set("name", "Nguyễn Văn An")
	v.Set("role", "board")
	v.Set("password", "first-password-1")
	r := admin.Send(http.MethodPost, "/en/admin/users", v)
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/en/admin/users/") {
		t.Fatalf("create: %d %q", r.Status, r.Header.Get("Location"))
	}
	userPath := r.Header.Get("Location")
	u, err := e.Accounts.GetByEmail(ctx, "officer@example.vn")
	if err != nil || u.Role != account.RoleBoard || u.Name != "Nguyễn Văn An" {
		t.Fatalf("%+v %v", u, err)
	}
	if _, err := e.Accounts.Authenticate(ctx, "officer@example.vn", "first-password-1", time.Now()); err != nil {
		t.Fatalf("new user cannot sign in: %v", err)
	}
	if d := admin.Get("/en/admin/users?q=officer").Doc(t); !strings.Contains(sitetest.Text(d, "[data-testid=user-list]"), "officer@example.vn") {
		t.Error("the user list does not find the new user")
	}

	t.Run("ChangeRole", func(t *testing.T) {
		v := sitetest.FormValues(t, admin.Get(userPath).Doc(t), "[data-testid=profile-form]")
		v.Set("role", "agency")
		v.Set("agencyId", "")
		r := admin.Send(http.MethodPost, userPath, v)
		if r.Status != 400 || sitetest.Text(r.Doc(t), "#err-agencyId") != "Choose the agency this officer works for." {
			t.Fatalf("agency role without agency: %d %q", r.Status, sitetest.Text(r.Doc(t), "#err-agencyId"))
		}
		v.Set("agencyId", "finance")
		if r := admin.Send(http.MethodPost, userPath, v); r.Status != http.StatusSeeOther {
			t.Fatalf("change role: %d", r.Status)
		}
		got, _ := e.Accounts.GetUser(ctx, u.ID)
		if got.Role != account.RoleAgency || got.AgencyID != "finance" {
			t.Errorf("stored %+v", got)
		}
		// The form read before the change is stale now.
		if r := admin.Send(http.MethodPost, userPath, v); r.Status != http.StatusConflict {
			t.Errorf("stale profile form: %d", r.Status)
		}
	})
	t.Run("ResetPassword", func(t *testing.T) {
		token := sitetest.PageCSRF(t, admin.Get(userPath))
		r := admin.Send(http.MethodPost, userPath+"/password", url.Values{"_csrf": {token}, "password": {"short"}})
		if r.Status != 400 || sitetest.Text(r.Doc(t), "#err-password") != "Use at least 8 characters." {
			t.Errorf("short password: %d", r.Status)
		}
		if r := admin.Send(http.MethodPost, userPath+"/password", url.Values{"_csrf": {token}, "password": {"second-password-2"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("reset: %d", r.Status)
		}
		if _, err := e.Accounts.Authenticate(ctx, "officer@example.vn", "second-password-2", time.Now()); err != nil {
			t.Errorf("new password refused: %v", err)
		}
	})
	t.Run("DisableAndEnable", func(t *testing.T) {
		token := sitetest.PageCSRF(t, admin.Get(userPath))
		if r := admin.Send(http.MethodPost, userPath+"/disable", url.Values{"_csrf": {token}}); r.Status != http.StatusSeeOther {
			t.Fatalf("disable: %d", r.Status)
		}
		if _, err := e.Accounts.Authenticate(ctx, "officer@example.vn", "second-password-2", time.Now()); err == nil {
			t.Error("a disabled user signed in")
		}
		if d := admin.Get(userPath).Doc(t); sitetest.Text(d, "[data-testid=user-status]") != "Disabled" {
			t.Errorf("status shown %q", sitetest.Text(d, "[data-testid=user-status]"))
		}
		if r := admin.Send(http.MethodPost, userPath+"/enable", url.Values{"_csrf": {token}}); r.Status != http.StatusSeeOther {
			t.Fatalf("enable: %d", r.Status)
		}
		if _, err := e.Accounts.Authenticate(ctx, "officer@example.vn", "second-password-2", time.Now()); err != nil {
			t.Errorf("enabled user refused: %v", err)
		}
	})
	t.Run("LastAdminCannotBeDisabled", func(t *testing.T) {
		// Two administrators exist (root and the demo one): disable one,
		// then the other is the last.
		root, _ := e.Accounts.GetByEmail(ctx, "root@portal.test")
		if _, err := e.Accounts.Disable(ctx, root.ID, account.SystemActor, time.Now()); err != nil {
			t.Fatal(err)
		}
		me := "/en/admin/users/" + e.Users[account.RoleAdmin].ID
		r := admin.Send(http.MethodPost, me+"/disable", url.Values{"_csrf": {sitetest.PageCSRF(t, admin.Get(me))}})
		if r.Status != http.StatusConflict || !strings.Contains(sitetest.Text(r.Doc(t), "[data-testid=form-error]"), "last active administrator") {
			t.Errorf("last admin: %d", r.Status)
		}
	})
}

func TestAdminIssuesAndRevokesTokens(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	admin := e.As(account.RoleAdmin)
	userPath := "/en/admin/users/" + e.Users[account.RoleBoard].ID
	token := sitetest.PageCSRF(t, admin.Get(userPath))
	if r := admin.Send(http.MethodPost, userPath+"/tokens", url.Values{"_csrf": {token}, "token_name": {""}}); r.Status != 400 || sitetest.Text(r.Doc(t), "#err-token_name") == "" {
		t.Errorf("nameless token: %d", r.Status)
	}
	r := admin.Send(http.MethodPost, userPath+"/tokens", url.Values{"_csrf": {token}, "token_name": {"statistics export"}})
	plain := sitetest.Text(r.Doc(t), "[data-testid=new-token]")
	if r.Status != http.StatusCreated || !strings.HasPrefix(plain, account.TokenPrefix) || !strings.Contains(r.Header.Get("Cache-Control"), "no-store") {
		t.Fatalf("issue: %d %q", r.Status, plain)
	}
	api := &sitetest.APIClient{E: e, Token: plain}
	if r := api.Call(http.MethodGet, "/api/v1/projects/DA-0001/history", nil); r.Status != 200 {
		t.Fatalf("the issued token does not work: %d", r.Status)
	}
	d := admin.Get(userPath).Doc(t)
	if d.Find("[data-testid=new-token]").Length() != 0 || strings.Contains(d.Text(), plain) {
		t.Error("the token is shown again")
	}
	rows := d.Find("[data-testid=token-list] tbody tr")
	if rows.Length() != 1 || !strings.Contains(rows.Text(), "statistics export") {
		t.Fatalf("token list: %q", rows.Text())
	}
	revoke := d.Find("[data-testid=token-list] form").AttrOr("action", "")
	if r := admin.Send(http.MethodPost, revoke, url.Values{"_csrf": {token}}); r.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", r.Status)
	}
	if r := api.Call(http.MethodGet, "/api/v1/projects/DA-0001/history", nil); r.Status != 401 {
		t.Errorf("revoked token still works: %d", r.Status)
	}
	stored, _ := e.Accounts.ListTokens(context.Background(), e.Users[account.RoleBoard].ID)
	if len(stored) != 0 {
		t.Errorf("%d tokens left", len(stored))
	}
}

func TestAdminManagesAgencies(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	admin := e.As(account.RoleAdmin)
	d := admin.Get("/vi/admin/agencies").Doc(t)
	if n := d.Find("[data-testid=agency-list] tbody tr").Length(); n != len(account.DefaultAgencies()) {
		t.Fatalf("%d agencies listed", n)
	}
	token := sitetest.PageCSRF(t, admin.Get("/vi/admin/agencies"))
	r := admin.Send(http.MethodPost, "/vi/admin/agencies", url.Values{"_csrf": {token}, "id": {"Bad Code"}, "name.vi": {""}})
	if r.Status != 400 || sitetest.Text(r.Doc(t), "#err-name\\.vi") != "Trường này là bắt buộc." || sitetest.Text(r.Doc(t), "#err-id") == "" {
		t.Fatalf("bad agency: %d", r.Status)
	}
	r = admin.Send(http.MethodPost, "/vi/admin/agencies", url.Values{"_csrf": {token}, "id": {"foreign_affairs"}, "name.vi": {"Sở Ngoại vụ"}, "name.en": {"Department of Foreign Affairs"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("create: %d", r.Status)
	}
	a, err := e.Accounts.GetAgency(context.Background(), "foreign_affairs")
	if err != nil || a.Name.EN != "Department of Foreign Affairs" {
		t.Fatalf("%+v %v", a, err)
	}
	rename := url.Values{"_csrf": {token}, "version": {"1"}, "name.vi": {"Sở Ngoại vụ tỉnh Khánh Hòa"}, "name.en": {"Khanh Hoa Department of Foreign Affairs"}}
	if r := admin.Send(http.MethodPost, "/en/admin/agencies/foreign_affairs", rename); r.Status != http.StatusSeeOther {
		t.Fatalf("rename: %d", r.Status)
	}
	if r := admin.Send(http.MethodPost, "/en/admin/agencies/foreign_affairs", rename); r.Status != http.StatusConflict {
		t.Errorf("stale rename: %d", r.Status)
	}
}

// TestStaffPagesRenderInBothLanguages opens every board and administration
// page in both languages and checks no message is missing from locales/.
func TestStaffPagesRenderInBothLanguages(t *testing.T) {
	t.Parallel()
	e := sitetest.New(t)
	board, admin := e.As(account.RoleBoard), e.As(account.RoleAdmin)
	pr := e.FirstAtStage(project.Terminated)
	name := "Renamed"
	if _, err := e.Projects.Update(context.Background(), pr.Code, pr.Version, project.Changes{NameEN: &name}, project.Actor{Name: "T"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.Accounts.IssueToken(context.Background(), e.Users[account.RoleBoard].ID, "t", time.Now()); err != nil {
		t.Fatal(err)
	}
	pages := map[*sitetest.Client][]string{
		board: {"/board", "/board/watch", "/board/projects/new", "/board/projects/DA-0001/edit", "/board/projects/DA-0001/stage",
			"/board/projects/" + pr.Code + "/stage", "/board/projects/FDI-0001/disbursements", "/projects/" + pr.Code},
		admin: {"/admin", "/admin/users", "/admin/users?role=board&q=demo", "/admin/users/new", "/admin/users/" + e.Users[account.RoleBoard].ID,
			"/admin/agencies", "/admin/settings"},
	}
	for c, paths := range pages {
		for _, lang := range []string{"vi", "en"} {
			for _, p := range paths {
				r := c.Get("/" + lang + p)
				if r.Status != 200 {
					t.Errorf("%s%s: %d", lang, p, r.Status)
					continue
				}
				if d := r.Doc(t); d.Find("html").AttrOr("lang", "") != lang || d.Find("main h1").Length() == 0 {
					t.Errorf("%s%s: no heading or wrong language", lang, p)
				}
			}
		}
	}
	if m := e.Bundle.Missing(); len(m) > 0 {
		t.Errorf("missing messages: %v", m)
	}
}
