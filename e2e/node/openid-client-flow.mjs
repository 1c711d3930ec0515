#!/usr/bin/env node
// openid-client-flow.mjs runs the app side of an authorization code flow with openid-client v6
// (panva's certified OpenID Connect relying party), so the Go tests can check Bridgekeeper's
// provider against an independent client. The Go test plays the browser.
//
// The conversation is one JSON object per line.
//
// stdin, line 1:
//   {"issuer": "http://127.0.0.1:port", "client_id": "...", "client_secret": "..." (absent for a
//    public client, which then uses no client authentication), "redirect_uri": "...",
//    "scope": "openid email offline_access"}
// stdout, line 1:
//   {"authorization_url": "...", "state": "...", "nonce": "...",
//    "token_endpoint_auth": "client_secret_basic" | "none"}
// stdin, line 2:
//   {"callback_url": "the redirect URI with code, state and iss, as the browser reached it"}
// stdout, line 2 (secrets are not printed, only what the test checks):
//   {"id_token_claims": {...}, "token_type": "...", "scope": "...", "has_refresh_token": bool,
//    "userinfo": {...}, "refresh": {"rotated": bool, "new_access_token": bool, "id_token_sub": "..."},
//    "reuse_error": "invalid_grant", "family_revoked_error": "invalid_grant"}
//
// Everything is checked by openid-client itself: state, PKCE, the iss response parameter
// (RFC 9207), the ID token's signature, iss, aud, exp, nonce and at_hash handling, and that
// userinfo's sub matches the ID token's.
import * as client from 'openid-client';
import * as readline from 'node:readline';

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
const lines = rl[Symbol.asyncIterator]();

async function readJSON() {
  const { value, done } = await lines.next();
  if (done) throw new Error('stdin closed early');
  return JSON.parse(value);
}

function print(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

async function errorCode(promise) {
  try {
    await promise;
    return '';
  } catch (e) {
    if (e instanceof client.ResponseBodyError) return e.error;
    return `unexpected: ${e.name}: ${e.message}`;
  }
}

async function main() {
  const input = await readJSON();
  const auth = input.client_secret ? client.ClientSecretBasic(input.client_secret) : client.None();
  const config = await client.discovery(
    new URL(input.issuer),
    input.client_id,
    input.client_secret ? { client_secret: input.client_secret } : undefined,
    auth,
    { execute: [client.allowInsecureRequests] },
  );

  const verifier = client.randomPKCECodeVerifier();
  const challenge = await client.calculatePKCECodeChallenge(verifier);
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: input.redirect_uri,
    scope: input.scope,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  print({
    authorization_url: url.href,
    state,
    nonce,
    token_endpoint_auth: input.client_secret ? 'client_secret_basic' : 'none',
  });

  const { callback_url: callbackURL } = await readJSON();
  const tokens = await client.authorizationCodeGrant(config, new URL(callbackURL), {
    pkceCodeVerifier: verifier,
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);

  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  const refreshedClaims = refreshed.claims();
  const reuseError = await errorCode(client.refreshTokenGrant(config, tokens.refresh_token));

  // Reusing a rotated token revokes its whole family: the newest token is dead too.
  const familyError = await errorCode(client.refreshTokenGrant(config, refreshed.refresh_token));

  print({
    id_token_claims: claims,
    token_type: tokens.token_type,
    scope: tokens.scope ?? '',
    has_refresh_token: typeof tokens.refresh_token === 'string' && tokens.refresh_token !== '',
    userinfo,
    refresh: {
      rotated: !!refreshed.refresh_token && refreshed.refresh_token !== tokens.refresh_token,
      new_access_token: !!refreshed.access_token && refreshed.access_token !== tokens.access_token,
      id_token_sub: refreshedClaims ? refreshedClaims.sub : '',
    },
    reuse_error: reuseError,
    family_revoked_error: familyError,
  });
  rl.close();
}

main().catch((e) => {
  process.stderr.write(`openid-client-flow: ${e.name}: ${e.message}${e.error ? ` (${e.error}: ${e.error_description ?? ''})` : ''}\n`);
  process.exit(1);
});
