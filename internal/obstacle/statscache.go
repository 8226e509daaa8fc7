package obstacle

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/khanhhoa/investportal/internal/apperr"
	"golang.org/x/sync/singleflight"
)

// The figures are public and read every obstacle, so they are computed at
// most once at a time and kept for a short while (the public stats page and
// API both read them through Stats).
//
// Consistency: this process's own writes to obstacles (every store method
// that writes) are seen at once, because each bumps a generation the cached
// figures must match. Writes by other portal processes, and changes to the
// registered capital of projects, are seen within StatsMaxAge.
const (
	// StatsMaxAge is the oldest the figures Stats returns may be.
	StatsMaxAge = 3 * time.Second
	// statsTimeout bounds one computation, which runs on its own context so
	// that one impatient caller does not fail every caller waiting on it.
	statsTimeout = 30 * time.Second
)

// statsCache holds the last figures and coalesces concurrent computations.
type statsCache struct {
	// gen counts this process's writes to obstacles and the calendar.
	gen    atomic.Int64
	mu     sync.Mutex
	cur    *statsEntry
	flight singleflight.Group
}

type statsEntry struct {
	gen int64
	// now is the instant the figures were computed for; at is when the
	// computation started, by the wall clock.
	now, at time.Time
	st      Stats
}

// changed marks the cached figures as out of date; every write calls it,
// after the write (whether or not it reported success).
func (s *Store) changed() { s.stats.gen.Add(1) }

// Stats returns the dashboard figures at now, at most StatsMaxAge old (see
// above). Concurrent callers wait for the one computation under way.
func (s *Store) Stats(ctx context.Context, now time.Time) (Stats, error) {
	gen := s.stats.gen.Load()
	s.stats.mu.Lock()
	e := s.stats.cur
	s.stats.mu.Unlock()
	if e != nil && e.gen == gen && time.Since(e.at) < StatsMaxAge && absDuration(now.Sub(e.now)) < StatsMaxAge {
		return e.st.clone(), nil
	}
	ch := s.stats.flight.DoChan(strconv.FormatInt(gen, 10), func() (any, error) {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), statsTimeout)
		defer cancel()
		at := time.Now()
		st, err := s.computeStats(cctx, now)
		if err != nil {
			return nil, err
		}
		s.stats.mu.Lock()
		if s.stats.cur == nil || s.stats.cur.gen < gen || (s.stats.cur.gen == gen && s.stats.cur.at.Before(at)) {
			s.stats.cur = &statsEntry{gen: gen, now: now, at: at, st: st}
		}
		s.stats.mu.Unlock()
		return st, nil
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return Stats{}, r.Err
		}
		return r.Val.(Stats).clone(), nil
	case <-ctx.Done():
		return Stats{}, apperr.Internal(ctx.Err())
	}
}

// clone copies the maps and slices, so a caller may change what it got.
func (st Stats) clone() Stats {
	c := st
	c.ByStatus = maps.Clone(st.ByStatus)
	c.OpenByCategory = maps.Clone(st.OpenByCategory)
	c.OpenByAgency = maps.Clone(st.OpenByAgency)
	c.ByMonth = slices.Clone(st.ByMonth)
	c.CapitalByCategory = slices.Clone(st.CapitalByCategory)
	c.CapitalByAgency = slices.Clone(st.CapitalByAgency)
	return c
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
