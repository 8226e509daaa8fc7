package web

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/mongodb"
)

// TestDatabaseTooSlowIsBusyNotInternal: under a crowd the embedded database
// can miss a request's deadline. That is an overloaded service (503 with
// Retry-After, the client may come back), not an internal error (500); and
// it does not take the database "down" for everyone else.
func TestDatabaseTooSlowIsBusyNotInternal(t *testing.T) {
	s := &Server{health: mongodb.NewHealth(func(context.Context) error { return nil }, nil)}
	var code apperr.Code
	app := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
		code = toAppErr(err).Code
		return c.SendStatus(StatusOf[code])
	}})
	app.Use(s.guardDB)
	app.Get("/slow", func(c *fiber.Ctx) error {
		return apperr.Internal(fmt.Errorf("compute stats: %w", context.DeadlineExceeded))
	})
	app.Get("/broken", func(c *fiber.Ctx) error { return errors.New("a bug") })
	resp, err := app.Test(httptest.NewRequest("GET", "/slow", nil))
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 503 || code != codeUnavailable {
		t.Errorf("database deadline: %d (%s), want 503", resp.StatusCode, code)
	}
	if !s.health.Up() {
		t.Error("a slow database was taken for an outage")
	}
	resp, err = app.Test(httptest.NewRequest("GET", "/broken", nil))
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 500 {
		t.Errorf("an internal error became %d", resp.StatusCode)
	}
}
