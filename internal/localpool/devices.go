package localpool

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/bridgekeeper/bridgekeeper/internal/srp"
)

// Device tracking, as Cognito does it for SRP sign-ins: a sign-in without a DEVICE_KEY gets
// NewDeviceMetadata; the client confirms the device (ConfirmDevice, with an SRP verifier of a
// device password only it knows) and, when the pool asks users first, marks it remembered
// (UpdateDeviceStatus). A later SRP sign-in that presents the key proves the device with
// DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER just before the tokens; a remembered device in a
// pool with ChallengeRequiredOnNewDevice stands in for SMS and authenticator codes (not for email
// codes), so those are not asked.

// maxListDevices is ListDevices' largest Limit.
const maxListDevices = 60

// deviceConfig is a pool's DeviceConfiguration, with Cognito's field names.
type deviceConfig struct {
	// ChallengeRequiredOnNewDevice: a remembered device signs in with device authentication
	// instead of SMS and TOTP codes.
	ChallengeRequiredOnNewDevice bool
	// DeviceOnlyRememberedOnUserPrompt: a confirmed device is remembered only after
	// UpdateDeviceStatus(remembered) ("opt-in"); otherwise at once ("always").
	DeviceOnlyRememberedOnUserPrompt bool
}

// deviceSettings is a pool's device tracking: its configuration (nil: off) and its devices.
type deviceSettings struct {
	config  *deviceConfig
	devices map[string]*device // by device key
}

type device struct {
	key, groupKey, username, name string
	salt                          []byte
	verifier                      *big.Int
	confirmed, remembered         bool
	lastIP                        string
	created, modified, lastAuth   time.Time
}

// deviceCtx is what a sign-in carries about devices from one challenge to the next.
type deviceCtx struct {
	srp    bool       // the password was proven with SRP: only such sign-ins track devices
	key    string     // the DEVICE_KEY presented, checked to be one of the user's confirmed devices
	proven bool       // DEVICE_PASSWORD_VERIFIER succeeded
	custom *customRun // a CUSTOM_AUTH sign-in's progress (custom.go)
}

// beginSignIn makes ctx the device context of the sign-in answered under s.mu; newSession copies
// it into the sessions the request creates. Call the returned function (deferred) to end it.
func (s *Server) beginSignIn(ctx deviceCtx) func() {
	s.signin = &ctx
	return func() { s.signin = nil }
}

func errNoDevice() *apiError { return errf("ResourceNotFoundException", "Device does not exist.") }

// userDevice returns u's device with the given key; confirmed asks for a confirmed one.
func (p *pool) userDevice(u *user, key string, confirmed bool) (*device, error) {
	d, ok := p.devices.devices[key]
	if !ok || d.username != u.username || (confirmed && !d.confirmed) {
		return nil, errNoDevice()
	}
	return d, nil
}

// presentDevice records that the SRP sign-in of u presents DEVICE_KEY key (empty: none). A key
// that is not one of u's confirmed devices fails the sign-in as Cognito fails it.
func (s *Server) presentDevice(p *pool, u *user, key string) error {
	if s.signin == nil {
		return nil
	}
	s.signin.srp = true
	if key == "" || p.devices.config == nil {
		return nil
	}
	if _, err := p.userDevice(u, key, true); err != nil {
		return err
	}
	s.signin.key = key
	return nil
}

// deviceStandsInForMFA reports whether the sign-in's remembered device replaces the MFA methods
// enabled for the user: the pool must let remembered devices stand in, and none of the methods
// may be email.
func (s *Server) deviceStandsInForMFA(p *pool, u *user, enabled []string) bool {
	if s.signin == nil || s.signin.key == "" || p.devices.config == nil || !p.devices.config.ChallengeRequiredOnNewDevice || len(enabled) == 0 {
		return false
	}
	if contains(enabled, "EMAIL_OTP") {
		return false
	}
	d, err := p.userDevice(u, s.signin.key, true)
	return err == nil && d.remembered
}

