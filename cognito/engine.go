// Package cognito is Bridgekeeper's sign-in engine over Amazon Cognito. It starts an auth flow,
// turns each Cognito answer into a typed Step (what to show the person, what to collect) or a
// Success, answers steps (computing SECRET_HASH and SRP itself), and maps Cognito errors to
// typed domain errors. It knows nothing about HTTP.
package cognito

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
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

// StepKind says which page a step needs.
type StepKind string

// The steps a person can be asked to complete.
const (
	StepNewPassword    StepKind = "new_password"
	StepSMSCode        StepKind = "sms_code"
	StepEmailCode      StepKind = "email_code"
	StepTOTPCode       StepKind = "totp_code"
	StepSelectMFA      StepKind = "select_mfa"
	StepMFASetupChoice StepKind = "mfa_setup_choice"
	StepTOTPSetup      StepKind = "totp_setup"
	StepEmailSetup     StepKind = "email_setup"
	StepUnsupported    StepKind = "unsupported"
)

// Cognito MFA method names.
const (
	MethodSMS   = "SMS_MFA"
	MethodTOTP  = "SOFTWARE_TOKEN_MFA"
	MethodEmail = "EMAIL_OTP"
)

// State is everything needed to show and answer one step. The HTTP layer keeps it in an
// encrypted cookie between requests, so its JSON is compact.
type State struct {
	Kind StepKind `json:"k"`
	// Challenge is the Cognito challenge being answered.
	Challenge string `json:"c,omitempty"`
	// Session is Cognito's challenge session (up to 2,048 characters).
	Session string `json:"s"`
	// Username is USER_ID_FOR_SRP: the real username, never an alias.
	Username string `json:"u"`
	// Destination is the masked phone number or email address a code went to.
	Destination string `json:"d,omitempty"`
	// Options are the methods to choose from (SELECT_MFA_TYPE, MFA_SETUP).
	Options []string `json:"o,omitempty"`
	// RequiredAttributes are the missing required attributes (NEW_PASSWORD_REQUIRED).
	RequiredAttributes []string `json:"r,omitempty"`
	// SecretCode is the TOTP secret being enrolled.
	SecretCode string `json:"t,omitempty"`
	// OTPAuthURI is the otpauth:// URI of SecretCode, for the QR code. It is not kept in the
	// encoded state (it is derived from SecretCode and Username with OTPAuthURI).
	OTPAuthURI string `json:"-"`
	// DeviceName is the authenticator's friendly name (SOFTWARE_TOKEN_MFA).
	DeviceName string `json:"n,omitempty"`
	// AMR lists the authentication methods used so far (RFC 8176 values).
	AMR []string `json:"a,omitempty"`
}

// EncodedSize is the length of the state's JSON, for cookie budgets.
func (s State) EncodedSize() int {
	b, err := json.Marshal(s)
	if err != nil {
		return 0
	}
	return len(b)
}

// Answer is what the person gave for a step; only the fields of that step's kind are read.
type Answer struct {
	NewPassword string
	Attributes  map[string]string
	Code        string
	Method      string
	DeviceName  string
	Email       string
}

// Step is the next thing to show.
type Step struct {
	State State
}

// Success is a completed sign-in.
type Success struct {
	IDToken, AccessToken, RefreshToken string
	ExpiresIn                          time.Duration
	// Claims are the verified claims of Cognito's ID token.
	Claims map[string]any
	// Subject is the Cognito sub; Username the cognito:username.
	Subject, Username string
	AuthTime          time.Time
	AMR               []string
}

// Result is either a Step or a Success.
type Result struct {
	Step    *Step
	Success *Success
}

// Deps are the engine's collaborators.
type Deps struct {
	Now      func() time.Time
	Rand     io.Reader
	Logger   *slog.Logger
	Verifier TokenVerifier
}

// Engine runs sign-ins against one app client of one user pool. It is safe for concurrent use.
type Engine struct {
	api API
	cfg Config
	d   Deps
}

// New returns an engine. Deps.Verifier and Deps.Rand are required.
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

func (e *Engine) withSecret(m map[string]string, username string) map[string]string {
	if h := e.secretHash(username); h != nil {
		m["SECRET_HASH"] = *h
	}
	return m
}

