package oidc

// description is an OAuth error_description: text for the app's developer, not for the person
// (RFC 6749 §4.1.2.1, §5.2), so it stays English. RFC 6749 allows only the ASCII characters
// %x20-21 / %x23-5B / %x5D-7E in it; the descriptions are fixed sentences without client input,
// lower-case where they do not start with a parameter or acronym, without a closing full stop.
// Every description the provider sends is one of these constants (TestDescriptions checks the
// characters and the style, and that no call site passes anything else).
type description string

// Authorization request errors (sent to the app's redirect URI).
const (
	descLoginRequired          description = "the person must sign in"
	descCancelled              description = "the person cancelled the sign-in"
	descHintNamesOther         description = "the person who signed in is not the one the id_token_hint names"
	descParamRepeated          description = "a parameter is repeated"
	descRequestObject          description = "request objects are not supported"
	descRequestURI             description = "request_uri is not supported"
	descNoResponseType         description = "response_type is missing"
	descResponseType           description = "only response_type=code is supported"
	descResponseMode           description = "only response_mode=query is supported"
	descStateTooLong           description = "state is too long"
	descOpenIDScope            description = "the openid scope is required"
	descNonceTooLong           description = "nonce is too long"
	descMethodWithoutChallenge description = "code_challenge_method without code_challenge"
	descPKCERequired           description = "PKCE (code_challenge with S256) is required for this client"
	descChallengeMethod        description = "code_challenge_method must be S256"
	descChallengeMalformed     description = "code_challenge is malformed"
	descPromptNone             description = "prompt=none cannot be combined with other values"
	descMaxAge                 description = "max_age must be a non-negative integer"
	descIDTokenHint            description = "id_token_hint is not valid"
	descClaims                 description = "the claims parameter is malformed"
	descRequestTooLarge        description = "the authorization request is too large"
	descTooManyCodes           description = "too many sign-in requests for this session; try again later"
)

// Errors of every endpoint.
const (
	descUnavailable description = "the service is unavailable for a moment; try again later"
	descServerError description = "the server could not complete the request"
	descBodyUnread  description = "the request body could not be read"
)

// Token, revocation and introspection errors (JSON answers to the app).
const (
	descClientAuthFailed   description = "client authentication failed"
	descClientAuthLimited  description = "too many failed client authentications; retry later"
	descNoToken            description = "token is missing"
	descNoGrantType        description = "grant_type is missing"
	descGrantType          description = "only authorization_code and refresh_token are supported"
	descNoCode             description = "code is missing"
	descCodeInvalid        description = "the authorization code is invalid, expired or already used"
	descRedirectMismatch   description = "redirect_uri does not match the authorization request"
	descPKCEFailed         description = "PKCE verification failed"
	descVerifierUnexpected description = "code_verifier sent but the authorization request had no code_challenge"
	descSessionEnded       description = "the sign-in session has ended"
	descNoRefreshToken     description = "refresh_token is missing"
	descRefreshInvalid     description = "the refresh token is invalid, expired or revoked"
	descScopeExceeds       description = "the requested scope exceeds the granted scope"
)

// UserInfo errors (RFC 6750 challenges).
const (
	descAccessTokenInvalid  description = "the access token is invalid, expired or revoked"
	descNoOpenIDScope       description = "the access token lacks the openid scope"
	descBadAuthorization    description = "malformed Authorization header"
	descAccessTokenRepeated description = "access_token is repeated"
	descTokenTwice          description = "more than one way of passing the access token"
)
