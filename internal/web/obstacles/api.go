package obstacles

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/web"
)

// ObstacleSubmission is an obstacle filed through the API as JSON. A
// multipart/form-data filing uses the same fields in snake_case
// (business_name, tax_code, …) and may add files under "files". Errors
// name the fields in snake_case.
type ObstacleSubmission struct {
	BusinessName  string `json:"businessName" example:"Công ty TNHH Du lịch Biển Xanh"`
	TaxCode       string `json:"taxCode" example:"4201234566"`
	ContactPerson string `json:"contactPerson" example:"Nguyễn Văn An"`
	Email         string `json:"email" example:"an.nguyen@bienxanh.vn"`
	Phone         string `json:"phone" example:"0905 123 456"`
	// Lang is the language of the e-mails the business gets: vi or en.
	Lang string `json:"lang" example:"vi" enums:"vi,en"`
	// ProjectCode links a licensed project of the pipeline; optional.
	ProjectCode string `json:"projectCode,omitempty" example:"DA-0042"`
	Category    string `json:"category" example:"land_site_clearance" enums:"land_site_clearance,planning,investment_procedures,construction_permits,environment,tax_fees,credit,infrastructure,labour,other"`
	Title       string `json:"title" example:"Chậm bàn giao mặt bằng"`
	Description string `json:"description" example:"Còn 2,4 ha chưa hoàn thành bồi thường, giải phóng mặt bằng."`
}

// AttachmentView is a file of an obstacle.
type AttachmentView struct {
	FileID      string    `json:"fileId"`
	Name        string    `json:"name"`
	ContentType string    `json:"contentType"`
	Size        int64     `json:"size"`
	UploadedAt  time.Time `json:"uploadedAt"`
}

// ObstacleFiled answers a filing. The access key appears here, and in
// the receipt e-mail, and nowhere else: the portal keeps only its hash.
type ObstacleFiled struct {
	TrackingCode string `json:"trackingCode" example:"VM-2026-000123"`
	AccessKey    string `json:"accessKey" example:"ABCD-EFGH-IJKL-MNOP-QRST-UVWX"`
	Status       string `json:"status" example:"submitted"`
	// Replayed is true when an earlier request with the same
	// Idempotency-Key filed this obstacle.
	Replayed    bool             `json:"replayed"`
	CreatedAt   time.Time        `json:"createdAt"`
	Attachments []AttachmentView `json:"attachments"`
	// RefusedFiles names files that could not be stored.
	RefusedFiles []string `json:"refusedFiles,omitempty"`
}

// FilerView is the business that filed.
type FilerView struct {
	BusinessName  string `json:"businessName"`
	TaxCode       string `json:"taxCode"`
	ContactPerson string `json:"contactPerson"`
	Email         string `json:"email"`
	Phone         string `json:"phone"`
	Lang          string `json:"lang"`
}

// EventView is a step of an obstacle's timeline.
type EventView struct {
	At         time.Time `json:"at"`
	Action     string    `json:"action"`
	FromStatus string    `json:"fromStatus,omitempty"`
	ToStatus   string    `json:"toStatus"`
	ActorRole  string    `json:"actorRole"`
	Note       string    `json:"note,omitempty"`
	Agency     string    `json:"agency,omitempty"`
	Public     bool      `json:"public"`
}

// DeadlineView is an obstacle's deadline in working days.
type DeadlineView struct {
	// Date is the start of the last allowed day (Asia/Ho_Chi_Minh).
	Date *time.Time `json:"date,omitempty"`
	// WorkingDaysLeft counts the working days after today up to the
	// deadline (0 on its day, negative when overdue); absent once the
	// report is no longer worked (closed, resolved, rejected, merged).
	WorkingDaysLeft *int `json:"workingDaysLeft,omitempty"`
	Overdue         bool `json:"overdue"`
	DueSoon         bool `json:"dueSoon"`
	// Paused is true while the business is being asked a question.
	Paused bool `json:"paused"`
}

