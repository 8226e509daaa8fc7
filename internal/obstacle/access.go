package obstacle

// Who may do what to an obstacle, for the pages and the API to ask rather
// than re-derive. The store enforces the same rules on every write.

// Officer reports whether a is a task-force officer or an administrator:
// those who assign obstacles, group them into policy issues and manage
// policy issues.
func (a Actor) Officer() bool { return policyOfficer(a) }

// CanAssign reports whether a may assign obstacles to agencies, one or
// many at once.
func (a Actor) CanAssign() bool { return a.Officer() }

// CanGroup reports whether a may group o into a policy issue now: officers
// only, and not once o is rejected or merged into another.
func (o *Obstacle) CanGroup(a Actor) bool {
	return a.Officer() && o.Status != Rejected && o.Status != Merged
}

// CanAttach reports whether a may add a file to o now: not once o is
// rejected, merged or closed, an agency only to what it leads or
// coordinates, and only while o has room for another file.
func (o *Obstacle) CanAttach(a Actor) bool {
	return canAttach(o, a) && len(o.Attachments) < MaxAttachments
}

// MayAct reports whether a may take action on o as far as who a is goes
// (the workflow table decides what the status allows): an agency works
// what it leads, and a coordinating agency may only add notes.
func (o *Obstacle) MayAct(a Actor, action Action) bool {
	if a.Role != RoleAgency {
		return true
	}
	return o.LeadAgency == a.Agency || (action == ActNote && o.HasAgency(a.Agency))
}

// ActionsFor are the steps a may take on o now: the workflow table's for
// o's status and a's role, less those MayAct refuses and an escalation
// beyond the last level.
func (o *Obstacle) ActionsFor(a Actor) []Action {
	var out []Action
	for _, act := range Allowed(o.Status, a.Role) {
		if !o.MayAct(a, act) {
			continue
		}
		if act == ActEscalate && o.EscalationLevel >= MaxEscalation {
			continue
		}
		out = append(out, act)
	}
	return out
}

// StaffActor is the obstacle actor of a signed-in user with the account
// role role: the obstacle role of the same name and, for an agency
// officer alone, the agency, so that no other role acts as an agency.
func StaffActor(id, role, agency string) Actor {
	a := Actor{ID: id, Role: Role(role)}
	if a.Role == RoleAgency {
		a.Agency = agency
	}
	return a
}
