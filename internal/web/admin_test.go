package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/project"
)

func TestAdminManagesUsers(t *testing.T) {
	e := newEnv(t)
	admin := e.as(account.RoleAdmin)
	ctx := context.Background()

	t.Run("CreateRefusesBadInputInBothLanguages", func(t *testing.T) {
		for lang, msg := range map[string]string{"vi": "Trường này là bắt buộc.", "en": "This field is required."} {
			v := formValues(t, admin.get("/"+lang+"/admin/users/new").doc(t), "[data-testid=user-form]")
			v.Set("email", "not-an-address")
			v.Set("password", "short")
			r := admin.send(http.MethodPost, "/"+lang+"/admin/users", v)
			d := r.doc(t)
			if r.status != 400 || text(d, "#err-name") != msg || text(d, "#err-email") == "" || text(d, "#err-password") == "" {
				t.Errorf("%s: %d name %q email %q password %q", lang, r.status, text(d, "#err-name"), text(d, "#err-email"), text(d, "#err-password"))
			}
			if d.Find(`input[name=email]`).AttrOr("value", "") != "not-an-address" || d.Find(`input[name=password]`).AttrOr("value", "") != "" {
				t.Errorf("%s: input not kept, or the password echoed", lang)
			}
		}
	})

	v := formValues(t, admin.get("/en/admin/users/new").doc(t), "[data-testid=user-form]")
	v.Set("email", "Officer@Example.VN")
	v.Set("name", "Nguyễn Văn An")
	v.Set("role", "board")
	v.Set("password", "first-password-1")
	r := admin.send(http.MethodPost, "/en/admin/users", v)
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/en/admin/users/") {
		t.Fatalf("create: %d %q", r.status, r.header.Get("Location"))
	}
	userPath := r.header.Get("Location")
	u, err := e.accounts.GetByEmail(ctx, "officer@example.vn")
	if err != nil || u.Role != account.RoleBoard || u.Name != "Nguyễn Văn An" {
		t.Fatalf("%+v %v", u, err)
	}
	if _, err := e.accounts.Authenticate(ctx, "officer@example.vn", "first-password-1", time.Now()); err != nil {
		t.Fatalf("new user cannot sign in: %v", err)
	}
	if d := admin.get("/en/admin/users?q=officer").doc(t); !strings.Contains(text(d, "[data-testid=user-list]"), "officer@example.vn") {
		t.Error("the user list does not find the new user")
	}

	t.Run("ChangeRole", func(t *testing.T) {
		v := formValues(t, admin.get(userPath).doc(t), "[data-testid=profile-form]")
		v.Set("role", "agency")
		v.Set("agencyId", "")
		r := admin.send(http.MethodPost, userPath, v)
		if r.status != 400 || text(r.doc(t), "#err-agencyId") != "Choose the agency this officer works for." {
			t.Fatalf("agency role without agency: %d %q", r.status, text(r.doc(t), "#err-agencyId"))
		}
		v.Set("agencyId", "finance")
		if r := admin.send(http.MethodPost, userPath, v); r.status != http.StatusSeeOther {
			t.Fatalf("change role: %d", r.status)
		}
		got, _ := e.accounts.GetUser(ctx, u.ID)
		if got.Role != account.RoleAgency || got.AgencyID != "finance" {
			t.Errorf("stored %+v", got)
		}
		// The form read before the change is stale now.
		if r := admin.send(http.MethodPost, userPath, v); r.status != http.StatusConflict {
			t.Errorf("stale profile form: %d", r.status)
		}
	})
	t.Run("ResetPassword", func(t *testing.T) {
		token := pageCSRF(t, admin.get(userPath))
		r := admin.send(http.MethodPost, userPath+"/password", url.Values{"_csrf": {token}, "password": {"short"}})
		if r.status != 400 || text(r.doc(t), "#err-password") != "Use at least 8 characters." {
			t.Errorf("short password: %d", r.status)
		}
		if r := admin.send(http.MethodPost, userPath+"/password", url.Values{"_csrf": {token}, "password": {"second-password-2"}}); r.status != http.StatusSeeOther {
			t.Fatalf("reset: %d", r.status)
		}
		if _, err := e.accounts.Authenticate(ctx, "officer@example.vn", "second-password-2", time.Now()); err != nil {
			t.Errorf("new password refused: %v", err)
		}
	})
	t.Run("DisableAndEnable", func(t *testing.T) {
		token := pageCSRF(t, admin.get(userPath))
		if r := admin.send(http.MethodPost, userPath+"/disable", url.Values{"_csrf": {token}}); r.status != http.StatusSeeOther {
			t.Fatalf("disable: %d", r.status)
		}
		if _, err := e.accounts.Authenticate(ctx, "officer@example.vn", "second-password-2", time.Now()); err == nil {
			t.Error("a disabled user signed in")
		}
		if d := admin.get(userPath).doc(t); text(d, "[data-testid=user-status]") != "Disabled" {
			t.Errorf("status shown %q", text(d, "[data-testid=user-status]"))
		}
		if r := admin.send(http.MethodPost, userPath+"/enable", url.Values{"_csrf": {token}}); r.status != http.StatusSeeOther {
			t.Fatalf("enable: %d", r.status)
		}
		if _, err := e.accounts.Authenticate(ctx, "officer@example.vn", "second-password-2", time.Now()); err != nil {
			t.Errorf("enabled user refused: %v", err)
		}
	})
	t.Run("LastAdminCannotBeDisabled", func(t *testing.T) {
		// Two administrators exist (root and the demo one): disable one,
		// then the other is the last.
		root, _ := e.accounts.GetByEmail(ctx, "root@portal.test")
		if _, err := e.accounts.Disable(ctx, root.ID, account.SystemActor, time.Now()); err != nil {
			t.Fatal(err)
		}
		me := "/en/admin/users/" + e.users[account.RoleAdmin].ID
		r := admin.send(http.MethodPost, me+"/disable", url.Values{"_csrf": {pageCSRF(t, admin.get(me))}})
		if r.status != http.StatusConflict || !strings.Contains(text(r.doc(t), "[data-testid=form-error]"), "last active administrator") {
			t.Errorf("last admin: %d", r.status)
		}
	})
}