// ObstacleTrack is what the business sees of its obstacle: its own
// details, the public timeline and the deadline.
type ObstacleTrack struct {
	TrackingCode string           `json:"trackingCode"`
	Status       string           `json:"status"`
	Category     string           `json:"category"`
	Title        string           `json:"title"`
	Description  string           `json:"description"`
	ProjectCode  string           `json:"projectCode,omitempty"`
	Filer        FilerView        `json:"filer"`
	Deadline     DeadlineView     `json:"deadline"`
	Resolution   string           `json:"resolution,omitempty"`
	Rating       int              `json:"rating,omitempty"`
	Attachments  []AttachmentView `json:"attachments"`
	Timeline     []EventView      `json:"timeline"`
	// AllowedActions are the steps the caller may take now.
	AllowedActions []string  `json:"allowedActions"`
	Version        int64     `json:"version"`
	CreatedAt      time.Time `json:"createdAt"`
	UpdatedAt      time.Time `json:"updatedAt"`
}

// ObstacleStaffView is the staff view of an obstacle, with the internal
// timeline and the assignment.
type ObstacleStaffView struct {
	ID string `json:"id"`
	ObstacleTrack
	LeadAgency           string   `json:"leadAgency,omitempty"`
	CoordinatingAgencies []string `json:"coordinatingAgencies,omitempty"`
	EscalationLevel      int      `json:"escalationLevel"`
	ParentID             string   `json:"parentId,omitempty"`
	PolicyIssueID        string   `json:"policyIssueId,omitempty"`
	Synthetic            bool     `json:"synthetic,omitempty"`
}

// ObstaclePage is one page of the staff queue.
type ObstaclePage struct {
	Items   []ObstacleStaffView `json:"items"`
	Total   int64               `json:"total" example:"150"`
	Page    int                 `json:"page" example:"1"`
	PerPage int                 `json:"per_page" example:"20"`
}

// TransitionRequest asks for one workflow step. Version is the version
// read (or send If-Match with the ETag instead).
type TransitionRequest struct {
	Action               string   `json:"action" example:"assign" enums:"accept,reject,assign,start,ask,resume,resolve,escalate,note,merge"`
	Version              int64    `json:"version" example:"3"`
	Note                 string   `json:"note,omitempty"`
	LeadAgency           string   `json:"leadAgency,omitempty" example:"natural_resources"`
	CoordinatingAgencies []string `json:"coordinatingAgencies,omitempty"`
	// Deadline is a date (2006-01-02); empty takes the category's working days.
	Deadline   string `json:"deadline,omitempty" example:"2026-04-30"`
	Resolution string `json:"resolution,omitempty"`
	// ParentID is the primary obstacle of a merge: a tracking code or an id.
	ParentID string `json:"parentId,omitempty" example:"VM-2026-000101"`
}

// FilerActionRequest is a step the business takes: answer a question,
// confirm the resolution with a rating, or reopen.
type FilerActionRequest struct {
	Action  string `json:"action" example:"answer" enums:"answer,confirm,reopen"`
	Version int64  `json:"version" example:"5"`
	Note    string `json:"note,omitempty"`
	// Rating is 1 to 5, for confirm.
	Rating int `json:"rating,omitempty" example:"5"`
}

func attachmentViews(list []obstacle.Attachment) []AttachmentView {
	out := make([]AttachmentView, 0, len(list))
	for _, a := range list {
		out = append(out, AttachmentView{FileID: a.FileID, Name: a.Name, ContentType: a.ContentType, Size: a.Size, UploadedAt: a.UploadedAt})
	}
	return out
}

func eventViews(list []obstacle.Event) []EventView {
	out := make([]EventView, 0, len(list))
	for _, e := range list {
		out = append(out, EventView{At: e.At, Action: string(e.Action), FromStatus: string(e.FromStatus), ToStatus: string(e.ToStatus),
			ActorRole: string(e.ActorRole()), Note: e.Note, Agency: e.Agency, Public: e.Public()})
	}
	return out
}

