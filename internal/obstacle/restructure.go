package obstacle

import (
	"context"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/bson"
)

// WithAgency returns the obstacles the agency leads or coordinates that
// are still open, oldest first, with the fields a restructuring needs.
func (s *Store) WithAgency(ctx context.Context, agency string) ([]Obstacle, error) {
	rows, err := s.find(ctx, bson.M{
		"status": bson.M{"$in": openStatuses()},
		"$or":    bson.A{bson.M{"leadAgency": agency}, bson.M{"coordinatingAgencies": agency}},
	}, "trackingCode", "status", "category", "projectCode", "leadAgency", "coordinatingAgencies", "version", "createdAt")
	if err != nil {
		return nil, err
	}
	slices.SortFunc(rows, func(a, b Obstacle) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return rows, nil
}

func openStatuses() bson.A {
	var out bson.A
	for _, st := range Statuses {
		if st.Open() {
			out = append(out, st)
		}
	}
	return out
}

// ReplaceAgency passes the open obstacle id, as read at version, from the
// former agency from to its successor to, as lead or coordinator, with a
// public restructure event whose note gives the reason (the legal basis).
// The deadline and status stay. A closed obstacle keeps its agencies as
// history (a conflict, obstacle.error.transition); one that from no
// longer holds is returned unchanged.
func (s *Store) ReplaceAgency(ctx context.Context, id string, version int64, from, to, note string, actor Actor, now time.Time) (Obstacle, error) {
	o, err := s.getAt(ctx, id, version)
	if err != nil {
		return Obstacle{}, err
	}
	if !o.Status.Open() {
		return Obstacle{}, ErrTransition(o.Status, ActRestructure)
	}
	if !o.HasAgency(from) || from == to || !ValidAgencyID(to) {
		return o, nil
	}
	n := o
	if n.LeadAgency == from {
		n.LeadAgency = to
	}
	var coord []string
	for _, a := range o.CoordinatingAgencies {
		if a == from {
			a = to
		}
		if a != n.LeadAgency && !slices.Contains(coord, a) {
			coord = append(coord, a)
		}
	}
	n.CoordinatingAgencies = coord
	ev := NewEvent(now.UTC().Truncate(time.Millisecond), actor, ActRestructure, o.Status, o.Status, note, true)
	ev.Agency, ev.FromAgency = to, from
	return s.write(ctx, o, n, ev)
}