// Start signs in with a username and password using the configured flow.
func (e *Engine) Start(ctx context.Context, username, password string) (Result, error) {
	in := &cip.InitiateAuthInput{ClientId: aws.String(e.cfg.ClientID)}
	var client *srp.Client
	switch e.cfg.AuthFlow {
	case FlowUserPassword:
		in.AuthFlow = types.AuthFlowTypeUserPasswordAuth
		in.AuthParameters = e.withSecret(map[string]string{"USERNAME": username, "PASSWORD": password}, username)
	case FlowUserSRP:
		c, err := srp.NewClient(e.d.Rand)
		if err != nil {
			return Result{}, &Error{Kind: Internal, Op: "srp", Err: err}
		}
		client = c
		in.AuthFlow = types.AuthFlowTypeUserSrpAuth
		in.AuthParameters = e.withSecret(map[string]string{"USERNAME": username, "SRP_A": c.AHex()}, username)
	default:
		return Result{}, &Error{Kind: InvalidParameter, Op: "start", Err: fmt.Errorf("unsupported auth flow %q", e.cfg.AuthFlow)}
	}
	out, err := e.api.InitiateAuth(ctx, in)
	if err != nil {
		return Result{}, mapError("InitiateAuth", err)
	}
	amr := []string{"pwd"}
	challenge, session, params, auth := string(out.ChallengeName), aws.ToString(out.Session), out.ChallengeParameters, out.AuthenticationResult
	if client != nil && out.ChallengeName == types.ChallengeNameTypePasswordVerifier {
		userID := params["USER_ID_FOR_SRP"]
		if userID == "" {
			userID = username
		}
		sig, ts, err := client.PasswordClaim(e.cfg.PoolName(), userID, password, params["SALT"], params["SRP_B"], params["SECRET_BLOCK"], e.d.Now())
		if err != nil {
			return Result{}, &Error{Kind: Internal, Op: "PASSWORD_VERIFIER", Err: err}
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
			return Result{}, mapError("RespondToAuthChallenge PASSWORD_VERIFIER", err)
		}
		username = userID
		challenge, session, params, auth = string(resp.ChallengeName), aws.ToString(resp.Session), resp.ChallengeParameters, resp.AuthenticationResult
	}
	return e.next(ctx, username, amr, challenge, session, params, auth)
}

// Answer answers the step described by st.
func (e *Engine) Answer(ctx context.Context, st State, a Answer) (Result, error) {
	switch st.Kind {
	case StepNewPassword:
		resp := map[string]string{"USERNAME": st.Username, "NEW_PASSWORD": a.NewPassword}
		for _, name := range st.RequiredAttributes {
			if v, ok := a.Attributes[name]; ok {
				resp["userAttributes."+name] = v
			}
		}
		return e.respond(ctx, st, types.ChallengeNameTypeNewPasswordRequired, st.Session, resp, nil)
	case StepSMSCode:
		return e.respond(ctx, st, types.ChallengeNameTypeSmsMfa, st.Session, map[string]string{"USERNAME": st.Username, "SMS_MFA_CODE": a.Code}, []string{"sms"})
	case StepEmailCode:
		return e.respond(ctx, st, types.ChallengeNameTypeEmailOtp, st.Session, map[string]string{"USERNAME": st.Username, "EMAIL_OTP_CODE": a.Code}, []string{"otp"})
	case StepTOTPCode:
		return e.respond(ctx, st, types.ChallengeNameTypeSoftwareTokenMfa, st.Session, map[string]string{"USERNAME": st.Username, "SOFTWARE_TOKEN_MFA_CODE": a.Code}, []string{"otp"})
	case StepSelectMFA:
		if !contains(st.Options, a.Method) {
			return Result{}, &Error{Kind: InvalidParameter, Op: "SELECT_MFA_TYPE", Err: errors.New("method not offered")}
		}
		return e.respond(ctx, st, types.ChallengeNameTypeSelectMfaType, st.Session, map[string]string{"USERNAME": st.Username, "ANSWER": a.Method}, nil)
	case StepMFASetupChoice:
		switch {
		case !contains(st.Options, a.Method):
			return Result{}, &Error{Kind: InvalidParameter, Op: "MFA_SETUP", Err: errors.New("method not offered")}
		case a.Method == MethodTOTP:
			return e.associate(ctx, st)
		case a.Method == MethodEmail:
			next := st
			next.Kind, next.Options = StepEmailSetup, nil
			return Result{Step: &Step{State: next}}, nil
		default:
			return Result{}, &Error{Kind: SMSSetupNeedsAdmin, Op: "MFA_SETUP"}
		}
	case StepEmailSetup:
		return e.respond(ctx, st, types.ChallengeNameTypeMfaSetup, st.Session, map[string]string{"USERNAME": st.Username, "EMAIL": a.Email}, nil)
	case StepTOTPSetup:
		in := &cip.VerifySoftwareTokenInput{Session: aws.String(st.Session), UserCode: aws.String(a.Code)}
		if a.DeviceName != "" {
			in.FriendlyDeviceName = aws.String(a.DeviceName)
		}
		out, err := e.api.VerifySoftwareToken(ctx, in)
		if err != nil {
			return Result{}, mapError("VerifySoftwareToken", err)
		}
		if out.Status != types.VerifySoftwareTokenResponseTypeSuccess {
			return Result{}, &Error{Kind: SoftwareTokenMismatch, Op: "VerifySoftwareToken"}
		}
		return e.respond(ctx, st, types.ChallengeNameTypeMfaSetup, aws.ToString(out.Session), map[string]string{"USERNAME": st.Username}, []string{"otp"})
	default:
		return Result{}, &Error{Kind: InvalidParameter, Op: "answer", Err: fmt.Errorf("cannot answer step %q", st.Kind)}
	}
}

