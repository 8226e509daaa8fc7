// Package inbox is the web area of the staff inbox: the list of a signed-in
// officer's notifications, newest first, and marking them read. Every
// handler reads and writes only the signed-in user's own inbox, so an
// officer can neither see nor mark another's items.
package inbox

import (
	"regexp"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/account"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/inbox"
	"github.com/khanhhoa/investportal/internal/web"
)

// Staff may have an inbox; events reach task force, agency and board
// officers.
var staff = web.Roles(account.RoleTaskForce, account.RoleAgency, account.RoleBoard, account.RoleAdmin)

// itemID is the form of an item id (see notify: kind-objectid-vN).
var itemID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,100}$`)

// Handlers serve the inbox pages.
type Handlers struct {
	*web.Server
}

// New returns the handlers of the area on the core server.
func New(core *web.Server) *Handlers { return &Handlers{Server: core} }

// RegisterPages registers the inbox pages; without an inbox store there
// are none.
func (s *Handlers) RegisterPages(g fiber.Router) {
	if s.Inbox() == nil {
		return
	}
	s.Handle(g, fiber.MethodGet, "/inbox", staff, s.list)
	s.Handle(g, fiber.MethodPost, "/inbox/read-all", staff, s.markAll)
	s.Handle(g, fiber.MethodPost, "/inbox/:item/read", staff, s.open)
}

// listData is the inbox page.
type listData struct {
	Items []inbox.Item
}

func (s *Handlers) list(c *fiber.Ctx) error {
	ctx, cancel := web.DBContext(c)
	defer cancel()
	box, err := s.Inbox().Get(ctx, web.Principal(c).User.ID)
	if err != nil {
		return err
	}
	p := s.NewPage(c, "inbox.title")
	p.Nav = "inbox"
	p.Unread = box.Unread
	p.Data = listData{Items: box.Items}
	return s.Render(c, "inbox/list", p)
}

// open marks the item read and opens the thing it is about.
func (s *Handlers) open(c *fiber.Ctx) error {
	id := c.Params("item")
	if !itemID.MatchString(id) {
		return apperr.NotFound("inbox.error.not_found")
	}
	ctx, cancel := web.DBContext(c)
	defer cancel()
	it, err := s.Inbox().MarkRead(ctx, web.Principal(c).User.ID, id)
	if err != nil {
		return err
	}
	link := "/inbox"
	if len(it.Link) > 1 && it.Link[0] == '/' && it.Link[1] != '/' {
		link = it.Link
	}
	return c.Redirect("/"+web.Lang(c)+link, fiber.StatusSeeOther)
}

func (s *Handlers) markAll(c *fiber.Ctx) error {
	ctx, cancel := web.DBContext(c)
	defer cancel()
	if _, err := s.Inbox().MarkAllRead(ctx, web.Principal(c).User.ID); err != nil {
		return err
	}
	s.Flash(c, "inbox.flash.all_read")
	return c.Redirect("/"+web.Lang(c)+"/inbox", fiber.StatusSeeOther)
}
