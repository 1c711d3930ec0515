package web

import (
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/bridgekeeper/bridgekeeper/internal/csrf"
)

// csrfCookieMaxAge is how long a CSRF cookie lives: longer than any sign-in.
const csrfCookieMaxAge = 12 * time.Hour

// csrfTokenBytes is the randomness of a CSRF token (192 bits); encoded, it is csrfTokenLen
// characters of the URL-safe base64 alphabet.
const (
	csrfTokenBytes = 24
	csrfTokenLen   = csrfTokenBytes * 4 / 3
)

// csrfFormMemory is what ParseMultipartForm may hold in memory, as echo's check had it (bodies
// are bounded by BodyLimit before).
const csrfFormMemory = 32 << 20

// The refusals of the CSRF check (csrf.IsRefused is true for each).
var (
	errCrossSite     = fmt.Errorf("%w: a cross-site request", csrf.ErrRefused)
	errNoToken       = fmt.Errorf("%w: no token sent", csrf.ErrRefused)
	errTokenMismatch = fmt.Errorf("%w: the token does not match the cookie", csrf.ErrRefused)
)

// csrf checks a token on every POST (and other unsafe methods) to a matched route outside the
// OpenID Connect endpoints (protocolPaths) — a double submit: the token lives in a cookie
// (__Host-bk_csrf with secure cookies, bk_csrf otherwise) and comes back in the _csrf form field
// or the X-CSRF-Token header. Browsers that send Sec-Fetch-Site pass without a token when it is
// same-origin or none (any site for a safe method), and are refused when it is cross-site; the
// token then put into forms is echo's CSRFUsingSecFetchSite, as echo's check did it. Every
// refusal is a 403 for which csrf.IsRefused is true.
//
// The token is made from Deps.Rand when the request brings no well-formed one; its cookie is set
// then and on every safe request (so it lives csrfCookieMaxAge past the last page shown), not
// again on the post that used it. Formless routes (probes, static and branding files) get
// neither a token nor the cookie.
func (s *Server) csrf() echo.MiddlewareFunc {
	name := "bk_csrf"
	attrs := "; Path=/; Max-Age=" + strconv.Itoa(int(csrfCookieMaxAge/time.Second)) + "; HttpOnly"
	if s.cfg.Cookies.Secure {
		name = "__Host-bk_csrf"
		attrs += "; Secure"
	}
	attrs += "; SameSite=Lax"
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			// Unknown routes and wrong methods get their 404 or 405; answers without a form
			// (formless: all GET or HEAD) need no token.
			if c.Path() == "" || c.Get(echo.ContextKeyHeaderAllow) != nil || s.formless[c.Path()] || s.protocolPaths[c.Path()] && !issuesToken(c) {
				return next(c)
			}
			r := c.Request()
			safe := safeMethod(r.Method)
			switch site := r.Header.Get(echo.HeaderSecFetchSite); {
			case site == "same-site" || site == "":
				// No say from the browser (same-site may be a sibling site): the token decides.
			case safe || site == "same-origin" || site == "none":
				c.Set(csrf.ContextKey, middleware.CSRFUsingSecFetchSite)
				return next(c)
			default:
				return refuseCSRF(errCrossSite)
			}
			token := ""
			if ck, err := r.Cookie(name); err == nil && wellFormedToken(ck.Value) {
				token = ck.Value
			}
			fresh := token == ""
			if fresh {
				var err error
				if token, err = newCSRFToken(s.deps.Rand); err != nil {
					return err
				}
			}
			if !safe {
				if err := checkCSRFToken(r, token); err != nil {
					return err
				}
			}
			h := c.Response().Header()
			if fresh || safe {
				h["Set-Cookie"] = append(h["Set-Cookie"], name+"="+token+attrs)
			}
			c.Set(csrf.ContextKey, token)
			h.Add(echo.HeaderVary, echo.HeaderCookie) // the page carries the cookie's token
			return next(c)
		}
	}
}

// safeMethod reports the methods RFC 9110 §9.2.1 calls safe, which the check never refuses.
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions || m == http.MethodTrace
}

// checkCSRFToken accepts a request that sends token in a _csrf form field or an X-CSRF-Token
// header. A body past BodyLimit keeps its 413.
func checkCSRFToken(r *http.Request, token string) error {
	err := r.ParseForm() // ParseMultipartForm would drop its error for a url-encoded body
	if err == nil {
		if err = r.ParseMultipartForm(csrfFormMemory); errors.Is(err, http.ErrNotMultipart) {
			err = nil
		}
	}
	var he *echo.HTTPError
	if errors.As(err, &he) && he.Code == http.StatusRequestEntityTooLarge {
		return err
	}
	// Any other error is a malformed form, which may still come with the header.
	sent := false
	for _, vals := range [][]string{r.PostForm[csrf.FormField], r.Header.Values(csrf.Header)} {
		for _, v := range vals {
			sent = true
			if subtle.ConstantTimeCompare([]byte(v), []byte(token)) == 1 {
				return nil
			}
		}
	}
	if !sent {
		return refuseCSRF(errNoToken)
	}
	return refuseCSRF(errTokenMismatch)
}

// refuseCSRF is the 403 the error page recognises (csrf.IsRefused).
func refuseCSRF(reason error) error {
	return &echo.HTTPError{Code: http.StatusForbidden, Message: "invalid csrf token", Internal: reason}
}

// newCSRFToken makes a token from rnd.
func newCSRFToken(rnd io.Reader) (string, error) {
	var b [csrfTokenBytes]byte
	if _, err := io.ReadFull(rnd, b[:]); err != nil {
		return "", fmt.Errorf("csrf token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// wellFormedToken reports a cookie value that can be a token: csrfTokenLen characters of the
// URL-safe base64 alphabet (echo's tokens, 32 letters, are too). Anything else is replaced, so an
// empty or planted odd value never stands for a token.
func wellFormedToken(v string) bool {
	if len(v) != csrfTokenLen {
		return false
	}
	for i := 0; i < len(v); i++ {
		ch := v[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_') {
			return false
		}
	}
	return true
}
