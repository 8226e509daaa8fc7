package mongodb

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/event"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/description"
	"go.mongodb.org/mongo-driver/x/mongo/driver/topology"
)

func TestUnreachableTellsOutagesFromSlowQueries(t *testing.T) {
	network := mongo.CommandError{Message: "connection reset", Labels: []string{"NetworkError"}}
	for _, c := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{context.DeadlineExceeded, false},
		{context.Canceled, false},
		{mongo.ErrNoDocuments, false},
		{errors.New("E11000"), false},
		{network, true},
		{fmt.Errorf("find: %w", network), true},
		{topology.ErrServerSelectionTimeout, true},
		{fmt.Errorf("x: %w", topology.ServerSelectionError{Wrapped: context.DeadlineExceeded}), true},
		// A saturated database: a request's deadline closes its connection
		// mid-read, which the driver reports as a network error; and server
		// selection times out while the last heartbeat was only late.
		{topology.ConnectionError{Wrapped: context.DeadlineExceeded}, false},
		{mongo.CommandError{Message: "i/o timeout", Labels: []string{"NetworkError"}, Wrapped: timeoutErr{}}, false},
		{topology.ServerSelectionError{Wrapped: context.DeadlineExceeded, Desc: topologyWith(timeoutErr{})}, false},
		{topology.ServerSelectionError{Wrapped: context.DeadlineExceeded, Desc: topologyWith(syscall.ECONNREFUSED)}, true},
	} {
		if got := Unreachable(c.err); got != c.want {
			t.Errorf("Unreachable(%v) = %v", c.err, got)
		}
	}
}

// timeoutErr is a network timeout, as net.Conn deadlines give.
type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func topologyWith(lastErr error) description.Topology {
	return description.Topology{Kind: description.Single, Servers: []description.Server{{Kind: description.Unknown, LastError: lastErr}}}
}

// TestHeartbeatTimeoutIsNoOutage: under load the driver's heartbeat to a
// busy server can time out and the server turns Unknown; that is no reason
// to answer 503 to everyone. A refused connection is.
func TestHeartbeatTimeoutIsNoOutage(t *testing.T) {
	h := NewHealth(func(context.Context) error { return nil }, nil)
	up := description.Topology{Kind: description.Single, Servers: []description.Server{{Kind: description.Standalone}}}
	mon := h.ServerMonitor()
	mon.TopologyDescriptionChanged(&event.TopologyDescriptionChangedEvent{PreviousDescription: up, NewDescription: topologyWith(timeoutErr{})})
	if !h.Up() {
		t.Fatal("a late heartbeat took the database down")
	}
	mon.TopologyDescriptionChanged(&event.TopologyDescriptionChangedEvent{PreviousDescription: up, NewDescription: topologyWith(syscall.ECONNREFUSED)})
	if h.Up() {
		t.Fatal("a refused connection was not noticed")
	}
}

func TestHealthFailsFastThenProbesBack(t *testing.T) {
	var pings, fail atomic.Int32
	fail.Store(1)
	h := NewHealth(func(context.Context) error {
		pings.Add(1)
		if fail.Load() == 1 {
			return errors.New("refused")
		}
		return nil
	}, nil)
	if !h.Up() {
		t.Fatal("a new tracker is down")
	}
	ctx, done := h.Context(context.Background())
	defer done()
	if h.Observe(context.DeadlineExceeded) || !h.Up() {
		t.Fatal("a slow query took the database down")
	}
	if !h.Observe(topology.ErrServerSelectionTimeout) || h.Up() {
		t.Fatal("an outage was not noticed")
	}
	select {
	case <-ctx.Done():
	default:
		t.Error("a request in flight was not cancelled")
	}
	if late, cancel := h.Context(context.Background()); late.Err() == nil {
		t.Error("a request started while down was not cancelled")
		cancel()
	}
	// Many callers while down: at most one probe per period.
	deadline := time.Now().Add(2500 * time.Millisecond)
	for time.Now().Before(deadline) {
		h.Up()
		time.Sleep(5 * time.Millisecond)
	}
	if n := pings.Load(); n < 1 || n > 3 {
		t.Errorf("%d probes in 2.5 s", n)
	}
	fail.Store(0)
	deadline = time.Now().Add(3 * time.Second)
	for !h.Up() {
		if time.Now().After(deadline) {
			t.Fatal("a successful probe did not bring the database back")
		}
		time.Sleep(20 * time.Millisecond)
	}
	var nilHealth *Health
	if !nilHealth.Up() || nilHealth.Observe(topology.ErrServerSelectionTimeout) {
		t.Error("a nil tracker is not always up")
	}
}
