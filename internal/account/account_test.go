package account

import (
	"bufio"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/mongodb/mongotest"
)

// cheap are argon2 parameters that make tests fast.
var cheap = HashParams{Time: 1, MemoryKiB: 256, Threads: 1}

// t0 is the tests' clock. It lies in the future so that on MongoDB
// (TEST_MONGO_URI) the TTL monitor, which goes by the real clock, never
// deletes a test's sessions or sign-in counts while it runs.
var t0 = time.Date(2100, 3, 2, 8, 0, 0, 0, time.UTC)

func newStore(t *testing.T, o Options) *Store {
	t.Helper()
	if o.Hash == (HashParams{}) {
		o.Hash = cheap
	}
	s := NewStore(mongotest.MustOpenDB(t), o)
	ctx := context.Background()
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SeedAgencies(ctx, t0); err != nil {
		t.Fatal(err)
	}
	return s
}

func mustCreate(t *testing.T, s *Store, email string, role Role) User {
	t.Helper()
	nu := NewUser{Email: email, Name: "Nguyễn Văn A", Role: role, Password: "correct horse"}
	if role == RoleAgency {
		nu.AgencyID = PlanningAndInvestment
	}
	u, err := s.CreateUser(context.Background(), nu, tester, t0)
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	return u
}

// fieldErr returns the message id for field in an invalid error, or "".
func fieldErr(t *testing.T, err error, field string) string {
	t.Helper()
	var e *apperr.Error
	if !errors.As(err, &e) || e.Code != apperr.CodeInvalid {
		t.Fatalf("want an invalid error, got %v", err)
	}
	return e.Fields[field]
}

func wantMessage(t *testing.T, err error, code apperr.Code, id string) {
	t.Helper()
	var e *apperr.Error
	if !errors.As(err, &e) {
		t.Fatalf("want %s/%s, got %v", code, id, err)
	}
	if e.Code != code || e.MessageID != id {
		t.Fatalf("want %s/%s, got %s/%s", code, id, e.Code, e.MessageID)
	}
}

func TestRoles(t *testing.T) {
	t.Parallel()
	for _, r := range Roles {
		if !r.Valid() {
			t.Errorf("%s not valid", r)
		}
	}
	if Role("root").Valid() || Role("").Valid() {
		t.Error("unknown role valid")
	}
	if !RoleBoard.Is(RoleAdmin, RoleBoard) || RoleBusiness.Is(RoleAdmin, RoleBoard) || RoleAdmin.Is() {
		t.Error("Is wrong")
	}
	if !RoleBoard.CanEditProjects() || RoleTaskForce.CanEditProjects() || RoleAgency.CanEditProjects() {
		t.Error("CanEditProjects wrong")
	}
	var anon *Principal
	if anon.Is(Roles...) || anon.InAgency(PlanningAndInvestment) {
		t.Error("nil principal has a role")
	}
	p := &Principal{User: User{Role: RoleAgency, AgencyID: "tax"}, Via: ViaSession}
	if !p.InAgency("tax") || p.InAgency(PlanningAndInvestment) {
		t.Error("InAgency wrong")
	}
}