func deadlineView(d deadlineInfo) DeadlineView {
	v := DeadlineView{Overdue: d.Overdue, DueSoon: d.DueSoon, Paused: d.Paused}
	if d.Has {
		date, days := d.Date, d.DaysLeft
		v.Date = &date
		if d.Counting {
			v.WorkingDaysLeft = &days
		}
	}
	return v
}

func actionNames(list []obstacle.Action) []string {
	out := make([]string, 0, len(list))
	for _, a := range list {
		out = append(out, string(a))
	}
	return out
}

func trackResponse(o obstacle.Obstacle, d deadlineInfo, timeline []obstacle.Event, actions []string) ObstacleTrack {
	f := o.Filer
	return ObstacleTrack{
		TrackingCode: o.TrackingCode, Status: string(o.Status), Category: string(o.Category), Title: o.Title,
		Description: o.Description, ProjectCode: o.ProjectCode,
		Filer:    FilerView{BusinessName: f.BusinessName, TaxCode: f.TaxCode, ContactPerson: f.ContactPerson, Email: f.Email, Phone: f.Phone, Lang: f.Lang},
		Deadline: deadlineView(d), Resolution: o.Resolution, Rating: o.Rating,
		Attachments: attachmentViews(o.Attachments), Timeline: eventViews(timeline), AllowedActions: actions,
		Version: o.Version, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt,
	}
}

func staffView(o obstacle.Obstacle, d deadlineInfo, actor obstacle.Actor) ObstacleStaffView {
	var actions []string
	for _, a := range staffActions(&o, actor) {
		actions = append(actions, string(a.Action))
	}
	if actions == nil {
		actions = []string{}
	}
	return ObstacleStaffView{
		ID: o.ID, ObstacleTrack: trackResponse(o, d, o.Timeline, actions),
		LeadAgency: o.LeadAgency, CoordinatingAgencies: o.CoordinatingAgencies, EscalationLevel: o.EscalationLevel,
		ParentID: o.ParentID, PolicyIssueID: o.PolicyIssueID, Synthetic: o.Synthetic,
	}
}

// apiFileObstacle files an obstacle.
//
//	@Summary		File an obstacle
//	@Description	Anyone may file; no account is needed. Send JSON (ObstacleSubmission) or multipart/form-data with the same fields in snake_case and up to 5 files under "files" (PDF, JPEG or PNG by content, at most 10 MB each; the request body is limited, so add further files from the tracking page). An Idempotency-Key is bound to the request it first came with: the same key with the same content (fields and files) within 24 hours returns the same obstacle and access key, never a second one; the same key with other content (or later) is a 422 naming the Idempotency-Key header, and nothing else. The access key is in this answer and the receipt e-mail only.
//	@Tags			obstacles
//	@Accept			json,mpfd
//	@Produce		json
//	@Param			Idempotency-Key	header		string				false	"16-128 printable characters, random per filing"
//	@Param			body			body		ObstacleSubmission	false	"the obstacle (JSON)"
//	@Success		201				{object}	ObstacleFiled		"filed"
//	@Success		200				{object}	ObstacleFiled		"filed earlier with the same Idempotency-Key"
//	@Failure		400				{object}	web.Problem				"errors name each field (snake_case), or the file"
//	@Failure		413				{object}	web.Problem
//	@Failure		422				{object}	web.Problem				"the Idempotency-Key was used for another request"
//	@Failure		429				{object}	web.Problem
//	@Router			/obstacles [post]
func (s *Handlers) apiFileObstacle(c *fiber.Ctx) error {
	var form map[string]string
	if strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), fiber.MIMEApplicationJSON) {
		var in ObstacleSubmission
		if err := web.DecodeJSON(c, &in); err != nil {
			return err
		}
		form = map[string]string{"business_name": in.BusinessName, "tax_code": in.TaxCode, "contact_person": in.ContactPerson,
			"email": in.Email, "phone": in.Phone, "lang": in.Lang, "project_code": in.ProjectCode, "category": in.Category,
			"title": in.Title, "description": in.Description}
	} else {
		// As sent, like the filing page: the content is bound to the key.
		form = web.NewForm().ReadRaw(c, obstacleFormKeys...).Values
	}
	files, err := uploadedFiles(c, "files")
	if err != nil {
		return err
	}
	o, key, failed, created, _, err := s.fileObstacle(c, submissionOf(form, c.Get("Idempotency-Key")), files)
	if obstacle.IsKeyReused(err) {
		// 422 and nothing else: not the tracking code, not the key.
		return s.SendProblem(c, fiber.StatusUnprocessableEntity, apperr.As(apperr.Fields{"Idempotency-Key": obstacle.MsgKeyReused}.Err()))
	}
	if err != nil {
		return fileMessage(err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderLocation, "/api/v1/obstacles/track/"+o.TrackingCode)
	status := fiber.StatusOK
	if created {
		status = fiber.StatusCreated
	}
	return c.Status(status).JSON(ObstacleFiled{
		TrackingCode: o.TrackingCode, AccessKey: key, Status: string(o.Status), Replayed: !created,
		CreatedAt: o.CreatedAt, Attachments: attachmentViews(o.Attachments), RefusedFiles: failed,
	})
}

