// Package localpool is a local Amazon Cognito user pool: an HTTP server speaking Cognito's JSON
// wire protocol (X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>) well enough that the
// real AWS SDK cannot tell it from Cognito for every flow Bridgekeeper uses. It powers
// `bridgekeeper demo` and the test suites. SMS and email codes go to an Outbox instead of phones
// and mailboxes. See README.md for what is and is not emulated.
package localpool

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bridgekeeper/bridgekeeper/internal/srp"
)

// Options configure a Server.
type Options struct {
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Rand is the random source (default crypto/rand).
	Rand io.Reader
	// SessionTTL is how long a challenge session stays valid (default 3 minutes, like an app
	// client's default AuthSessionValidity).
	SessionTTL time.Duration
	// Logger receives one line per operation (never passwords, codes or tokens).
	Logger *slog.Logger
	// Region names the pools ("us-east-1" by default).
	Region string
	// BaseURL is the issuer base; empty derives it from each request's Host.
	BaseURL string
	// Faults serves the fault switchboard at FaultsPath, for tests of the real binary
	// (`bridgekeeper localpool --faults`, `bridgekeeper demo --faults`). Off by default; the
	// in-process API (SetFault, Calls) works either way.
	Faults bool
	// OnChange, when set, is called after each operation that may have changed what SaveState
	// writes (state.go), outside the service's lock.
	OnChange func()
}

// Server is a local user pool service holding any number of pools. It is safe for concurrent use.
type Server struct {
	opts   Options
	outbox *Outbox

	mu       sync.Mutex
	pools    map[string]*pool
	clients  map[string]*appClient
	sessions map[string]*session
	refresh  map[string]*refreshRecord
	// revokedOrigins are the origin_jti of revoked sign-ins, whose access tokens stop working.
	revokedOrigins map[string]bool
	ops            map[string]opFunc
	signin         *deviceCtx // the sign-in being answered under mu (devices.go)
	faults         *faults    // injected latency and failures, per operation (faults.go)
}

type pool struct {
	id, name                  string
	key                       *rsa.PrivateKey
	kid                       string
	mfa                       string // OFF, OPTIONAL, ON
	smsMFA, totpMFA, emailMFA bool
	policy                    passwordPolicy
	required                  []string
	users                     map[string]*user
	tempValidity              time.Duration
	groups                    map[string]bool
	created                   time.Time
	// aliases are the pool's AliasAttributes: email, phone_number, preferred_username.
	aliases map[string]bool
	// idKey signs ID tokens and key access tokens, each with its own kid, as in Cognito.
	idKey *rsa.PrivateKey
	idKid string
	// phantomKey derives the stable fake SRP salt and verifier of unknown users.
	phantomKey []byte
	signIn     signInSettings // choice-based sign-in and passkeys (userauth.go)
	devices    deviceSettings // devices.go
	signup     signupSettings // signup.go
	custom     *CustomAuth    // custom authentication (custom.go)
}

type passwordPolicy struct {
	MinimumLength                                                      int
	RequireUppercase, RequireLowercase, RequireNumbers, RequireSymbols bool
}

type user struct {
	username, sub string
	attrs         map[string]string
	status        string // CONFIRMED, FORCE_CHANGE_PASSWORD, RESET_REQUIRED
	enabled       bool
	password      string
	salt          []byte
	verifier      *big.Int
	passwordSetAt time.Time
	failures      int       // wrong passwords and codes since the last sign-in (lockout.go)
	lastAttempt   time.Time // the last sign-in attempt, for the lockout's idle reset
	lockedUntil   time.Time
	usedTOTP      map[int64]bool // the authenticator's 30-second steps already used
	resetAttempts int            // wrong ConfirmForgotPassword codes for the current reset code
	smsMFA        bool
	totpMFA       bool
	emailMFA      bool
	preferred     string
	totpSecret    string
	totpDevice    string // the FriendlyDeviceName given to VerifySoftwareToken
	pendingTOTP   string
	signedOutAt   time.Time
	groups        []string
	resetCode     string
	resetExpires  time.Time
	created       time.Time
	passkeys      passkeys // WebAuthn credentials (webauthn.go)
}

