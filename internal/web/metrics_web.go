package web

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/khanhhoa/investportal/internal/metrics"
	"github.com/khanhhoa/investportal/internal/obstacle"
)

// instrument returns the middleware that records every request in m by
// method, route pattern (c.Route().Path, never the raw path) and status,
// with its latency. It also registers the gauges read at scrape time and
// keeps m for registerMetrics. A nil m gets a private registry, so the
// middleware always runs.
func (s *Server) instrument(m *metrics.Metrics) fiber.Handler {
	if m == nil {
		m = metrics.New(metrics.Options{})
	}
	s.metrics = m
	s.registerGauges(m)
	return func(c *fiber.Ctx) error {
		start := time.Now()
		err := c.Next()
		status := c.Response().StatusCode()
		if err != nil {
			// Inner middleware normally answers errors itself; one that
			// gets here becomes the error handler's answer.
			status = fiber.StatusInternalServerError
			if fe, ok := err.(*fiber.Error); ok {
				status = fe.Code
			}
		}
		route := "unmatched"
		if r := c.Route(); r != nil && r.Path != "" {
			route = r.Path
		}
		// c.Method() shares a buffer Fiber reuses for the next request;
		// methodLabel returns a constant, and ObserveRequest copies route.
		m.ObserveRequest(methodLabel(c.Method()), route, status, time.Since(start))
		return err
	}
}

// methodLabel returns the constant for one of the methods Fiber routes,
// so that no label value points into a request buffer.
func methodLabel(m string) string {
	for _, known := range []string{fiber.MethodGet, fiber.MethodHead, fiber.MethodPost, fiber.MethodPut,
		fiber.MethodPatch, fiber.MethodDelete, fiber.MethodOptions, fiber.MethodConnect, fiber.MethodTrace} {
		if m == known {
			return known
		}
	}
	return "OTHER"
}

// registerMetrics serves GET /metrics behind the bearer token when the
// metrics have one. It is registered with the other routes, after the
// middleware, so the request guards and the request log cover it too.
func (s *Server) registerMetrics() {
	m := s.metrics
	if m == nil || m.Token() == "" {
		return
	}
	serve := adaptor.HTTPHandler(m.Handler())
	s.app.Get("/metrics", func(c *fiber.Ctx) error {
		if !m.Authorized(c.Get(fiber.HeaderAuthorization)) {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="metrics"`)
			return c.SendStatus(fiber.StatusUnauthorized)
		}
		c.Set(fiber.HeaderCacheControl, "no-store")
		return serve(c)
	})
}

// gaugeTimeout bounds the database reads of one scrape.
const gaugeTimeout = 5 * time.Second

// registerGauges adds the figures computed at scrape time from the stores
// this server has: obstacles past their deadline and how far the search
// indexer is behind. A failed read reports -1, which alerting can catch.
func (s *Server) registerGauges(m *metrics.Metrics) {
	if s.obstacles != nil {
		m.GaugeFunc("obstacles_overdue", "Obstacles whose deadline has passed while an agency holds them.", func() float64 {
			// A scrape has no request context of its own.
			ctx, cancel := context.WithTimeout(context.Background(), gaugeTimeout)
			defer cancel()
			p, err := s.obstacles.List(ctx, obstacle.Filter{Overdue: true, PerPage: 1}, obstacle.SystemActor, s.now())
			if err != nil {
				s.log.Warn("metrics: count overdue obstacles", "err", err)
				return -1
			}
			return float64(p.Total)
		})
	}
	if s.opportunities != nil {
		m.GaugeFunc("indexer_lag_seconds", "Age of the oldest opportunity change not yet in the search index (0 when none waits).", func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), gaugeTimeout)
			defer cancel()
			pending, err := s.opportunities.PendingIndex(ctx, 1)
			if err != nil {
				s.log.Warn("metrics: read indexer lag", "err", err)
				return -1
			}
			if len(pending) == 0 {
				return 0
			}
			return s.now().Sub(pending[0].UpdatedAt).Seconds()
		})
	}
}
