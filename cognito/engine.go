// Package cognito is Bridgekeeper's sign-in engine over Amazon Cognito. It starts an auth flow,
// turns each Cognito answer into a typed Step (what to show the person, what to collect) or a
// Success, answers steps (computing SECRET_HASH and SRP itself), and maps Cognito errors to
// typed domain errors. It knows nothing about HTTP.
//
// A sign-in is Start, then Answer for each Step until a Success. Between calls the caller keeps
// only the Step's State (small and serialisable; see EncodedSize). When Answer fails the caller
// keeps the same State and may answer again, unless the error's Kind says Restart.
package cognito

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/bridgekeeper/bridgekeeper/internal/srp"
)

// API is the part of the Cognito Identity Provider client the engine calls.
// *cognitoidentityprovider.Client implements it.
type API interface {
	InitiateAuth(ctx context.Context, in *cip.InitiateAuthInput, opts ...func(*cip.Options)) (*cip.InitiateAuthOutput, error)
	RespondToAuthChallenge(ctx context.Context, in *cip.RespondToAuthChallengeInput, opts ...func(*cip.Options)) (*cip.RespondToAuthChallengeOutput, error)
	AssociateSoftwareToken(ctx context.Context, in *cip.AssociateSoftwareTokenInput, opts ...func(*cip.Options)) (*cip.AssociateSoftwareTokenOutput, error)
	VerifySoftwareToken(ctx context.Context, in *cip.VerifySoftwareTokenInput, opts ...func(*cip.Options)) (*cip.VerifySoftwareTokenOutput, error)
	RevokeToken(ctx context.Context, in *cip.RevokeTokenInput, opts ...func(*cip.Options)) (*cip.RevokeTokenOutput, error)
	ForgotPassword(ctx context.Context, in *cip.ForgotPasswordInput, opts ...func(*cip.Options)) (*cip.ForgotPasswordOutput, error)
	ConfirmForgotPassword(ctx context.Context, in *cip.ConfirmForgotPasswordInput, opts ...func(*cip.Options)) (*cip.ConfirmForgotPasswordOutput, error)
}

// Deps are the engine's collaborators.
type Deps struct {
	// Now is the clock (default time.Now); SRP's TIMESTAMP comes from it.
	Now func() time.Time
	// Rand is the random source for SRP's private value (required).
	Rand io.Reader
	// Logger receives what the engine notices without failing, such as a challenge it cannot
	// show (default: discarded). Errors it returns are logged by the caller that handles them.
	Logger *slog.Logger
	// Verifier checks Cognito's ID tokens (required); see NewJWKSVerifier.
	Verifier TokenVerifier
}

// Engine runs sign-ins against one app client of one user pool. It is safe for concurrent use.
type Engine struct {
	api API
	cfg Config
	d   Deps
}