func TestUserValidate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, field, msg string
		u                User
	}{
		{"EmailRequired", "email", "error.field.required", User{Name: "A", Role: RoleBoard}},
		{"EmailInvalid", "email", "error.field.email", User{Email: "not an address", Name: "A", Role: RoleBoard}},
		{"EmailWithName", "email", "error.field.email", User{Email: "A <a@b.vn>", Name: "A", Role: RoleBoard}},
		{"NameRequired", "name", "error.field.required", User{Email: "a@b.vn", Role: RoleBoard}},
		{"NameTooLong", "name", "error.field.too_long", User{Email: "a@b.vn", Name: strings.Repeat("á", MaxName+1), Role: RoleBoard}},
		{"RoleInvalid", "role", "error.field.invalid", User{Email: "a@b.vn", Name: "A", Role: "root"}},
		{"AgencyRequired", "agencyId", "account.error.agency_required", User{Email: "a@b.vn", Name: "A", Role: RoleAgency}},
		{"AgencyNotAllowed", "agencyId", "account.error.agency_not_allowed", User{Email: "a@b.vn", Name: "A", Role: RoleBoard, AgencyID: "tax"}},
		{"LangInvalid", "lang", "error.field.invalid", User{Email: "a@b.vn", Name: "A", Role: RoleBoard, Lang: "fr"}},
		{"NameNUL", "name", ControlCharsID, User{Email: "a@b.vn", Name: "\x00=1+1", Role: RoleBoard}},
		{"NameEscape", "name", ControlCharsID, User{Email: "a@b.vn", Name: "Lan\x1b[2J", Role: RoleBoard}},
		{"NameLineSeparator", "name", ControlCharsID, User{Email: "a@b.vn", Name: "Lan\u2028Nguyễn", Role: RoleBoard}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := c.u
			u.Normalize()
			if got := fieldErr(t, u.Validate(), c.field); got != c.msg {
				t.Errorf("field %s: got %q, want %q", c.field, got, c.msg)
			}
		})
	}
	ok := User{Email: " Admin@Localhost ", Name: "A", Role: RoleAdmin}
	ok.Normalize()
	if err := ok.Validate(); err != nil || ok.Email != "admin@localhost" || ok.Lang != "vi" {
		t.Fatalf("valid user: %v %+v", err, ok)
	}
}

// TestAgencyValidateRefusesControlCharacters: both names of an agency
// follow the one rule for typed text (textcheck).
func TestAgencyValidateRefusesControlCharacters(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		a     Agency
		field string
	}{
		"VINUL":  {Agency{ID: "tax", Name: Text{VI: "Cục\x00Thuế"}}, "name.vi"},
		"ENC1":   {Agency{ID: "tax", Name: Text{VI: "Cục Thuế", EN: "Tax\u0085Department"}}, "name.en"},
		"ENLine": {Agency{ID: "tax", Name: Text{VI: "Cục Thuế", EN: "Tax\nDepartment"}}, "name.en"},
	} {
		if got := fieldErr(t, c.a.Validate(), c.field); got != ControlCharsID {
			t.Errorf("%s: field %s got %q", name, c.field, got)
		}
	}
	ok := Agency{ID: "tax", Name: Text{VI: "Cục Thuế tỉnh Khánh Hòa", EN: "Tax Department"}}
	if err := ok.Validate(); err != nil {
		t.Errorf("valid agency refused: %v", err)
	}
}

func TestCreateUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t, Options{})
	u := mustCreate(t, s, "Lan.Nguyen@KhanhHoa.gov.vn", RoleBoard)
	if u.Email != "lan.nguyen@khanhhoa.gov.vn" || u.Version != 1 || u.ID == "" {
		t.Fatalf("created %+v", u)
	}
	got, err := s.GetByEmail(ctx, "LAN.NGUYEN@khanhhoa.gov.vn")
	if err != nil || got.ID != u.ID || !got.CreatedAt.Equal(t0) {
		t.Fatalf("GetByEmail: %v %+v", err, got)
	}
	if strings.Contains(got.PasswordHash, "correct horse") || !strings.HasPrefix(got.PasswordHash, "$argon2id$") {
		t.Fatalf("password stored as %q", got.PasswordHash)
	}

	t.Run("DuplicateEmail", func(t *testing.T) {
		_, err := s.CreateUser(ctx, NewUser{Email: "LAN.nguyen@khanhhoa.gov.vn", Name: "B", Role: RoleBusiness, Password: "tám ký tự nè"}, tester, t0)
		if got := fieldErr(t, err, "email"); got != "account.error.email_taken" {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("ShortPassword", func(t *testing.T) {
		_, err := s.CreateUser(ctx, NewUser{Email: "x@y.vn", Name: "B", Role: RoleBusiness, Password: "1234567"}, tester, t0)
		if got := fieldErr(t, err, "password"); got != "account.error.password_too_short" {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("UnknownAgency", func(t *testing.T) {
		_, err := s.CreateUser(ctx, NewUser{Email: "x@y.vn", Name: "B", Role: RoleAgency, AgencyID: "nowhere", Password: "tám ký tự nè"}, tester, t0)
		if got := fieldErr(t, err, "agencyId"); got != "account.error.agency_unknown" {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("NotFound", func(t *testing.T) {
		if _, err := s.GetUser(ctx, "nope"); !errors.Is(err, apperr.ErrNotFound) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestUpdateUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t, Options{})
	u := mustCreate(t, s, "a@b.vn", RoleBoard)
	other := mustCreate(t, s, "other@b.vn", RoleBoard)

	name := "Trần Thị B"
	u2, err := s.UpdateUser(ctx, u.ID, u.Version, UserUpdate{Name: &name}, tester, t0.Add(time.Hour))
	if err != nil || u2.Name != name || u2.Version != 2 {
		t.Fatalf("update: %v %+v", err, u2)
	}

	t.Run("StaleVersion", func(t *testing.T) {
		n := "Stale"
		_, err := s.UpdateUser(ctx, u.ID, u.Version, UserUpdate{Name: &n}, tester, t0.Add(2*time.Hour))
		if !errors.Is(err, apperr.ErrConflict) {
			t.Fatalf("want conflict, got %v", err)
		}
		got, _ := s.GetUser(ctx, u.ID)
		if got.Name != name || got.Version != 2 {
			t.Fatalf("stale update overwrote: %+v", got)
		}
	})
	t.Run("EmailTaken", func(t *testing.T) {
		e := "OTHER@b.vn"
		_, err := s.UpdateUser(ctx, u.ID, u2.Version, UserUpdate{Email: &e}, tester, t0)
		if got := fieldErr(t, err, "email"); got != "account.error.email_taken" {
			t.Fatalf("got %q", got)
		}
		_ = other
	})
	t.Run("ChangeRole", func(t *testing.T) {
		u3, err := s.ChangeRole(ctx, u.ID, u2.Version, RoleAgency, "tax", tester, t0)
		if err != nil || u3.Role != RoleAgency || u3.AgencyID != "tax" {
			t.Fatalf("to agency: %v %+v", err, u3)
		}
		r := RoleTaskForce
		u4, err := s.UpdateUser(ctx, u.ID, u3.Version, UserUpdate{Role: &r}, tester, t0)
		if err != nil || u4.AgencyID != "" {
			t.Fatalf("leaving agency role keeps agency: %v %+v", err, u4)
		}
		got, _ := s.GetUser(ctx, u.ID)
		if got.Role != RoleTaskForce || got.AgencyID != "" || got.Version != u4.Version {
			t.Fatalf("stored %+v", got)
		}
		if _, err := s.ChangeRole(ctx, u.ID, u4.Version, RoleAgency, "", tester, t0); fieldErr(t, err, "agencyId") != "account.error.agency_required" {
			t.Fatalf("agency role without agency: %v", err)
		}
	})
	t.Run("List", func(t *testing.T) {
		for i := 0; i < 3; i++ {
			mustCreate(t, s, "biz"+string(rune('a'+i))+"@corp.vn", RoleBusiness)
		}
		p, err := s.ListUsers(ctx, UserFilter{Role: RoleBusiness, PerPage: 2, Page: 2})
		if err != nil || p.Total != 3 || len(p.Users) != 1 || p.Users[0].Email != "bizc@corp.vn" {
			t.Fatalf("list: %v %+v", err, p)
		}
		p, err = s.ListUsers(ctx, UserFilter{Query: "OTHER"})
		if err != nil || p.Total != 1 || p.Users[0].ID != other.ID {
			t.Fatalf("query: %v %+v", err, p)
		}
	})
}

func TestLastAdmin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t, Options{})
	a := mustCreate(t, s, "admin@b.vn", RoleAdmin)
	if _, err := s.Disable(ctx, a.ID, tester, t0); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("disable last admin: %v", err)
	}
	if _, err := s.ChangeRole(ctx, a.ID, a.Version, RoleBoard, "", tester, t0); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("demote last admin: %v", err)
	}
	mustCreate(t, s, "admin2@b.vn", RoleAdmin)
	if _, err := s.ChangeRole(ctx, a.ID, a.Version, RoleBoard, "", tester, t0); err != nil {
		t.Fatalf("demote with another admin: %v", err)
	}
}

func TestAgencies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t, Options{})
	list, err := s.ListAgencies(ctx)
	if err != nil || len(list) != len(DefaultAgencies()) || len(list) < 12 {
		t.Fatalf("seeded %d agencies: %v", len(list), err)
	}
	seen := map[string]bool{}
	for _, a := range DefaultAgencies() {
		if err := a.Validate(); err != nil || a.Name.EN == "" || seen[a.ID] {
			t.Errorf("default agency %s: %v", a.ID, err)
		}
		seen[a.ID] = true
	}
	if !seen[PlanningAndInvestment] {
		t.Fatal("no planning and investment department")
	}
	if n, err := s.SeedAgencies(ctx, t0); n != 0 || err != nil {
		t.Fatalf("second seed added %d: %v", n, err)
	}

	_, err = s.CreateAgency(ctx, Agency{ID: "tax", Name: Text{VI: "Trùng"}}, tester, t0)
	if got := fieldErr(t, err, "id"); got != "account.error.agency_taken" {
		t.Fatalf("duplicate: %q", got)
	}
	_, err = s.CreateAgency(ctx, Agency{ID: "Bad Code", Name: Text{}}, tester, t0)
	if fieldErr(t, err, "id") != "account.error.agency_code" || fieldErr(t, err, "name.vi") != "error.field.required" {
		t.Fatalf("invalid: %v", err)
	}
	a, err := s.CreateAgency(ctx, Agency{ID: "ninh_hoa", Name: Text{VI: "UBND thị xã Ninh Hòa"}}, tester, t0)
	if err != nil {
		t.Fatal(err)
	}
	a2, err := s.UpdateAgency(ctx, a.ID, a.Version, Text{VI: "Ủy ban nhân dân thị xã Ninh Hòa", EN: "Ninh Hoa Town People's Committee"}, tester, t0)
	if err != nil || a2.Version != 2 || a2.Name.EN == "" {
		t.Fatalf("update: %v %+v", err, a2)
	}
	if _, err := s.UpdateAgency(ctx, a.ID, a.Version, Text{VI: "Cũ"}, tester, t0); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("stale agency update: %v", err)
	}
	if _, err := s.UpdateAgency(ctx, "nope", 1, Text{VI: "X"}, tester, t0); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("missing agency: %v", err)
	}
	if s, fb := (Text{VI: "Sở"}).In("en"); s != "Sở" || !fb {
		t.Fatal("fallback to Vietnamese not reported")
	}
}

func TestBootstrap(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := NewStore(mongotest.MustOpenDB(t), Options{Hash: cheap})
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	creds, err := s.Bootstrap(ctx, BootstrapOptions{Demo: true}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if len(creds) != 6 {
		t.Fatalf("want admin + 5 demo credentials, got %+v", creds)
	}
	if creds[0].Email != DefaultAdminEmail || creds[0].Role != RoleAdmin || len(creds[0].Password) < MinPassword {
		t.Fatalf("first admin %+v", creds[0])
	}
	if _, err := s.Authenticate(ctx, creds[0].Email, creds[0].Password, t0); err != nil {
		t.Fatalf("generated admin password does not sign in: %v", err)
	}
	roles := map[Role]bool{}
	for _, c := range creds[1:] {
		roles[c.Role] = true
		if !strings.HasSuffix(c.Email, "@demo.local") || c.Password == "" || c.Password == creds[0].Password {
			t.Errorf("demo credential %+v", c)
		}
		u, err := s.Authenticate(ctx, c.Email, c.Password, t0)
		if err != nil {
			t.Fatalf("%s: %v", c.Email, err)
		}
		if u.Role != c.Role || (u.Role == RoleAgency) != (u.AgencyID == Finance) {
			t.Errorf("demo user %+v", u)
		}
	}
	if len(roles) != 5 {
		t.Fatalf("demo roles %v", roles)
	}
	if n, _ := s.agencies.Mongo().CountDocuments(ctx, map[string]any{}); n != int64(len(DefaultAgencies())) {
		t.Fatalf("agencies %d", n)
	}

	again, err := s.Bootstrap(ctx, BootstrapOptions{Demo: true, AdminEmail: "root@khanhhoa.gov.vn"}, t0)
	if err != nil || len(again) != 0 {
		t.Fatalf("second run: %v %+v", err, again)
	}
	if n, _ := s.users.Mongo().CountDocuments(ctx, map[string]any{}); n != 6 {
		t.Fatalf("users after second run: %d", n)
	}
	if n, _ := s.agencies.Mongo().CountDocuments(ctx, map[string]any{}); n != int64(len(DefaultAgencies())) {
		t.Fatalf("agencies after second run: %d", n)
	}
}

func TestBootstrapConfiguredAdmin(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t, Options{})
	creds, err := s.Bootstrap(ctx, BootstrapOptions{AdminEmail: "Root@KhanhHoa.gov.vn", AdminPassword: "s3cret-pass", Demo: true, DemoPassword: "demo-pass"}, t0)
	if err != nil || len(creds) != 6 {
		t.Fatalf("%v %+v", err, creds)
	}
	for _, c := range creds {
		if c.Password != "" {
			t.Errorf("configured password echoed for %s", c.Email)
		}
	}
	if _, err := s.Authenticate(ctx, "root@khanhhoa.gov.vn", "s3cret-pass", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, "board@demo.local", "demo-pass", t0); err != nil {
		t.Fatal(err)
	}
}

// TestWeakPasswordsRefused is issue 9, item 13: every way a password is
// set refuses a common one, or the account's e-mail, naming the field; a
// bootstrap with such a configured password makes no account at all.
func TestWeakPasswordsRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t, Options{})
	_, err := s.CreateUser(ctx, NewUser{Email: "lan@b.vn", Name: "Lan", Role: RoleBoard, Password: "password"}, tester, t0)
	if got := fieldErr(t, err, "password"); got != "account.error.password_common" {
		t.Errorf("CreateUser: %q", got)
	}
	_, err = s.CreateUser(ctx, NewUser{Email: "nguyenvanlan@b.vn", Name: "Lan", Role: RoleBoard, Password: "NguyenVanLan"}, tester, t0)
	if got := fieldErr(t, err, "password"); got != "account.error.password_email" {
		t.Errorf("CreateUser with the local part: %q", got)
	}
	u := mustCreate(t, s, "lan@b.vn", RoleBoard)
	if got := fieldErr(t, s.SetPassword(ctx, u.ID, "iloveyou", tester, t0), "password"); got != "account.error.password_common" {
		t.Errorf("SetPassword: %q", got)
	}
	if got := fieldErr(t, s.ChangePassword(ctx, u.ID, "correct horse", "Lan@B.vn", t0), "password"); got != "account.error.password_email" {
		t.Errorf("ChangePassword: %q", got)
	}
	if _, err := s.Authenticate(ctx, "lan@b.vn", "correct horse", t0); err != nil {
		t.Errorf("the refused changes touched the password: %v", err)
	}

	for name, o := range map[string]BootstrapOptions{
		"admin": {AdminPassword: "password123"},
		"demo":  {Demo: true, DemoPassword: "qwertyuiop"},
		"email": {AdminEmail: "quantri@khanhhoa.gov.vn", AdminPassword: "QuanTri@KhanhHoa.gov.vn"},
	} {
		s := newStore(t, Options{})
		_, err := s.Bootstrap(ctx, o, t0)
		if err == nil || !strings.Contains(err.Error(), "password is refused (account.error.password_") {
			t.Errorf("%s: %v", name, err)
		}
		if n, _ := s.users.Mongo().CountDocuments(ctx, map[string]any{}); n != 0 {
			t.Errorf("%s: %d accounts made", name, n)
		}
	}
}

