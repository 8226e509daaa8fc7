package admin

import (
	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/mail"
	"github.com/khanhhoa/investportal/internal/paging"
	"github.com/khanhhoa/investportal/internal/web"
)

// outboxPerPage is the length of a page of the outbox.
const outboxPerPage = 50

// outboxData is the outbox page's content.
type outboxData struct {
	Items []mail.Message
	Total int64
	Page  int
	Pages int
	// Available is false when the portal has no mailer.
	Available bool
}

// RegisterOutbox registers the mail outbox page. site.New registers it
// after the opportunity pages, where it has always been in the route table.
func (s *Handlers) RegisterOutbox(g fiber.Router) {
	s.Handle(g, fiber.MethodGet, "/admin/outbox", adminAccess, s.adminOutbox)
}

// adminOutbox shows administrators every e-mail the portal wrote, newest
// first: without SMTP_URL this is where they can be read.
func (s *Handlers) adminOutbox(c *fiber.Ctx) error {
	bad := apperr.Fields{}
	page := web.PageParam(bad, "page", c.Query("page"), 1, web.MaxPageParam)
	if err := bad.Err(); err != nil {
		return err
	}
	d := outboxData{Page: page, Available: s.mail != nil}
	if s.mail != nil {
		ctx, cancel := web.DBContext(c)
		defer cancel()
		items, total, err := s.mail.List(ctx, page, outboxPerPage)
		if err != nil {
			return err
		}
		d.Items, d.Total = items, total
		d.Pages = paging.Count(total, outboxPerPage)
	}
	p := s.NewPage(c, "oppweb.outbox.title")
	p.Nav = "admin"
	p.Data = d
	return s.Render(c, "outbox/list", p)
}
