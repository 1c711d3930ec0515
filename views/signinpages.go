package views

import (
	"context"
	"io"
	"strings"
	"sync"

	"github.com/a-h/templ"
	templruntime "github.com/a-h/templ/runtime"
)

// SignInPages keeps the plain sign-in page (SignInPage with no username, notice or error: the
// page GET /authorize answers with) rendered once per language, app and form, with a stand-in
// for the CSRF token: each request then writes the kept page with its own token in place,
// byte for byte what rendering it would write, instead of rendering it again. Every other
// sign-in page is rendered as before.
//
// One SignInPages serves the pages of one deployment: the pages given to it must share their
// Assets, Brand and Picker.Languages (handlers build every page from the same Deps). Only pages
// whose language picker returns to the address given to NewSignInPages are kept, and at most
// maxSignInPages of them (then new ones are rendered), so requests cannot make it ever larger.
// It is safe for concurrent use.
type SignInPages struct {
	ret   string
	limit int // maxSignInPages
	mu    sync.RWMutex
	pages map[signInPageKey]stamped
}

// maxSignInPages bounds the pages kept: every language, a few apps and forms.
const maxSignInPages = 512

// csrfStandIn is the CSRF token a kept page is rendered with; it must appear in it exactly once
// (in the form's hidden field), or the page is not kept.
const csrfStandIn = "bk-csrf-stand-in-3f9c1e7a"

// signInPageKey is everything a plain sign-in page depends on besides the deployment and the
// CSRF token.
type signInPageKey struct {
	lang, app, home             string
	action, forgot, signUp      string
	usernameFirst, showPassword bool
	noPassword                  bool
}

// stamped is a page cut at its CSRF token; live marks a page that cannot be kept so.
type stamped struct {
	head, tail string
	live       bool
}

// NewSignInPages keeps the plain sign-in pages whose language picker returns to ret.
func NewSignInPages(ret string) *SignInPages {
	return &SignInPages{ret: ret, limit: maxSignInPages, pages: map[signInPageKey]stamped{}}
}

// Page is SignInPage(p, m): the kept page with p.CSRF in place when m is the plain page, else
// SignInPage itself.
func (s *SignInPages) Page(p Page, m SignIn) templ.Component {
	key, ok := s.key(p, m)
	if !ok {
		return SignInPage(p, m)
	}
	s.mu.RLock()
	page, kept := s.pages[key]
	full := len(s.pages) >= s.limit
	s.mu.RUnlock()
	switch {
	case kept && page.live, !kept && full:
		return SignInPage(p, m)
	case kept:
		return page.with(p.CSRF)
	}
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		page, err := s.stamp(ctx, key, p, m)
		if err != nil {
			return err
		}
		if page.live {
			return SignInPage(p, m).Render(ctx, w)
		}
		return page.with(p.CSRF).Render(ctx, w)
	})
}

// key is the page's key, when it is one to keep.
func (s *SignInPages) key(p Page, m SignIn) (signInPageKey, bool) {
	if s == nil || m.Username != "" || m.Notice != "" || m.Error != "" || len(m.FieldErrors) > 0 ||
		p.Refresh != "" || p.Picker.Return != s.ret || p.CSRF == "" {
		return signInPageKey{}, false
	}
	return signInPageKey{
		lang: p.Lang(), app: p.App, home: p.HomeURL,
		action: m.Action, forgot: m.ForgotPasswordURL, signUp: m.SignUpURL,
		usernameFirst: m.UsernameFirst, showPassword: m.ShowPassword, noPassword: m.NoPassword,
	}, true
}

// stamp renders the page with the stand-in token and keeps it while there is room; a page
// with the stand-in not exactly once (an app named with it) is kept as one to render live.
func (s *SignInPages) stamp(ctx context.Context, key signInPageKey, p Page, m SignIn) (stamped, error) {
	p.CSRF = csrfStandIn
	var b strings.Builder
	if err := SignInPage(p, m).Render(ctx, &b); err != nil {
		return stamped{}, err
	}
	st := stamped{live: true}
	if page := b.String(); strings.Count(page, csrfStandIn) == 1 {
		st.head, st.tail, _ = strings.Cut(page, csrfStandIn)
		st.live = false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.pages) < s.limit {
		s.pages[key] = st
	}
	return st, nil
}

// with writes the page with token in the stand-in's place, escaped as the form's field is,
// through templ's buffer as a rendered page is written.
func (st stamped) with(token string) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) (err error) {
		buf, isBuf := templruntime.GetBuffer(w)
		if !isBuf {
			defer func() {
				if bufErr := templruntime.ReleaseBuffer(buf); err == nil {
					err = bufErr
				}
			}()
		}
		if _, err := buf.WriteString(st.head); err != nil {
			return err
		}
		if _, err := buf.WriteString(templ.EscapeString(token)); err != nil {
			return err
		}
		_, err = buf.WriteString(st.tail)
		return err
	})
}