// trackNotFound is the one answer to a wrong tracking code or a wrong
// key: the same status and the very same body, which names neither.
func (s *Handlers) trackNotFound(c *fiber.Ctx) error {
	l := s.I18n().For(web.Lang(c))
	p := web.Problem{Type: "about:blank", Title: http.StatusText(http.StatusNotFound), Status: http.StatusNotFound,
		Detail: l.T("obstacle.error.not_found"), Instance: "/api/v1/obstacles/track", Code: string(apperr.CodeNotFound)}
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	c.Status(http.StatusNotFound)
	c.Set(fiber.HeaderContentType, "application/problem+json")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(body)
}

// apiTracked opens the obstacle of the route's code with the X-Access-Key.
func (s *Handlers) apiTracked(c *fiber.Ctx) (obstacle.Obstacle, bool, error) {
	if err := s.Limit(c, obstacleTrackLimit); err != nil {
		return obstacle.Obstacle{}, false, err
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	o, err := s.obstacles.GetByTracking(ctx, c.Params("code"), c.Get("X-Access-Key"))
	if isNotFound(err) {
		return obstacle.Obstacle{}, false, nil
	}
	return o, err == nil, err
}

func (s *Handlers) filerView(c *fiber.Ctx, o obstacle.Obstacle) error {
	ctx, cancel := web.DBContext(c)
	defer cancel()
	d, err := s.deadlineNow(ctx, &o)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(trackResponse(o, d, o.PublicTimeline(), actionNames(obstacle.Allowed(o.Status, obstacle.RoleFiler))))
}

// apiTrackObstacle shows the business its obstacle.
//
//	@Summary		Track an obstacle
//	@Description	The business's view: status, public timeline, deadline in working days, its own details and files. A wrong code and a wrong key get the same 404.
//	@Tags			obstacles
//	@Produce		json
//	@Param			code			path		string	true	"tracking code, such as VM-2026-000123"
//	@Param			X-Access-Key	header		string	true	"the access key given at filing"
//	@Success		200				{object}	ObstacleTrack
//	@Failure		404				{object}	web.Problem
//	@Failure		429				{object}	web.Problem
//	@Router			/obstacles/track/{code} [get]
func (s *Handlers) apiTrackObstacle(c *fiber.Ctx) error {
	o, ok, err := s.apiTracked(c)
	if err != nil {
		return err
	}
	if !ok {
		return s.trackNotFound(c)
	}
	return s.filerView(c, o)
}

// apiTrackAction takes a step as the business.
//
//	@Summary		Answer, confirm or reopen, as the business
//	@Description	answer a question (note), confirm the resolution (rating 1-5, note as comment) or reopen (note) within the window. A step the workflow does not allow now is a 409.
//	@Tags			obstacles
//	@Accept			json
//	@Produce		json
//	@Param			code			path		string				true	"tracking code"
//	@Param			X-Access-Key	header		string				true	"the access key given at filing"
//	@Param			body			body		FilerActionRequest	true	"the step"
//	@Success		200				{object}	ObstacleTrack
//	@Failure		400				{object}	web.Problem
//	@Failure		404				{object}	web.Problem
//	@Failure		409				{object}	web.Problem	"not allowed in the current status, or a stale version"
//	@Router			/obstacles/track/{code}/actions [post]
func (s *Handlers) apiTrackAction(c *fiber.Ctx) error {
	o, ok, err := s.apiTracked(c)
	if err != nil {
		return err
	}
	if !ok {
		return s.trackNotFound(c)
	}
	var in FilerActionRequest
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	bad := apperr.Fields{}
	action, aok := filerAction(in.Action)
	checkStep(bad, aok, in.Version)
	if err := bad.Err(); err != nil {
		return err
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	n, err := s.obstacles.Apply(ctx, o.ID, in.Version, action, obstacle.Input{Note: in.Note, Rating: in.Rating}, obstacle.FilerActor, s.Now())
	if err != nil {
		return err
	}
	s.tellOfficers(ctx, n, action, obstacle.FilerActor)
	return s.filerView(c, n)
}

// apiListObstacles lists the staff queue.
//
//	@Summary		The task force's obstacle queue
//	@Description	Newest first. An agency officer sees only the obstacles the agency leads or coordinates.
//	@Tags			obstacles
//	@Produce		json
//	@Security		BearerToken
//	@Param			status		query		string	false	"status"	Enums(submitted, accepted, rejected, assigned, in_progress, waiting_for_business, resolved, closed, merged)
//	@Param			category	query		string	false	"category"
//	@Param			agency		query		string	false	"lead or coordinating agency id"
//	@Param			overdue		query		bool	false	"only overdue"
//	@Param			q			query		string	false	"tracking code, title, description, business name or exact tax code"
//	@Param			page		query		int		false	"page, from 1"
//	@Param			per_page	query		int		false	"items per page, at most 100"
//	@Success		200			{object}	ObstaclePage
//	@Failure		400			{object}	web.Problem
//	@Failure		401			{object}	web.Problem
//	@Failure		403			{object}	web.Problem
//	@Router			/obstacles [get]
func (s *Handlers) apiListObstacles(c *fiber.Ctx) error {
	q, err := parseQueueQuery(func(k string) string { return c.Query(k) })
	if err != nil {
		return err
	}
	bad := apperr.Fields{}
	q.Filter.PerPage = web.PageParam(bad, "per_page", c.Query("per_page"), q.Filter.PerPage, obstacle.MaxPerPage)
	if err := bad.Err(); err != nil {
		return err
	}
	actor := web.ObstacleActor(c)
	ctx, cancel := web.DBContext(c)
	defer cancel()
	res, rows, err := s.queueRows(ctx, q.Filter, actor)
	if err != nil {
		return err
	}
	out := ObstaclePage{Items: []ObstacleStaffView{}, Total: res.Total, Page: res.Page, PerPage: res.PerPage}
	for _, r := range rows {
		out.Items = append(out.Items, staffView(r.Obstacle, r.Deadline, actor))
	}
	return c.JSON(out)
}

// apiGetObstacle returns one obstacle to staff.
//
//	@Summary	Get an obstacle (staff)
//	@Tags		obstacles
//	@Produce	json
//	@Security	BearerToken
//	@Param		id	path		string	true	"obstacle id"
//	@Success	200	{object}	ObstacleStaffView
//	@Header		200	{string}	ETag	"send it back in If-Match to take a step"
//	@Success	304	"not modified"
//	@Failure	404	{object}	web.Problem
//	@Router		/obstacles/{id} [get]
func (s *Handlers) apiGetObstacle(c *fiber.Ctx) error {
	o, actor, err := s.staffObstacle(c, c.Params("id"))
	if err != nil {
		return err
	}
	if web.NotModified(c, web.ETag(o.TrackingCode, o.Version), "private, no-cache") {
		return c.SendStatus(fiber.StatusNotModified)
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	d, err := s.deadlineNow(ctx, &o)
	if err != nil {
		return err
	}
	return c.JSON(staffView(o, d, actor))
}

// apiTransition takes a workflow step as staff.
//
//	@Summary		Take a workflow step (staff)
//	@Description	The workflow table decides: a step not allowed in the current status is a 409 naming it. Give the ETag read in If-Match (quoted, as sent), or the version read in the body. With If-Match, an obstacle changed since (even by a request racing this one) is a 412; with a body version only, a 409; neither is a 428.
//	@Tags			obstacles
//	@Accept			json
//	@Produce		json
//	@Security		BearerToken
//	@Param			id			path		string				true	"obstacle id"
//	@Param			If-Match	header		string				false	"ETag of the version read"
//	@Param			body		body		TransitionRequest	true	"the step"
//	@Success		200			{object}	ObstacleStaffView
//	@Failure		400			{object}	web.Problem
//	@Failure		403			{object}	web.Problem
//	@Failure		404			{object}	web.Problem
//	@Failure		409			{object}	web.Problem
//	@Failure		412			{object}	web.Problem
//	@Failure		428			{object}	web.Problem
//	@Router			/obstacles/{id}/transitions [post]
func (s *Handlers) apiTransition(c *fiber.Ctx) error {
	o, actor, err := s.staffObstacle(c, c.Params("id"))
	if err != nil {
		return err
	}
	var in TransitionRequest
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	// With If-Match the header decides (the shared rules of every write
	// API), and a version that moved on is a 412, whenever it is found out.
	im := strings.TrimSpace(c.Get(fiber.HeaderIfMatch))
	sentIfMatch := im != ""
	if sentIfMatch {
		// guardRequest has refused an unquoted tag already (400).
		v, err := web.IfMatch(c, o.TrackingCode, "error.conflict")
		if err != nil {
			return err
		}
		in.Version = v
	} else if in.Version <= 0 {
		return apperr.New(apperr.CodePreconditionReq, "obstweb.error.version_required")
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	action, input, err := s.transitionInput(ctx, transitionRequest{Action: in.Action, Version: in.Version, Note: in.Note,
		LeadAgency: in.LeadAgency, CoordinatingAgencies: in.CoordinatingAgencies, Deadline: in.Deadline,
		Resolution: in.Resolution, Parent: in.ParentID}, actor)
	if err != nil {
		return err
	}
	n, err := s.obstacles.Apply(ctx, o.ID, in.Version, action, input, actor, s.Now())
	if sentIfMatch && obstacle.IsStale(err) {
		return apperr.New(apperr.CodePrecondition, "error.conflict")
	}
	if err != nil {
		return err
	}
	s.tellOfficers(ctx, n, action, actor)
	d, err := s.deadlineNow(ctx, &n)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderETag, web.ETag(n.TrackingCode, n.Version))
	return c.JSON(staffView(n, d, actor))
}

// apiObstacleStats returns the obstacle figures.
//
//	@Summary		Obstacle figures
//	@Description	Aggregates only (no business, tax code or description): open by status, category and lead agency; overdue, due soon, escalated; resolved on time in basis points; median working days to resolve; filed and resolved by month; registered capital of the projects held up by open obstacles (VND and USD apart, each project once per key).
//	@Tags			obstacles
//	@Produce		json
//	@Success		200	{object}	obstaclestats.Figures
//	@Router			/obstacles/stats [get]
func (s *Handlers) apiObstacleStats(c *fiber.Ctx) error {
	ctx, cancel := web.DBContext(c)
	defer cancel()
	st, err := s.stats.Figures(ctx, s.Now())
	if err != nil {
		return err
	}
	return c.JSON(st)
}
