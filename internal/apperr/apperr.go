// Package apperr defines the application's error type: a code that maps to an
// HTTP status, a message id from locales/ and per-field reasons. Domain
// packages return these; the web layer renders them in the reader's language.
package apperr

import (
	"errors"
	"fmt"
)

// Code classifies an error; web maps each code to one HTTP status.
type Code string

// The codes the application uses.
const (
	CodeInvalid         Code = "invalid"
	CodeNotFound        Code = "not_found"
	CodeConflict        Code = "conflict"
	CodeForbidden       Code = "forbidden"
	CodeUnauthorized    Code = "unauthorized"
	CodePrecondition    Code = "precondition_failed"
	CodePreconditionReq Code = "precondition_required"
	CodeTooMany         Code = "too_many_requests"
	CodeTooLarge        Code = "too_large"
	CodeUnprocessable   Code = "unprocessable"
	CodeInternal        Code = "internal"
)

// Error is the application error. MessageID names a message in locales/;
// Fields maps a field name to the message id of what is wrong with it.
type Error struct {
	Code      Code
	MessageID string
	Fields    map[string]string
	// Data fills placeholders of the message, such as {{.Max}}.
	Data map[string]any
	// Err is the underlying cause, logged but never shown.
	Err error
}

func (e *Error) Error() string {
	s := string(e.Code) + ": " + e.MessageID
	if len(e.Fields) > 0 {
		s += fmt.Sprintf(" %v", e.Fields)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrNotFound) true for any not-found Error, and so on
// for each sentinel below.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok {
		return false
	}
	return t.MessageID == "" && t.Code == e.Code
}

// Sentinels for errors.Is checks by code.
var (
	ErrNotFound     = &Error{Code: CodeNotFound}
	ErrConflict     = &Error{Code: CodeConflict}
	ErrInvalid      = &Error{Code: CodeInvalid}
	ErrForbidden    = &Error{Code: CodeForbidden}
	ErrUnauthorized = &Error{Code: CodeUnauthorized}
)

// New returns an Error with the given code and message id.
func New(code Code, messageID string) *Error {
	return &Error{Code: code, MessageID: messageID}
}

// NotFound returns a not-found error with the given message id.
func NotFound(messageID string) *Error { return New(CodeNotFound, messageID) }

// Conflict returns a conflict error with the given message id.
func Conflict(messageID string) *Error { return New(CodeConflict, messageID) }

// Forbidden returns a forbidden error.
func Forbidden() *Error { return New(CodeForbidden, "error.forbidden") }

// Unauthorized returns an unauthorized error.
func Unauthorized() *Error { return New(CodeUnauthorized, "error.unauthorized") }

// Internal wraps an unexpected error; its text is logged, never shown.
func Internal(err error) *Error {
	return &Error{Code: CodeInternal, MessageID: "error.internal", Err: err}
}

// Fields collects per-field problems while validating input.
type Fields map[string]string

// Add records the message id for a field, keeping the first problem found.
func (f Fields) Add(field, messageID string) {
	if _, ok := f[field]; !ok {
		f[field] = messageID
	}
}

// Err returns nil when no field has a problem, else an invalid Error.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: CodeInvalid, MessageID: "error.invalid", Fields: f}
}

// As returns err as an *Error, wrapping anything else as internal.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Internal(err)
}