type appClient struct {
	id, poolID, name, secret string
	flows                    map[string]bool
	// preventExistence is PreventUserExistenceErrors ENABLED (existence.go).
	preventExistence bool
}

type session struct {
	poolID, clientID, username string
	challenge                  string
	expires                    time.Time
	srpA                       string      // the client's public A, hex
	srpServer                  *srp.Server // the pool's side of the SRP exchange (b, v and the B it sent)
	secretBlock                []byte
	code                       string
	codeExpires                time.Time
	totpSecret                 string // MFA_SETUP: the secret being enrolled
	totpDevice                 string // MFA_SETUP: its FriendlyDeviceName
	totpVerified               bool
	mfaSetupMethod             string
	// phantom marks the plausible challenge of a user who does not exist (existence.go).
	phantom bool
	ua      *userAuthSession // set on USER_AUTH's own challenges (userauth.go)
	dev     deviceCtx        // devices.go
}

type refreshRecord struct {
	poolID, clientID, username string
	issued                     time.Time
	// originJTI and eventID are the sign-in's, kept in every token refreshed from it.
	originJTI, eventID string
	// revoked: RevokeToken or a global sign-out ended it ("Refresh Token has been revoked").
	revoked bool
}

// New returns an empty local pool service.
func New(opts Options) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Rand == nil {
		opts.Rand = rand.Reader
	}
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = 3 * time.Minute
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	return &Server{
		opts:     opts,
		outbox:   newOutbox(),
		pools:    map[string]*pool{},
		clients:  map[string]*appClient{},
		sessions: map[string]*session{},
		refresh:  map[string]*refreshRecord{},
		ops:      operations(),
		faults:   newFaults(),

		revokedOrigins: map[string]bool{},
	}
}

// Outbox returns the messages the pools sent.
func (s *Server) Outbox() *Outbox { return s.outbox }

// apiError is a Cognito error: its code and message go back as Cognito sends them.
type apiError struct {
	Code, Message string
	Status        int
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func errf(code, format string, args ...any) *apiError {
	return &apiError{Code: code, Message: fmt.Sprintf(format, args...), Status: http.StatusBadRequest}
}

// Cognito's messages, word for word.
var (
	errWrongCredentials = func() *apiError { return errf("NotAuthorizedException", "Incorrect username or password.") }
	errSessionExpired   = func() *apiError {
		return errf("NotAuthorizedException", "Invalid session for the user, session is expired.")
	}
	errSessionUsed = func() *apiError {
		return errf("NotAuthorizedException", "Invalid session for the user, session can only be used once.")
	}
	errUserNotFound = func() *apiError { return errf("UserNotFoundException", "User does not exist.") }
)

type opFunc func(s *Server, r *http.Request, body []byte) (any, error)

// Handler serves the Cognito JSON protocol on POST / and each pool's discovery document and JWKS
// at /<pool id>/.well-known/….
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /{$}", s.serveAPI)
	mux.HandleFunc("GET /{pool}/.well-known/jwks.json", s.serveJWKS)
	mux.HandleFunc("GET /{pool}/.well-known/openid-configuration", s.serveDiscovery)
	if s.opts.Faults {
		mux.HandleFunc(FaultsPath, s.serveFaults)
	}
	return mux
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	target := r.Header.Get("X-Amz-Target")
	op, ok := strings.CutPrefix(target, "AWSCognitoIdentityProviderService.")
	fn := s.ops[op]
	if !ok || fn == nil {
		writeError(w, errf("UnknownOperationException", "Unknown operation %s", op))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		writeError(w, errf("InvalidParameterException", "could not read the request"))
		return
	}
	// Faults apply once the body is read, so the server notices a caller that gives up.
	if f, cleared, ok := s.faults.take(op); ok {
		done, after := s.inject(w, r, f, cleared)
		if done {
			s.opts.Logger.DebugContext(r.Context(), "local pool fault", "op", op, "fault", f.Error)
			return
		}
		if after {
			defer resetConnection(w)
			w = cutAfter{w}
		}
	}
	if ae := checkRequest(op, body); ae != nil {
		s.opts.Logger.DebugContext(r.Context(), "local pool", "op", op, "error", ae.Code)
		writeError(w, ae)
		return
	}
	out, err := fn(s, r, body)
	s.changed(op)
	if err != nil {
		var ae *apiError
		if !errors.As(err, &ae) {
			s.opts.Logger.ErrorContext(r.Context(), "local pool operation failed", "op", op, "err", err)
			ae = &apiError{Code: "InternalErrorException", Message: "Internal error", Status: http.StatusInternalServerError}
		}
		s.opts.Logger.DebugContext(r.Context(), "local pool", "op", op, "error", ae.Code)
		writeError(w, ae)
		return
	}
	s.opts.Logger.DebugContext(r.Context(), "local pool", "op", op)
	if out == nil {
		out = struct{}{}
	}
	b, err := json.Marshal(out)
	if err != nil {
		s.opts.Logger.ErrorContext(r.Context(), "local pool answer", "op", op, "err", err)
		writeError(w, &apiError{Code: "InternalErrorException", Message: "Internal error", Status: http.StatusInternalServerError})
		return
	}
	writeAnswer(w, b)
}

