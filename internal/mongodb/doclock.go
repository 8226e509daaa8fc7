package mongodb

import (
	"fmt"
	"sync"

	"go.mongodb.org/mongo-driver/mongo"
)

// The embedded FerretDB 1.24 (sqlite handler) runs an update as a read
// followed by a write, without isolation: two updateOne calls that filter
// on the same version can both match, and an $inc can be lost. The embedded
// database serves only the process that started it, so serializing writes
// to one document inside the process restores what MongoDB guarantees. On
// MongoDB (Features.IsolatedUpdates) the lock is skipped.
var docLocks = keyedMutex{locks: map[string]*refMutex{}}

// LockDocument serializes conditional updates (version checks, counters)
// of one document within this process; call the returned func to unlock.
func LockDocument(c *mongo.Collection, id any) (unlock func()) {
	if FeaturesOf(c.Database()).IsolatedUpdates() {
		return func() {}
	}
	return docLocks.lock(fmt.Sprintf("%s.%s/%v", c.Database().Name(), c.Name(), id))
}

type refMutex struct {
	mu   sync.Mutex
	refs int
}

type keyedMutex struct {
	mu    sync.Mutex
	locks map[string]*refMutex
}

func (k *keyedMutex) lock(key string) func() {
	k.mu.Lock()
	m := k.locks[key]
	if m == nil {
		m = &refMutex{}
		k.locks[key] = m
	}
	m.refs++
	k.mu.Unlock()
	m.mu.Lock()
	return func() {
		m.mu.Unlock()
		k.mu.Lock()
		m.refs--
		if m.refs == 0 {
			delete(k.locks, key)
		}
		k.mu.Unlock()
	}
}
