package oidc

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bridgekeeper/bridgekeeper/internal/cookiecodec"
)

// Endpoint paths, relative to the issuer URL's path.
const (
	PathDiscovery  = "/.well-known/openid-configuration"
	PathJWKS       = "/.well-known/jwks.json"
	PathAuthorize  = "/authorize"
	PathToken      = "/token"
	PathUserInfo   = "/userinfo"
	PathRevoke     = "/revoke"
	PathIntrospect = "/introspect"
	PathEndSession = "/end_session"
)

// maxFormBytes bounds request bodies of the POST endpoints.
const maxFormBytes = 64 << 10

// Provider is the OpenID Connect provider. Create it with New; it is safe
// for concurrent use.
type Provider struct {
	cfg         Config
	issuer      string // the issuer URL exactly as configured
	endpoints   string // the issuer URL without a trailing slash, to append paths to
	basePath    string // the issuer URL's path, without a trailing slash
	keys        *keySet
	clients     map[string]*client
	clientList  []*client
	sealer      *sealer
	opaqueCodec *cookiecodec.Codec // seals opaque access tokens (opaque.go)
	cookieName  string
	store       Store
	notFound    error
	unavailable error
	upstream    Upstream
	log         *slog.Logger
	now         func() time.Time
	rand        io.Reader
	corsOrigins map[string]bool
	secretCache sync.Map // client id → SHA-256 of the last secret that passed bcrypt
	handler     http.Handler
	bufs        *buffers // for records and answers encoded as JSON
}

// New validates cfg and builds a Provider.
func New(cfg Config) (*Provider, error) {
	iss, err := url.Parse(cfg.Issuer)
	if err != nil || iss.Host == "" || iss.RawQuery != "" || iss.Fragment != "" || iss.User != nil {
		return nil, fmt.Errorf("oidc: issuer %q must be an absolute URL without query or fragment", cfg.Issuer)
	}
	if iss.Scheme != "https" && (iss.Scheme != "http" || !isLoopbackHost(iss.Hostname())) {
		return nil, fmt.Errorf("oidc: issuer %q must use https (http only on a loopback host)", cfg.Issuer)
	}
	if cfg.Store == nil || cfg.NotFound == nil {
		return nil, errors.New("oidc: a store and its not-found error are required")
	}
	if cfg.StartLogin == nil {
		return nil, errors.New("oidc: StartLogin is required")
	}
	bufs := newBuffers()
	ks, err := newKeySet(cfg.Keys, cfg.SigningKeyID, bufs)
	if err != nil {
		return nil, fmt.Errorf("oidc: %w", err)
	}
	if err := checkMappings(cfg.ClaimMappings); err != nil {
		return nil, fmt.Errorf("oidc: %w", err)
	}
	cfg.SessionTTL = firstPositive(cfg.SessionTTL, DefaultSessionTTL)
	cfg.CodeTTL = firstPositive(cfg.CodeTTL, DefaultCodeTTL)
	if cfg.LiveGrants <= 0 {
		cfg.LiveGrants = DefaultLiveGrants
	}
	if cfg.RenderError == nil {
		cfg.RenderError = defaultRenderError
	}
	if cfg.ConfirmLogout == nil {
		cfg.ConfirmLogout = defaultConfirmLogout
	}
	if cfg.Continue == nil {
		cfg.Continue = defaultContinue
	}
	if cfg.LoggedOut == nil {
		cfg.LoggedOut = defaultLoggedOut
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	p := &Provider{
		cfg:         cfg,
		issuer:      cfg.Issuer,
		endpoints:   strings.TrimSuffix(cfg.Issuer, "/"),
		basePath:    strings.TrimSuffix(iss.EscapedPath(), "/"),
		keys:        ks,
		clients:     map[string]*client{},
		store:       cfg.Store,
		notFound:    cfg.NotFound,
		unavailable: cfg.Unavailable,
		upstream:    cfg.Upstream,
		log:         cfg.Logger,
		now:         cfg.Now,
		rand:        cfg.Rand,
		corsOrigins: map[string]bool{},
		bufs:        bufs,
	}
	if p.sealer, err = newSealer(cfg.CookieKeys, cfg.SessionTTL, cfg.Now, cfg.Rand); err != nil {
		return nil, fmt.Errorf("oidc: cookie keys: %w", err)
	}
	p.cookieName = cfg.CookieName
	if p.cookieName == "" {
		p.cookieName = "__Host-bk_sso"
		if cfg.InsecureCookie {
			p.cookieName = "bk_sso"
		}
	}
	if strings.HasPrefix(p.cookieName, "__Host-") && cfg.InsecureCookie {
		return nil, errors.New("oidc: a __Host- cookie needs the Secure attribute")
	}
	for _, c := range cfg.Clients {
		cl, err := newClient(c, &cfg, ks)
		if err != nil {
			return nil, fmt.Errorf("oidc: %w", err)
		}
		if _, dup := p.clients[cl.ID]; dup {
			return nil, fmt.Errorf("oidc: duplicate client id %q", cl.ID)
		}
		p.clients[cl.ID] = cl
		p.clientList = append(p.clientList, cl)
		for _, u := range cl.RedirectURIs {
			if o := webOrigin(u); o != "" {
				p.corsOrigins[o] = true
			}
		}
	}
	maxAccessTTL := time.Duration(0)
	for _, cl := range p.clientList {
		maxAccessTTL = max(maxAccessTTL, cl.accessTokenTTL)
	}
	if p.opaqueCodec, err = newOpaqueAccessCodec(cfg.CookieKeys, firstPositive(maxAccessTTL, DefaultAccessTokenTTL), cfg.Now, cfg.Rand); err != nil {
		return nil, fmt.Errorf("oidc: cookie keys: %w", err)
	}
	p.handler = p.routes()
	return p, nil
}

// checkMappings validates claim mappings.
func checkMappings(ms []ClaimMapping) error {
	seen := map[string]bool{}
	for _, m := range ms {
		if m.Attribute == "" || m.Claim == "" {
			return errors.New("claim mapping needs an attribute and a claim name")
		}
		for _, c := range protocolClaims() {
			if m.Claim == c {
				return fmt.Errorf("claim mapping may not set the protocol claim %q", c)
			}
		}
		if seen[m.Claim] {
			return fmt.Errorf("claim %q is mapped twice", m.Claim)
		}
		seen[m.Claim] = true
		switch m.Type {
		case "", "string", "boolean", "number", "json":
		default:
			return fmt.Errorf("claim mapping %q: unknown type %q", m.Claim, m.Type)
		}
		if m.Scope == scopeOpenID || m.Scope == scopeOfflineAccess {
			return fmt.Errorf("claim mapping %q: scope %q cannot release claims", m.Claim, m.Scope)
		}
	}
	return nil
}

// isLoopbackHost reports whether host is localhost or a loopback IP.
func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// webOrigin returns the origin (scheme://host[:port]) of an http(s) URI.
func webOrigin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// Handler returns an http.Handler serving every endpoint at its path below
// the issuer URL's path.
func (p *Provider) Handler() http.Handler { return p.handler }

// Endpoint is one protocol endpoint: its path (relative to the issuer URL's path), the methods
// it answers and its handler. Handlers check the method themselves too.
type Endpoint struct {
	Path    string
	Methods []string
	Serve   http.HandlerFunc
}

// Endpoints lists every protocol endpoint, in the order of the discovery document. It is the
// one list of them: Handler mounts it, and so does the web server's route table.
func (p *Provider) Endpoints() []Endpoint {
	get, post, options := http.MethodGet, http.MethodPost, http.MethodOptions
	return []Endpoint{
		{Path: PathDiscovery, Methods: []string{get}, Serve: p.Discovery},
		{Path: PathJWKS, Methods: []string{get}, Serve: p.JWKS},
		{Path: PathAuthorize, Methods: []string{get, post}, Serve: p.Authorize},
		{Path: PathToken, Methods: []string{post, options}, Serve: p.Token},
		{Path: PathUserInfo, Methods: []string{get, post, options}, Serve: p.UserInfo},
		{Path: PathRevoke, Methods: []string{post, options}, Serve: p.Revoke},
		{Path: PathIntrospect, Methods: []string{post}, Serve: p.Introspect},
		{Path: PathEndSession, Methods: []string{get, post}, Serve: p.EndSession},
	}
}

// routes mounts the endpoints below the issuer URL's path.
func (p *Provider) routes() http.Handler {
	mux := http.NewServeMux()
	for _, ep := range p.Endpoints() {
		mux.HandleFunc(p.basePath+ep.Path, ep.Serve)
	}
	return mux
}

// Issuer returns the issuer URL, exactly as configured (the "iss" value).
func (p *Provider) Issuer() string { return p.issuer }

// EndpointURL returns the absolute URL of an endpoint path (PathToken, ...).
func (p *Provider) EndpointURL(path string) string {
	return p.endpoints + path
}

// ClientName returns a registered client's display name (its id when it
// has none) and whether the client exists.
func (p *Provider) ClientName(clientID string) (string, bool) {
	c := p.clients[clientID]
	if c == nil {
		return "", false
	}
	return c.displayName(), true
}

// randomToken returns n random bytes, base64url-encoded.
func (p *Provider) randomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(p.rand, b); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	return encodeB64(b), nil
}

