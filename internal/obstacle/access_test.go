package obstacle

import (
	"errors"

	"slices"
	"testing"

	"github.com/khanhhoa/investportal/internal/apperr"
)

func TestAccessRules(t *testing.T) {
	tf := Actor{ID: "tf", Role: RoleTaskforce}
	admin := Actor{ID: "ad", Role: RoleAdmin}
	lead := Actor{ID: "a1", Role: RoleAgency, Agency: "so-kh-dt"}
	coord := Actor{ID: "a2", Role: RoleAgency, Agency: "so-tnmt"}
	other := Actor{ID: "a3", Role: RoleAgency, Agency: "so-xd"}
	filer := Actor{Role: RoleFiler}
	assigned := func(st Status) *Obstacle {
		return &Obstacle{Status: st, LeadAgency: "so-kh-dt", CoordinatingAgencies: []string{"so-tnmt"}}
	}

	t.Run("Officers", func(t *testing.T) {
		for _, c := range []struct {
			a    Actor
			want bool
		}{{tf, true}, {admin, true}, {lead, false}, {filer, false}, {Actor{}, false}} {
			if got := c.a.Officer(); got != c.want {
				t.Errorf("%s: Officer() = %v, want %v", c.a.Role, got, c.want)
			}
			if got := c.a.CanAssign(); got != c.want {
				t.Errorf("%s: CanAssign() = %v, want %v", c.a.Role, got, c.want)
			}
		}
	})

	t.Run("CanGroup", func(t *testing.T) {
		if !assigned(InProgress).CanGroup(tf) || !assigned(InProgress).CanGroup(admin) {
			t.Error("officers cannot group an open obstacle")
		}
		if assigned(InProgress).CanGroup(lead) {
			t.Error("an agency may group")
		}
		for _, st := range []Status{Rejected, Merged} {
			if assigned(st).CanGroup(tf) {
				t.Errorf("a %s obstacle may be grouped", st)
			}
		}
	})

	t.Run("CanAttach", func(t *testing.T) {
		o := assigned(InProgress)
		for _, a := range []Actor{tf, admin, lead, coord, filer} {
			if !o.CanAttach(a) {
				t.Errorf("%s %s cannot attach to an open obstacle", a.Role, a.Agency)
			}
		}
		if o.CanAttach(other) {
			t.Error("an agency not on the obstacle may attach")
		}
		for _, st := range []Status{Rejected, Merged, Closed} {
			if assigned(st).CanAttach(tf) {
				t.Errorf("a %s obstacle takes files", st)
			}
		}
		full := assigned(InProgress)
		full.Attachments = make([]Attachment, MaxAttachments)
		if full.CanAttach(tf) {
			t.Error("an obstacle with MaxAttachments files takes another")
		}
	})

	t.Run("ActionsFor", func(t *testing.T) {
		o := assigned(InProgress)
		if acts := o.ActionsFor(coord); slices.ContainsFunc(acts, func(a Action) bool { return a != ActNote }) || !slices.Contains(acts, ActNote) {
			t.Errorf("coordinating agency may take %v, want only a note", acts)
		}
		if acts := o.ActionsFor(other); len(acts) != 0 {
			t.Errorf("unrelated agency may take %v", acts)
		}
		if got, want := o.ActionsFor(lead), Allowed(InProgress, RoleAgency); !slices.Equal(got, want) {
			t.Errorf("lead agency may take %v, want the table's %v", got, want)
		}
		if !slices.Contains(o.ActionsFor(tf), ActEscalate) {
			t.Fatalf("task force may not escalate an in-progress obstacle: %v", o.ActionsFor(tf))
		}
		o.EscalationLevel = MaxEscalation
		if slices.Contains(o.ActionsFor(tf), ActEscalate) {
			t.Error("escalation offered beyond the last level")
		}
		// MayAct agrees with the workflow's own check.
		for _, act := range Allowed(InProgress, RoleAgency) {
			for _, a := range []Actor{lead, coord, other} {
				_, _, err := Transition(*assigned(InProgress), act, Input{Note: "n", Resolution: "r"}, a, o.UpdatedAt, nil, Rules{})
				forbidden := errors.Is(err, apperr.ErrForbidden)
				if o.MayAct(a, act) == forbidden {
					t.Errorf("%s by %s: MayAct %v, Transition error %v", act, a.Agency, o.MayAct(a, act), err)
				}
			}
		}
	})
}
