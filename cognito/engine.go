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
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/bridgekeeper/bridgekeeper/identity"
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
	reg registry
	// secret computes SECRET_HASH; nil when the app client has no secret.
	secret *secretHasher
}

// New returns an engine. api, Deps.Verifier, Deps.Rand, cfg.UserPoolID and cfg.ClientID are
// required; cfg.AuthFlow must be empty (SRP), FlowUserSRP, FlowUserPassword, FlowUserAuth or
// FlowCustom.
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
	case FlowUserSRP, FlowUserPassword, FlowUserAuth, FlowCustom:
	default:
		return nil, fmt.Errorf("cognito: auth flow %q is not supported (use %s, %s, %s or %s)", cfg.AuthFlow, FlowUserSRP, FlowUserPassword, FlowUserAuth, FlowCustom)
	}
	if cfg.TOTPIssuer == "" {
		cfg.TOTPIssuer = DefaultTOTPIssuer
	}
	reg, err := newRegistry(builtinChallenges())
	if err != nil {
		return nil, fmt.Errorf("cognito: %w", err)
	}
	e := &Engine{api: api, cfg: cfg, d: d, reg: reg}
	if cfg.ClientSecret != "" {
		e.secret = newSecretHasher(cfg.ClientID, cfg.ClientSecret)
	}
	return e, nil
}

func (e *Engine) secretHash(username string) *string {
	if e.secret == nil {
		return nil
	}
	return aws.String(e.secret.hash(username))
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

// StartInput is what a sign-in starts with.
type StartInput struct {
	// Username is the name (or an alias Cognito accepts) the person typed.
	Username string
	// Password is the person's password. It lives only in memory for this call. With
	// FlowUserAuth it is optional: given, it is the preferred first factor.
	Password string
	// Device is the browser's remembered device for this username (optional; SRP sign-ins
	// only). A device Cognito no longer knows is dropped and the sign-in goes on without it.
	Device *Device
	// Devices finds the browser's remembered device of a real username (optional; SRP
	// sign-ins only). Without a Device the sign-in asks it for the typed name, and again for
	// the real username Cognito names in PASSWORD_VERIFIER (USER_ID_FOR_SRP), so a person who
	// types an alias (their email) presents the device remembered under their username.
	Devices DeviceLookup
	// Preferred is the first factor to ask for at once with FlowUserAuth (FactorEmailOTP,
	// FactorSMSOTP or FactorPasskey, sent as PREFERRED_CHALLENGE); empty lets Cognito offer
	// the person's factors to choose from. With a Password, FactorPassword sends it as it is
	// instead of proving it with SRP.
	Preferred string
}

// NeedsPassword reports whether the sign-in page asks for a password: false only for
// CUSTOM_AUTH without CustomAuthWithPassword, whose questions come first (with USER_AUTH the
// password is one choice among others, and that page decides).
func (e *Engine) NeedsPassword() bool {
	return e.cfg.AuthFlow != FlowCustom || e.cfg.CustomAuthWithPassword
}

// Start signs in using the configured flow. Challenges the server answers itself (SRP's
// PASSWORD_VERIFIER) are answered within this call.
func (e *Engine) Start(ctx context.Context, si StartInput) (Result, error) {
	res, err := e.start(ctx, si)
	if (si.Device != nil || si.Devices != nil) && isDeviceGone(err) {
		// The device was forgotten (here or by an administrator): sign in as a new browser.
		si.Device, si.Devices = nil, nil
		return e.start(ctx, si)
	}
	return res, err
}

func (e *Engine) start(ctx context.Context, si StartInput) (Result, error) {
	if e.cfg.AuthFlow == FlowUserAuth {
		return e.startUserAuth(ctx, si)
	}
	if si.Username == "" || (e.NeedsPassword() && si.Password == "") {
		return Result{}, &Error{Kind: WrongCredentials, Op: "start", Err: errors.New("empty username or password")}
	}
	username := si.Username
	in := &cip.InitiateAuthInput{ClientId: aws.String(e.cfg.ClientID)}
	sec := &secrets{password: si.Password}
	params := map[string]string{"USERNAME": username}
	amr := []string{amrPassword}
	switch {
	case e.cfg.AuthFlow == FlowUserPassword:
		in.AuthFlow = types.AuthFlowTypeUserPasswordAuth
		params["PASSWORD"] = si.Password
	case e.cfg.AuthFlow == FlowCustom && !e.cfg.CustomAuthWithPassword:
		in.AuthFlow = types.AuthFlowTypeCustomAuth
		amr = nil // the pool's questions prove whatever they prove; no password was used
	default:
		c, err := srp.NewClient(e.d.Rand)
		if err != nil {
			return Result{}, &Error{Kind: Internal, Op: "SRP", Err: err}
		}
		sec.srp = c
		in.AuthFlow = types.AuthFlowTypeUserSrpAuth
		params["SRP_A"] = c.AHex()
		if si.Device == nil && si.Devices != nil {
			si.Device = si.Devices(username)
		}
		sec.devices = si.Devices
		if si.Device != nil && si.Device.Valid() {
			sec.device = si.Device
			params["DEVICE_KEY"] = si.Device.Key
		}
		if e.cfg.AuthFlow == FlowCustom {
			// The define-auth-challenge trigger sees SRP_A first and asks for PASSWORD_VERIFIER.
			in.AuthFlow = types.AuthFlowTypeCustomAuth
			params["CHALLENGE_NAME"] = "SRP_A"
		}
	}
	in.AuthParameters = e.withSecret(params, username)
	out, err := e.api.InitiateAuth(ctx, in)
	if err != nil {
		return Result{}, e.fail(ctx, "InitiateAuth "+string(in.AuthFlow), err)
	}
	return e.next(ctx, sec, username, amr, out.ChallengeName, aws.ToString(out.Session), out.ChallengeParameters, out.AuthenticationResult)
}

// Answer answers the step described by st. On error st is still the step to show (a wrong code
// can be typed again), unless the error's Kind says Restart.
func (e *Engine) Answer(ctx context.Context, st State, a Answer) (Result, error) {
	if st.Session == "" || st.Username == "" {
		// Not a state Start or Answer made: nothing to answer, so sign in again.
		return Result{}, &Error{Kind: SessionExpired, Op: "answer", Err: errors.New("the state has no session or username")}
	}
	step, ok := e.reg.steps[st.Kind]
	if !ok {
		return Result{}, &Error{Kind: InvalidParameter, Op: "answer", Err: fmt.Errorf("cannot answer step %q", st.Kind)}
	}
	st.AMR = withMethods(st.AMR, step.proves...)
	return step.answer(ctx, e, st, a)
}

// respond sends a person's challenge response and turns the reply into the next result.
func (e *Engine) respond(ctx context.Context, st State, name types.ChallengeNameType, session string, responses map[string]string) (Result, error) {
	return e.respondWith(ctx, st, name, session, responses, nil)
}

// respondWith sends a challenge response; sec carries the request's secrets on to challenges
// the server answers next (nil after a person's answer).
func (e *Engine) respondWith(ctx context.Context, st State, name types.ChallengeNameType, session string, responses map[string]string, sec *secrets) (Result, error) {
	if sec == nil {
		if d := deviceFrom(ctx); d != nil {
			sec = &secrets{device: d} // Cognito may ask to prove the device after a person's answer
		}
	}
	out, err := e.api.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{
		ClientId:           aws.String(e.cfg.ClientID),
		ChallengeName:      name,
		Session:            aws.String(session),
		ChallengeResponses: e.withSecret(responses, st.Username),
	})
	if err != nil {
		return Result{}, e.fail(ctx, "RespondToAuthChallenge "+string(name), err)
	}
	return e.next(ctx, sec, st.Username, st.AMR, out.ChallengeName, aws.ToString(out.Session), out.ChallengeParameters, out.AuthenticationResult)
}

