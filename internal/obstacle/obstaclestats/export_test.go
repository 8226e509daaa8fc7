package obstaclestats

import (
	"context"
	"time"
)

// FromScratch computes the figures from scratch, for tests to compare
// Cache.Figures with.
func FromScratch(c *Cache, ctx context.Context, now time.Time) (Figures, error) {
	return c.m.fromScratch(ctx, now)
}