// deviceChallenge returns the DEVICE_SRP_AUTH challenge when the sign-in presented a device that
// has not been proven yet.
func (s *Server) deviceChallenge(p *pool, c *appClient, u *user) (any, bool) {
	if s.signin == nil || s.signin.key == "" || s.signin.proven {
		return nil, false
	}
	sess := s.newSession(&session{poolID: p.id, clientID: c.id, username: u.username, challenge: "DEVICE_SRP_AUTH"})
	return challengeOut("DEVICE_SRP_AUTH", sess, map[string]string{"USERNAME": u.username}), true
}

// newDeviceMetadata adds NewDeviceMetadata to the tokens of an SRP sign-in that presented no
// device, in a pool that tracks devices.
func (s *Server) newDeviceMetadata(r *http.Request, p *pool, u *user, toks map[string]any) {
	if s.signin == nil || !s.signin.srp || s.signin.key != "" || p.devices.config == nil {
		return
	}
	if p.devices.devices == nil {
		p.devices.devices = map[string]*device{}
	}
	now := s.opts.Now()
	d := &device{key: s.opts.Region + "_" + s.uuid(), groupKey: "-" + alnum(s.randomBytes(9)), username: u.username, lastIP: clientIP(r), created: now, modified: now}
	p.devices.devices[d.key] = d
	toks["NewDeviceMetadata"] = map[string]string{"DeviceKey": d.key, "DeviceGroupKey": d.groupKey}
}

func clientIP(r *http.Request) string {
	host := r.RemoteAddr
	for i := len(host) - 1; i >= 0; i-- {
		if host[i] == ':' {
			return host[:i]
		}
	}
	return host
}

// answerDevice answers the device challenges and checks a DEVICE_KEY sent with
// PASSWORD_VERIFIER. handled is false for every other challenge.
func (s *Server) answerDevice(r *http.Request, p *pool, c *appClient, u *user, tok string, sess *session, cr map[string]string, name string) (out any, handled bool, err error) {
	switch name {
	case "PASSWORD_VERIFIER":
		if k := cr["DEVICE_KEY"]; k != "" {
			if err := s.presentDevice(p, u, k); err != nil {
				return nil, true, err
			}
		}
		return nil, false, nil
	case "DEVICE_SRP_AUTH":
		d, err := s.provingDevice(p, u, cr)
		if err != nil {
			return nil, true, err
		}
		if !srp.ValidA(cr["SRP_A"]) {
			return nil, true, errf("InvalidParameterException", "Invalid SRP_A")
		}
		srv, err := srp.NewServer(s.opts.Rand, d.verifier)
		if err != nil {
			return nil, true, fmt.Errorf("device srp: %w", err)
		}
		delete(s.sessions, tok)
		block := s.randomBytes(64)
		next := s.newSession(&session{poolID: p.id, clientID: c.id, username: u.username, challenge: "DEVICE_PASSWORD_VERIFIER", srpA: cr["SRP_A"], srpServer: srv, secretBlock: block})
		return challengeOut("DEVICE_PASSWORD_VERIFIER", next, map[string]string{
			"SALT": hex.EncodeToString(d.salt), "SRP_B": srv.BHex(), "SECRET_BLOCK": base64.StdEncoding.EncodeToString(block),
			"USERNAME": u.username, "DEVICE_KEY": d.key,
		}), true, nil
	case "DEVICE_PASSWORD_VERIFIER":
		d, err := s.provingDevice(p, u, cr)
		if err != nil {
			return nil, true, err
		}
		delete(s.sessions, tok)
		if err := s.checkClaim(d.verifier, sess, cr, d.groupKey, d.key); err != nil {
			if errors.Is(err, errBadClaim) {
				return nil, true, errWrongCredentials()
			}
			return nil, true, err
		}
		d.lastAuth, d.lastIP = s.opts.Now(), clientIP(r)
		s.signin.proven = true
		out, err := s.success(r, p, c, u)
		return out, true, err
	}
	return nil, false, nil
}

