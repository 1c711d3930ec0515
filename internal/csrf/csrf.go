// Package csrf holds the facts the CSRF check shares between the web server that enforces it,
// the handlers that read the token and the views that put it into every form: the form field,
// the header, the echo context key, and the error a refusal carries.
package csrf

import "errors"

// Names of the token's places: pages put it (echo context key ContextKey) in a hidden form field
// named FormField; scripts may send it in Header instead.
const (
	ContextKey = "csrf"
	FormField  = "_csrf"
	Header     = "X-CSRF-Token"
)

// ErrRefused marks a request refused by the CSRF check: a form posted without a valid token, or
// a cross-site post. Match it with errors.Is (or IsRefused).
var ErrRefused = errors.New("csrf check failed")

// IsRefused reports whether err is, or wraps, a refusal of the CSRF check.
func IsRefused(err error) bool { return errors.Is(err, ErrRefused) }