// next turns one Cognito reply into a Result: tokens, a challenge the server answers at once, or
// the step a person answers. It knows challenges only through the registry.
func (e *Engine) next(ctx context.Context, sec *secrets, username string, amr []string, name types.ChallengeNameType, session string, params map[string]string, auth *types.AuthenticationResultType) (Result, error) {
	if auth != nil {
		s, err := e.tokens(ctx, username, auth)
		if err != nil {
			return Result{}, err
		}
		s.AMR = amr
		if md := auth.NewDeviceMetadata; md != nil && aws.ToString(md.DeviceKey) != "" {
			s.NewDevice = &NewDevice{Key: aws.ToString(md.DeviceKey), GroupKey: aws.ToString(md.DeviceGroupKey)}
		}
		return Result{Success: s}, nil
	}
	if name == "" {
		return Result{}, &Error{Kind: Internal, Op: "next", Err: errors.New("the reply has neither tokens nor a challenge")}
	}
	in, err := newPlanInput(name, session, username, params, amr)
	if err != nil {
		return Result{}, err
	}
	if ch, ok := e.reg.challenges[name]; ok && ch.serve != nil {
		return ch.serve(ctx, e, sec, in)
	}
	p, err := e.reg.plan(in)
	if err != nil {
		return Result{}, err
	}
	if p.unsupported {
		e.d.Logger.WarnContext(ctx, "unsupported Cognito challenge", "challenge", name)
	}
	if p.then != nil {
		return p.then(ctx, e, p.state)
	}
	return Result{Step: &Step{State: p.state, UserAttributes: p.attrs, PasskeyOptions: p.passkeyOptions}}, nil
}

// tokens verifies Cognito's ID token and builds a Success (without AMR).
func (e *Engine) tokens(ctx context.Context, username string, auth *types.AuthenticationResultType) (*Success, error) {
	raw := aws.ToString(auth.IdToken)
	tok, err := e.d.Verifier.VerifyIDToken(ctx, raw)
	if err != nil {
		return nil, &Error{Kind: Internal, Op: "verify ID token", Err: fmt.Errorf("the ID token did not verify: %w", err)}
	}
	s := &Success{
		IDToken:      raw,
		AccessToken:  aws.ToString(auth.AccessToken),
		RefreshToken: aws.ToString(auth.RefreshToken),
		ExpiresIn:    time.Duration(auth.ExpiresIn) * time.Second,
		Identity:     identity.Identity{Subject: tok.Subject, Claims: tok.Claims, Username: username, AuthTime: e.d.Now().Unix()},
	}
	if tok.Username != "" {
		s.Username = tok.Username
	}
	if tok.AuthTime > 0 {
		s.AuthTime = tok.AuthTime
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