// parseForm parses a POST body (bounded) as application/x-www-form-urlencoded
// and returns its values; query parameters are not included.
func parseForm(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		return nil, fmt.Errorf("parse form: %w", err)
	}
	return r.PostForm, nil
}

// duplicated returns the name of a parameter given more than once, if any.
func duplicated(v url.Values) bool {
	for _, vs := range v {
		if len(vs) > 1 {
			return true
		}
	}
	return false
}

// cors answers CORS for a browser-callable endpoint. anyOrigin allows every
// origin (no credentials are involved); otherwise only origins of registered
// redirect URIs. It reports true when the request was a preflight it answered.
func (p *Provider) cors(w http.ResponseWriter, r *http.Request, anyOrigin bool, methods string) bool {
	origin := r.Header.Get("Origin")
	if origin != "" {
		h := w.Header()
		switch {
		case anyOrigin:
			h.Set("Access-Control-Allow-Origin", "*")
		case p.corsOrigins[origin]:
			h.Set("Access-Control-Allow-Origin", origin)
			h.Add("Vary", "Origin")
		}
	}
	if r.Method != http.MethodOptions || r.Header.Get("Access-Control-Request-Method") == "" {
		return false
	}
	if w.Header().Get("Access-Control-Allow-Origin") != "" {
		w.Header().Set("Access-Control-Allow-Methods", methods)
		w.Header().Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
		w.Header().Set("Access-Control-Max-Age", "600")
	}
	w.WriteHeader(http.StatusNoContent)
	return true
}
