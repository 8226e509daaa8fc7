package obstacle

import "testing"

// TestStaffActor checks how a signed-in user becomes an obstacle actor:
// only an agency officer carries the agency, so another role's agency id
// never narrows or widens what it may do.
func TestStaffActor(t *testing.T) {
	t.Parallel()
	o := &Obstacle{Status: Assigned, LeadAgency: "so-kh-dt"}
	for _, c := range []struct {
		name, role, agency string
		want               Actor
		view, act          bool
	}{
		{"AgencyKeepsAgency", "agency", "so-kh-dt", Actor{ID: "u", Role: RoleAgency, Agency: "so-kh-dt"}, true, true},
		{"OtherAgency", "agency", "so-xd", Actor{ID: "u", Role: RoleAgency, Agency: "so-xd"}, false, false},
		{"TaskforceDropsAgency", "taskforce", "so-xd", Actor{ID: "u", Role: RoleTaskforce}, true, true},
		{"AdminDropsAgency", "admin", "so-kh-dt", Actor{ID: "u", Role: RoleAdmin}, true, true},
		{"BoardIsNotStaff", "board", "so-kh-dt", Actor{ID: "u", Role: "board"}, false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := StaffActor("u", c.role, c.agency)
			if a != c.want {
				t.Fatalf("StaffActor = %+v, want %+v", a, c.want)
			}
			if got := o.CanView(a); got != c.view {
				t.Errorf("CanView = %v, want %v", got, c.view)
			}
			if got := o.MayAct(a, ActStart); got != c.act {
				t.Errorf("MayAct(start) = %v, want %v", got, c.act)
			}
			if a.Staff() != (c.role != "board") {
				t.Errorf("Staff() = %v", a.Staff())
			}
		})
	}
}
