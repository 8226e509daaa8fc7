package obstacles

import (
	"context"

	"github.com/khanhhoa/investportal/internal/notify"
	"github.com/khanhhoa/investportal/internal/obstacle"
)

// tellOfficers tells the officers who must act on the step just taken on
// o (notify decides who: see Officers.StepTaken).
func (s *Handlers) tellOfficers(ctx context.Context, o obstacle.Obstacle, action obstacle.Action, actor obstacle.Actor) {
	notify.NewOfficers(s.Inbox(), s.accounts, s.mail, s.I18n(), s.BaseURL(), s.Log()).StepTaken(ctx, o, action, actor)
}
