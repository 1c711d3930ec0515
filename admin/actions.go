package admin

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// Action names an admin action, in audit entries, logs and the CLI.
type Action string

// The admin actions.
const (
	ActionResetPassword     Action = "reset-password"
	ActionTemporaryPassword Action = "temporary-password"
	ActionDisable           Action = "disable"
	ActionEnable            Action = "enable"
	ActionSignOut           Action = "sign-out"
	ActionResetMFA          Action = "reset-mfa"
	ActionForgetDevices     Action = "forget-devices"
	// ActionConsole is a refused attempt to open the console itself.
	ActionConsole Action = "console"
)

// Actor is who does an action.
type Actor struct {
	// Name is the admin's username (console) or the local OS user or --actor (CLI).
	Name string
	// Via is "console" or "cli".
	Via string
	// RequestID ties the entry to the HTTP request's log lines (console only).
	RequestID string
}

// Result is what an action did besides its Cognito call.
type Result struct {
	// SessionsEnded is true when Bridgekeeper's SSO sessions and refresh tokens were ended too;
	// false when the service cannot reach them (Deps.Sessions is nil) or the action keeps them.
	SessionsEnded bool `json:"sessions_ended"`
	// TemporaryPassword is the generated password (ActionTemporaryPassword only). Show it once;
	// never log it.
	TemporaryPassword string `json:"temporary_password,omitempty"`
	// DevicesForgotten counts the devices ActionForgetDevices forgot.
	DevicesForgotten int `json:"devices_forgotten,omitempty"`
}

// ErrNoDelivery is returned (wrapped in ErrInvalid) by ResetPassword for a user without a
// verified email address or phone number: Cognito could never send them a code, so offer a
// temporary password instead.
var ErrNoDelivery = fmt.Errorf("%w: the user has no verified email address or phone number to receive a code", ErrInvalid)

// ResetPassword forces a password reset by code (AdminResetUserPassword): Cognito sends the
// user a code and their next sign-in must use it. It ends the user's Bridgekeeper sessions.
func (s *Service) ResetPassword(ctx context.Context, actor Actor, username string) (Result, error) {
	return s.do(ctx, actor, ActionResetPassword, username, true, func(u *User) (Result, error) {
		if !u.CanReceiveCode() {
			return Result{}, ErrNoDelivery
		}
		_, err := s.d.API.AdminResetUserPassword(ctx, &cip.AdminResetUserPasswordInput{UserPoolId: s.poolID(), Username: aws.String(u.Username)})
		return Result{}, err
	})
}

// SetTemporaryPassword gives the user a new temporary password (AdminSetUserPassword, not
// permanent), generated to the pool's password policy: the next sign-in must choose a new one.
// It ends the user's Bridgekeeper sessions. The password is in the Result only.
func (s *Service) SetTemporaryPassword(ctx context.Context, actor Actor, username string) (Result, error) {
	return s.do(ctx, actor, ActionTemporaryPassword, username, true, func(u *User) (Result, error) {
		pool, err := s.Pool(ctx)
		if err != nil {
			return Result{}, err
		}
		pw, err := s.temporaryPassword(pool.policy)
		if err != nil {
			return Result{}, err
		}
		_, err = s.d.API.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{
			UserPoolId: s.poolID(), Username: aws.String(u.Username), Password: aws.String(pw), Permanent: false,
		})
		return Result{TemporaryPassword: pw}, err
	})
}

// Disable disables the account (AdminDisableUser, which also revokes Cognito's tokens) and ends
// the user's Bridgekeeper sessions.
func (s *Service) Disable(ctx context.Context, actor Actor, username string) (Result, error) {
	return s.do(ctx, actor, ActionDisable, username, true, func(u *User) (Result, error) {
		_, err := s.d.API.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: s.poolID(), Username: aws.String(u.Username)})
		return Result{}, err
	})
}

// Enable enables a disabled account (AdminEnableUser).
func (s *Service) Enable(ctx context.Context, actor Actor, username string) (Result, error) {
	return s.do(ctx, actor, ActionEnable, username, false, func(u *User) (Result, error) {
		_, err := s.d.API.AdminEnableUser(ctx, &cip.AdminEnableUserInput{UserPoolId: s.poolID(), Username: aws.String(u.Username)})
		return Result{}, err
	})
}

// SignOut signs the user out everywhere: Cognito's refresh tokens (AdminUserGlobalSignOut) and
// Bridgekeeper's SSO sessions and refresh-token families.
func (s *Service) SignOut(ctx context.Context, actor Actor, username string) (Result, error) {
	return s.do(ctx, actor, ActionSignOut, username, true, func(u *User) (Result, error) {
		_, err := s.d.API.AdminUserGlobalSignOut(ctx, &cip.AdminUserGlobalSignOutInput{UserPoolId: s.poolID(), Username: aws.String(u.Username)})
		return Result{}, err
	})
}

