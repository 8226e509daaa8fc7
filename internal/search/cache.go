package search

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// resultCache keeps the results of recent searches of an embedded index
// until its next write. Investors ask the same few questions ("resort",
// "khu công nghiệp") far more often than the board edits, and scoring
// thousands of matching documents costs tens of milliseconds at national
// scale. Every write empties the cache, so a search never sees older data
// than it would without it.
type resultCache struct {
	mu  sync.Mutex
	gen uint64 // bumped by every write
	m   map[string]Result
}

// resultCacheSize bounds the cached results; a full cache starts over.
const resultCacheSize = 1024

// key identifies a normalized query.
func (n normalized) key() string {
	var b strings.Builder
	b.WriteString(n.Text)
	b.WriteByte(0)
	b.WriteString(n.Type)
	b.WriteByte(0)
	for _, k := range slices.Sorted(maps.Keys(n.Filters)) {
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(strings.Join(n.Filters[k], "\x01"))
		b.WriteByte(0)
	}
	b.WriteString(strings.Join(n.facets, ","))
	b.WriteByte(0)
	b.WriteString(n.Sort)
	b.WriteByte(0)
	b.WriteString(strconv.Itoa(n.Page))
	b.WriteByte(0)
	b.WriteString(strconv.Itoa(n.PerPage))
	b.WriteByte(0)
	b.WriteString(n.Lang)
	return b.String()
}

// get returns a copy of the cached result for key, and the generation to
// pass to put after a miss.
func (c *resultCache) get(key string) (Result, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.m[key]
	if !ok {
		return Result{}, c.gen, false
	}
	return r.clone(), c.gen, true
}

// put keeps r unless a write happened since gen was read.
func (c *resultCache) put(key string, gen uint64, r Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.m == nil || len(c.m) >= resultCacheSize {
		c.m = map[string]Result{}
	}
	c.m[key] = r.clone()
}

// invalidate forgets every result; call it after each write has applied.
func (c *resultCache) invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.m = nil
}

// clone copies r's slices and maps down to the hits, so a caller may
// change what it got without touching the cache. The hits' own maps are
// shared: nothing changes them.
func (r Result) clone() Result {
	out := r
	out.Hits = slices.Clone(r.Hits)
	if r.Facets != nil {
		out.Facets = make(map[string]map[string]int, len(r.Facets))
		for k, v := range r.Facets {
			out.Facets[k] = maps.Clone(v)
		}
	}
	return out
}
