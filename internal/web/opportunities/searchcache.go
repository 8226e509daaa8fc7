package opportunities

import (
	"hash/maphash"
	"maps"
	"slices"
	"strconv"
	"sync"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/web"
)

// searchPages keeps site-search pages as rendered for anonymous visitors.
// Template rendering, not the engine, is most of a search page's cost once
// the engine's own result cache answers (56% of CPU at 64 connections at
// 100 times the demo). An entry is keyed by the language and the request's
// path and query, and holds a fingerprint of the result it was rendered
// from: every request still asks the engine (cheap from its cache), and
// the page is sent as kept only when the result is the same, so a page is
// never staler than the engine's answer. Pages of a signed-in user or with
// a flash message are never kept or served from here. The zero value is
// ready to use.
type searchPages struct {
	mu   sync.Mutex
	m    map[string]searchPage
	size int
}

type searchPage struct {
	sum  uint64
	body []byte
}

// Bounds of the cache; when full it starts over.
const (
	searchPagesMax      = 512
	searchPagesMaxBytes = 16 << 20
	// searchPagesMaxKey bounds the path and query of a kept page.
	searchPagesMaxKey = 512
)

var searchSeed = maphash.MakeSeed()

// fingerprint sums what a results page shows of r.
func fingerprint(r *SearchPage, pages int) uint64 {
	var h maphash.Hash
	h.SetSeed(searchSeed)
	w := func(s string) { h.WriteString(s); h.WriteByte(0) }
	w(strconv.Itoa(r.Total))
	w(strconv.Itoa(r.Page))
	w(strconv.Itoa(r.PerPage))
	w(strconv.Itoa(pages))
	w(strconv.FormatBool(r.Degraded))
	w(strconv.FormatBool(r.Rebuilding))
	for _, it := range r.Items {
		w(it.Type)
		w(it.Code)
		w(it.Title)
		w(it.URL)
		w(strconv.FormatBool(it.Fallback))
		w(it.Summary)
		w(strconv.FormatBool(it.SummaryFallback))
		w(it.Sector)
		w(it.Location)
		for _, k := range slices.Sorted(maps.Keys(it.Highlights)) {
			w(k)
			w(it.Highlights[k])
			w(it.HighlightLang[k])
		}
		h.WriteByte(1)
	}
	return h.Sum64()
}

// key returns the cache key of a request in lang, or false when its page
// must not be kept.
func searchPageKey(c *fiber.Ctx, p *web.Page) (string, bool) {
	if p.User != nil || p.Flash != "" || c.Method() != fiber.MethodGet {
		return "", false
	}
	u := c.OriginalURL()
	if len(u) > searchPagesMaxKey {
		return "", false
	}
	return p.Lang + " " + u, true
}

// get returns the page kept under key for the result sum.
func (sp *searchPages) get(key string, sum uint64) ([]byte, bool) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	e, ok := sp.m[key]
	if !ok || e.sum != sum {
		return nil, false
	}
	return e.body, true
}

// put keeps a copy of body under key for the result sum.
func (sp *searchPages) put(key string, sum uint64, body []byte) {
	n := len(key) + len(body)
	if n > searchPagesMaxBytes/8 {
		return
	}
	b := make([]byte, len(body))
	copy(b, body)
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if old, ok := sp.m[key]; ok {
		sp.size -= len(key) + len(old.body)
	}
	if sp.m == nil || len(sp.m) >= searchPagesMax || sp.size+n > searchPagesMaxBytes {
		sp.m, sp.size = map[string]searchPage{}, 0
	}
	sp.m[key] = searchPage{sum: sum, body: b}
	sp.size += n
}
