package handlers

import "github.com/bridgekeeper/bridgekeeper/oidc"

// RetryAfter is how long people and apps are asked to wait (the Retry-After header) when Cognito
// throttles, fails or does not answer in time, or the store does not answer: a moment, then the
// same page works again. The OpenID endpoints ask the same.
const RetryAfter = oidc.RetryAfter

// msgInterrupted is the sign-in page's notice after a step whose answer was lost in an outage
// turned out to have used up the Cognito session: sign in again, nothing was wrong with the code.
const msgInterrupted = "error.Interrupted"
