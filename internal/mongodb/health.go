package mongodb

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/event"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/description"
	"go.mongodb.org/mongo-driver/x/mongo/driver/topology"
)

// Health tracks whether the database can be reached, so that requests
// fail at once while it cannot instead of each waiting for the driver's
// server selection timeout. It goes down when the driver loses every
// server it could write to, or when a call fails with a network or
// server-selection error (Observe); it comes up again when the driver
// finds a writable server or a probe (a Ping, at most one at a time and
// one per ProbeEvery) succeeds. A nil *Health is always up.
type Health struct {
	ping func(context.Context) error
	log  *slog.Logger

	down      atomic.Bool
	probing   atomic.Bool
	lastProbe atomic.Int64 // UnixNano of the last probe's start

	mu      sync.Mutex
	next    uint64
	waiters map[uint64]context.CancelFunc
}

// Probe timing: a probe waits at most ProbeTimeout for the database, and
// starts at most once per ProbeEvery.
const (
	ProbeEvery   = time.Second
	ProbeTimeout = time.Second
)

// NewHealth returns a tracker that probes with ping; log (nil means
// slog.Default) gets one line per change.
func NewHealth(ping func(context.Context) error, log *slog.Logger) *Health {
	if log == nil {
		log = slog.Default()
	}
	return &Health{ping: ping, log: log, waiters: map[uint64]context.CancelFunc{}}
}

// Up reports whether the database is thought reachable. While it is not,
// each call may start a background probe (never more than one at a time,
// nor more often than ProbeEvery), so Up never waits.
func (h *Health) Up() bool {
	if h == nil || !h.down.Load() {
		return true
	}
	last := h.lastProbe.Load()
	if time.Since(time.Unix(0, last)) >= ProbeEvery && h.probing.CompareAndSwap(false, true) {
		h.lastProbe.Store(time.Now().UnixNano())
		go h.probe()
	}
	return false
}

func (h *Health) probe() {
	defer h.probing.Store(false)
	if h.ping == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), ProbeTimeout)
	defer cancel()
	if err := h.ping(ctx); err == nil {
		h.markUp("probe")
	}
}

// Observe marks the database down when err says it cannot be reached (see
// Unreachable) and reports whether it did. Other errors, a timeout of a
// slow query among them, change nothing.
func (h *Health) Observe(err error) bool {
	if h == nil || !Unreachable(err) {
		return false
	}
	h.markDown(err.Error())
	return true
}

// Context returns a context derived from parent that is cancelled when the
// database goes down, so that a request already waiting on it gives up at
// once. Call cancel when the request ends.
func (h *Health) Context(parent context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(parent)
	if h == nil {
		return ctx, cancel
	}
	h.mu.Lock()
	h.next++
	id := h.next
	h.waiters[id] = cancel
	h.mu.Unlock()
	if h.down.Load() {
		cancel() // went down between the caller's check and now
	}
	return ctx, func() {
		h.mu.Lock()
		delete(h.waiters, id)
		h.mu.Unlock()
		cancel()
	}
}

func (h *Health) markDown(reason string) {
	if h.down.Swap(true) {
		return
	}
	// The first probe waits a full period: the driver has just failed.
	h.lastProbe.Store(time.Now().UnixNano())
	h.log.Error("database unreachable: requests get 503 until it answers", "reason", reason)
	h.mu.Lock()
	for _, cancel := range h.waiters {
		cancel()
	}
	h.mu.Unlock()
}

func (h *Health) markUp(how string) {
	if h.down.Swap(false) {
		h.log.Info("database reachable again", "seen_by", how)
	}
}

// ServerMonitor returns the driver monitor that feeds the tracker from the
// driver's own view of the deployment; set it with SetServerMonitor. Its
// callbacks run with the driver's topology locked, so they only flip flags.
func (h *Health) ServerMonitor() *event.ServerMonitor {
	return &event.ServerMonitor{
		TopologyDescriptionChanged: func(e *event.TopologyDescriptionChangedEvent) {
			was, now := writable(e.PreviousDescription), writable(e.NewDescription)
			switch {
			case now:
				h.markUp("driver")
			case was && serversRefused(e.NewDescription):
				h.markDown("the driver lost every writable server")
			}
		},
	}
}

// writable reports whether the deployment has a server that takes writes.
func writable(t description.Topology) bool {
	for _, s := range t.Servers {
		switch s.Kind {
		case description.Standalone, description.RSPrimary, description.Mongos, description.LoadBalancer:
			return true
		}
	}
	return false
}

// Unreachable reports whether err means the database could not be reached
// at all: a network error that is not a timeout, or no server to send the
// command to because every server the driver knows refused or dropped it.
// A timeout, even one the driver reports as a network error (a request's
// deadline closes its connection mid-read), does not count: a saturated
// database is slow, not down, and answering 503 to everyone would turn a
// crowd into an outage.
func Unreachable(err error) bool {
	if err == nil {
		return false
	}
	// Server selection gives up on a deadline whatever the cause: what the
	// servers' last checks said tells an outage from a busy server.
	var sel topology.ServerSelectionError
	if errors.As(err, &sel) {
		return serversRefused(sel.Desc)
	}
	if errors.Is(err, topology.ErrServerSelectionTimeout) {
		return true
	}
	return mongo.IsNetworkError(err) && !IsTimeout(err)
}

// IsTimeout reports whether err is a deadline or a network timeout,
// however it is wrapped: the database was too slow, not unreachable.
func IsTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) || mongo.IsTimeout(err)
}

// serversRefused reports whether every server of t failed its last check
// with an error other than a timeout (connection refused, reset, closed):
// the sign of an outage rather than of a busy server whose heartbeat was
// late. A description without servers says nothing against an outage.
func serversRefused(t description.Topology) bool {
	for _, srv := range t.Servers {
		if srv.LastError == nil || IsTimeout(srv.LastError) {
			return false
		}
	}
	return true
}
