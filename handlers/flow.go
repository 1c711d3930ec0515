package handlers

import (
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

// load decodes the cookie named base into dst. It reports false, without an error, when the
// cookie is absent, expired, tampered with or unreadable: the caller starts afresh.
func (j *CookieJar) load(r *http.Request, base string, dst any) bool {
	c, err := r.Cookie(j.name(base))
	if err != nil || c.Value == "" {
		return false
	}
	values := map[any]any{}
	if err := securecookie.DecodeMulti(j.name(base), c.Value, &values, j.store.Codecs...); err != nil {
		return false
	}
	raw, ok := values[valueKey].([]byte)
	if !ok {
		if s, isStr := values[valueKey].(string); isStr {
			raw = []byte(s)
		} else {
			return false
		}
	}
	return json.Unmarshal(raw, dst) == nil
}

// save encodes v as JSON into the cookie named base.
func (j *CookieJar) save(w http.ResponseWriter, base string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s cookie: %w", base, err)
	}
	enc, err := securecookie.EncodeMulti(j.name(base), map[any]any{valueKey: raw}, j.store.Codecs...)
	if err != nil {
		return fmt.Errorf("seal %s cookie: %w", base, err)
	}
	http.SetCookie(w, sessions.NewCookie(j.name(base), enc, j.store.Options))
	return nil
}

// clear deletes the cookie named base.
func (j *CookieJar) clear(w http.ResponseWriter, base string) {
	opts := *j.store.Options
	opts.MaxAge = -1
	http.SetCookie(w, sessions.NewCookie(j.name(base), "", &opts))
}
