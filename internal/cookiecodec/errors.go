package cookiecodec

import "errors"

// Kinds of failure; every error the Codec returns matches exactly one of them
// with errors.Is.
var (
	// ErrTooLong: the value is longer than the codec's MaxLength (on Decode
	// it is refused before any decoding; on Encode the cookie would not fit).
	ErrTooLong = errors.New("cookiecodec: value too long")
	// ErrMalformed: the value is not something this codec produced (not
	// base64url, too short) or holds an unreadable payload.
	ErrMalformed = errors.New("cookiecodec: malformed value")
	// ErrTampered: the value failed authentication: it was changed, sealed
	// with a key no longer configured, or sealed for another cookie name.
	ErrTampered = errors.New("cookiecodec: value tampered with or sealed with an unknown key")
	// ErrExpired: the value is authentic but older than MaxAge.
	ErrExpired = errors.New("cookiecodec: value expired")
	// ErrUnsupported: Encode was given a value, or Decode a destination, of
	// a type the codec does not handle.
	ErrUnsupported = errors.New("cookiecodec: unsupported type")
	// ErrInternal: the random source failed.
	ErrInternal = errors.New("cookiecodec: internal error")
)

// Error is the error type of the Codec. It implements securecookie.Error, so
// gorilla/sessions and securecookie.MultiError classify it, and unwraps to
// one of the Err* kinds. Its message never contains the cookie's value.
type Error struct {
	kind  error
	msg   string
	usage bool
	cause error
}

// newError builds an Error of kind; usage marks a caller mistake rather than
// bad input.
func newError(kind error, msg string, usage bool) *Error {
	return &Error{kind: kind, msg: msg, usage: usage}
}

// Error describes the failure.
func (e *Error) Error() string {
	s := e.kind.Error() + ": " + e.msg
	if e.cause != nil {
		s += ": " + e.cause.Error()
	}
	return s
}

// Unwrap returns the error's kind (ErrExpired, ErrTampered, ...) and its
// cause, if any.
func (e *Error) Unwrap() []error {
	if e.cause != nil {
		return []error{e.kind, e.cause}
	}
	return []error{e.kind}
}

// IsUsage reports a mistake of the calling code (an unsupported type, or a
// value too long to encode).
func (e *Error) IsUsage() bool { return e.usage }

// IsDecode reports a cookie that could not be opened: expected for
// untrusted input; reject the cookie and carry on.
func (e *Error) IsDecode() bool { return !e.usage && e.kind != ErrInternal }

// IsInternal reports a failure of the codec itself (the random source).
func (e *Error) IsInternal() bool { return e.kind == ErrInternal }

// Cause returns the underlying error, if any.
func (e *Error) Cause() error { return e.cause }
