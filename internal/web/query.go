package web

import (
	"net/url"
	"strconv"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/apperr"
	"github.com/khanhhoa/investportal/internal/project"
)

// billion is the unit of the capital filters: they are given in billions
// of đồng (tỷ đồng), FDI capital being converted at the reference rate.
const (
	billion = 1_000_000_000
	// maxCapitalBillions keeps capital filters far from int64 overflow.
	maxCapitalBillions = 1_000_000_000
)

// ProjectQuery is the project list's query string as the user typed it, kept so
// the form shows it back, and the filter parsed from it.
type ProjectQuery struct {
	Raw    map[string]string
	Filter project.Filter
}

// ProjectQueryKeys are the parameters of the project list.
var ProjectQueryKeys = []string{"kind", "sector", "location", "stage", "capital_min", "capital_max", "q", "sort", "page", "per_page"}

// ParseProjectQuery reads and checks the list filters, naming each field
// that is wrong.
func ParseProjectQuery(c *fiber.Ctx) (ProjectQuery, error) {
	pq := ProjectQuery{Raw: map[string]string{}}
	bad := apperr.Fields{}
	for _, k := range ProjectQueryKeys {
		v := c.Query(k)
		if utf8.RuneCountInString(v) > project.MaxFilterLen {
			bad.Add(k, "error.field.too_long")
			v = ""
		}
		pq.Raw[k] = v
	}
	f := &pq.Filter
	f.Kind = project.Kind(pq.Raw["kind"])
	f.Sector = pq.Raw["sector"]
	f.Location = pq.Raw["location"]
	f.Stage = project.Stage(pq.Raw["stage"])
	f.Query = pq.Raw["q"]
	f.Sort = pq.Raw["sort"]
	capital := func(key string) *int64 {
		v := pq.Raw[key]
		if v == "" {
			return nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		switch {
		case err != nil:
			bad.Add(key, "error.field.number")
			return nil
		case n < 0:
			bad.Add(key, "error.field.not_negative")
			return nil
		case n > maxCapitalBillions:
			bad.Add(key, "error.field.too_large")
			return nil
		}
		d := n * billion
		return &d
	}
	f.CapitalMin = capital("capital_min")
	f.CapitalMax = capital("capital_max")
	number := func(key string) int {
		v := pq.Raw[key]
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxPageParam {
			// The request guard refuses larger pages already; this keeps
			// the parser safe on its own (page × per_page cannot overflow).
			bad.Add(key, "error.field."+key)
			return 0
		}
		return n
	}
	f.Page = number("page")
	f.PerPage = number("per_page")
	if err := f.Validate(); err != nil {
		for k, v := range apperr.As(err).Fields {
			bad.Add(k, v)
		}
	}
	return pq, bad.Err()
}

// URLWith returns the list's query string with key set to value.
func (pq ProjectQuery) URLWith(kv ...string) string { return RawQuery(pq.Raw).URLWith(kv...) }

// RawQuery is a list page's query string as typed, one value per key.
type RawQuery map[string]string

// URLWith returns the query string with key set to value (empty removes
// it); changing anything but the page goes back to page 1, so a new filter
// never lands on a page that no longer exists.
func (r RawQuery) URLWith(kv ...string) string {
	v := url.Values{}
	for k, val := range r {
		if val != "" {
			v.Set(k, val)
		}
	}
	if len(kv) > 0 && kv[0] != "page" {
		v.Del("page")
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			v.Del(kv[i])
		} else {
			v.Set(kv[i], kv[i+1])
		}
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}