func TestAdminIssuesAndRevokesTokens(t *testing.T) {
	e := newEnv(t)
	admin := e.as(account.RoleAdmin)
	userPath := "/en/admin/users/" + e.users[account.RoleBoard].ID
	token := pageCSRF(t, admin.get(userPath))
	if r := admin.send(http.MethodPost, userPath+"/tokens", url.Values{"_csrf": {token}, "token_name": {""}}); r.status != 400 || text(r.doc(t), "#err-token_name") == "" {
		t.Errorf("nameless token: %d", r.status)
	}
	r := admin.send(http.MethodPost, userPath+"/tokens", url.Values{"_csrf": {token}, "token_name": {"statistics export"}})
	plain := text(r.doc(t), "[data-testid=new-token]")
	if r.status != http.StatusCreated || !strings.HasPrefix(plain, account.TokenPrefix) || !strings.Contains(r.header.Get("Cache-Control"), "no-store") {
		t.Fatalf("issue: %d %q", r.status, plain)
	}
	api := &apiClient{e: e, token: plain}
	if r := api.call(http.MethodGet, "/api/v1/projects/DA-0001/history", nil); r.status != 200 {
		t.Fatalf("the issued token does not work: %d", r.status)
	}
	d := admin.get(userPath).doc(t)
	if d.Find("[data-testid=new-token]").Length() != 0 || strings.Contains(d.Text(), plain) {
		t.Error("the token is shown again")
	}
	rows := d.Find("[data-testid=token-list] tbody tr")
	if rows.Length() != 1 || !strings.Contains(rows.Text(), "statistics export") {
		t.Fatalf("token list: %q", rows.Text())
	}
	revoke := d.Find("[data-testid=token-list] form").AttrOr("action", "")
	if r := admin.send(http.MethodPost, revoke, url.Values{"_csrf": {token}}); r.status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", r.status)
	}
	if r := api.call(http.MethodGet, "/api/v1/projects/DA-0001/history", nil); r.status != 401 {
		t.Errorf("revoked token still works: %d", r.status)
	}
	stored, _ := e.accounts.ListTokens(context.Background(), e.users[account.RoleBoard].ID)
	if len(stored) != 0 {
		t.Errorf("%d tokens left", len(stored))
	}
}

