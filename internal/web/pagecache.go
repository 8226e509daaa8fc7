package web

import (
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"
)

// PageCache keeps public pages as rendered for anonymous visitors, so that
// a popular page is rendered once per change of its data rather than once
// per request. An entry is keyed by the request's language, path and query
// string and belongs to one revision of the data the page shows (such as
// the project read model's): the first entry stored at a newer revision
// drops every older one, so a board edit is visible at once.
//
// Only what cannot differ between visitors is kept: no page of a signed-in
// user, none that showed a flash message or carries an anti-forgery token,
// none but a 200 answer. Memory is bounded by the number of entries and
// their total size; when full, an arbitrary entry makes room.
type PageCache struct {
	mu         sync.RWMutex
	rev        int64
	entries    map[string][]byte
	size       int
	maxEntries int
	maxBytes   int
	known      map[string]bool
}

// MaxCachedQuery bounds the query string of a cached page, in bytes: a
// longer one is rendered every time (and such a key cannot crowd memory).
const MaxCachedQuery = 512

// NewPageCache returns a cache of at most maxEntries pages and maxBytes
// bytes of pages, for pages whose query names only known parameters.
func NewPageCache(maxEntries, maxBytes int, known []string) *PageCache {
	k := make(map[string]bool, len(known))
	for _, n := range known {
		k[n] = true
	}
	return &PageCache{entries: map[string][]byte{}, maxEntries: maxEntries, maxBytes: maxBytes, known: k}
}

// get returns the page stored under key at rev.
func (pc *PageCache) get(rev int64, key string) ([]byte, bool) {
	pc.mu.RLock()
	defer pc.mu.RUnlock()
	if rev != pc.rev {
		return nil, false
	}
	b, ok := pc.entries[key]
	return b, ok
}

// put stores body under key at rev; a page of an older revision than the
// cache holds is dropped, a newer one empties the cache first.
func (pc *PageCache) put(rev int64, key string, body []byte) {
	n := len(body) + len(key)
	if n > pc.maxBytes {
		return
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	switch {
	case rev < pc.rev:
		return
	case rev > pc.rev:
		clear(pc.entries)
		pc.rev, pc.size = rev, 0
	}
	if old, ok := pc.entries[key]; ok {
		pc.size -= len(old) + len(key)
		delete(pc.entries, key)
	}
	for k, v := range pc.entries {
		if len(pc.entries) < pc.maxEntries && pc.size+n <= pc.maxBytes {
			break
		}
		delete(pc.entries, k)
		pc.size -= len(v) + len(k)
	}
	// Exactly as long as it is: the slice is handed to fasthttp on every
	// hit, and nothing may append into a shared array.
	b := make([]byte, len(body))
	copy(b, body)
	pc.entries[key] = b
	pc.size += n
}

// Len returns how many pages the cache holds and their size in bytes.
func (pc *PageCache) Len() (entries, bytes int) {
	pc.mu.RLock()
	defer pc.mu.RUnlock()
	return len(pc.entries), pc.size
}

// key returns the cache key of the request, or false when its answer must
// not come from or go into the cache: a signed-in user, a flash message
// waiting, a method other than GET or HEAD, or a query that is too long
// or names a parameter the page does not know.
func (pc *PageCache) key(c *fiber.Ctx) (string, bool) {
	if m := c.Method(); m != fiber.MethodGet && m != fiber.MethodHead {
		return "", false
	}
	if Principal(c) != nil || c.Cookies(flashCookie) != "" {
		return "", false
	}
	q := c.Request().URI().QueryString()
	if len(q) > MaxCachedQuery {
		return "", false
	}
	ok := true
	c.Request().URI().QueryArgs().VisitAll(func(k, _ []byte) {
		if !pc.known[string(k)] {
			ok = false
		}
	})
	if !ok {
		return "", false
	}
	var b strings.Builder
	b.Grow(len(Lang(c)) + len(c.Path()) + len(q) + 3)
	b.WriteString(Lang(c))
	b.WriteByte(' ')
	b.WriteString(c.Path())
	b.WriteByte('?')
	b.Write(q)
	return b.String(), true
}

// localNoStore marks a response that must not be cached: set by Render
// for a page of a signed-in user, with a flash message or an anti-forgery
// token.
const localNoStore = "page_no_store"

// Cached answers an anonymous visitor's request from pc when the page is
// there at the revision rev returns, and otherwise calls render and keeps
// its answer if it may be shared. The cookies and headers of a cached
// answer are those render would have set: the language, the content type,
// and the anonymous visitor's anti-forgery cookie (NewPage sets it on
// every page).
func (s *Server) Cached(c *fiber.Ctx, pc *PageCache, rev func() (int64, error), render func() error) error {
	key, ok := pc.key(c)
	if !ok {
		return render()
	}
	r, err := rev()
	if err != nil {
		return err
	}
	if body, hit := pc.get(r, key); hit {
		s.csrfToken(c)
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		c.Set("Content-Language", Lang(c))
		return c.Send(body)
	}
	if err := render(); err != nil {
		return err
	}
	if c.Response().StatusCode() == fiber.StatusOK && c.Locals(localNoStore) == nil {
		pc.put(r, key, c.Response().Body())
	}
	return nil
}