// New returns an engine. api, Deps.Verifier, Deps.Rand, cfg.UserPoolID and cfg.ClientID are
// required; cfg.AuthFlow must be empty (SRP), FlowUserSRP or FlowUserPassword.
func New(api API, cfg Config, d Deps) (*Engine, error) {
	if api == nil || d.Verifier == nil || d.Rand == nil {
		return nil, errors.New("cognito: API, Verifier and Rand are required")
	}
	if cfg.ClientID == "" || cfg.UserPoolID == "" {
		return nil, errors.New("cognito: ClientID and UserPoolID are required")
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	switch cfg.AuthFlow {
	case "":
		cfg.AuthFlow = FlowUserSRP
	case FlowUserSRP, FlowUserPassword:
	default:
		return nil, fmt.Errorf("cognito: auth flow %q is not supported (use %s or %s)", cfg.AuthFlow, FlowUserSRP, FlowUserPassword)
	}
	if cfg.TOTPIssuer == "" {
		cfg.TOTPIssuer = "Bridgekeeper"
	}
	return &Engine{api: api, cfg: cfg, d: d}, nil
}

func (e *Engine) secretHash(username string) *string {
	if e.cfg.ClientSecret == "" {
		return nil
	}
	return aws.String(SecretHash(e.cfg.ClientID, e.cfg.ClientSecret, username))
}

// withSecret adds SECRET_HASH over username to m when the app client has a secret.
func (e *Engine) withSecret(m map[string]string, username string) map[string]string {
	if h := e.secretHash(username); h != nil {
		m["SECRET_HASH"] = *h
	}
	return m
}

// fail maps a Cognito call's error to an *Error. The engine does not log errors it returns: the
// caller that handles one logs it, once (the handlers log the cause of InvalidParameter and
// Internal, which points at configuration or a bug).
func (e *Engine) fail(_ context.Context, op string, err error) error {
	return mapError(op, err)
}

// Start signs in with a username (or an alias Cognito accepts) and password using the
// configured flow. For SRP it answers PASSWORD_VERIFIER itself.
func (e *Engine) Start(ctx context.Context, username, password string) (Result, error) {
	if username == "" || password == "" {
		return Result{}, &Error{Kind: WrongCredentials, Op: "start", Err: errors.New("empty username or password")}
	}
	in := &cip.InitiateAuthInput{ClientId: aws.String(e.cfg.ClientID)}
	var client *srp.Client
	switch e.cfg.AuthFlow {
	case FlowUserPassword:
		in.AuthFlow = types.AuthFlowTypeUserPasswordAuth
		in.AuthParameters = e.withSecret(map[string]string{"USERNAME": username, "PASSWORD": password}, username)
	default:
		c, err := srp.NewClient(e.d.Rand)
		if err != nil {
			return Result{}, &Error{Kind: Internal, Op: "SRP", Err: err}
		}
		client = c
		in.AuthFlow = types.AuthFlowTypeUserSrpAuth
		in.AuthParameters = e.withSecret(map[string]string{"USERNAME": username, "SRP_A": c.AHex()}, username)
	}
	out, err := e.api.InitiateAuth(ctx, in)
	if err != nil {
		return Result{}, e.fail(ctx, "InitiateAuth "+string(in.AuthFlow), err)
	}
	amr := []string{amrPassword}
	if client != nil && out.ChallengeName == types.ChallengeNameTypePasswordVerifier {
		return e.passwordVerifier(ctx, client, username, password, out, amr)
	}
	return e.next(ctx, username, amr, string(out.ChallengeName), aws.ToString(out.Session), out.ChallengeParameters, out.AuthenticationResult)
}

// passwordVerifier proves the password to Cognito (SRP) and goes on to whatever follows.
func (e *Engine) passwordVerifier(ctx context.Context, client *srp.Client, typed, password string, out *cip.InitiateAuthOutput, amr []string) (Result, error) {
	params := out.ChallengeParameters
	userID := params["USER_ID_FOR_SRP"]
	if userID == "" {
		userID = typed
	}
	sig, ts, err := client.PasswordClaim(e.cfg.PoolName(), userID, password, params["SALT"], params["SRP_B"], params["SECRET_BLOCK"], e.d.Now())
	if err != nil {
		return Result{}, &Error{Kind: Internal, Op: "PASSWORD_VERIFIER", Err: fmt.Errorf("unusable SRP parameters from Cognito: %w", err)}
	}
	resp, err := e.api.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{
		ClientId:      aws.String(e.cfg.ClientID),
		ChallengeName: types.ChallengeNameTypePasswordVerifier,
		Session:       out.Session,
		ChallengeResponses: e.withSecret(map[string]string{
			"USERNAME":                    userID,
			"PASSWORD_CLAIM_SECRET_BLOCK": params["SECRET_BLOCK"],
			"PASSWORD_CLAIM_SIGNATURE":    sig,
			"TIMESTAMP":                   ts,
		}, userID),
	})
	if err != nil {
		return Result{}, e.fail(ctx, "RespondToAuthChallenge PASSWORD_VERIFIER", err)
	}
	return e.next(ctx, userID, amr, string(resp.ChallengeName), aws.ToString(resp.Session), resp.ChallengeParameters, resp.AuthenticationResult)
}

