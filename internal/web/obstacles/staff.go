package obstacles

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/paging"
	"github.com/khanhhoa/investportal/internal/web"
)

// queueQuery is the queue's filters as typed, and as parsed.
type queueQuery struct {
	Raw    map[string]string
	Filter obstacle.Filter
}

var queueKeys = []string{"status", "category", "agency", "overdue", "q", "page"}

// maxQueueText is the longest text filter, in characters.
const maxQueueText = 200

// parseQueueQuery reads the queue's filters from the query string (page
// and API alike), naming each wrong one.
func parseQueueQuery(get func(string) string) (queueQuery, error) {
	q := queueQuery{Raw: map[string]string{}}
	bad := apperr.Fields{}
	for _, k := range queueKeys {
		q.Raw[k] = strings.TrimSpace(get(k))
	}
	f := &q.Filter
	if v := q.Raw["status"]; v != "" {
		if st := obstacle.Status(v); st.Valid() {
			f.Status = []obstacle.Status{st}
		} else {
			bad.Add("status", "error.field.invalid")
		}
	}
	if v := q.Raw["category"]; v != "" {
		if cat := obstacle.Category(v); cat.Valid() {
			f.Category = cat
		} else {
			bad.Add("category", "error.field.invalid")
		}
	}
	if v := q.Raw["agency"]; v != "" {
		if obstacle.ValidAgencyID(v) {
			f.Agency = v
		} else {
			bad.Add("agency", "error.field.invalid")
		}
	}
	switch q.Raw["overdue"] {
	case "", "0", "false":
	case "1", "true":
		f.Overdue = true
	default:
		bad.Add("overdue", "error.field.invalid")
	}
	if utf8.RuneCountInString(q.Raw["q"]) > maxQueueText {
		bad.Add("q", "error.field.too_long")
	} else {
		f.Text = q.Raw["q"]
	}
	f.Page = web.PageParam(bad, "page", q.Raw["page"], f.Page, web.MaxPageParam)
	return q, bad.Err()
}

// URLWith returns the queue's query string with key set to value.
func (q queueQuery) URLWith(kv ...string) string { return web.RawQuery(q.Raw).URLWith(kv...) }

// queueRow is one obstacle of the queue.
type queueRow struct {
	Obstacle obstacle.Obstacle
	Deadline deadlineInfo
}

// queueData is the queue page's content.
type queueData struct {
	Query       queueQuery
	Errors      map[string]string
	Rows        []queueRow
	Total       int64
	Page, Pages int
	Statuses    []obstacle.Status
	Categories  []obstacle.Category
	// Agencies are those obstacles may be assigned to; FilterAgencies
	// adds the former ones, whose obstacles may still be listed.
	Agencies       []account.Agency
	FilterAgencies []account.Agency
	AgencyNames    map[string]string
	// CanAssign shows the bulk assignment (task force and admins).
	CanAssign bool
	// OwnAgency is an agency officer's agency, whose obstacles alone are listed.
	OwnAgency string
}

// queueRows lists the page of obstacles f selects among those actor sees,
// each with its deadline now.
func (s *Handlers) queueRows(ctx context.Context, f obstacle.Filter, actor obstacle.Actor) (obstacle.Page, []queueRow, error) {
	res, err := s.obstacles.List(ctx, f, actor, s.Now())
	if err != nil {
		return obstacle.Page{}, nil, err
	}
	cal, err := s.obstacleCalendar(ctx)
	if err != nil {
		return obstacle.Page{}, nil, err
	}
	rows := make([]queueRow, 0, len(res.Items))
	for _, o := range res.Items {
		rows = append(rows, queueRow{Obstacle: o, Deadline: deadlineOf(&o, cal, s.Now())})
	}
	return res, rows, nil
}

