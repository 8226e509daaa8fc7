package obstacle

import (
	"time"

	"github.com/khanhhoa/investportal/internal/changelog"
)

// feedObstacles names the obstacles' changelog feed.
const feedObstacles = "obstacles"

// ChangesEvery is how often a read model following Changes reads the
// feed for other processes' writes.
const ChangesEvery = 500 * time.Millisecond

// Changes is the follower every write of this store is told to (and,
// through the obstacles' changelog feed, every other process): a read
// model of the obstacles (obstaclestats) keeps in step by syncing on it.
// It holds what its model has applied, so a store has one such model.
func (s *Store) Changes() *changelog.Follower { return s.changes }

// OnWrite sets fn to be called after every write, once Changes was told
// of it, so that the read model can apply this process's own writes
// before they return.
func (s *Store) OnWrite(fn func()) { s.onWrite.Store(&fn) }

// changed announces a write; every write calls it, after the write
// (whether or not it reported success), with the obstacle's id, or with
// none when anything may have changed (an import, the calendar).
func (s *Store) changed(ids ...string) {
	if len(ids) == 0 {
		ids = []string{changelog.All}
	}
	for _, id := range ids {
		s.changes.Wrote(id)
	}
	if fn := s.onWrite.Load(); fn != nil {
		(*fn)()
	}
}