// Answer answers the step described by st. On error st is still the step to show (a wrong code
// can be typed again), unless the error's Kind says Restart.
func (e *Engine) Answer(ctx context.Context, st State, a Answer) (Result, error) {
	if st.Session == "" || st.Username == "" {
		// Not a state Start or Answer made: nothing to answer, so sign in again.
		return Result{}, &Error{Kind: SessionExpired, Op: "answer", Err: errors.New("the state has no session or username")}
	}
	switch st.Kind {
	case StepNewPassword:
		if a.NewPassword == "" {
			return Result{}, &Error{Kind: InvalidPassword, Op: "NEW_PASSWORD_REQUIRED", Err: errors.New("empty new password")}
		}
		resp := map[string]string{"USERNAME": st.Username, "NEW_PASSWORD": a.NewPassword}
		// Only the required attributes the user lacks: one that has a value cannot be set here.
		for _, name := range st.RequiredAttributes {
			v := strings.TrimSpace(a.Attributes[name])
			if v == "" {
				return Result{}, &Error{Kind: InvalidParameter, Op: "NEW_PASSWORD_REQUIRED", Err: fmt.Errorf("required attribute %q has no value", name)}
			}
			resp["userAttributes."+name] = v
		}
		return e.respond(ctx, st, types.ChallengeNameTypeNewPasswordRequired, st.Session, resp)
	case StepSMSCode:
		return e.answerCode(ctx, st, a.Code, types.ChallengeNameTypeSmsMfa, "SMS_MFA_CODE", amrSMS)
	case StepEmailCode:
		return e.answerCode(ctx, st, a.Code, types.ChallengeNameTypeEmailOtp, "EMAIL_OTP_CODE", amrOTP)
	case StepTOTPCode:
		return e.answerCode(ctx, st, a.Code, types.ChallengeNameTypeSoftwareTokenMfa, "SOFTWARE_TOKEN_MFA_CODE", amrOTP)
	case StepSelectMFA:
		if !slices.Contains(st.Options, a.Method) {
			return Result{}, &Error{Kind: InvalidParameter, Op: "SELECT_MFA_TYPE", Err: fmt.Errorf("method %q was not offered", a.Method)}
		}
		return e.respond(ctx, st, types.ChallengeNameTypeSelectMfaType, st.Session, map[string]string{"USERNAME": st.Username, "ANSWER": a.Method})
	case StepMFASetupChoice:
		switch {
		case a.Method == MethodSMS:
			return Result{}, &Error{Kind: SMSSetupNeedsAdmin, Op: "MFA_SETUP"}
		case !slices.Contains(st.Options, a.Method):
			return Result{}, &Error{Kind: InvalidParameter, Op: "MFA_SETUP", Err: fmt.Errorf("method %q was not offered", a.Method)}
		case a.Method == MethodTOTP:
			return e.associate(ctx, st)
		default: // MethodEmail
			next := st
			next.Kind, next.Options = StepEmailSetup, nil
			return Result{Step: &Step{State: next}}, nil
		}
	case StepEmailSetup:
		email := strings.TrimSpace(a.Email)
		if email == "" {
			return Result{}, &Error{Kind: InvalidParameter, Op: "MFA_SETUP", Err: errors.New("empty email address")}
		}
		return e.respond(ctx, st, types.ChallengeNameTypeMfaSetup, st.Session, map[string]string{"USERNAME": st.Username, "EMAIL": email})
	case StepTOTPSetup:
		return e.verifyTOTP(ctx, st, a)
	default:
		return Result{}, &Error{Kind: InvalidParameter, Op: "answer", Err: fmt.Errorf("cannot answer step %q", st.Kind)}
	}
}

