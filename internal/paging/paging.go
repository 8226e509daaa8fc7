// Package paging is the one rule for a page of a stored list: pages are
// numbered from 1, a missing page size takes the list's default, and a
// size over the list's maximum is cut to it (the web layer has already
// refused out-of-range query values with a message; this keeps a store
// safe from any other caller).
package paging

// Bounds returns page and perPage with the defaults filled in (page 1,
// perPage def) and perPage capped at most.
func Bounds(page, perPage, def, most int) (int, int) {
	if perPage < 1 {
		perPage = def
	}
	return max(page, 1), min(perPage, most)
}

// Count is how many pages of perPage items hold total items (0 for no
// page size).
func Count[N int | int64](total N, perPage int) int {
	if perPage < 1 {
		return 0
	}
	return int((int64(total) + int64(perPage) - 1) / int64(perPage))
}

// Skip is how many items come before page (numbered from 1).
func Skip(page, perPage int) int64 { return int64(max(page, 1)-1) * int64(perPage) }
