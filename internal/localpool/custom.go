package localpool

import (
	"crypto/hmac"
	"net/http"
	"slices"

	"github.com/bridgekeeper/bridgekeeper/internal/srp"
)

// CustomAuth is a pool's custom authentication (CUSTOM_AUTH), written as a small script instead
// of the define-, create- and verify-auth-challenge Lambda triggers a real pool runs:
//
//   - define: a sign-in that starts with CHALLENGE_NAME=SRP_A proves the password first
//     (PASSWORD_VERIFIER), then any MFA the user has (Cognito asks for it after the password step
//     of a custom flow too), then the questions; one that starts without asks the questions
//     straight away. When the questions are done, tokens are issued. After MaxFailures wrong
//     answers in one sign-in the sign-in fails.
//   - create: each round's Question and Hint become the CUSTOM_CHALLENGE's public parameters
//     "question" and "hint" (with USERNAME).
//   - verify: the answer must equal the round's Answer exactly.
type CustomAuth struct {
	// Rounds are the questions, asked in order.
	Rounds []CustomRound
	// Users, when not empty, are the only usernames asked the questions: others get their tokens
	// after the password (and MFA), or, without a password, fail to sign in.
	Users []string
	// MaxFailures is how many wrong answers one sign-in may give (default 3).
	MaxFailures int
}

// CustomRound is one question of a CustomAuth script.
type CustomRound struct {
	Question, Hint, Answer string
}

// customRun is one sign-in's progress through its pool's script.
type customRun struct {
	round, failures int
}

// SetCustomAuth gives the pool a custom authentication script, as attaching the three Lambda
// triggers would; nil removes it (CUSTOM_AUTH then fails as without triggers).
func (s *Server) SetCustomAuth(poolID string, script *CustomAuth) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.pool(poolID)
	if err != nil {
		return err
	}
	if script != nil {
		cp := *script
		cp.Rounds, cp.Users = slices.Clone(script.Rounds), slices.Clone(script.Users)
		if cp.MaxFailures <= 0 {
			cp.MaxFailures = 3
		}
		script = &cp
	}
	p.custom = script
	return nil
}

// asks reports whether the script has questions for u.
func (a *CustomAuth) asks(u *user) bool {
	return len(a.Rounds) > 0 && (len(a.Users) == 0 || slices.Contains(a.Users, u.username))
}

// initiateCustomAuth starts CUSTOM_AUTH. Callers hold s.mu, inside beginSignIn.
func (s *Server) initiateCustomAuth(p *pool, c *appClient, ap map[string]string) (any, error) {
	if !c.flows["ALLOW_CUSTOM_AUTH"] {
		return nil, errf("InvalidParameterException", "CUSTOM_AUTH flow not enabled for this client")
	}
	if p.custom == nil {
		return nil, errf("InvalidParameterException", "Custom auth lambda trigger is not configured for the user pool.")
	}
	u, err := s.firstFactorUser(p, c, ap["USERNAME"], ap["SECRET_HASH"])
	if err != nil {
		if isUserNotFound(err) && c.preventExistence {
			if ap["CHALLENGE_NAME"] == "SRP_A" && srp.ValidA(ap["SRP_A"]) {
				return s.phantomChallenge(p, c, ap["USERNAME"], ap["SRP_A"]) // as USER_SRP_AUTH does
			}
			return nil, errWrongCredentials()
		}
		return nil, err
	}
	s.signin.custom = &customRun{}
	switch ap["CHALLENGE_NAME"] {
	case "SRP_A":
		return s.srpChallenge(p, c, u, ap["SRP_A"])
	case "":
		if !p.custom.asks(u) {
			return nil, errWrongCredentials() // define fails a sign-in it has no question for
		}
		return s.customRound(p, c, u), nil
	default:
		return nil, errf("InvalidParameterException", "Invalid CHALLENGE_NAME %s", ap["CHALLENGE_NAME"])
	}
}

// customStep is define's turn after the password and MFA: the next question, if the sign-in is
// a custom one with questions left. Callers hold s.mu.
func (s *Server) customStep(p *pool, c *appClient, u *user) (any, bool) {
	if s.signin == nil || s.signin.custom == nil || p.custom == nil || !p.custom.asks(u) || s.signin.custom.round >= len(p.custom.Rounds) {
		return nil, false
	}
	return s.customRound(p, c, u), true
}

// customRound is create's turn: the current round's question.
func (s *Server) customRound(p *pool, c *appClient, u *user) any {
	q := p.custom.Rounds[s.signin.custom.round]
	params := map[string]string{"USERNAME": u.username, "question": q.Question}
	if q.Hint != "" {
		params["hint"] = q.Hint
	}
	sess := s.newSession(&session{poolID: p.id, clientID: c.id, username: u.username, challenge: "CUSTOM_CHALLENGE"})
	return challengeOut("CUSTOM_CHALLENGE", sess, params)
}

// answerCustom is verify's turn, then define's: a right answer moves to the next round (or the
// tokens), a wrong one asks again until the script's limit. The session is used up either way.
// Callers hold s.mu, inside beginSignIn(sess.dev).
func (s *Server) answerCustom(r *http.Request, p *pool, c *appClient, u *user, tok string, sess *session, answer string) (any, error) {
	delete(s.sessions, tok)
	run := sess.dev.custom
	if run == nil || p.custom == nil || run.round >= len(p.custom.Rounds) {
		return nil, errf("NotAuthorizedException", "Invalid session for the user.")
	}
	if answer == "" {
		return nil, errf("InvalidParameterException", "Missing required parameter ANSWER")
	}
	if !hmac.Equal([]byte(answer), []byte(p.custom.Rounds[run.round].Answer)) {
		run.failures++
		if run.failures >= p.custom.MaxFailures {
			return nil, errWrongCredentials()
		}
		return s.customRound(p, c, u), nil
	}
	run.round++
	return s.success(r, p, c, u)
}
