package handlers

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
)

// Cookie names. With Secure cookies the __Host- prefix pins them to this host and path /.
const (
	flowCookieName  = "bk_flow"
	authzCookieName = "bk_authz"
	valueKey        = "v"
	// sessionKey holds the Cognito session as raw bytes when it is base64 (it always is from
	// Cognito), so the cookie carries it in one layer of encoding instead of two.
	sessionKey = "s"
)

// CookieJar reads and writes the two short-lived sign-in cookies: the flow cookie (the Cognito
// challenge state between steps) and the authorization cookie (the app's parked OpenID Connect
// request). Both are encrypted and authenticated by the codecs; nothing is kept server-side.
type CookieJar struct {
	store  *sessions.CookieStore
	secure bool
}

// NewCookieJar builds a jar over codecs (newest first: it encodes, all decode). maxAge bounds how
// long an in-progress sign-in survives, in seconds.
func NewCookieJar(codecs []securecookie.Codec, secure bool, maxAge int) *CookieJar {
	st := &sessions.CookieStore{Codecs: codecs, Options: &sessions.Options{
		Path:     "/",
		MaxAge:   maxAge,
		Secure:   secure,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	}}
	return &CookieJar{store: st, secure: secure}
}

func (j *CookieJar) name(base string) string {
	if j.secure {
		return "__Host-" + base
	}
	return base
}

// loadFlow reads the flow cookie; false means no sign-in is under way (absent or unreadable).
func (j *CookieJar) loadFlow(r *http.Request, f *flowState) bool {
	values, ok := j.loadValues(r, flowCookieName)
	if !ok || !decodeJSON(values, f) {
		return false
	}
	if raw, isBytes := values[sessionKey].([]byte); isBytes && f.State != nil {
		f.State.Session = base64.StdEncoding.EncodeToString(raw)
	}
	return true
}

// saveFlow writes the flow cookie.
func (j *CookieJar) saveFlow(w http.ResponseWriter, f flowState) error {
	values := map[any]any{}
	if f.State != nil {
		if raw, err := base64.StdEncoding.Strict().DecodeString(f.State.Session); err == nil && f.State.Session != "" {
			st := *f.State
			st.Session = ""
			f.State = &st
			values[sessionKey] = raw
		}
	}
	return j.saveValues(w, flowCookieName, f, values)
}

// load decodes the cookie named base into dst. It reports false, without an error, when the
// cookie is absent, expired, tampered with or unreadable: the caller starts afresh.
func (j *CookieJar) load(r *http.Request, base string, dst any) bool {
	values, ok := j.loadValues(r, base)
	return ok && decodeJSON(values, dst)
}

func (j *CookieJar) loadValues(r *http.Request, base string) (map[any]any, bool) {
	c, err := r.Cookie(j.name(base))
	if err != nil || c.Value == "" {
		return nil, false
	}
	values := map[any]any{}
	if err := securecookie.DecodeMulti(j.name(base), c.Value, &values, j.store.Codecs...); err != nil {
		return nil, false
	}
	return values, true
}

func decodeJSON(values map[any]any, dst any) bool {
	raw, ok := values[valueKey].([]byte)
	if !ok {
		if s, isStr := values[valueKey].(string); isStr {
			raw = []byte(s)
		} else {
			return false
		}
	}
	if d, ok := dst.(jsonDecoder); ok {
		return d.DecodeJSON(raw) == nil
	}
	return json.Unmarshal(raw, dst) == nil
}

// jsonAppender and jsonDecoder are values that write and read their JSON themselves, as
// json.Marshal and json.Unmarshal would (the parked oidc.AuthRequest), without reflection.
type (
	jsonAppender interface{ AppendJSON(b []byte) []byte }
	jsonDecoder  interface{ DecodeJSON(raw []byte) error }
)

// encodeJSON is json.Marshal(v), written by v itself when it can.
func encodeJSON(v any) ([]byte, error) {
	if a, ok := v.(jsonAppender); ok {
		return a.AppendJSON(make([]byte, 0, 512)), nil
	}
	return json.Marshal(v)
}

// save encodes v as JSON into the cookie named base.
func (j *CookieJar) save(w http.ResponseWriter, base string, v any) error {
	return j.saveValues(w, base, v, map[any]any{})
}

func (j *CookieJar) saveValues(w http.ResponseWriter, base string, v any, values map[any]any) error {
	raw, err := encodeJSON(v)
	if err != nil {
		return fmt.Errorf("encode %s cookie: %w", base, err)
	}
	values[valueKey] = raw
	enc, err := securecookie.EncodeMulti(j.name(base), values, j.store.Codecs...)
	if err != nil {
		return fmt.Errorf("seal %s cookie: %w", base, err)
	}
	http.SetCookie(w, sessions.NewCookie(j.name(base), enc, j.store.Options))
	return nil
}

// clearSent deletes the cookie named base if the request carries it: a browser without it has
// nothing to delete, and its answer no header to carry.
func (j *CookieJar) clearSent(w http.ResponseWriter, r *http.Request, base string) {
	if _, err := r.Cookie(j.name(base)); err == nil {
		j.clear(w, base)
	}
}

// clear deletes the cookie named base.
func (j *CookieJar) clear(w http.ResponseWriter, base string) {
	opts := *j.store.Options
	opts.MaxAge = -1
	http.SetCookie(w, sessions.NewCookie(j.name(base), "", &opts))
}
