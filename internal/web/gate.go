package web

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/apperr"
)

// Gate bounds how many requests may run an expensive handler at once (an
// export reads every matching row), so that a crowd on one public route
// cannot saturate the database: a request that finds no free place within
// its wait is answered 503 with Retry-After at once instead of queueing.
type Gate struct {
	slots chan struct{}
	wait  time.Duration
}

// NewGate returns a gate of n places; a request waits at most wait for one.
func NewGate(n int, wait time.Duration) *Gate {
	return &Gate{slots: make(chan struct{}, n), wait: wait}
}

// Enter takes a place, or returns the busy error; release it with leave.
func (g *Gate) Enter(c *fiber.Ctx) error {
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return nil
	case <-t.C:
		return &apperr.Error{Code: codeUnavailable, MessageID: "request.busy"}
	case <-c.UserContext().Done():
		return &apperr.Error{Code: codeUnavailable, MessageID: "request.busy"}
	}
}

// Leave gives back the place taken by Enter.
func (g *Gate) Leave() { <-g.slots }
