package localpool

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/go-webauthn/webauthn/webauthn"
)

// stateVersion is the version of the state file's layout.
const stateVersion = 1

// The state file: what a local pool service keeps across a restart (`bridgekeeper localpool
// --state FILE`): pools with their keys and settings, app clients, users with their passwords,
// MFA settings, groups, devices and passkeys. Not kept: challenge sessions, refresh tokens, codes
// waiting to be confirmed and passkey registrations under way (a restart ends sign-ins in
// flight, as an expired session would), and the outbox.
type stateFile struct {
	Version int           `json:"version"`
	Pools   []poolState   `json:"pools"`
	Clients []clientState `json:"clients"`
}

type poolState struct {
	ID, Name         string
	Key, IDKey       []byte // PKCS #8
	Kid, IDKid       string
	MFA              string
	SMSMFA, TOTPMFA  bool
	EmailMFA         bool
	Policy           passwordPolicy
	Required         []string
	Users            []userState
	TempValidity     time.Duration
	Groups           []string
	Created          time.Time
	Aliases          []string
	PhantomKey       []byte
	FirstFactors     []string
	RPID             string
	UserVerification string
	PasskeyFactor    string
	DeviceConfig     *deviceConfig
	Devices          []deviceState
	AdminOnly        bool
	AutoVerified     []string
	Custom           *CustomAuth
}

type userState struct {
	Username, Sub             string
	Attrs                     map[string]string
	Status                    string
	Enabled                   bool
	Password                  string
	Salt                      []byte
	Verifier                  *big.Int
	PasswordSetAt             time.Time
	Failures                  int
	LastAttempt, LockedUntil  time.Time
	UsedTOTP                  []int64
	ResetAttempts             int
	SMSMFA, TOTPMFA, EmailMFA bool
	Preferred                 string
	TOTPSecret, PendingTOTP   string
	SignedOutAt               time.Time
	Groups                    []string
	ResetCode                 string
	ResetExpires, Created     time.Time
	Passkeys                  []passkeyState
}

type passkeyState struct {
	Credential webauthn.Credential
	RPID       string
	Created    time.Time
}

type deviceState struct {
	Key, GroupKey, Username, Name string
	Salt                          []byte
	Verifier                      *big.Int
	Confirmed, Remembered         bool
	LastIP                        string
	Created, Modified, LastAuth   time.Time
}

type clientState struct {
	ID, PoolID, Name, Secret string
	Flows                    []string
	PreventExistence         bool
}

// SaveState writes the service's pools, app clients, users, groups, devices and passkeys as
// JSON (see stateFile for what is not kept). The file holds passwords and keys: keep it private.
func (s *Server) SaveState(w io.Writer) error {
	s.mu.Lock()
	st, err := s.state()
	s.mu.Unlock()
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	if err := enc.Encode(st); err != nil {
		return fmt.Errorf("localpool: write state: %w", err)
	}
	return nil
}

// LoadState replaces the service's pools and app clients with a state SaveState wrote; sign-ins
// in flight and tokens issued before end.
func (s *Server) LoadState(r io.Reader) error {
	var st stateFile
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&st); err != nil {
		return fmt.Errorf("localpool: read state: %w", err)
	}
	if st.Version != stateVersion {
		return fmt.Errorf("localpool: state version %d, want %d", st.Version, stateVersion)
	}
	pools := map[string]*pool{}
	for _, ps := range st.Pools {
		p, err := ps.pool()
		if err != nil {
			return fmt.Errorf("localpool: state of pool %s: %w", ps.ID, err)
		}
		pools[p.id] = p
	}
	clients := map[string]*appClient{}
	for _, cs := range st.Clients {
		if pools[cs.PoolID] == nil {
			return fmt.Errorf("localpool: state: client %s of unknown pool %s", cs.ID, cs.PoolID)
		}
		clients[cs.ID] = &appClient{id: cs.ID, poolID: cs.PoolID, name: cs.Name, secret: cs.Secret, flows: set(cs.Flows), preventExistence: cs.PreventExistence}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pools, s.clients = pools, clients
	s.sessions, s.refresh, s.revokedOrigins = map[string]*session{}, map[string]*refreshRecord{}, map[string]bool{}
	return nil
}

// changed tells Options.OnChange that op may have changed the state: any operation but those
// that only read (Describe…, List…, Get…, AdminGet…, AdminList…).
func (s *Server) changed(op string) {
	if s.opts.OnChange == nil {
		return
	}
	for _, readOnly := range [...]string{"Describe", "List", "Get", "AdminGet", "AdminList"} {
		if strings.HasPrefix(op, readOnly) {
			return
		}
	}
	s.opts.OnChange()
}

