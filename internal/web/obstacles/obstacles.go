package obstacles

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/holidays"
	"github.com/khanhhoa/investportal/internal/notify"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/ratelimit"
	"github.com/khanhhoa/investportal/internal/web"
)

// Who works obstacles, and who may see the staff figures.
var (
	obstacleStaff    = web.Roles(account.RoleTaskForce, account.RoleAgency, account.RoleAdmin)
	obstacleOfficers = web.Roles(account.RoleTaskForce, account.RoleAdmin)
	obstacleViewers  = web.Roles(account.RoleAdmin, account.RoleBoard, account.RoleTaskForce, account.RoleAgency)
	adminOnly        = web.Roles(account.RoleAdmin)
)

// Rate limits of the public obstacle forms, per client address.
var (
	obstacleFileLimit  = ratelimit.Rule{Name: "obstacle_file", Limit: 30, Window: 10 * time.Minute}
	obstacleTrackLimit = ratelimit.Rule{Name: "obstacle_track", Limit: 60, Window: 10 * time.Minute}
)

// RegisterPages registers filing, public tracking and the task
// force's and agencies' obstacle pages.
func (s *Handlers) RegisterPages(g fiber.Router) {
	s.Handle(g, fiber.MethodGet, "/obstacles/new", web.Public, s.obstacleForm)
	s.Handle(g, fiber.MethodPost, "/obstacles/new", web.Public, s.obstacleFile)
	s.Handle(g, fiber.MethodGet, "/obstacles/stats", web.Public, s.obstacleStatsPage)
	s.Handle(g, fiber.MethodGet, "/obstacles/track", web.Public, s.trackPage)
	s.Handle(g, fiber.MethodPost, "/obstacles/track", web.Public, s.trackLookup)
	s.Handle(g, fiber.MethodPost, "/obstacles/track/act", web.Public, s.trackAct)
	s.Handle(g, fiber.MethodPost, "/obstacles/track/files", web.Public, s.trackUpload)
	s.Handle(g, fiber.MethodGet, "/obstacles/track/files/:file", web.Public, s.trackDownload)
	s.Handle(g, fiber.MethodPost, "/obstacles/track/forget", web.Public, s.trackForget)

	s.Handle(g, fiber.MethodGet, "/staff/obstacles", obstacleStaff, s.staffQueue)
	s.Handle(g, fiber.MethodPost, "/staff/obstacles/assign", obstacleOfficers, s.staffBulkAssign)
	s.Handle(g, fiber.MethodGet, "/staff/obstacles/stats", obstacleViewers, s.obstacleStaffStatsPage)
	s.Handle(g, fiber.MethodGet, "/staff/obstacles/:id", obstacleStaff, s.staffDetail)
	s.Handle(g, fiber.MethodPost, "/staff/obstacles/:id/transition", obstacleStaff, s.staffTransition)
	s.Handle(g, fiber.MethodPost, "/staff/obstacles/:id/group", obstacleOfficers, s.staffGroup)
	s.Handle(g, fiber.MethodPost, "/staff/obstacles/:id/files", obstacleStaff, s.staffUpload)
	s.Handle(g, fiber.MethodGet, "/staff/obstacles/:id/files/:file", obstacleStaff, s.staffDownload)

	s.Handle(g, fiber.MethodGet, "/staff/policy-issues", obstacleOfficers, s.policyList)
	s.Handle(g, fiber.MethodPost, "/staff/policy-issues", obstacleOfficers, s.policyCreate)
	s.Handle(g, fiber.MethodGet, "/staff/policy-issues/:id", obstacleOfficers, s.policyDetail)
	s.Handle(g, fiber.MethodPost, "/staff/policy-issues/:id/resolve", obstacleOfficers, s.policyResolve)

	s.registerHolidayPages(g)
}

// RegisterAPI registers the obstacle API.
func (s *Handlers) RegisterAPI(api fiber.Router) {
	s.Handle(api, fiber.MethodPost, "/obstacles", web.Public, s.apiFileObstacle)
	s.Handle(api, fiber.MethodGet, "/obstacles/stats", web.Public, s.apiObstacleStats)
	s.Handle(api, fiber.MethodGet, "/obstacles/track/:code", web.Public, s.apiTrackObstacle)
	s.Handle(api, fiber.MethodPost, "/obstacles/track/:code/actions", web.Public, s.apiTrackAction)
	s.Handle(api, fiber.MethodGet, "/obstacles", obstacleStaff, s.apiListObstacles)
	s.Handle(api, fiber.MethodGet, "/obstacles/:id", obstacleStaff, s.apiGetObstacle)
	s.Handle(api, fiber.MethodPost, "/obstacles/:id/transitions", obstacleStaff, s.apiTransition)
}

