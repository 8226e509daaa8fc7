package obstacles

import (
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/obstacle"
	"github.com/khanhhoa/investportal/internal/web"
)

// trackCookie holds a business's tracking code and access key after it
// typed them, so that the tracking page works with Post/Redirect/Get and
// the key never appears in an address.
const (
	trackCookie    = "obstrack"
	trackCookieAge = 2 * time.Hour
)

// trackData is the public tracking page's content.
type trackData struct {
	// Found is false while the form asks for the code and key.
	Found    bool
	Obstacle obstacle.Obstacle
	Timeline []obstacle.Event
	Deadline deadlineInfo
	// Actions are the steps the business may take now.
	Actions   []obstacle.Action
	CanAttach bool
	Errors    map[string]string
	Form      map[string]string
	// LookupError is the message of a failed lookup: the same for a wrong
	// code and a wrong key.
	LookupError string
	MaxMB       int
	MaxFiles    int
}

// Has reports whether the business may take action a.
func (d trackData) Has(a string) bool {
	for _, x := range d.Actions {
		if string(x) == a {
			return true
		}
	}
	return false
}

func (s *Handlers) setTrackCookie(c *fiber.Ctx, code, key string) {
	c.Cookie(&fiber.Cookie{Name: trackCookie, Value: url.QueryEscape(obstacle.NormalizeTrackingCode(code) + "~" + strings.TrimSpace(key)),
		Path: "/", MaxAge: int(trackCookieAge.Seconds()), HTTPOnly: true, SameSite: "Strict", Secure: s.SecureCookies()})
}

