package cognito

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/bridgekeeper/bridgekeeper/internal/srp"
)

// challenge is one registered Cognito challenge: how the engine meets it. Each lives in its
// own challenge_*.go file and is listed in builtinChallenges. Exactly one of plan and serve is
// set.
type challenge struct {
	name types.ChallengeNameType
	// plan turns the challenge's parameters into the page a person answers, with bounded state.
	plan func(in planInput) (plan, error)
	// serve answers the challenge on the server within the request that met it, with the
	// secrets that live only in memory for that request (never in the flow cookie).
	serve func(ctx context.Context, e *Engine, sec *secrets, in planInput) (Result, error)
	// steps are the step kinds plan can show (or that answering them leads to).
	steps []stepEntry
}

// stepEntry is one step kind: how a person's answer goes back to Cognito.
type stepEntry struct {
	kind StepKind
	// proves are the RFC 8176 methods a successful answer proves (see withMethods).
	proves []string
	// answer sends the answer. st.AMR already includes proves.
	answer func(ctx context.Context, e *Engine, st State, a Answer) (Result, error)
	// worstCase is the largest state the kind can have, for the flow cookie's size budget
	// (session and username are filled in by the caller).
	worstCase func() State
}

// planInput is one challenge as Cognito sent it.
type planInput struct {
	name     types.ChallengeNameType
	session  string
	username string
	params   map[string]string
	amr      []string
}

// newPlanInput checks what Cognito sent with a challenge. username is the name known so far;
// the challenge's USER_ID_FOR_SRP replaces it. amr are the methods proven so far.
func newPlanInput(name types.ChallengeNameType, session, username string, params map[string]string, amr []string) (planInput, error) {
	if u := params["USER_ID_FOR_SRP"]; u != "" {
		username = u
	}
	if len(session) > MaxSession {
		return planInput{}, &Error{Kind: Internal, Op: string(name), Err: fmt.Errorf("session of %d characters is over Cognito's %d", len(session), MaxSession)}
	}
	return planInput{name: name, session: session, username: username, params: params, amr: amr}, nil
}

// base is the state every step of this challenge starts from.
func (in planInput) base(kind StepKind) State {
	return State{Kind: kind, Session: in.session, Username: in.username, AMR: in.amr}
}

// plan is what one challenge asks of the sign-in: the state of the page to show, plus what
// only the engine can do or show.
type plan struct {
	state State
	// attrs are the user's current attributes (NEW_PASSWORD_REQUIRED).
	attrs map[string]string
	// then, when set, is run at once instead of showing state (e.g. a Cognito call that
	// prepares the page).
	then func(ctx context.Context, e *Engine, st State) (Result, error)
	// unsupported says no entry knows the challenge: state is StepUnsupported.
	unsupported bool
	// passkeyOptions are WEB_AUTHN's request options, for the page only (Step.PasskeyOptions).
	passkeyOptions string
}

// secrets are what a sign-in knows only for the one request that started it: the password and
// the SRP client. Server-answered challenges read them; they are never stored.
type secrets struct {
	password string
	srp      *srp.Client
	// device is the browser's remembered device and deviceSRP the SRP client proving it
	// (challenge_device.go).
	device    *Device
	deviceSRP *srp.Client
	// devices finds a remembered device by the real username once Cognito names it.
	devices DeviceLookup
}

// builtinChallenges lists every challenge the engine answers. Adding a challenge is one file
// with its entry plus one line here (see docs/architecture.md, "Adding a challenge").
func builtinChallenges() []challenge {
	return append([]challenge{
		passwordVerifierChallenge(),
		newPasswordChallenge(),
		codeChallenge(types.ChallengeNameTypeSmsMfa, StepSMSCode, "SMS_MFA_CODE", amrSMS),
		emailOTPChallenge(),
		codeChallenge(types.ChallengeNameTypeSoftwareTokenMfa, StepTOTPCode, "SOFTWARE_TOKEN_MFA_CODE", amrOTP),
		selectMFAChallenge(),
		mfaSetupChallenge(),
		selectChallenge(),
		signInCodeChallenge(types.ChallengeNameTypeSmsOtp, StepSMSSignInCode, "SMS_OTP_CODE", amrSMS),
		passkeyChallenge(),
		customChallenge(),
	}, deviceChallenges()...)
}

