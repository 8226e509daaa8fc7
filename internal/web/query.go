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
var ProjectQueryKeys = []string{"kind", "sector", "location", "unit", "province", "stage", "capital_min", "capital_max", "q", "sort", "page", "per_page"}

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
	f.Unit = pq.Raw["unit"]
	f.Province = pq.Raw["province"]
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
	// Zero leaves the store's defaults. The bound keeps the parser safe on
	// its own (page × per_page cannot overflow).
	f.Page = PageParam(bad, "page", pq.Raw["page"], 0, MaxPageParam)
	f.PerPage = PageParam(bad, "per_page", pq.Raw["per_page"], 0, MaxPageParam)
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

// PageParam reads v, the value of the paging parameter key ("page" or
// "per_page"): empty gives def; anything but a whole number from 1 to max
// names key in bad (message "error.field.<key>") and gives def. It is the
// one paging rule of every list, page and API alike.
func PageParam(bad apperr.Fields, key, v string, def, max int) int {
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		bad.Add(key, "error.field."+key)
		return def
	}
	return n
}

// Paging reads ?page (default 1) and ?per_page (default perPage, at most
// maxPerPage) with PageParam.
func Paging(c *fiber.Ctx, bad apperr.Fields, perPage, maxPerPage int) (page, size int) {
	return PageParam(bad, "page", c.Query("page"), 1, MaxPageParam),
		PageParam(bad, "per_page", c.Query("per_page"), perPage, maxPerPage)
}

// ListProjects reads the project list's query and returns it with the
// page of projects it asks for.
func ListProjects(c *fiber.Ctx, ps *project.Store) (ProjectQuery, project.Page[project.Project], error) {
	pq, err := ParseProjectQuery(c)
	if err != nil {
		return pq, project.Page[project.Project]{}, err
	}
	ctx, cancel := DBContext(c)
	defer cancel()
	res, err := ps.List(ctx, pq.Filter)
	return pq, res, err
}
