package web

import (
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/valyala/fasthttp"
)

func TestGateRefusesQuicklyWhenFull(t *testing.T) {
	app := fiber.New()
	c := app.AcquireCtx(&fasthttp.RequestCtx{})
	defer app.ReleaseCtx(c)
	g := NewGate(2, 50*time.Millisecond)
	for range 2 {
		if err := g.Enter(c); err != nil {
			t.Fatalf("free place refused: %v", err)
		}
	}
	start := time.Now()
	err := g.Enter(c)
	if took := time.Since(start); err == nil || took > time.Second {
		t.Fatalf("full gate: err %v after %s", err, took)
	}
	if apperr.As(err).Code != codeUnavailable {
		t.Errorf("code %s, want unavailable", apperr.As(err).Code)
	}
	g.Leave()
	if err := g.Enter(c); err != nil {
		t.Fatalf("place freed but refused: %v", err)
	}
}