// answerCode sends a one-time code. A code that cannot be right (empty, not digits) is refused
// here as a mismatch, without spending a Cognito attempt.
func (e *Engine) answerCode(ctx context.Context, st State, code string, name types.ChallengeNameType, key, method string) (Result, error) {
	code, ok := normalizeCode(code)
	if !ok {
		return Result{}, &Error{Kind: CodeMismatch, Op: string(name), Err: errors.New("the code is not 4 to 10 digits")}
	}
	return e.respond(ctx, st, name, st.Session, map[string]string{"USERNAME": st.Username, key: code}, method, amrMFA)
}

// verifyTOTP finishes authenticator enrolment: VerifySoftwareToken with the setup session, then
// MFA_SETUP with the session that returns.
func (e *Engine) verifyTOTP(ctx context.Context, st State, a Answer) (Result, error) {
	code, ok := normalizeCode(a.Code)
	if !ok {
		return Result{}, &Error{Kind: SoftwareTokenMismatch, Op: "VerifySoftwareToken", Err: errors.New("the code is not 4 to 10 digits")}
	}
	in := &cip.VerifySoftwareTokenInput{Session: aws.String(st.Session), UserCode: aws.String(code)}
	if name := clip(strings.TrimSpace(a.DeviceName), MaxDeviceName); name != "" {
		in.FriendlyDeviceName = aws.String(name)
	}
	out, err := e.api.VerifySoftwareToken(ctx, in)
	if err != nil {
		return Result{}, e.fail(ctx, "VerifySoftwareToken", err)
	}
	if out.Status != types.VerifySoftwareTokenResponseTypeSuccess {
		return Result{}, &Error{Kind: SoftwareTokenMismatch, Op: "VerifySoftwareToken", Err: fmt.Errorf("status %q", out.Status)}
	}
	return e.respond(ctx, st, types.ChallengeNameTypeMfaSetup, aws.ToString(out.Session), map[string]string{"USERNAME": st.Username}, amrOTP, amrMFA)
}

// respond sends a challenge response and turns the reply into the next result. proved lists the
// methods this answer proves, added to the state's AMR.
func (e *Engine) respond(ctx context.Context, st State, name types.ChallengeNameType, session string, responses map[string]string, proved ...string) (Result, error) {
	out, err := e.api.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{
		ClientId:           aws.String(e.cfg.ClientID),
		ChallengeName:      name,
		Session:            aws.String(session),
		ChallengeResponses: e.withSecret(responses, st.Username),
	})
	if err != nil {
		return Result{}, e.fail(ctx, "RespondToAuthChallenge "+string(name), err)
	}
	return e.next(ctx, st.Username, withMethods(st.AMR, proved...), string(out.ChallengeName), aws.ToString(out.Session), out.ChallengeParameters, out.AuthenticationResult)
}

// associate starts authenticator enrolment within the sign-in: AssociateSoftwareToken with the
// MFA_SETUP session gives the secret and the session to verify it with.
func (e *Engine) associate(ctx context.Context, st State) (Result, error) {
	out, err := e.api.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{Session: aws.String(st.Session)})
	if err != nil {
		return Result{}, e.fail(ctx, "AssociateSoftwareToken", err)
	}
	secret := aws.ToString(out.SecretCode)
	if secret == "" || len(secret) > MaxSecretCode {
		err := fmt.Errorf("TOTP secret of %d characters (want 1 to %d)", len(secret), MaxSecretCode)
		return Result{}, &Error{Kind: Internal, Op: "AssociateSoftwareToken", Err: err}
	}
	next := State{
		Kind:       StepTOTPSetup,
		Session:    aws.ToString(out.Session),
		Username:   st.Username,
		SecretCode: secret,
		OTPAuthURI: OTPAuthURI(e.cfg.TOTPIssuer, st.Username, secret),
		AMR:        st.AMR,
	}
	return Result{Step: &Step{State: next}}, nil
}

