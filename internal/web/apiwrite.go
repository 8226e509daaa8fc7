package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/khanhhoa/investportal/internal/apperr"
)

// DecodeJSON reads the request body into v, refusing unknown fields, and
// names the field that is wrong.
func DecodeJSON(c *fiber.Ctx, v any) error {
	d := json.NewDecoder(bytes.NewReader(c.Body()))
	d.DisallowUnknownFields()
	err := d.Decode(v)
	if err == nil {
		// One JSON value and nothing after it: `{}0` is not a request.
		if _, terr := d.Token(); terr != io.EOF {
			return apperr.Fields{"body": "error.json"}.Err()
		}
		return nil
	}
	f := apperr.Fields{}
	var te *json.UnmarshalTypeError
	unknown, isUnknown := strings.CutPrefix(err.Error(), "json: unknown field ")
	unknown = strings.Trim(unknown, `"`)
	switch {
	case errors.As(err, &te) && te.Field != "":
		f.Add(te.Field, "error.field.invalid")
	case isUnknown && unknown != "":
		f.Add(unknown, "error.unknown_field")
	default:
		f.Add("body", "error.json")
	}
	return f.Err()
}

// IfMatch returns the version named by the If-Match header for the record
// id (ETags look like "<id>-v<version>", quoted): none is 428, an ETag of
// another version or record is 412 with the message staleID. "*" is
// refused too: it cannot protect against lost updates, and weak ETags are
// ignored. An unquoted tag never gets here: guardRequest answers 400.
func IfMatch(c *fiber.Ctx, id, staleID string) (int64, error) {
	h := strings.TrimSpace(c.Get(fiber.HeaderIfMatch))
	if h == "" || h == "*" {
		return 0, apperr.New(apperr.CodePreconditionReq, "error.if_match_required")
	}
	for _, part := range strings.Split(h, ",") {
		part = strings.TrimSpace(part)
		if len(part) < 2 || part[0] != '"' || part[len(part)-1] != '"' {
			continue
		}
		if v, ok := strings.CutPrefix(part[1:len(part)-1], id+"-v"); ok {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
				return n, nil
			}
		}
	}
	return 0, apperr.New(apperr.CodePrecondition, staleID)
}

// VersionedWrite reads what an API change to a stored record starts with:
// the record's code from the route (by code), the version If-Match names
// for it (see IfMatch; staleID names another version) and the JSON body
// into in.
func VersionedWrite(c *fiber.Ctx, code func(*fiber.Ctx) (string, error), staleID string, in any) (string, int64, error) {
	id, err := code(c)
	if err != nil {
		return "", 0, err
	}
	version, err := IfMatch(c, id, staleID)
	if err != nil {
		return "", 0, err
	}
	return id, version, DecodeJSON(c, in)
}

// Precondition turns a stale-version conflict into 412 for the API; a
// conflict that names fields (such as a taken code) stays what it is.
func Precondition(err error) error {
	if errors.Is(err, apperr.ErrConflict) && len(apperr.As(err).Fields) == 0 {
		return apperr.New(apperr.CodePrecondition, apperr.As(err).MessageID)
	}
	return err
}

// ETag is the entity tag of version of the record id, quoted:
// "<id>-v<version>", the form IfMatch reads back.
func ETag(id string, version int64) string {
	return fmt.Sprintf(`"%s-v%d"`, id, version)
}

// NotModified sets a response's ETag and Cache-Control and reports
// whether the request's If-None-Match already names that ETag, in which
// case the handler answers 304 without a body.
func NotModified(c *fiber.Ctx, etag, cacheControl string) bool {
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, cacheControl)
	inm := c.Get(fiber.HeaderIfNoneMatch)
	return inm != "" && strings.Contains(inm, etag)
}