// provingDevice returns the device a device challenge answer names: it must be the one the
// sign-in presented.
func (s *Server) provingDevice(p *pool, u *user, cr map[string]string) (*device, error) {
	if cr["DEVICE_KEY"] == "" {
		return nil, errf("InvalidParameterException", "Missing required parameter DEVICE_KEY")
	}
	if s.signin == nil || cr["DEVICE_KEY"] != s.signin.key {
		return nil, errNoDevice()
	}
	return p.userDevice(u, cr["DEVICE_KEY"], true)
}

// deviceOperations are the device operations Cognito offers people (with an access token) and
// administrators.
func deviceOperations() map[string]opFunc {
	return map[string]opFunc{
		"ConfirmDevice":      (*Server).confirmDevice,
		"UpdateDeviceStatus": (*Server).updateDeviceStatus,
		"ListDevices":        (*Server).listDevices,
		"ForgetDevice":       (*Server).forgetDevice,
		"AdminListDevices":   (*Server).adminListDevices,
		"AdminForgetDevice":  (*Server).adminForgetDevice,
	}
}

// accessTokenOp runs f, under the lock, on the user whose access token the request carries.
func (s *Server) accessTokenOp(body []byte, f func(p *pool, u *user) (any, error)) (any, error) {
	var in struct{ AccessToken string }
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, u, err := s.userFromAccessToken(in.AccessToken)
	if err != nil {
		return nil, err
	}
	return f(p, u)
}

// adminUserCall runs f, under the lock, on the user an admin request names.
func (s *Server) adminUserCall(body []byte, f func(p *pool, u *user) (any, error)) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, u, err := s.adminUser(body)
	if err != nil {
		return nil, err
	}
	return f(p, u)
}