// TestLocales checks that every account.* message id the code uses is in
// both locale files, and that both files hold the same non-empty ids.
func TestLocales(t *testing.T) {
	t.Parallel()
	read := func(lang string) map[string]string {
		f, err := os.Open(filepath.Join("..", "..", "locales", "account."+lang+".toml"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		line := regexp.MustCompile(`^"([a-z0-9_.]+)"\s*=\s*"(.*)"$`)
		out := map[string]string{}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			l := strings.TrimSpace(sc.Text())
			if l == "" || strings.HasPrefix(l, "#") {
				continue
			}
			m := line.FindStringSubmatch(l)
			if m == nil {
				t.Fatalf("%s: unreadable line %q", lang, l)
			}
			if m[2] == "" {
				t.Errorf("%s: %s is empty", lang, m[1])
			}
			out[m[1]] = m[2]
		}
		return out
	}
	vi, en := read("vi"), read("en")
	for k := range vi {
		if _, ok := en[k]; !ok {
			t.Errorf("%s only in vi", k)
		}
	}
	for k := range en {
		if _, ok := vi[k]; !ok {
			t.Errorf("%s only in en", k)
		}
	}
	used := map[string]bool{}
	for _, r := range Roles {
		used[r.MessageID()] = true
	}
	files, _ := filepath.Glob("*.go")
	idRe := regexp.MustCompile(`"(account\.[a-z_]+\.[a-z_.]+)"`)
	for _, fn := range files {
		if strings.HasSuffix(fn, "_test.go") {
			continue
		}
		b, err := os.ReadFile(fn)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range idRe.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
	}
	var missing []string
	for id := range used {
		if _, ok := en[id]; !ok {
			missing = append(missing, id)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("ids used but not in locales: %v", missing)
	}
	if len(used) < 15 {
		t.Fatalf("found only %d ids in the code; the scan is broken", len(used))
	}
}

// tester is the actor of the changes the tests make.
var tester = Actor{ID: "u-tester", Name: "Người Kiểm Thử", Email: "tester@b.vn", Role: string(RoleAdmin)}

// A database seeded before a default agency existed gets it on the next
// start, and an agency an administrator renamed keeps its new name.
func TestBootstrapAddsMissingDefaultAgencies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := NewStore(mongotest.MustOpenDB(t), Options{Hash: cheap})
	if err := s.EnsureIndexes(ctx); err != nil {
		t.Fatal(err)
	}
	// An older installation: the first defaults only, one of them renamed.
	defaults := DefaultAgencies()
	old := defaults[:3]
	for _, a := range old {
		if _, err := s.CreateAgency(ctx, a, SystemActor, t0); err != nil {
			t.Fatal(err)
		}
	}
	renamed := Text{VI: "Sở Tài chính tỉnh Khánh Hòa", EN: "Khánh Hòa Department of Finance"}
	fin, err := s.GetAgency(ctx, old[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateAgency(ctx, fin.ID, fin.Version, renamed, tester, t0); err != nil {
		t.Fatal(err)
	}

	if _, err := s.Bootstrap(ctx, BootstrapOptions{}, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	list, err := s.ListAgencies(ctx)
	if err != nil || len(list) != len(defaults) {
		t.Fatalf("after bootstrap %d agencies, want %d: %v", len(list), len(defaults), err)
	}
	for _, id := range []string{Labour, StateBankKhanhHoa} {
		a, err := s.GetAgency(ctx, id)
		if err != nil || a.Name.VI == "" || a.Name.EN == "" {
			t.Fatalf("default agency %s not added: %v %+v", id, err, a)
		}
	}
	if a, err := s.GetAgency(ctx, old[1].ID); err != nil || a.Name != renamed || a.Version != 2 {
		t.Fatalf("renamed agency overwritten: %v %+v", err, a)
	}
	if n, err := s.SeedAgencies(ctx, t0.Add(2*time.Hour)); n != 0 || err != nil {
		t.Fatalf("third seed added %d: %v", n, err)
	}
}