func (s *Handlers) staffQueue(c *fiber.Ctx) error {
	p := s.NewPage(c, "obstweb.queue.title")
	p.Nav = "staff_obstacles"
	actor := web.ObstacleActor(c)
	ctx, cancel := web.DBContext(c)
	defer cancel()
	q, qerr := parseQueueQuery(func(k string) string { return c.Query(k) })
	d := queueData{
		Query: q, Statuses: obstacle.Statuses, Categories: obstacle.Categories,
		Agencies: s.currentAgencies(ctx), FilterAgencies: s.agencyList(ctx), AgencyNames: s.agencyNames(ctx, p.Lang),
		CanAssign: actor.CanAssign(), OwnAgency: actor.Agency,
	}
	if qerr != nil {
		d.Errors = apperr.As(qerr).Fields
		p.Data = d
		c.Status(fiber.StatusBadRequest)
		return s.Render(c, "obstacles/queue", p)
	}
	res, rows, err := s.queueRows(ctx, q.Filter, actor)
	if err != nil {
		return err
	}
	d.Rows = rows
	d.Total, d.Page = res.Total, res.Page
	d.Pages = paging.Count(res.Total, res.PerPage)
	p.Data = d
	return s.Render(c, "obstacles/queue", p)
}

// bulkRow is the outcome of one obstacle of a bulk assignment.
type bulkRow struct {
	ID, TrackingCode string
	OK               bool
	Message          string
}

// maxBulk is the most obstacles one bulk assignment takes.
const maxBulk = 100