// respond sends a challenge response and turns the reply into the next result. used lists the
// methods this answer proves (added to the state's AMR on success).
func (e *Engine) respond(ctx context.Context, st State, name types.ChallengeNameType, session string, responses map[string]string, used []string) (Result, error) {
	out, err := e.api.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{
		ClientId:           aws.String(e.cfg.ClientID),
		ChallengeName:      name,
		Session:            aws.String(session),
		ChallengeResponses: e.withSecret(responses, st.Username),
	})
	if err != nil {
		return Result{}, mapError("RespondToAuthChallenge "+string(name), err)
	}
	amr := appendNew(st.AMR, used...)
	return e.next(ctx, st.Username, amr, string(out.ChallengeName), aws.ToString(out.Session), out.ChallengeParameters, out.AuthenticationResult)
}

// associate starts TOTP enrolment within the sign-in.
func (e *Engine) associate(ctx context.Context, st State) (Result, error) {
	out, err := e.api.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{Session: aws.String(st.Session)})
	if err != nil {
		return Result{}, mapError("AssociateSoftwareToken", err)
	}
	secret := aws.ToString(out.SecretCode)
	next := State{
		Kind:       StepTOTPSetup,
		Challenge:  string(types.ChallengeNameTypeMfaSetup),
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
		return e.success(ctx, username, amr, auth)
	}
	if u := params["USER_ID_FOR_SRP"]; u != "" {
		username = u
	}
	st := State{Challenge: challenge, Session: session, Username: username, AMR: amr}
	switch types.ChallengeNameType(challenge) {
	case types.ChallengeNameTypeNewPasswordRequired:
		st.Kind = StepNewPassword
		st.RequiredAttributes = missingRequired(params["requiredAttributes"], params["userAttributes"])
	case types.ChallengeNameTypeSmsMfa, types.ChallengeNameTypeSmsOtp:
		st.Kind, st.Destination = StepSMSCode, params["CODE_DELIVERY_DESTINATION"]
	case types.ChallengeNameTypeEmailOtp:
		st.Kind, st.Destination = StepEmailCode, params["CODE_DELIVERY_DESTINATION"]
	case types.ChallengeNameTypeSoftwareTokenMfa:
		st.Kind, st.DeviceName = StepTOTPCode, params["FRIENDLY_DEVICE_NAME"]
	case types.ChallengeNameTypeSelectMfaType:
		st.Kind, st.Options = StepSelectMFA, jsonList(params["MFAS_CAN_CHOOSE"])
	case types.ChallengeNameTypeMfaSetup:
		var settable []string
		for _, m := range jsonList(params["MFAS_CAN_SETUP"]) {
			if m == MethodTOTP || m == MethodEmail {
				settable = append(settable, m)
			}
		}
		switch {
		case len(settable) == 0:
			return Result{}, &Error{Kind: SMSSetupNeedsAdmin, Op: "MFA_SETUP"}
		case len(settable) == 1 && settable[0] == MethodTOTP:
			return e.associate(ctx, st)
		}
		st.Kind, st.Options = StepMFASetupChoice, settable
	default:
		e.d.Logger.WarnContext(ctx, "unsupported Cognito challenge", "challenge", challenge)
		st.Kind = StepUnsupported
	}
	return Result{Step: &Step{State: st}}, nil
}

func (e *Engine) success(ctx context.Context, username string, amr []string, auth *types.AuthenticationResultType) (Result, error) {
	s, err := e.tokens(ctx, username, auth)
	if err != nil {
		return Result{}, err
	}
	s.AMR = amr
	return Result{Success: s}, nil
}

