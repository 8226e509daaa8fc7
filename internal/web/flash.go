package web

import (
	"github.com/gofiber/fiber/v2"
)

const flashCookie = "flash"

// Flash leaves a one-time message (a message id) for the next page, the
// "redirect" half of Post/Redirect/Get.
func (s *Server) Flash(c *fiber.Ctx, messageID string) {
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: messageID, Path: "/", MaxAge: 60, HTTPOnly: true, SameSite: "Lax", Secure: s.secureCookies})
}

// takeFlash returns the pending flash message id, if it is a known one,
// and clears it.
func (s *Server) takeFlash(c *fiber.Ctx, lang string) string {
	id := c.Cookies(flashCookie)
	if id == "" {
		return ""
	}
	s.ClearCookie(c, flashCookie)
	if !s.i18n.For(lang).Has(id) {
		return ""
	}
	return id
}