// next turns one Cognito reply into a Result.
func (e *Engine) next(ctx context.Context, username string, amr []string, challenge, session string, params map[string]string, auth *types.AuthenticationResultType) (Result, error) {
	if auth != nil {
		s, err := e.tokens(ctx, username, auth)
		if err != nil {
			return Result{}, err
		}
		s.AMR = amr
		return Result{Success: s}, nil
	}
	if challenge == "" {
		return Result{}, &Error{Kind: Internal, Op: "next", Err: errors.New("the reply has neither tokens nor a challenge")}
	}
	p, err := planFor(challenge, session, username, params, amr)
	if err != nil {
		return Result{}, err
	}
	if p.associate {
		return e.associate(ctx, p.state)
	}
	if p.state.Kind == StepUnsupported {
		e.d.Logger.WarnContext(ctx, "unsupported Cognito challenge", "challenge", challenge)
	}
	return Result{Step: &Step{State: p.state, UserAttributes: p.attrs}}, nil
}

// tokens verifies Cognito's ID token and builds a Success (without AMR).
func (e *Engine) tokens(ctx context.Context, username string, auth *types.AuthenticationResultType) (*Success, error) {
	raw := aws.ToString(auth.IdToken)
	claims, err := e.d.Verifier.VerifyIDToken(ctx, raw)
	if err != nil {
		return nil, &Error{Kind: Internal, Op: "verify ID token", Err: fmt.Errorf("the ID token did not verify: %w", err)}
	}
	s := &Success{
		IDToken:      raw,
		AccessToken:  aws.ToString(auth.AccessToken),
		RefreshToken: aws.ToString(auth.RefreshToken),
		ExpiresIn:    time.Duration(auth.ExpiresIn) * time.Second,
		Claims:       claims,
		Username:     username,
		AuthTime:     e.d.Now(),
	}
	s.Subject, _ = claims["sub"].(string)
	if u, ok := claims["cognito:username"].(string); ok && u != "" {
		s.Username = u
	}
	if at, ok := claims["auth_time"].(float64); ok && at > 0 {
		s.AuthTime = time.Unix(int64(at), 0)
	}
	if s.Subject == "" {
		return nil, &Error{Kind: Internal, Op: "verify ID token", Err: errors.New("ID token has no sub")}
	}
	return s, nil
}

// Refresh gets fresh Cognito tokens with a refresh token (REFRESH_TOKEN_AUTH); username is the
// real username (Success.Username, cognito:username), which SECRET_HASH needs. The result's
// RefreshToken is empty unless Cognito rotated it, and its AMR is empty.
func (e *Engine) Refresh(ctx context.Context, username, refreshToken string) (*Success, error) {
	out, err := e.api.InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId:       aws.String(e.cfg.ClientID),
		AuthFlow:       types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: e.withSecret(map[string]string{"REFRESH_TOKEN": refreshToken}, username),
	})
	if err != nil {
		return nil, e.fail(ctx, "InitiateAuth REFRESH_TOKEN_AUTH", err)
	}
	if out.AuthenticationResult == nil {
		return nil, &Error{Kind: Internal, Op: "InitiateAuth REFRESH_TOKEN_AUTH", Err: errors.New("no tokens in the reply")}
	}
	return e.tokens(ctx, username, out.AuthenticationResult)
}

// Revoke revokes a Cognito refresh token and the access tokens issued with it (RevokeToken).
func (e *Engine) Revoke(ctx context.Context, refreshToken string) error {
	in := &cip.RevokeTokenInput{ClientId: aws.String(e.cfg.ClientID), Token: aws.String(refreshToken)}
	if e.cfg.ClientSecret != "" {
		in.ClientSecret = aws.String(e.cfg.ClientSecret)
	}
	if _, err := e.api.RevokeToken(ctx, in); err != nil {
		return e.fail(ctx, "RevokeToken", err)
	}
	return nil
}

// normalizeCode drops spaces people type into codes ("123 456") and reports whether what is
// left can be a Cognito code: 4 to 10 ASCII digits.
func normalizeCode(code string) (string, bool) {
	code = strings.Join(strings.Fields(code), "")
	if len(code) < 4 || len(code) > 10 {
		return code, false
	}
	for _, c := range code {
		if c < '0' || c > '9' {
			return code, false
		}
	}
	return code, true
}