// ResetMFA turns every MFA method of the user off (AdminSetUserMFAPreference). With MFA required
// by the pool the next sign-in sets MFA up again; with optional MFA the person signs in without
// MFA until they set it up.
func (s *Service) ResetMFA(ctx context.Context, actor Actor, username string) (Result, error) {
	return s.do(ctx, actor, ActionResetMFA, username, false, func(u *User) (Result, error) {
		in := &cip.AdminSetUserMFAPreferenceInput{UserPoolId: s.poolID(), Username: aws.String(u.Username)}
		off := false
		// Only the methods the user has are named: a pool may not offer the others at all.
		for _, m := range append(append([]string{}, u.MFAMethods...), u.PreferredMFA) {
			switch types.ChallengeNameType(m) {
			case types.ChallengeNameTypeSmsMfa:
				in.SMSMfaSettings, off = &types.SMSMfaSettingsType{Enabled: false, PreferredMfa: false}, true
			case types.ChallengeNameTypeSoftwareTokenMfa:
				in.SoftwareTokenMfaSettings, off = &types.SoftwareTokenMfaSettingsType{Enabled: false, PreferredMfa: false}, true
			case types.ChallengeNameTypeEmailOtp:
				in.EmailMfaSettings, off = &types.EmailMfaSettingsType{Enabled: false, PreferredMfa: false}, true
			}
		}
		if !off {
			return Result{}, nil // nothing set up: nothing to turn off
		}
		_, err := s.d.API.AdminSetUserMFAPreference(ctx, in)
		return Result{}, err
	})
}

// ForgetDevices forgets the user's remembered devices (AdminForgetDevice): the one with key, or
// every one when key is empty.
func (s *Service) ForgetDevices(ctx context.Context, actor Actor, username, key string) (Result, error) {
	return s.do(ctx, actor, ActionForgetDevices, username, false, func(u *User) (Result, error) {
		devices, err := s.devices(ctx, u.Username)
		if err != nil {
			return Result{}, err
		}
		var res Result
		for _, d := range devices {
			if key != "" && d.Key != key {
				continue
			}
			if _, err := s.d.API.AdminForgetDevice(ctx, &cip.AdminForgetDeviceInput{
				UserPoolId: s.poolID(), Username: aws.String(u.Username), DeviceKey: aws.String(d.Key),
			}); err != nil {
				return res, err
			}
			res.DevicesForgotten++
		}
		if key != "" && res.DevicesForgotten == 0 {
			return res, fmt.Errorf("forget device: %w (no such device)", ErrNotFound)
		}
		return res, nil
	})
}

func (s *Service) poolID() *string { return aws.String(s.cfg.UserPoolID) }

// do runs one action on username: it reads the account, calls f, ends Bridgekeeper's sessions
// when endSessions is set, and records the outcome in the audit list.
func (s *Service) do(ctx context.Context, actor Actor, action Action, username string, endSessions bool, f func(u *User) (Result, error)) (Result, error) {
	u, err := s.user(ctx, username)
	if err != nil {
		s.record(ctx, actor, action, username, err)
		return Result{}, err
	}
	res, err := f(u)
	if err != nil {
		if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrNotFound) {
			err = cognitoError(string(action), err)
		}
		s.record(ctx, actor, action, u.Username, err)
		return res, err
	}
	if endSessions && s.d.Sessions != nil && u.Subject != "" {
		if err := s.d.Sessions.EndAllSessions(ctx, u.Subject); err != nil {
			err = fmt.Errorf("%s: end Bridgekeeper sessions: %w", action, err)
			s.record(ctx, actor, action, u.Username, err)
			return res, err
		}
		res.SessionsEnded = true
	}
	s.record(ctx, actor, action, u.Username, nil)
	return res, nil
}

// Password characters: unambiguous letters and digits, and symbols Cognito's policy counts.
const (
	upperChars  = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	lowerChars  = "abcdefghijkmnopqrstuvwxyz"
	digitChars  = "23456789"
	symbolChars = "!#%+-=?@^_"
	// minTemporaryPassword is the least length of a generated password, whatever the policy.
	minTemporaryPassword = 16
)

// temporaryPassword generates a password that meets policy (Cognito's default policy when nil):
// at least minTemporaryPassword characters, one of each kind, the rest from all kinds.
func (s *Service) temporaryPassword(policy *types.PasswordPolicyType) (string, error) {
	n := minTemporaryPassword
	if policy != nil && int(aws.ToInt32(policy.MinimumLength)) > n {
		n = int(aws.ToInt32(policy.MinimumLength))
	}
	all := upperChars + lowerChars + digitChars + symbolChars
	sets := []string{upperChars, lowerChars, digitChars, symbolChars}
	out := make([]byte, n)
	for i := range out {
		set := all
		if i < len(sets) {
			set = sets[i]
		}
		c, err := s.randIndex(len(set))
		if err != nil {
			return "", err
		}
		out[i] = set[c]
	}
	// Shuffle so the kinds are not in a fixed order (Fisher–Yates).
	for i := len(out) - 1; i > 0; i-- {
		j, err := s.randIndex(i + 1)
		if err != nil {
			return "", err
		}
		out[i], out[j] = out[j], out[i]
	}
	return string(out), nil
}

func (s *Service) randIndex(n int) (int, error) {
	v, err := rand.Int(s.d.Rand, big.NewInt(int64(n)))
	if err != nil {
		return 0, fmt.Errorf("generate password: %w", err)
	}
	return int(v.Int64()), nil
}