// PoolInfo is what a configuration needs to know of a pool: its id, name and app clients.
type PoolInfo struct {
	ID, Name string
	Clients  []ClientInfo
}

// ClientInfo is an app client's id, name and secret (empty for a public client).
type ClientInfo struct {
	ID, Name, Secret string
}

// Pools lists the pools, oldest first, each with its app clients by name.
func (s *Server) Pools() []PoolInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	ps := make([]*pool, 0, len(s.pools))
	for _, p := range s.pools {
		ps = append(ps, p)
	}
	slices.SortFunc(ps, func(a, b *pool) int { return cmpThen(a.created.Compare(b.created), strings.Compare(a.id, b.id)) })
	out := make([]PoolInfo, 0, len(ps))
	for _, p := range ps {
		info := PoolInfo{ID: p.id, Name: p.name}
		for _, c := range s.clients {
			if c.poolID == p.id {
				info.Clients = append(info.Clients, ClientInfo{ID: c.id, Name: c.name, Secret: c.secret})
			}
		}
		slices.SortFunc(info.Clients, func(a, b ClientInfo) int {
			return cmpThen(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
		})
		out = append(out, info)
	}
	return out
}

func cmpThen(first, second int) int {
	if first != 0 {
		return first
	}
	return second
}

// state copies what is kept; callers hold s.mu.
func (s *Server) state() (stateFile, error) {
	st := stateFile{Version: stateVersion, Pools: []poolState{}, Clients: []clientState{}}
	for _, p := range s.pools {
		ps, err := p.state()
		if err != nil {
			return st, err
		}
		st.Pools = append(st.Pools, ps)
	}
	slices.SortFunc(st.Pools, func(a, b poolState) int { return strings.Compare(a.ID, b.ID) })
	for _, c := range s.clients {
		st.Clients = append(st.Clients, clientState{ID: c.id, PoolID: c.poolID, Name: c.name, Secret: c.secret, Flows: keys(c.flows), PreventExistence: c.preventExistence})
	}
	slices.SortFunc(st.Clients, func(a, b clientState) int { return strings.Compare(a.ID, b.ID) })
	return st, nil
}

func (p *pool) state() (poolState, error) {
	key, err1 := x509.MarshalPKCS8PrivateKey(p.key)
	idKey, err2 := x509.MarshalPKCS8PrivateKey(p.idKey)
	if err := errors.Join(err1, err2); err != nil {
		return poolState{}, fmt.Errorf("localpool: pool %s keys: %w", p.id, err)
	}
	ps := poolState{
		ID: p.id, Name: p.name, Key: key, IDKey: idKey, Kid: p.kid, IDKid: p.idKid,
		MFA: p.mfa, SMSMFA: p.smsMFA, TOTPMFA: p.totpMFA, EmailMFA: p.emailMFA,
		Policy: p.policy, Required: p.required, TempValidity: p.tempValidity,
		Groups: keys(p.groups), Created: p.created, Aliases: keys(p.aliases), PhantomKey: p.phantomKey,
		FirstFactors: p.signIn.firstFactors, RPID: p.signIn.rpID, UserVerification: p.signIn.userVerification,
		PasskeyFactor: p.signIn.passkeyFactor, DeviceConfig: p.devices.config,
		AdminOnly: p.signup.adminOnly, AutoVerified: p.signup.autoVerified, Custom: p.custom,
		Users: []userState{}, Devices: []deviceState{},
	}
	for _, u := range p.users {
		us := userState{
			Username: u.username, Sub: u.sub, Attrs: u.attrs, Status: u.status, Enabled: u.enabled,
			Password: u.password, Salt: u.salt, Verifier: u.verifier, PasswordSetAt: u.passwordSetAt,
			Failures: u.failures, LastAttempt: u.lastAttempt, LockedUntil: u.lockedUntil,
			ResetAttempts: u.resetAttempts, SMSMFA: u.smsMFA, TOTPMFA: u.totpMFA, EmailMFA: u.emailMFA,
			Preferred: u.preferred, TOTPSecret: u.totpSecret, PendingTOTP: u.pendingTOTP,
			SignedOutAt: u.signedOutAt, Groups: u.groups, ResetCode: u.resetCode,
			ResetExpires: u.resetExpires, Created: u.created,
		}
		for step, used := range u.usedTOTP {
			if used {
				us.UsedTOTP = append(us.UsedTOTP, step)
			}
		}
		slices.Sort(us.UsedTOTP)
		for _, pk := range u.passkeys.list {
			us.Passkeys = append(us.Passkeys, passkeyState{Credential: pk.cred, RPID: pk.rpID, Created: pk.created})
		}
		ps.Users = append(ps.Users, us)
	}
	slices.SortFunc(ps.Users, func(a, b userState) int { return strings.Compare(a.Username, b.Username) })
	for _, d := range p.devices.devices {
		ps.Devices = append(ps.Devices, deviceState{
			Key: d.key, GroupKey: d.groupKey, Username: d.username, Name: d.name, Salt: d.salt, Verifier: d.verifier,
			Confirmed: d.confirmed, Remembered: d.remembered, LastIP: d.lastIP, Created: d.created, Modified: d.modified, LastAuth: d.lastAuth,
		})
	}
	slices.SortFunc(ps.Devices, func(a, b deviceState) int { return strings.Compare(a.Key, b.Key) })
	return ps, nil
}