// notifier writes the filing receipt, the one e-mail the store cannot
// write because only the filing request knows the access key.
func (s *Handlers) notifier() *notify.Notifier { return notify.New(s.mail, s.I18n(), s.BaseURL()) }

// agencyList returns the agencies obstacles can be assigned to.
func (s *Handlers) agencyList(ctx context.Context) []account.Agency {
	if s.accounts != nil {
		if list, err := s.accounts.ListAgencies(ctx); err == nil && len(list) > 0 {
			return list
		}
	}
	return account.DefaultAgencies()
}

// currentAgencies returns the agencies obstacles may be assigned to today:
// those of agencyList that are not former.
func (s *Handlers) currentAgencies(ctx context.Context) []account.Agency {
	return account.Current(s.agencyList(ctx), s.Now())
}

// agencyNames maps agency ids to their names in lang (see displayNames).
func (s *Handlers) agencyNames(ctx context.Context, lang string) map[string]string {
	return s.displayNames(s.agencyList(ctx), lang)
}

// displayNames maps the agencies of list to their names in lang; a former
// agency reads "Sở Kế hoạch và Đầu tư (cũ, nay là Sở Tài chính)", naming
// today's agencies that took over its tasks.
func (s *Handlers) displayNames(list []account.Agency, lang string) map[string]string {
	now := s.Now()
	plain := make(map[string]string, len(list))
	for _, a := range list {
		plain[a.ID], _ = a.Name.In(lang)
	}
	out := make(map[string]string, len(list))
	l := s.I18n().For(lang)
	for _, a := range list {
		out[a.ID] = plain[a.ID]
		if !a.Former(now) {
			continue
		}
		var names []string
		for _, id := range account.CurrentOf(list, a.ID, now) {
			if n := plain[id]; n != "" && id != a.ID {
				names = append(names, n)
			}
		}
		if len(names) == 0 {
			out[a.ID] = l.T("obstweb.agency.former_only", "Name", plain[a.ID])
			continue
		}
		out[a.ID] = l.T("obstweb.agency.former", "Name", plain[a.ID], "Now", strings.Join(names, ", "))
	}
	return out
}

// calendar is the working-day calendar with the administrators' days.
func (s *Handlers) obstacleCalendar(ctx context.Context) (*holidays.Calendar, error) {
	return s.obstacles.Calendar(ctx)
}

// deadlineInfo describes an obstacle's deadline for a page.
type deadlineInfo struct {
	Has bool
	// Counting is false for a report no longer worked (closed, resolved,
	// rejected, merged): its deadline shows no days left.
	Counting bool
	Date     time.Time
	DaysLeft int
	Overdue  bool
	DueSoon  bool
	Paused   bool
}

// deadlineNow describes o's deadline now, on the calendar with the
// administrators' days.
func (s *Handlers) deadlineNow(ctx context.Context, o *obstacle.Obstacle) (deadlineInfo, error) {
	cal, err := s.obstacleCalendar(ctx)
	if err != nil {
		return deadlineInfo{}, err
	}
	return deadlineOf(o, cal, s.Now()), nil
}

// obstaclePage opens the page of one obstacle, under the menu entry nav,
// with o's deadline now.
func (s *Handlers) obstaclePage(ctx context.Context, c *fiber.Ctx, o *obstacle.Obstacle, titleID, nav string) (*web.Page, deadlineInfo, error) {
	d, err := s.deadlineNow(ctx, o)
	if err != nil {
		return nil, deadlineInfo{}, err
	}
	p := s.NewPage(c, titleID)
	p.Nav = nav
	return p, d, nil
}

func deadlineOf(o *obstacle.Obstacle, cal *holidays.Calendar, now time.Time) deadlineInfo {
	d := deadlineInfo{}
	if o.Deadline == nil {
		return d
	}
	d.Has, d.Date = true, *o.Deadline
	d.Counting = o.Counting()
	d.DaysLeft, _ = o.WorkingDaysLeft(cal, now)
	d.Overdue = o.Overdue(now)
	d.DueSoon = o.DueSoon(cal, now)
	d.Paused = o.PausedSince != nil
	return d
}

// Overdue days is the positive number of working days overdue.
func (d deadlineInfo) OverdueDays() int { return -d.DaysLeft }

// parseDate reads a yyyy-mm-dd date as the start of that day in the
// province's zone.
func parseDate(v string) (*time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, true
	}
	t, err := time.ParseInLocation(time.DateOnly, v, holidays.Location())
	if err != nil {
		return nil, false
	}
	return &t, true
}

// parseVersion reads a version number from a form or body field.
func parseVersion(v string) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	return n, err == nil && n > 0
}