func (s *Server) confirmDevice(r *http.Request, body []byte) (any, error) {
	var in struct {
		DeviceKey, DeviceName      string
		DeviceSecretVerifierConfig *struct{ PasswordVerifier, Salt string }
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	return s.accessTokenOp(body, func(p *pool, u *user) (any, error) {
		d, err := p.userDevice(u, in.DeviceKey, false)
		if err != nil {
			return nil, err
		}
		if d.confirmed {
			return nil, errf("InvalidParameterException", "Device has already been confirmed.")
		}
		if in.DeviceSecretVerifierConfig == nil {
			return nil, errf("InvalidParameterException", "Missing required parameter DeviceSecretVerifierConfig")
		}
		salt, v, err := srp.ParseDeviceVerifier(in.DeviceSecretVerifierConfig.Salt, in.DeviceSecretVerifierConfig.PasswordVerifier)
		if err != nil {
			return nil, errf("InvalidParameterException", "Invalid DeviceSecretVerifierConfig")
		}
		if len(in.DeviceName) > 1024 {
			return nil, errf("InvalidParameterException", "1 validation error detected: Value at 'deviceName' failed to satisfy constraint: Member must have length less than or equal to 1024")
		}
		optIn := p.devices.config != nil && p.devices.config.DeviceOnlyRememberedOnUserPrompt
		d.salt, d.verifier, d.name, d.confirmed = salt, v, in.DeviceName, true
		d.remembered, d.modified = !optIn, s.opts.Now()
		return map[string]any{"UserConfirmationNecessary": optIn}, nil
	})
}

func (s *Server) updateDeviceStatus(r *http.Request, body []byte) (any, error) {
	var in struct{ DeviceKey, DeviceRememberedStatus string }
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	return s.accessTokenOp(body, func(p *pool, u *user) (any, error) {
		d, err := p.userDevice(u, in.DeviceKey, true)
		if err != nil {
			return nil, err
		}
		switch in.DeviceRememberedStatus {
		case "remembered", "not_remembered":
			d.remembered, d.modified = in.DeviceRememberedStatus == "remembered", s.opts.Now()
			return nil, nil
		}
		return nil, errf("InvalidParameterException", "1 validation error detected: Value '%s' at 'deviceRememberedStatus' failed to satisfy constraint: Member must satisfy enum value set: [remembered, not_remembered]", in.DeviceRememberedStatus)
	})
}

// deviceRequest is what the list and forget operations read besides the user.
type deviceRequest struct {
	DeviceKey       string
	Limit           int
	PaginationToken string
}

func (s *Server) listDevices(r *http.Request, body []byte) (any, error) {
	return s.deviceOp(body, s.accessTokenOp, (*pool).deviceList)
}

func (s *Server) adminListDevices(r *http.Request, body []byte) (any, error) {
	return s.deviceOp(body, s.adminUserCall, (*pool).deviceList)
}

func (s *Server) forgetDevice(r *http.Request, body []byte) (any, error) {
	return s.deviceOp(body, s.accessTokenOp, (*pool).forget)
}

func (s *Server) adminForgetDevice(r *http.Request, body []byte) (any, error) {
	return s.deviceOp(body, s.adminUserCall, (*pool).forget)
}

// deviceOp decodes a device request and runs f on the user that find (by access token or as an
// administrator) names.
func (s *Server) deviceOp(body []byte, find func([]byte, func(*pool, *user) (any, error)) (any, error), f func(*pool, *user, deviceRequest) (any, error)) (any, error) {
	var in deviceRequest
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	return find(body, func(p *pool, u *user) (any, error) { return f(p, u, in) })
}

// deviceList is one page of u's confirmed devices, oldest first.
func (p *pool) deviceList(u *user, in deviceRequest) (any, error) {
	if in.Limit < 0 || in.Limit > maxListDevices {
		return nil, errf("InvalidParameterException", "1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value less than or equal to %d", in.Limit, maxListDevices)
	}
	limit := in.Limit
	if limit == 0 {
		limit = maxListDevices
	}
	var mine []*device
	for _, d := range p.devices.devices {
		if d.username == u.username && d.confirmed {
			mine = append(mine, d)
		}
	}
	sort.Slice(mine, func(i, j int) bool {
		if !mine[i].created.Equal(mine[j].created) {
			return mine[i].created.Before(mine[j].created)
		}
		return mine[i].key < mine[j].key
	})
	start := 0
	if in.PaginationToken != "" {
		n, err := strconv.Atoi(in.PaginationToken)
		if err != nil || n < 0 || n > len(mine) {
			return nil, errf("InvalidParameterException", "Invalid pagination token")
		}
		start = n
	}
	end := min(start+limit, len(mine))
	out := map[string]any{"Devices": deviceTypes(mine[start:end])}
	if end < len(mine) {
		out["PaginationToken"] = strconv.Itoa(end)
	}
	return out, nil
}

func deviceTypes(ds []*device) []map[string]any {
	out := []map[string]any{}
	for _, d := range ds {
		status := "not_remembered"
		if d.remembered {
			status = "remembered"
		}
		attrs := []attr{{Name: "device_status", Value: "valid"}, {Name: "dev:device_remembered_status", Value: status}, {Name: "last_ip_used", Value: d.lastIP}}
		if d.name != "" {
			attrs = append(attrs, attr{Name: "device_name", Value: d.name})
		}
		t := map[string]any{
			"DeviceKey": d.key, "DeviceAttributes": attrs,
			"DeviceCreateDate": float64(d.created.Unix()), "DeviceLastModifiedDate": float64(d.modified.Unix()),
		}
		if !d.lastAuth.IsZero() {
			t["DeviceLastAuthenticatedDate"] = float64(d.lastAuth.Unix())
		}
		out = append(out, t)
	}
	return out
}

func (p *pool) forget(u *user, in deviceRequest) (any, error) {
	if in.DeviceKey == "" {
		return nil, errf("InvalidParameterException", "Missing required parameter DeviceKey")
	}
	if _, err := p.userDevice(u, in.DeviceKey, false); err != nil {
		return nil, err
	}
	delete(p.devices.devices, in.DeviceKey)
	return nil, nil
}