func (e *Engine) tokens(ctx context.Context, username string, auth *types.AuthenticationResultType) (*Success, error) {
	raw := aws.ToString(auth.IdToken)
	claims, err := e.d.Verifier.VerifyIDToken(ctx, raw)
	if err != nil {
		return nil, &Error{Kind: Internal, Op: "verify ID token", Err: err}
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

// Refresh gets fresh Cognito tokens with a refresh token; username is the real username
// (cognito:username), which SECRET_HASH needs. The result's RefreshToken is empty unless Cognito
// rotated it.
func (e *Engine) Refresh(ctx context.Context, username, refreshToken string) (*Success, error) {
	out, err := e.api.InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId:       aws.String(e.cfg.ClientID),
		AuthFlow:       types.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: e.withSecret(map[string]string{"REFRESH_TOKEN": refreshToken}, username),
	})
	if err != nil {
		return nil, mapError("InitiateAuth REFRESH_TOKEN_AUTH", err)
	}
	if out.AuthenticationResult == nil {
		return nil, &Error{Kind: Internal, Op: "InitiateAuth REFRESH_TOKEN_AUTH", Err: errors.New("no tokens in the reply")}
	}
	return e.tokens(ctx, username, out.AuthenticationResult)
}

// Revoke revokes a Cognito refresh token and the access tokens issued with it.
func (e *Engine) Revoke(ctx context.Context, refreshToken string) error {
	in := &cip.RevokeTokenInput{ClientId: aws.String(e.cfg.ClientID), Token: aws.String(refreshToken)}
	if e.cfg.ClientSecret != "" {
		in.ClientSecret = aws.String(e.cfg.ClientSecret)
	}
	if _, err := e.api.RevokeToken(ctx, in); err != nil {
		return mapError("RevokeToken", err)
	}
	return nil
}

// Delivery says where Cognito sent a code: "EMAIL" or "SMS" and the masked address.
type Delivery struct {
	Medium, Destination string
}

// ForgotPassword asks Cognito to send a password-reset code to the person's verified email
// address or phone number.
func (e *Engine) ForgotPassword(ctx context.Context, username string) (Delivery, error) {
	in := &cip.ForgotPasswordInput{ClientId: aws.String(e.cfg.ClientID), Username: aws.String(username), SecretHash: e.secretHash(username)}
	out, err := e.api.ForgotPassword(ctx, in)
	if err != nil {
		return Delivery{}, mapError("ForgotPassword", err)
	}
	var d Delivery
	if cd := out.CodeDeliveryDetails; cd != nil {
		d = Delivery{Medium: string(cd.DeliveryMedium), Destination: aws.ToString(cd.Destination)}
	}
	return d, nil
}

// ConfirmForgotPassword sets a new password with the code Cognito sent (after ForgotPassword, or
// after an administrator's AdminResetUserPassword).
func (e *Engine) ConfirmForgotPassword(ctx context.Context, username, code, newPassword string) error {
	_, err := e.api.ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{
		ClientId: aws.String(e.cfg.ClientID), Username: aws.String(username), SecretHash: e.secretHash(username),
		ConfirmationCode: aws.String(code), Password: aws.String(newPassword),
	})
	if err != nil {
		return mapError("ConfirmForgotPassword", err)
	}
	return nil
}

// OTPAuthURI builds the otpauth:// URI authenticator apps read from the QR code.
func OTPAuthURI(issuer, account, secret string) string {
	label := url.PathEscape(issuer) + ":" + url.PathEscape(account)
	q := url.Values{"secret": {secret}, "issuer": {issuer}}
	return "otpauth://totp/" + label + "?" + q.Encode()
}

// missingRequired returns the required attributes (from the JSON array of "userAttributes.x")
// that the user's attributes (a JSON object) do not already have.
func missingRequired(requiredJSON, attrsJSON string) []string {
	have := map[string]any{}
	_ = json.Unmarshal([]byte(attrsJSON), &have) // absent or malformed: nothing is known to be set
	var out []string
	for _, r := range jsonList(requiredJSON) {
		name := strings.TrimPrefix(r, "userAttributes.")
		if v, ok := have[name]; ok && v != nil && v != "" {
			continue
		}
		out = append(out, name)
	}
	return out
}

// jsonList parses a JSON array of strings; anything else gives nil.
func jsonList(s string) []string {
	var out []string
	if json.Unmarshal([]byte(s), &out) != nil {
		return nil
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func appendNew(list []string, more ...string) []string {
	out := append([]string(nil), list...)
	for _, m := range more {
		if !contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}