// answerEnd ends every answer.
const answerEnd = "\n"

// writeAnswer sends the JSON answer b and a newline with their Content-Length, as Cognito sends
// it: net/http would send an answer past 2 KiB (one with tokens) chunked, and the client could
// not size its read. The newline is a write of its own (net/http's writer takes a string
// without a copy), so b is not copied to add it.
func writeAnswer(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+len(answerEnd)))
	if _, err := w.Write(b); err == nil { // else the client went away; nothing to do
		_, _ = io.WriteString(w, answerEnd)
	}
}

func writeError(w http.ResponseWriter, e *apiError) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", e.Code)
	status := e.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": e.Code, "message": e.Message})
}

// decode parses a request body into dst, answering SerializationException for bad JSON.
func decode(body []byte, dst any) error {
	if err := json.Unmarshal(body, dst); err != nil {
		return serializationError(err)
	}
	return nil
}

// randomString returns n random bytes in URL-safe base64.
func (s *Server) randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := io.ReadFull(s.opts.Rand, b); err != nil {
		panic(fmt.Sprintf("localpool: random source failed: %v", err))
	}
	return b
}

func (s *Server) uuid() string {
	b := s.randomBytes(16)
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func (s *Server) issuer(r *http.Request, poolID string) string {
	base := s.opts.BaseURL
	if base == "" {
		base = "http://" + r.Host
	}
	return strings.TrimSuffix(base, "/") + "/" + poolID
}

// lookups; callers hold s.mu.

func (s *Server) pool(id string) (*pool, error) {
	p, ok := s.pools[id]
	if !ok {
		return nil, errf("ResourceNotFoundException", "User pool %s does not exist.", id)
	}
	return p, nil
}

func (s *Server) client(id string) (*appClient, *pool, error) {
	c, ok := s.clients[id]
	if !ok {
		return nil, nil, errf("ResourceNotFoundException", "User pool client %s does not exist.", id)
	}
	return c, s.pools[c.poolID], nil
}

// user finds a user by username or, when the pool has that alias attribute, by a verified email
// address or phone number or a preferred_username, as Cognito does.
func (p *pool) user(name string) (*user, error) {
	if u, ok := p.users[name]; ok {
		return u, nil
	}
	for _, u := range p.users {
		switch {
		case p.aliases["email"] && u.attrs["email_verified"] == "true" && u.attrs["email"] != "" && strings.EqualFold(u.attrs["email"], name),
			p.aliases["phone_number"] && u.attrs["phone_number_verified"] == "true" && u.attrs["phone_number"] != "" && u.attrs["phone_number"] == name,
			p.aliases["preferred_username"] && u.attrs["preferred_username"] != "" && strings.EqualFold(u.attrs["preferred_username"], name):
			return u, nil
		}
	}
	return nil, errUserNotFound()
}
