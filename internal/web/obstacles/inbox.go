package obstacles

import (
	"context"

	"github.com/khanhhoa/investportal/internal/notify"
	"github.com/khanhhoa/investportal/internal/obstacle"
)

// tellOfficers puts the step just taken on o in the inboxes of the
// officers who must act, and e-mails them: a new report to the task
// force, an assignment to the agencies' officers, a business's answer,
// objection or file to the task force and the assigned agencies. Other
// steps tell nobody. Failures are logged by notify; the step stands.
func (s *Handlers) tellOfficers(ctx context.Context, o obstacle.Obstacle, action obstacle.Action, actor obstacle.Actor) {
	off := notify.NewOfficers(s.Inbox(), s.accounts, s.mail, s.I18n(), s.BaseURL(), s.Log())
	switch {
	case action == obstacle.ActSubmit:
		off.ObstacleFiled(ctx, o)
	case action == obstacle.ActAssign:
		off.ObstacleAssigned(ctx, o)
	case actor.Role == obstacle.FilerActor.Role && (action == obstacle.ActAnswer || action == obstacle.ActReopen || action == obstacle.ActAttach):
		off.BusinessAnswered(ctx, o)
	}
}
