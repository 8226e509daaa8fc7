package obstacle

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/record"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// PolicyStatus is where a policy issue stands.
type PolicyStatus string

// Policy issue statuses.
const (
	PolicyOpen     PolicyStatus = "open"
	PolicyResolved PolicyStatus = "resolved"
)

// PolicyIssue groups obstacles that share one cause in a rule or policy
// (a missing land price table, a planning gap), which the task force
// takes up with the province as a whole. Linked obstacles carry its id in
// PolicyIssueID.
type PolicyIssue struct {
	ID          string       `json:"id" bson:"_id"`
	Title       string       `json:"title" bson:"title"`
	Description string       `json:"description" bson:"description"`
	Status      PolicyStatus `json:"status" bson:"status"`
	Resolution  string       `json:"resolution,omitempty" bson:"resolution,omitempty"`
	ResolvedAt  *time.Time   `json:"resolvedAt,omitempty" bson:"resolvedAt,omitempty"`
	CreatedBy   string       `json:"createdBy" bson:"createdBy"`
	CreatedAt   time.Time    `json:"createdAt" bson:"createdAt"`
	UpdatedAt   time.Time    `json:"updatedAt" bson:"updatedAt"`
	Version     int64        `json:"version" bson:"version"`
}

// Validate checks title and description, naming each wrong field.
func (p *PolicyIssue) Validate() error {
	f := apperr.Fields{}
	p.Title = strings.TrimSpace(p.Title)
	p.Description = strings.TrimSpace(p.Description)
	checkChars(f, "title", p.Title, false)
	checkChars(f, "description", p.Description, true)
	requiredText(f, "title", p.Title, MaxTitle)
	if utf8.RuneCountInString(p.Description) > MaxDescription {
		f.Add("description", "error.field.too_long")
	}
	return f.Err()
}

func policyOfficer(a Actor) bool { return a.Role == RoleTaskforce || a.Role == RoleAdmin }

// CreatePolicyIssue opens a policy issue; task force and admins only.
func (s *Store) CreatePolicyIssue(ctx context.Context, p PolicyIssue, actor Actor, now time.Time) (PolicyIssue, error) {
	if !policyOfficer(actor) {
		return PolicyIssue{}, apperr.Forbidden()
	}
	if err := p.Validate(); err != nil {
		return PolicyIssue{}, err
	}
	now = now.UTC().Truncate(time.Millisecond)
	p.ID = primitive.NewObjectID().Hex()
	p.Status, p.Resolution, p.ResolvedAt = PolicyOpen, "", nil
	p.CreatedBy, p.CreatedAt, p.UpdatedAt, p.Version = actor.ID, now, now, 1
	if err := s.policyRecords.Insert(ctx, p, &record.Change{At: now, By: actor.Record(), Action: "create", Internal: true}); err != nil {
		return PolicyIssue{}, err
	}
	return p, nil
}

// GetPolicyIssue returns a policy issue.
func (s *Store) GetPolicyIssue(ctx context.Context, id string) (PolicyIssue, error) {
	var p PolicyIssue
	if err := s.policyRecords.Get(ctx, id, &p); err != nil {
		return PolicyIssue{}, err
	}
	return p, nil
}

// ListPolicyIssues lists policy issues, newest first; an empty status lists all.
func (s *Store) ListPolicyIssues(ctx context.Context, status PolicyStatus) ([]PolicyIssue, error) {
	q := bson.M{}
	if status != "" {
		q["status"] = status
	}
	cur, err := s.policies.Find(ctx, q, options.Find().SetSort(bson.D{{Key: "createdAt", Value: -1}}))
	if err != nil {
		return nil, apperr.Internal(err)
	}
	out := []PolicyIssue{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, apperr.Internal(err)
	}
	return out, nil
}

// ResolvePolicyIssue records the policy answer (a decision, a new rule)
// and moves the issue from open to resolved; version is the one read.
// The linked obstacles keep their own workflow.
func (s *Store) ResolvePolicyIssue(ctx context.Context, id string, version int64, resolution string, actor Actor, now time.Time) (PolicyIssue, error) {
	if !policyOfficer(actor) {
		return PolicyIssue{}, apperr.Forbidden()
	}
	resolution = strings.TrimSpace(resolution)
	f := apperr.Fields{}
	checkChars(f, "resolution", resolution, true)
	requiredText(f, "resolution", resolution, MaxDescription)
	if err := f.Err(); err != nil {
		return PolicyIssue{}, err
	}
	p, err := s.GetPolicyIssue(ctx, id)
	if err != nil {
		return PolicyIssue{}, err
	}
	if p.Version != version {
		return PolicyIssue{}, s.policyRecords.Conflict()
	}
	if p.Status != PolicyOpen {
		e := apperr.Conflict("obstacle.error.transition")
		e.Data = map[string]any{"From": string(p.Status), "To": string(PolicyResolved), "Action": string(ActResolve)}
		return PolicyIssue{}, e
	}
	now = now.UTC().Truncate(time.Millisecond)
	err = s.policyRecords.Update(ctx, id, version, record.Write{
		Set:   bson.D{{Key: "status", Value: PolicyResolved}, {Key: "resolution", Value: resolution}, {Key: "resolvedAt", Value: now}, {Key: "updatedAt", Value: now}},
		Entry: &record.Change{At: now, By: actor.Record(), Action: string(ActResolve), Note: resolution, Internal: true},
	})
	if err != nil {
		return PolicyIssue{}, err
	}
	p.Status, p.Resolution, p.ResolvedAt, p.UpdatedAt, p.Version = PolicyResolved, resolution, &now, now, version+1
	return p, nil
}

// GroupIntoPolicyIssue links the obstacle id (as read at version) to the
// open policy issue issueID, or unlinks it when issueID is empty, with an
// internal timeline event. The obstacle's status does not change.
func (s *Store) GroupIntoPolicyIssue(ctx context.Context, id string, version int64, issueID string, actor Actor, now time.Time) (Obstacle, error) {
	if !policyOfficer(actor) {
		return Obstacle{}, apperr.Forbidden()
	}
	o, err := s.getAt(ctx, id, version)
	if err != nil {
		return Obstacle{}, err
	}
	if o.Status == Rejected || o.Status == Merged {
		return Obstacle{}, ErrTransition(o.Status, ActGroup)
	}
	note := ""
	if issueID != "" {
		p, err := s.GetPolicyIssue(ctx, issueID)
		if errors.Is(err, apperr.ErrNotFound) {
			return Obstacle{}, apperr.Fields{"policy_issue_id": "obstacle.error.policy_not_found"}.Err()
		}
		if err != nil {
			return Obstacle{}, err
		}
		if p.Status != PolicyOpen {
			return Obstacle{}, apperr.Conflict("obstacle.error.policy_closed")
		}
		note = p.Title
	}
	now = now.UTC().Truncate(time.Millisecond)
	n := o
	n.PolicyIssueID = issueID
	return s.write(ctx, o, n, NewEvent(now, actor, ActGroup, o.Status, o.Status, note, false))
}
