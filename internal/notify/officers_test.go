package notify_test

import (
	"context"
	"testing"
	"time"

	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/inbox"
	"github.com/khanhhoa/investportal/internal/notify"
	"github.com/khanhhoa/investportal/internal/obstacle"
)

// TestStepTakenTellsTheOfficersWhoMustAct: a new report reaches the task
// force only; an assignment the lead and coordinating agencies' officers
// only; a business's answer, reopening or file the task force and the
// assigned agencies; a staff step, or any other step, nobody.
func TestStepTakenTellsTheOfficersWhoMustAct(t *testing.T) {
	t.Parallel()
	f := setup(t, false)
	ctx := context.Background()
	in := inbox.NewStore(f.db)
	other, err := f.accounts.CreateUser(ctx, account.NewUser{Email: "other-agency@portal.test", Name: "Cán bộ Sở Xây dựng", Role: account.RoleAgency,
		AgencyID: account.PlanningAndInvestment, Lang: "vi", Password: "another-long-password-7"}, account.Actor{ID: "test"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	byRole := map[account.Role]string{}
	page, err := f.accounts.ListUsers(ctx, account.UserFilter{PerPage: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range page.Users {
		if u.ID != other.ID {
			byRole[u.Role] = u.ID
		}
	}
	taskForce, agency, board := byRole[account.RoleTaskForce], byRole[account.RoleAgency], byRole[account.RoleBoard]
	if taskForce == "" || agency == "" || board == "" {
		t.Fatalf("demo users missing: %v", byRole)
	}
	officers := notify.NewOfficers(in, f.accounts, f.mail, f.bundle, "https://portal.example", nil)
	ob := obstacle.Obstacle{ID: "ob-1", TrackingCode: "VV-2026-000001", Title: "Hoàn thuế chậm", Version: 3,
		LeadAgency: account.Finance}
	staff := obstacle.Actor{ID: taskForce, Role: obstacle.RoleTaskforce}
	for _, step := range []struct {
		action obstacle.Action
		by     obstacle.Actor
		want   map[string]int // unread items after the step, by user
	}{
		{obstacle.ActSubmit, obstacle.FilerActor, map[string]int{taskForce: 1}},
		{obstacle.ActAssign, staff, map[string]int{taskForce: 1, agency: 1}},
		{obstacle.ActAnswer, obstacle.FilerActor, map[string]int{taskForce: 2, agency: 2}},
		{obstacle.ActAnswer, staff, map[string]int{taskForce: 2, agency: 2}},
		{obstacle.ActAccept, staff, map[string]int{taskForce: 2, agency: 2}},
		{obstacle.ActReopen, obstacle.FilerActor, map[string]int{taskForce: 3, agency: 3}},
	} {
		ob.Version++ // each step is a new version, so a new item
		officers.StepTaken(ctx, ob, step.action, step.by)
		for _, id := range []string{taskForce, agency, board, other.ID} {
			if got := in.Unread(ctx, id); got != step.want[id] {
				t.Fatalf("after %s by %s: user %s has %d unread, want %d", step.action, step.by.Role, id, got, step.want[id])
			}
		}
	}
}