// notApplicable are the SDK's challenge names Bridgekeeper never needs to answer, with the
// reason; or that another piece of work will register (the reason says which). The
// completeness test requires every SDK name to be registered or listed here.
func notApplicable() map[types.ChallengeNameType]string {
	return map[types.ChallengeNameType]string{
		types.ChallengeNameTypeAdminNoSrpAuth: "ADMIN_USER_PASSWORD_AUTH's password challenge, answered only by AdminRespondToAuthChallenge; Bridgekeeper uses the public flows",
		types.ChallengeNameTypePassword:       "a USER_AUTH first factor offered in SELECT_CHALLENGE's AvailableChallenges and answered there or as PREFERRED_CHALLENGE (userauth.go); Cognito does not send it as a challenge of its own",
		types.ChallengeNameTypePasswordSrp:    "a USER_AUTH first factor offered in SELECT_CHALLENGE's AvailableChallenges and answered there or as PREFERRED_CHALLENGE, then PASSWORD_VERIFIER (userauth.go); Cognito does not send it as a challenge of its own",
	}
}

// unsupportedStep is the step shown for a challenge with no entry: a page that explains, never
// a panic. It cannot be answered.
func unsupportedStep() stepEntry {
	return stepEntry{
		kind: StepUnsupported,
		answer: func(_ context.Context, _ *Engine, st State, _ Answer) (Result, error) {
			return Result{}, &Error{Kind: InvalidParameter, Op: "answer", Err: fmt.Errorf("cannot answer step %q", st.Kind)}
		},
		worstCase: func() State {
			st, _ := withData(State{Kind: StepUnsupported}, UnsupportedData{Challenge: strings.Repeat("C", maxChallengeName)})
			return st
		},
	}
}

// UnsupportedData is StepUnsupported's payload.
type UnsupportedData struct {
	// Challenge is the Cognito challenge's name, shortened to 32 bytes.
	Challenge string `json:"c"`
}

// registry indexes challenges by name and step kinds by kind.
type registry struct {
	challenges map[types.ChallengeNameType]challenge
	steps      map[StepKind]stepEntry
}

// newRegistry indexes cs; a name or kind registered twice is a programming error.
func newRegistry(cs []challenge) (registry, error) {
	r := registry{challenges: map[types.ChallengeNameType]challenge{}, steps: map[StepKind]stepEntry{}}
	all := []stepEntry{unsupportedStep()}
	for _, c := range cs {
		if _, dup := r.challenges[c.name]; dup {
			return registry{}, fmt.Errorf("challenge %s registered twice", c.name)
		}
		if (c.plan == nil) == (c.serve == nil) {
			return registry{}, fmt.Errorf("challenge %s needs exactly one of plan and serve", c.name)
		}
		r.challenges[c.name] = c
		all = append(all, c.steps...)
	}
	for _, s := range all {
		if _, dup := r.steps[s.kind]; dup {
			return registry{}, fmt.Errorf("step kind %s registered twice", s.kind)
		}
		if s.answer == nil || s.worstCase == nil {
			return registry{}, fmt.Errorf("step kind %s needs answer and worstCase", s.kind)
		}
		r.steps[s.kind] = s
	}
	return r, nil
}

// plan turns a challenge a person answers into its page; a challenge with no entry becomes the
// unsupported step (CUSTOM_CHALLENGE, WEB_AUTHN, … until their entries land, and whatever
// Cognito adds next): a page that explains, never a panic.
func (r registry) plan(in planInput) (plan, error) {
	c, ok := r.challenges[in.name]
	if !ok || c.plan == nil {
		st, err := withData(in.base(StepUnsupported), UnsupportedData{Challenge: clip(string(in.name), maxChallengeName)})
		return plan{state: st, unsupported: true}, err
	}
	return c.plan(in)
}

// StepKinds lists every step kind the engine can show, sorted: the HTTP layer needs a page for
// each.
func StepKinds() []StepKind {
	r, err := newRegistry(builtinChallenges())
	if err != nil {
		panic(err) // the built-in registry is fixed at compile time; its test proves it builds
	}
	kinds := make([]StepKind, 0, len(r.steps))
	for k := range r.steps {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	return kinds
}

// WorstCaseStates gives, for every step kind, the largest State the engine can make of it
// (a 2,048-character session, a 128-character username, every AMR value and the kind's
// payload at its bounds),
// for size tests of whatever stores states.
func WorstCaseStates() []State {
	r, err := newRegistry(builtinChallenges())
	if err != nil {
		panic(err) // see StepKinds
	}
	var out []State
	for _, k := range StepKinds() {
		st := r.steps[k].worstCase()
		// Cognito's sessions are base64: 1,536 bytes make the longest, 2,048 characters.
		st.Session = base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0xA5}, MaxSession/4*3))
		st.Username = strings.Repeat("u", MaxUsername)
		st.AMR = []string{amrPassword, amrSMS, amrOTP, amrSWK, amrMFA}
		out = append(out, st)
	}
	return out
}
