// Package oidc is Bridgekeeper's OpenID Connect provider: discovery, JWKS,
// authorization (code flow with PKCE), token (authorization_code and
// refresh_token), userinfo, revocation (RFC 7009), introspection (RFC 7662)
// and RP-initiated logout, with the client registry, signing keys, token
// minting, claims mapping, SSO sessions and refresh-token families.
//
// It knows nothing about Cognito's challenges or about HTTP frameworks: it
// uses net/http only, and receives "this person signed in, with these
// claims, at this time, by these methods" from the web layer.
//
// # Building a provider
//
//	keys, err := oidc.LoadKeyFiles(paths...)            // or oidc.GenerateKey(oidc.RS256) for the demo
//	p, err := oidc.New(oidc.Config{
//		Issuer:     "https://id.example.com",
//		Clients:    []oidc.Client{{ID: "app", SecretHash: "$2a$...", RedirectURIs: []string{"https://app.example/cb"}}},
//		Keys:       keys,
//		CookieKeys: [][]byte{key32},                  // newest first; older keys still open
//		Store:      st, NotFound: store.ErrNotFound,
//		Upstream:   cognitoUpstream,                   // Refresh/Revoke against the pool
//		StartLogin: parkAndRedirectToSignIn,
//		// optional: RenderError, ConfirmLogout, LoggedOut, Logger, Now, Rand, lifetimes, ClaimMappings, UILocales
//	})
//
// # Mounting
//
// Handler serves every endpoint below the issuer URL's path. To mount them
// on another router, use the exported methods (all net/http handler
// shaped) at these paths: Discovery at PathDiscovery, JWKS at PathJWKS,
// Authorize (GET, POST) at PathAuthorize, Token (POST) at PathToken,
// UserInfo (GET, POST) at PathUserInfo, Revoke (POST) at PathRevoke,
// Introspect (POST) at PathIntrospect, EndSession (GET, POST) at
// PathEndSession. Discovery, JWKS and UserInfo answer CORS for any origin;
// Token and Revoke for the origins of registered redirect URIs (including
// OPTIONS preflights, so route OPTIONS to them too). CSRF middleware must
// not apply to these endpoints: apps POST to them cross-site, and the
// end-session confirmation form carries its own token bound to the session.
//
// # The sign-in boundary
//
// Authorize validates the request. An unknown client or unregistered
// redirect URI is shown to the person with RenderError (status 400; an
// *ErrorPage whose title and message are catalog message ids, MessageID);
// every other error goes back to the client as error, error_description,
// state and iss (RFC 9207). With a valid SSO session and no re-authentication
// demanded (prompt=login or select_account, max_age exceeded, an
// id_token_hint naming someone else) a code is issued at once. Otherwise
// prompt=none answers login_required, and anything else calls
// Config.StartLogin with an *AuthRequest: a small JSON-friendly value the
// web layer parks (in its flow cookie) before sending the browser to the
// sign-in pages. StartLogin always means "authenticate now"; the request
// carries LoginHint (pre-fill the username), UILocales (page language) and
// ForceLogin(). Its JSON is at most about 1.8 kB (measured by
// TestAuthRequestWorstCaseSize: state ≤ 512, nonce ≤ 128, login_hint ≤ 128,
// ui_locales ≤ 64 characters, registered redirect URIs ≤ 256, client ids ≤ 64)
// and typically 200–400 bytes.
//
// After a successful sign-in the web layer calls
//
//	err := p.Login(w, r, req /* nil without an app */, identity.Identity{
//		Subject: cognitoSub, Username: cognitoUsername,
//		Claims: verifiedIDTokenClaims, AuthTime: t.Unix(), AMR: []string{"pwd", "otp"},
//	}, cognitoRefreshToken)
//
// (cognito.Success embeds the same identity.Identity, so the web layer passes
// success.Identity and success.RefreshToken.)
//
// Login creates the SSO session (or renews it for the same person, keeping
// the apps' grants; a different person ends the previous session), stores
// the upstream refresh token server-side (revoking the one it replaces),
// sets the SSO cookie, and with a parked request redirects (303) to the app
// with a code. With req nil it writes only the cookie, so the web layer can
// show its account page. On error nothing was redirected: show an error
// page. Parked requests older than an hour, or whose client or redirect
// URI is no longer registered, are refused.
//
// Cancel sends access_denied to the app of a parked request (the person
// gave up). CurrentSession reports the browser's session ("signed in as
// …"; ErrNoSession without one). Logout ends it: the SSO session, every
// grant issued under it (refresh-token families, and access tokens as far
// as userinfo and introspection are concerned) and the upstream refresh
// token (Upstream.Revoke). EndAllSessions does that for every session of a
// subject (an admin's "sign out everywhere"). ClientName gives an app's
// display name for the sign-in pages.
//
// EndSession implements RP-Initiated Logout 1.0. A valid id_token_hint for
// the signed-in person signs out at once; otherwise the person is asked
// with Config.ConfirmLogout (a page that POSTs LogoutPrompt.Fields to
// LogoutPrompt.Action). post_logout_redirect_uri must be registered, exactly,
// for the client named by the hint or client_id, or an error page is shown;
// state is passed back. Without a redirect URI, Config.LoggedOut is shown.
//
// # Upstream
//
// Every refresh calls Upstream.Refresh with the session's upstream refresh
// token: an error wrapping ErrUpstreamDenied (user disabled, globally
// signed out, token revoked) revokes the family and answers invalid_grant;
// any other error answers server_error without using up the refresh token.
// The returned claims replace the grant's claims; a returned refresh token
// replaces the stored one (upstream rotation).
//
// # Tokens
//
// ID tokens carry iss, sub (the upstream subject), aud (the client id), exp,
// iat, auth_time, nonce (first issue only), at_hash, amr ("mfa" is added
// when factors of two kinds were used), sid, and the claims released by the
// granted scopes (profile, email, phone, address, groups from
// cognito:groups, and Config.ClaimMappings) and by the claims request
// parameter. Access tokens are RFC 9068 JWTs (typ at+jwt) with iss, sub, aud
// (Client.AccessTokenAudience, default the client id), exp, iat, jti,
// client_id, scope, auth_time, amr, sid, gid (the grant) and groups with the
// groups scope. Both are signed with the client's algorithm (RS256 by
// default, ES256 or EdDSA); key ids are RFC 7638 thumbprints, every key is
// in the JWKS, and the newest key of each algorithm (or Config.SigningKeyID)
// signs. A client with AccessTokenFormat AccessTokenOpaque gets opaque access
// tokens instead ("bkat_" and a sealed record of grant, subject, client,
// scopes, expiry and id; opaque.go), accepted everywhere a JWT access token
// is. Refresh tokens are opaque ("<grant id>.<secret>"), issued for
// offline_access (public clients too), stored only as a hash, rotated on
// every use; presenting one of a family's recently rotated tokens revokes
// the family.
//
// # State
//
// The store holds, under "oidc:" keys: authorization codes (hashed, single
// use, Config.CodeTTL; a redeemed code leaves a marker for ten code lifetimes,
// ten minutes by default, so a replay revokes what it issued), SSO sessions, the upstream refresh token of
// each session, grants (one record per code redemption, holding its
// refresh-token family, so rotation uses constant space), and two indexes
// (grants per session, sessions per subject). Nothing is written for
// unauthenticated traffic: a code needs a signed-in person, a grant needs
// an authenticated client and a valid code.
package oidc
