package csrf

import "context"

// tokenKey is the request-context key of the CSRF token.
type tokenKey struct{}

// WithToken returns ctx carrying the request's CSRF token, for a page rendered where the echo
// context is out of reach: the sign-in page that GET /authorize answers with
// (handlers.StartLogin, called by the OpenID provider with a plain http.Request).
func WithToken(ctx context.Context, token string) context.Context {
	return context.WithValue(ctx, tokenKey{}, token)
}

// TokenFrom is the CSRF token WithToken put into ctx; false when there is none (the check did
// not run for this request), so no form of the site can be rendered for it.
func TokenFrom(ctx context.Context) (string, bool) {
	t, ok := ctx.Value(tokenKey{}).(string)
	return t, ok && t != ""
}
