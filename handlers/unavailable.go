package handlers

import "time"

// RetryAfter is how long people and apps are asked to wait (the Retry-After header) when Cognito
// throttles, fails or does not answer in time, or the store does not answer: a moment, then the
// same page works again.
const RetryAfter = 5 * time.Second

// msgInterrupted is the sign-in page's notice after a step whose answer was lost in an outage
// turned out to have used up the Cognito session: sign in again, nothing was wrong with the code.
const msgInterrupted = "error.Interrupted"