func TestAdminManagesAgencies(t *testing.T) {
	e := newEnv(t)
	admin := e.as(account.RoleAdmin)
	d := admin.get("/vi/admin/agencies").doc(t)
	if n := d.Find("[data-testid=agency-list] tbody tr").Length(); n != len(account.DefaultAgencies()) {
		t.Fatalf("%d agencies listed", n)
	}
	token := pageCSRF(t, admin.get("/vi/admin/agencies"))
	r := admin.send(http.MethodPost, "/vi/admin/agencies", url.Values{"_csrf": {token}, "id": {"Bad Code"}, "name.vi": {""}})
	if r.status != 400 || text(r.doc(t), "#err-name\\.vi") != "Trường này là bắt buộc." || text(r.doc(t), "#err-id") == "" {
		t.Fatalf("bad agency: %d", r.status)
	}
	r = admin.send(http.MethodPost, "/vi/admin/agencies", url.Values{"_csrf": {token}, "id": {"health"}, "name.vi": {"Sở Y tế"}, "name.en": {"Department of Health"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("create: %d", r.status)
	}
	a, err := e.accounts.GetAgency(context.Background(), "health")
	if err != nil || a.Name.EN != "Department of Health" {
		t.Fatalf("%+v %v", a, err)
	}
	rename := url.Values{"_csrf": {token}, "version": {"1"}, "name.vi": {"Sở Y tế tỉnh Khánh Hòa"}, "name.en": {"Khánh Hòa Department of Health"}}
	if r := admin.send(http.MethodPost, "/en/admin/agencies/health", rename); r.status != http.StatusSeeOther {
		t.Fatalf("rename: %d", r.status)
	}
	if r := admin.send(http.MethodPost, "/en/admin/agencies/health", rename); r.status != http.StatusConflict {
		t.Errorf("stale rename: %d", r.status)
	}
}

// TestStaffPagesRenderInBothLanguages opens every board and administration
// page in both languages and checks no message is missing from locales/.
func TestStaffPagesRenderInBothLanguages(t *testing.T) {
	e := newEnv(t)
	board, admin := e.as(account.RoleBoard), e.as(account.RoleAdmin)
	pr := e.firstAtStage(project.Terminated)
	name := "Renamed"
	if _, err := e.projects.Update(context.Background(), pr.Code, pr.Version, project.Changes{NameEN: &name}, project.Actor{Name: "T"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.accounts.IssueToken(context.Background(), e.users[account.RoleBoard].ID, "t", time.Now()); err != nil {
		t.Fatal(err)
	}
	pages := map[*client][]string{
		board: {"/board", "/board/watch", "/board/projects/new", "/board/projects/DA-0001/edit", "/board/projects/DA-0001/stage",
			"/board/projects/" + pr.Code + "/stage", "/board/projects/FDI-0001/disbursements", "/projects/" + pr.Code},
		admin: {"/admin", "/admin/users", "/admin/users?role=board&q=demo", "/admin/users/new", "/admin/users/" + e.users[account.RoleBoard].ID,
			"/admin/agencies", "/admin/settings"},
	}
	for c, paths := range pages {
		for _, lang := range []string{"vi", "en"} {
			for _, p := range paths {
				r := c.get("/" + lang + p)
				if r.status != 200 {
					t.Errorf("%s%s: %d", lang, p, r.status)
					continue
				}
				if d := r.doc(t); d.Find("html").AttrOr("lang", "") != lang || d.Find("main h1").Length() == 0 {
					t.Errorf("%s%s: no heading or wrong language", lang, p)
				}
			}
		}
	}
	if m := e.bundle.Missing(); len(m) > 0 {
		t.Errorf("missing messages: %v", m)
	}
}