// tracked returns the obstacle the request's tracking cookie opens; a
// missing or stale cookie is not found (and dropped). A cookie presents a
// code and key like the lookup form and the API do, so its failures count
// against the same per-address limit, and an address over it is refused
// before the lookup: otherwise keys could be guessed through it. A cookie
// that opens its case costs nothing, so a business can follow its report
// all day.
func (s *Handlers) tracked(c *fiber.Ctx) (obstacle.Obstacle, error) {
	raw, err := url.QueryUnescape(c.Cookies(trackCookie))
	code, key, ok := strings.Cut(raw, "~")
	if err != nil || !ok {
		return obstacle.Obstacle{}, errNoTracking()
	}
	if err := s.RefuseOverLimit(c, obstacleTrackLimit); err != nil {
		return obstacle.Obstacle{}, err
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	o, err := s.obstacles.GetByTracking(ctx, code, key)
	if isNotFound(err) {
		s.ClearCookie(c, trackCookie)
		if err := s.Limit(c, obstacleTrackLimit); err != nil {
			return obstacle.Obstacle{}, err
		}
		return obstacle.Obstacle{}, errNoTracking()
	}
	return o, err
}

func (s *Handlers) trackView(c *fiber.Ctx, o obstacle.Obstacle, errs, form map[string]string) error {
	ctx, cancel := web.DBContext(c)
	defer cancel()
	p, deadline, err := s.obstaclePage(ctx, c, &o, "obstweb.track.title", "obstacles")
	if err != nil {
		return err
	}
	d := trackData{
		Found: true, Obstacle: o, Timeline: o.PublicTimeline(), Deadline: deadline,
		Actions: obstacle.Allowed(o.Status, obstacle.RoleFiler), Errors: errs, Form: form,
		MaxMB: obstacle.MaxFileSize >> 20, MaxFiles: obstacle.MaxAttachments,
	}
	d.CanAttach = o.CanAttach(obstacle.FilerActor)
	p.Data = d
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.Render(c, "obstacles/track", p)
}

func (s *Handlers) trackForm(c *fiber.Ctx, status int, lookupErr string) error {
	p := s.NewPage(c, "obstweb.track.title")
	p.Nav = "obstacles"
	d := trackData{}
	if lookupErr != "" {
		d.LookupError = lookupErr
	}
	p.Data = d
	c.Status(status)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.Render(c, "obstacles/track", p)
}

func (s *Handlers) trackPage(c *fiber.Ctx) error {
	if c.Cookies(trackCookie) == "" {
		return s.trackForm(c, fiber.StatusOK, "")
	}
	o, err := s.tracked(c)
	if isNotFound(err) {
		return s.trackForm(c, fiber.StatusOK, "")
	}
	if err != nil {
		return err
	}
	return s.trackView(c, o, nil, nil)
}

// trackLookup opens an obstacle by tracking code and access key. A wrong
// code and a wrong key get the very same answer.
func (s *Handlers) trackLookup(c *fiber.Ctx) error {
	if err := s.Limit(c, obstacleTrackLimit); err != nil {
		return err
	}
	f := web.ReadForm(c, "tracking_code", "access_key")
	code, key := f.V("tracking_code"), f.V("access_key")
	ctx, cancel := web.DBContext(c)
	defer cancel()
	_, err := s.obstacles.GetByTracking(ctx, code, key)
	if isNotFound(err) {
		return s.trackForm(c, fiber.StatusNotFound, "obstacle.error.not_found")
	}
	if err != nil {
		return err
	}
	s.setTrackCookie(c, code, key)
	return c.Redirect("/"+web.Lang(c)+"/obstacles/track", fiber.StatusSeeOther)
}

func (s *Handlers) trackForget(c *fiber.Ctx) error {
	s.ClearCookie(c, trackCookie)
	return c.Redirect("/"+web.Lang(c)+"/obstacles/track", fiber.StatusSeeOther)
}

// filerInput reads what the business sends with an action.
func filerInput(note, rating string) obstacle.Input {
	in := obstacle.Input{Note: note}
	if r, err := strconv.Atoi(strings.TrimSpace(rating)); err == nil {
		in.Rating = r
	}
	return in
}

// filerAction is one of the steps a business may take.
func filerAction(a string) (obstacle.Action, bool) {
	switch obstacle.Action(a) {
	case obstacle.ActAnswer, obstacle.ActConfirm, obstacle.ActReopen:
		return obstacle.Action(a), true
	}
	return "", false
}

// trackAct takes a step as the business: answer a question, confirm the
// resolution with a rating, or reopen.
func (s *Handlers) trackAct(c *fiber.Ctx) error {
	o, err := s.tracked(c)
	if err != nil {
		return err
	}
	// The action is matched as sent; the note is trimmed by the domain.
	f := web.ReadForm(c, "rating", "version").ReadRaw(c, "action", "note")
	form := f.Values
	bad := apperr.Fields{}
	action, ok := filerAction(form["action"])
	if !ok {
		bad.Add("action", "error.field.invalid")
	}
	version, vok := parseVersion(form["version"])
	if !vok {
		bad.Add("version", "error.field.invalid")
	}
	if err := bad.Err(); err != nil {
		c.Status(fiber.StatusBadRequest)
		return s.trackView(c, o, apperr.As(err).Fields, form)
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	n, err := s.obstacles.Apply(ctx, o.ID, version, action, filerInput(form["note"], form["rating"]), obstacle.FilerActor, s.Now())
	if err == nil {
		s.tellOfficers(ctx, n, action, obstacle.FilerActor)
	}
	if err != nil {
		if e := apperr.As(err); e.Code == apperr.CodeInvalid {
			c.Status(fiber.StatusBadRequest)
			return s.trackView(c, o, e.Fields, form)
		}
		return err
	}
	s.Flash(c, "obstweb.track.done."+string(action))
	return c.Redirect("/"+web.Lang(c)+"/obstacles/track", fiber.StatusSeeOther)
}

// trackUpload adds files as the business.
func (s *Handlers) trackUpload(c *fiber.Ctx) error {
	o, err := s.tracked(c)
	if err != nil {
		return err
	}
	files, refused, err := addedFiles(c, len(o.Attachments))
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return s.trackView(c, o, refused, nil)
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	n, failed, err := s.attachAll(ctx, o, files, obstacle.FilerActor)
	if err != nil {
		return err
	}
	if n.Version != o.Version {
		s.tellOfficers(ctx, n, obstacle.ActAttach, obstacle.FilerActor)
	}
	if len(failed) > 0 {
		c.Status(fiber.StatusBadRequest)
		return s.trackView(c, o, map[string]string{"file": "obstacle.error.file_type"}, nil)
	}
	s.Flash(c, "obstweb.track.done.attach")
	return c.Redirect("/"+web.Lang(c)+"/obstacles/track", fiber.StatusSeeOther)
}

// trackDownload sends one of the obstacle's files to the business.
func (s *Handlers) trackDownload(c *fiber.Ctx) error {
	o, err := s.tracked(c)
	if err != nil {
		return err
	}
	return s.sendAttachment(c, o.ID, c.Params("file"))
}

// sendAttachment streams a file of the obstacle as a download.
func (s *Handlers) sendAttachment(c *fiber.Ctx, id, fileID string) error {
	ctx, cancel := web.DBContext(c)
	defer cancel()
	att, rc, err := s.obstacles.OpenAttachment(ctx, id, fileID)
	if err != nil {
		return err
	}
	defer rc.Close()
	c.Set(fiber.HeaderContentType, att.ContentType)
	c.Set(fiber.HeaderContentDisposition, "attachment; filename*=UTF-8''"+url.PathEscape(att.Name))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	b, err := io.ReadAll(io.LimitReader(rc, obstacle.MaxFileSize+1))
	if err != nil {
		return apperr.Internal(err)
	}
	return c.Send(b)
}