// staffBulkAssign assigns the checked obstacles to one lead agency; those
// still submitted are accepted first, as triage in one step.
func (s *Handlers) staffBulkAssign(c *fiber.Ctx) error {
	actor := web.ObstacleActor(c)
	f := web.ReadForm(c, "lead_agency", "deadline").ReadRaw(c, "note").ReadLists(c, "ids")
	ids := f.List("ids")
	bad := apperr.Fields{}
	if len(ids) == 0 {
		bad.Add("ids", "obstweb.error.none_selected")
	} else if len(ids) > maxBulk {
		bad.Add("ids", "error.field.too_long")
	}
	lead := f.V("lead_agency")
	if !obstacle.ValidAgencyID(lead) {
		bad.Add("lead_agency", "error.field.required")
	}
	deadline, ok := parseDate(f.V("deadline"))
	if !ok {
		bad.Add("deadline", "error.field.invalid")
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	if bad["lead_agency"] == "" {
		if err := s.checkAgencies(ctx, bad, lead, nil); err != nil {
			return err
		}
	}
	if err := bad.Err(); err != nil {
		return err
	}
	now := s.Now()
	for _, id := range ids {
		if o, err := s.obstacles.Get(ctx, id); err == nil && o.Status == obstacle.Submitted {
			_, _ = s.obstacles.Apply(ctx, id, o.Version, obstacle.ActAccept, obstacle.Input{}, actor, now)
		}
	}
	results, err := s.obstacles.BulkAssign(ctx, ids, obstacle.Input{LeadAgency: lead, Deadline: deadline, Note: f.V("note")}, actor, now)
	if err != nil {
		return err
	}
	for _, r := range results {
		if r.Err == nil {
			s.tellOfficers(ctx, r.Obstacle, obstacle.ActAssign, actor)
		}
	}
	p := s.NewPage(c, "obstweb.bulk.title")
	p.Nav = "staff_obstacles"
	var rows []bulkRow
	okAll := true
	for _, r := range results {
		row := bulkRow{ID: r.ID, TrackingCode: r.Obstacle.TrackingCode, OK: r.Err == nil}
		if r.Err != nil {
			okAll = false
			e := apperr.As(r.Err)
			if e.Code == apperr.CodeInternal {
				s.Log().ErrorContext(ctx, "bulk assign failed", "obstacle", r.ID, "err", r.Err)
			}
			row.Message = p.L.T(e.MessageID, web.DataPairs(e.Data)...)
			for _, f := range web.SortedKeys(e.Fields) {
				row.Message += " " + p.L.T(e.Fields[f])
			}
		}
		rows = append(rows, row)
	}
	if okAll {
		s.Flash(c, "obstweb.bulk.done")
		return c.Redirect("/"+web.Lang(c)+"/staff/obstacles", fiber.StatusSeeOther)
	}
	p.Data = rows
	return s.Render(c, "obstacles/bulk", p)
}

// actionForm is one workflow step offered on the staff detail page, with
// the fields it needs.
type actionForm struct {
	Action                   obstacle.Action
	NoteRequired, Resolution bool
	Assign, Merge            bool
}

var noteRequired = map[obstacle.Action]bool{obstacle.ActReject: true, obstacle.ActAsk: true, obstacle.ActNote: true}

// staffActions are the forms of the steps actor may take on o now (the
// domain's ActionsFor).
func staffActions(o *obstacle.Obstacle, actor obstacle.Actor) []actionForm {
	var out []actionForm
	for _, a := range o.ActionsFor(actor) {
		out = append(out, actionForm{Action: a, NoteRequired: noteRequired[a], Resolution: a == obstacle.ActResolve,
			Assign: a == obstacle.ActAssign, Merge: a == obstacle.ActMerge})
	}
	return out
}

// staffDetailData is the staff view of one obstacle.
type staffDetailData struct {
	Obstacle    obstacle.Obstacle
	Deadline    deadlineInfo
	Actions     []actionForm
	Agencies    []account.Agency
	AgencyNames map[string]string
	Policies    []obstacle.PolicyIssue
	Policy      *obstacle.PolicyIssue
	CanGroup    bool
	CanAttach   bool
	Errors      map[string]string
	Form        map[string]string
	MaxMB       int
	MaxFiles    int
	// MailDelivers is false while e-mail to the business stays in the outbox.
	MailDelivers bool
}

// staffObstacle returns the obstacle of the route if the user may see it;
// one the user may not see is not found, so its existence stays hidden.
func (s *Handlers) staffObstacle(c *fiber.Ctx, id string) (obstacle.Obstacle, obstacle.Actor, error) {
	actor := web.ObstacleActor(c)
	ctx, cancel := web.DBContext(c)
	defer cancel()
	o, err := s.obstacles.Get(ctx, id)
	if err != nil {
		return obstacle.Obstacle{}, actor, err
	}
	if !o.CanView(actor) {
		return obstacle.Obstacle{}, actor, apperr.NotFound("error.not_found")
	}
	return o, actor, nil
}

func (s *Handlers) staffDetailView(c *fiber.Ctx, o obstacle.Obstacle, actor obstacle.Actor, errs, form map[string]string) error {
	ctx, cancel := web.DBContext(c)
	defer cancel()
	p, deadline, err := s.obstaclePage(ctx, c, &o, "obstweb.detail.title", "staff_obstacles")
	if err != nil {
		return err
	}
	d := staffDetailData{
		Obstacle: o, Deadline: deadline, Actions: staffActions(&o, actor),
		Agencies: s.currentAgencies(ctx), AgencyNames: s.agencyNames(ctx, p.Lang), Errors: errs, Form: form,
		CanGroup:  o.CanGroup(actor),
		CanAttach: o.CanAttach(actor),
		MaxMB:     obstacle.MaxFileSize >> 20, MaxFiles: obstacle.MaxAttachments,
		MailDelivers: s.mail.Delivers(),
	}
	if d.Form == nil {
		d.Form = map[string]string{}
	}
	if d.CanGroup {
		if d.Policies, err = s.obstacles.ListPolicyIssues(ctx, obstacle.PolicyOpen); err != nil {
			return err
		}
	}
	if o.PolicyIssueID != "" {
		if pi, err := s.obstacles.GetPolicyIssue(ctx, o.PolicyIssueID); err == nil {
			d.Policy = &pi
		}
	}
	p.Data = d
	return s.Render(c, "obstacles/detail", p)
}

func (s *Handlers) staffDetail(c *fiber.Ctx) error {
	o, actor, err := s.staffObstacle(c, c.Params("id"))
	if err != nil {
		return err
	}
	return s.staffDetailView(c, o, actor, nil, nil)
}

// checkStep adds to bad what is wrong with the two things every step
// names: an action the asker may take (known) and the version read.
func checkStep(bad apperr.Fields, known bool, version int64) {
	if !known {
		bad.Add("action", "error.field.invalid")
	}
	if version <= 0 {
		bad.Add("version", "error.field.invalid")
	}
}

// staffAction names a step staff may ask for (not the business's own
// steps, nor the system's).
func staffAction(a string) (obstacle.Action, bool) {
	switch act := obstacle.Action(a); act {
	case obstacle.ActAnswer, obstacle.ActConfirm, obstacle.ActReopen, obstacle.ActAutoClose, "":
		return "", false
	default:
		for _, x := range obstacle.Actions {
			if x == act {
				return act, true
			}
		}
	}
	return "", false
}

// transitionRequest is a staff step as read from a form or a JSON body.
type transitionRequest struct {
	Action               string
	Version              int64
	Note                 string
	LeadAgency           string
	CoordinatingAgencies []string
	Deadline             string
	Resolution           string
	Parent               string
}

// input checks the request and turns it into the domain's input; the
// merge target is found by tracking code (or id) among what actor sees.
func (s *Handlers) transitionInput(ctx context.Context, r transitionRequest, actor obstacle.Actor) (obstacle.Action, obstacle.Input, error) {
	bad := apperr.Fields{}
	action, ok := staffAction(r.Action)
	checkStep(bad, ok, r.Version)
	in := obstacle.Input{Note: r.Note, LeadAgency: strings.TrimSpace(r.LeadAgency), CoordinatingAgencies: r.CoordinatingAgencies, Resolution: r.Resolution}
	if d, ok := parseDate(r.Deadline); ok {
		in.Deadline = d
	} else {
		bad.Add("deadline", "error.field.invalid")
	}
	if action == obstacle.ActAssign && bad["lead_agency"] == "" && obstacle.ValidAgencyID(in.LeadAgency) {
		if err := s.checkAgencies(ctx, bad, in.LeadAgency, in.CoordinatingAgencies); err != nil {
			return "", in, err
		}
	}
	if err := bad.Err(); err != nil {
		return "", in, err
	}
	if action == obstacle.ActMerge {
		parent := strings.TrimSpace(r.Parent)
		if parent == "" {
			return "", in, apperr.Fields{"parent_id": "error.field.required"}.Err()
		}
		id, err := s.findByCode(ctx, parent, actor)
		if err != nil {
			return "", in, err
		}
		in.ParentID = id
	}
	return action, in, nil
}

// checkAgencies names, in bad, a lead or coordinating agency that is not
// among the agencies obstacles can be assigned to (the list the forms
// offer), or that is a former agency (obstweb.error.agency_former); the
// domain checks only the shape of an agency id.
func (s *Handlers) checkAgencies(ctx context.Context, bad apperr.Fields, lead string, coord []string) error {
	list := account.DefaultAgencies()
	if s.accounts != nil {
		stored, err := s.accounts.ListAgencies(ctx)
		if err != nil {
			return err
		}
		if len(stored) > 0 {
			list = stored
		}
	}
	known, former := map[string]bool{}, map[string]bool{}
	for _, a := range list {
		known[a.ID], former[a.ID] = true, a.Former(s.Now())
	}
	switch {
	case !known[lead]:
		bad.Add("lead_agency", "obstweb.error.agency_unknown")
	case former[lead]:
		bad.Add("lead_agency", "obstweb.error.agency_former")
	}
	for _, a := range coord {
		switch a = strings.TrimSpace(a); {
		case a == "":
		case !known[a]:
			bad.Add("coordinating_agencies", "obstweb.error.agency_unknown")
		case former[a]:
			bad.Add("coordinating_agencies", "obstweb.error.agency_former")
		}
	}
	return nil
}

// findByCode returns the id of the obstacle with a tracking code (or id)
// among those actor may see.
func (s *Handlers) findByCode(ctx context.Context, ref string, actor obstacle.Actor) (string, error) {
	code := obstacle.NormalizeTrackingCode(ref)
	if len(code) <= 24 && strings.HasPrefix(code, "VM-") {
		res, err := s.obstacles.List(ctx, obstacle.Filter{Text: code, PerPage: 10}, actor, s.Now())
		if err != nil {
			return "", err
		}
		for _, o := range res.Items {
			if o.TrackingCode == code {
				return o.ID, nil
			}
		}
	} else if o, err := s.obstacles.Get(ctx, strings.TrimSpace(ref)); err == nil && o.CanView(actor) {
		return o.ID, nil
	}
	return "", apperr.Fields{"parent_id": "obstacle.error.merge_target"}.Err()
}

func (s *Handlers) staffTransition(c *fiber.Ctx) error {
	o, actor, err := s.staffObstacle(c, c.Params("id"))
	if err != nil {
		return err
	}
	// The action is matched as sent; the domain trims the texts.
	f := web.ReadForm(c, "version", "lead_agency", "deadline", "parent").
		ReadRaw(c, "action", "note", "resolution").ReadLists(c, "coordinating_agencies")
	form := f.Values
	version, _ := parseVersion(form["version"])
	req := transitionRequest{Action: form["action"], Version: version, Note: form["note"], LeadAgency: form["lead_agency"],
		CoordinatingAgencies: f.List("coordinating_agencies"), Deadline: form["deadline"], Resolution: form["resolution"], Parent: form["parent"]}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	action, in, err := s.transitionInput(ctx, req, actor)
	if err == nil {
		var n obstacle.Obstacle
		if n, err = s.obstacles.Apply(ctx, o.ID, version, action, in, actor, s.Now()); err == nil {
			s.tellOfficers(ctx, n, action, actor)
		}
	}
	if err != nil {
		if e := apperr.As(err); e.Code == apperr.CodeInvalid {
			c.Status(fiber.StatusBadRequest)
			return s.staffDetailView(c, o, actor, e.Fields, form)
		}
		return err
	}
	s.Flash(c, "obstweb.detail.done")
	return c.Redirect("/"+web.Lang(c)+"/staff/obstacles/"+o.ID, fiber.StatusSeeOther)
}

// staffGroup links the obstacle to a policy issue, or unlinks it.
func (s *Handlers) staffGroup(c *fiber.Ctx) error {
	o, actor, err := s.staffObstacle(c, c.Params("id"))
	if err != nil {
		return err
	}
	f := web.ReadForm(c, "version", "policy_issue_id")
	version, ok := parseVersion(f.V("version"))
	if !ok {
		c.Status(fiber.StatusBadRequest)
		return s.staffDetailView(c, o, actor, map[string]string{"version": "error.field.invalid"}, nil)
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	if _, err := s.obstacles.GroupIntoPolicyIssue(ctx, o.ID, version, f.V("policy_issue_id"), actor, s.Now()); err != nil {
		if e := apperr.As(err); e.Code == apperr.CodeInvalid {
			c.Status(fiber.StatusBadRequest)
			return s.staffDetailView(c, o, actor, e.Fields, nil)
		}
		return err
	}
	s.Flash(c, "obstweb.detail.done")
	return c.Redirect("/"+web.Lang(c)+"/staff/obstacles/"+o.ID, fiber.StatusSeeOther)
}

func (s *Handlers) staffUpload(c *fiber.Ctx) error {
	o, actor, err := s.staffObstacle(c, c.Params("id"))
	if err != nil {
		return err
	}
	files, refused, err := addedFiles(c, len(o.Attachments))
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return s.staffDetailView(c, o, actor, refused, nil)
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	if _, _, err := s.attachAll(ctx, o, files, actor); err != nil {
		return err
	}
	s.Flash(c, "obstweb.detail.done")
	return c.Redirect("/"+web.Lang(c)+"/staff/obstacles/"+o.ID, fiber.StatusSeeOther)
}

func (s *Handlers) staffDownload(c *fiber.Ctx) error {
	o, _, err := s.staffObstacle(c, c.Params("id"))
	if err != nil {
		return err
	}
	return s.sendAttachment(c, o.ID, c.Params("file"))
}

// policyListData is the policy issues page's content.
type policyListData struct {
	Issues []obstacle.PolicyIssue
	Errors map[string]string
	Form   map[string]string
}

func (s *Handlers) policyListView(c *fiber.Ctx, errs, form map[string]string) error {
	ctx, cancel := web.DBContext(c)
	defer cancel()
	list, err := s.obstacles.ListPolicyIssues(ctx, "")
	if err != nil {
		return err
	}
	p := s.NewPage(c, "obstweb.policy.list_title")
	p.Nav = "staff_obstacles"
	if form == nil {
		form = map[string]string{}
	}
	p.Data = policyListData{Issues: list, Errors: errs, Form: form}
	return s.Render(c, "obstacles/policies", p)
}

func (s *Handlers) policyList(c *fiber.Ctx) error { return s.policyListView(c, nil, nil) }

func (s *Handlers) policyCreate(c *fiber.Ctx) error {
	form := web.NewForm().ReadRaw(c, "title", "description").Values
	ctx, cancel := web.DBContext(c)
	defer cancel()
	pi, err := s.obstacles.CreatePolicyIssue(ctx, obstacle.PolicyIssue{Title: form["title"], Description: form["description"]}, web.ObstacleActor(c), s.Now())
	if err != nil {
		if e := apperr.As(err); e.Code == apperr.CodeInvalid {
			c.Status(fiber.StatusBadRequest)
			return s.policyListView(c, e.Fields, form)
		}
		return err
	}
	s.Flash(c, "obstweb.policy.created")
	return c.Redirect("/"+web.Lang(c)+"/staff/policy-issues/"+pi.ID, fiber.StatusSeeOther)
}

// policyDetailData is one policy issue and its obstacles.
type policyDetailData struct {
	Issue     obstacle.PolicyIssue
	Obstacles []obstacle.Obstacle
	Total     int64
	Errors    map[string]string
	Form      map[string]string
}

func (s *Handlers) policyDetailView(c *fiber.Ctx, id string, errs, form map[string]string) error {
	ctx, cancel := web.DBContext(c)
	defer cancel()
	pi, err := s.obstacles.GetPolicyIssue(ctx, id)
	if err != nil {
		return err
	}
	res, err := s.obstacles.List(ctx, obstacle.Filter{PolicyIssueID: pi.ID, PerPage: obstacle.MaxPerPage}, web.ObstacleActor(c), s.Now())
	if err != nil {
		return err
	}
	p := s.NewPage(c, "obstweb.policy.title")
	p.Nav = "staff_obstacles"
	if form == nil {
		form = map[string]string{}
	}
	p.Data = policyDetailData{Issue: pi, Obstacles: res.Items, Total: res.Total, Errors: errs, Form: form}
	return s.Render(c, "obstacles/policy", p)
}

func (s *Handlers) policyDetail(c *fiber.Ctx) error {
	return s.policyDetailView(c, c.Params("id"), nil, nil)
}

func (s *Handlers) policyResolve(c *fiber.Ctx) error {
	id := c.Params("id")
	f := web.ReadForm(c, "version").ReadRaw(c, "resolution")
	form := f.Values
	version, ok := parseVersion(f.V("version"))
	if !ok {
		c.Status(fiber.StatusBadRequest)
		return s.policyDetailView(c, id, map[string]string{"version": "error.field.invalid"}, form)
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	if _, err := s.obstacles.ResolvePolicyIssue(ctx, id, version, form["resolution"], web.ObstacleActor(c), s.Now()); err != nil {
		if e := apperr.As(err); e.Code == apperr.CodeInvalid {
			c.Status(fiber.StatusBadRequest)
			return s.policyDetailView(c, id, e.Fields, form)
		}
		return err
	}
	s.Flash(c, "obstweb.policy.resolved")
	return c.Redirect("/"+web.Lang(c)+"/staff/policy-issues/"+id, fiber.StatusSeeOther)
}