func (ps poolState) pool() (*pool, error) {
	key, err := parseRSAKey(ps.Key)
	if err != nil {
		return nil, err
	}
	idKey, err := parseRSAKey(ps.IDKey)
	if err != nil {
		return nil, err
	}
	p := &pool{
		id: ps.ID, name: ps.Name, key: key, kid: ps.Kid, idKey: idKey, idKid: ps.IDKid,
		mfa: ps.MFA, smsMFA: ps.SMSMFA, totpMFA: ps.TOTPMFA, emailMFA: ps.EmailMFA,
		policy: ps.Policy, required: ps.Required, users: map[string]*user{}, tempValidity: ps.TempValidity,
		groups: set(ps.Groups), created: ps.Created, aliases: set(ps.Aliases), phantomKey: ps.PhantomKey,
		signIn:  signInSettings{firstFactors: ps.FirstFactors, rpID: ps.RPID, userVerification: ps.UserVerification, passkeyFactor: ps.PasskeyFactor},
		devices: deviceSettings{config: ps.DeviceConfig, devices: map[string]*device{}},
		signup:  signupSettings{adminOnly: ps.AdminOnly, autoVerified: ps.AutoVerified, codes: map[string]*confirmation{}},
		custom:  ps.Custom,
	}
	for _, us := range ps.Users {
		u := &user{
			username: us.Username, sub: us.Sub, attrs: us.Attrs, status: us.Status, enabled: us.Enabled,
			password: us.Password, salt: us.Salt, verifier: us.Verifier, passwordSetAt: us.PasswordSetAt,
			failures: us.Failures, lastAttempt: us.LastAttempt, lockedUntil: us.LockedUntil,
			resetAttempts: us.ResetAttempts, smsMFA: us.SMSMFA, totpMFA: us.TOTPMFA, emailMFA: us.EmailMFA,
			preferred: us.Preferred, totpSecret: us.TOTPSecret, pendingTOTP: us.PendingTOTP,
			signedOutAt: us.SignedOutAt, groups: us.Groups, resetCode: us.ResetCode,
			resetExpires: us.ResetExpires, created: us.Created,
		}
		if u.attrs == nil {
			u.attrs = map[string]string{}
		}
		if len(us.UsedTOTP) > 0 {
			u.usedTOTP = map[int64]bool{}
			for _, step := range us.UsedTOTP {
				u.usedTOTP[step] = true
			}
		}
		for _, pk := range us.Passkeys {
			u.passkeys.list = append(u.passkeys.list, &passkey{cred: pk.Credential, rpID: pk.RPID, created: pk.Created})
		}
		p.users[u.username] = u
	}
	for _, ds := range ps.Devices {
		p.devices.devices[ds.Key] = &device{
			key: ds.Key, groupKey: ds.GroupKey, username: ds.Username, name: ds.Name, salt: ds.Salt, verifier: ds.Verifier,
			confirmed: ds.Confirmed, remembered: ds.Remembered, lastIP: ds.LastIP, created: ds.Created, modified: ds.Modified, lastAuth: ds.LastAuth,
		}
	}
	return p, nil
}

func parseRSAKey(der []byte) (*rsa.PrivateKey, error) {
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("key: %w", err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("key: %T, want RSA", k)
	}
	return rk, nil
}

func keys(m map[string]bool) []string {
	out := []string{}
	for k, v := range m {
		if v {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func set(list []string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, k := range list {
		m[k] = true
	}
	return m
}
