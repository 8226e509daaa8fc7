package web

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/apperr"
)

// Codes of the answers given by the request guards; StatusOf maps them.
const (
	codeUnsupportedMedia apperr.Code = "unsupported_media_type"
	codeUnavailable      apperr.Code = "unavailable"
)

// Limits on page numbers in any query string. Handlers apply their own,
// smaller limits; these only keep absurd numbers (which overflow an offset)
// away from every handler at once.
const (
	MaxPageParam    = 100_000
	maxPerPageParam = 10_000
)

// guardRequest refuses, before any handler or middleware reads the body or
// the query, what no route accepts: compressed request bodies (a few
// hundred bytes can expand to gigabytes, and Fiber and fasthttp would
// decompress them without limit in Body, BodyParser, FormValue and
// MultipartForm), query text that is not clean UTF-8, page numbers past
// any page, and an If-Match that is not a list of quoted entity tags.
func guardRequest(c *fiber.Ctx) error {
	if err := checkContentEncoding(c); err != nil {
		return err
	}
	if err := checkQuery(c); err != nil {
		return err
	}
	if err := checkIfMatch(c); err != nil {
		return err
	}
	return c.Next()
}

// checkContentEncoding allows only the identity coding: the portal never
// asks clients to compress what they send.
func checkContentEncoding(c *fiber.Ctx) error {
	for _, v := range c.Request().Header.PeekAll(fiber.HeaderContentEncoding) {
		for _, coding := range strings.Split(string(v), ",") {
			coding = strings.TrimSpace(coding)
			if coding != "" && !strings.EqualFold(coding, "identity") {
				return &apperr.Error{Code: codeUnsupportedMedia, MessageID: "request.compressed_body"}
			}
		}
	}
	return nil
}

// checkQuery names every query parameter whose name or value is not valid
// UTF-8, holds a control character (a tab is allowed), or is a page number
// no list has.
func checkQuery(c *fiber.Ctx) error {
	bad := apperr.Fields{}
	c.Request().URI().QueryArgs().VisitAll(func(k, v []byte) {
		if !cleanText(k) {
			bad.Add("query", "request.query.bad_name")
			return
		}
		name := string(k) // a copy: it outlives the request's buffers
		if !cleanText(v) {
			bad.Add(name, "request.query.bad_text")
			return
		}
		limit := int64(0)
		switch name {
		case "page":
			limit = MaxPageParam
		case "per_page":
			limit = maxPerPageParam
		}
		if limit > 0 && tooLarge(string(v), limit) {
			bad.Add(name, "request.query.number_too_large")
		}
	})
	return bad.Err()
}

// cleanText reports whether b is valid UTF-8 without control characters
// (C0 other than tab, DEL, C1).
func cleanText(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, r := range string(b) {
		if r < 0x20 && r != '\t' || r >= 0x7f && r <= 0x9f {
			return false
		}
	}
	return true
}

var integerText = regexp.MustCompile(`^[+-]?[0-9]+$`)

// tooLarge reports whether v is a whole number beyond ±limit. Anything
// else (words, zero, small negatives) is left to the handler, which names
// the field in its own form.
func tooLarge(v string, limit int64) bool {
	if !integerText.MatchString(v) {
		return false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return err != nil || n > limit || n < -limit
}

// entityTag is one entity tag of RFC 9110 section 8.8.3: quoted, maybe weak.
var entityTag = regexp.MustCompile(`^(W/)?"[\x21\x23-\x7e\x80-\xff]*"$`)

// checkIfMatch refuses an If-Match that is neither "*" nor a list of
// quoted entity tags (such as "DA-0001-v3"): an unquoted one is a client
// error to fix, not a version that happens not to match (400 rather than
// 412 or 428).
func checkIfMatch(c *fiber.Ctx) error {
	h := strings.TrimSpace(c.Get(fiber.HeaderIfMatch))
	if h == "" || h == "*" {
		return nil
	}
	for _, part := range strings.Split(h, ",") {
		if !entityTag.MatchString(strings.TrimSpace(part)) {
			return &apperr.Error{Code: apperr.CodeInvalid, MessageID: "request.if_match.malformed",
				Fields: apperr.Fields{fiber.HeaderIfMatch: "request.if_match.unquoted"}}
		}
	}
	return nil
}
