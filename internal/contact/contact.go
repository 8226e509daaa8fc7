// Package contact holds the one rule for the e-mail addresses the public
// gives the portal (obstacle filings, enquiries about opportunities) and
// the contact desks it publishes, so that an address one form accepts is
// never refused by another.
package contact

import (
	"net/mail"
	"strings"
)

// ValidEmail reports whether s is a bare e-mail address (no display name,
// no angle brackets) whose domain has a dot and neither starts nor ends
// with one: an@congty.vn, not a@b nor An <an@congty.vn>. Staff accounts
// follow account.ValidEmail instead, which admits admin@localhost for the
// first-run administrator.
func ValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	dom := s[at+1:]
	return at > 0 && strings.Contains(dom, ".") && !strings.HasSuffix(dom, ".") && !strings.HasPrefix(dom, ".")
}
