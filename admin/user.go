package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/bridgekeeper/bridgekeeper/oidc"
)

// User is everything the user page and `admin show` tell about one account.
type User struct {
	Username      string    `json:"username"`
	Subject       string    `json:"sub"`
	Status        string    `json:"status"`
	Enabled       bool      `json:"enabled"`
	Email         string    `json:"email,omitempty"`
	EmailVerified bool      `json:"email_verified"`
	Phone         string    `json:"phone_number,omitempty"`
	PhoneVerified bool      `json:"phone_number_verified"`
	MFAMethods    []string  `json:"mfa_methods"`
	PreferredMFA  string    `json:"preferred_mfa,omitempty"`
	Groups        []string  `json:"groups"`
	Created       time.Time `json:"created"`
	Modified      time.Time `json:"modified"`
	// DeviceTracking is whether the pool remembers devices; Devices lists them when it does.
	DeviceTracking bool     `json:"device_tracking"`
	Devices        []Device `json:"devices,omitempty"`
	// SessionsKnown is false when Bridgekeeper's sessions are out of reach (see Deps.Sessions).
	SessionsKnown bool               `json:"sessions_known"`
	Sessions      []oidc.UserSession `json:"sessions,omitempty"`
}

// CanReceiveCode reports whether a password-reset code can reach the user: Cognito sends it
// only to a verified email address or phone number.
func (u *User) CanReceiveCode() bool {
	return (u.Email != "" && u.EmailVerified) || (u.Phone != "" && u.PhoneVerified)
}

// Device is one remembered device.
type Device struct {
	Key      string    `json:"key"`
	Name     string    `json:"name,omitempty"`
	Created  time.Time `json:"created"`
	LastUsed time.Time `json:"last_used"`
}

// maxDevices is the most remembered devices the user page lists (Cognito's page limit).
const maxDevices = 60

// Pool is what the admin pages need to know about the pool.
type Pool struct {
	// MFA is OFF, ON (required) or OPTIONAL.
	MFA string
	// DeviceTracking is whether the pool remembers devices.
	DeviceTracking bool
	policy         *types.PasswordPolicyType
}

// Pool describes the pool (DescribeUserPool).
func (s *Service) Pool(ctx context.Context) (Pool, error) {
	out, err := s.d.API.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(s.cfg.UserPoolID)})
	if err != nil {
		return Pool{}, cognitoError("describe pool", err)
	}
	p := Pool{MFA: "OFF"}
	if up := out.UserPool; up != nil {
		if up.MfaConfiguration != "" {
			p.MFA = string(up.MfaConfiguration)
		}
		p.DeviceTracking = up.DeviceConfiguration != nil
		if up.Policies != nil {
			p.policy = up.Policies.PasswordPolicy
		}
	}
	return p, nil
}

// User returns one account with its groups, devices and Bridgekeeper sessions.
func (s *Service) User(ctx context.Context, username string) (*User, error) {
	u, err := s.user(ctx, username)
	if err != nil {
		return nil, err
	}
	groups, err := s.groups(ctx, username)
	if err != nil {
		return nil, err
	}
	u.Groups = groups
	pool, err := s.Pool(ctx)
	if err != nil {
		return nil, err
	}
	if pool.DeviceTracking {
		u.DeviceTracking = true
		if u.Devices, err = s.devices(ctx, username); err != nil {
			return nil, err
		}
	}
	if s.d.Sessions != nil {
		u.SessionsKnown = true
		if u.Sessions, err = s.d.Sessions.UserSessions(ctx, u.Subject); err != nil {
			return nil, fmt.Errorf("list sessions: %w", err)
		}
	}
	return u, nil
}

// user reads the account itself (AdminGetUser).
func (s *Service) user(ctx context.Context, username string) (*User, error) {
	if username == "" || len(username) > maxUsername {
		return nil, fmt.Errorf("get user: %w", ErrNotFound)
	}
	out, err := s.d.API.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(s.cfg.UserPoolID), Username: aws.String(username)})
	if err != nil {
		return nil, cognitoError("get user", err)
	}
	a := attrMap(out.UserAttributes)
	u := &User{
		Username: aws.ToString(out.Username), Subject: a["sub"], Status: string(out.UserStatus), Enabled: out.Enabled,
		Email: a["email"], EmailVerified: a["email_verified"] == "true",
		Phone: a["phone_number"], PhoneVerified: a["phone_number_verified"] == "true",
		MFAMethods: append([]string{}, out.UserMFASettingList...), PreferredMFA: aws.ToString(out.PreferredMfaSetting),
		Created: aws.ToTime(out.UserCreateDate), Modified: aws.ToTime(out.UserLastModifiedDate),
	}
	return u, nil
}

// maxUsername is Cognito's limit on usernames.
const maxUsername = 128

// groups lists the user's groups (AdminListGroupsForUser), sorted.
func (s *Service) groups(ctx context.Context, username string) ([]string, error) {
	in := &cip.AdminListGroupsForUserInput{UserPoolId: aws.String(s.cfg.UserPoolID), Username: aws.String(username)}
	out := []string{}
	for {
		res, err := s.d.API.AdminListGroupsForUser(ctx, in)
		if err != nil {
			return nil, cognitoError("list groups", err)
		}
		for _, g := range res.Groups {
			out = append(out, aws.ToString(g.GroupName))
		}
		if aws.ToString(res.NextToken) == "" {
			break
		}
		in.NextToken = res.NextToken
	}
	sort.Strings(out)
	return out, nil
}

// devices lists the user's remembered devices (AdminListDevices).
func (s *Service) devices(ctx context.Context, username string) ([]Device, error) {
	res, err := s.d.API.AdminListDevices(ctx, &cip.AdminListDevicesInput{
		UserPoolId: aws.String(s.cfg.UserPoolID), Username: aws.String(username), Limit: aws.Int32(maxDevices),
	})
	if err != nil {
		return nil, cognitoError("list devices", err)
	}
	out := []Device{}
	for _, d := range res.Devices {
		a := attrMap(d.DeviceAttributes)
		out = append(out, Device{
			Key: aws.ToString(d.DeviceKey), Name: a["device_name"],
			Created: aws.ToTime(d.DeviceCreateDate), LastUsed: aws.ToTime(d.DeviceLastAuthenticatedDate),
		})
	}
	return out, nil
}

// IsAdmin reports whether username is in one of the admin groups. tokenGroups are the groups in
// the person's verified Cognito ID token at sign-in: without an admin group there, the answer is
// no. With one, membership is re-checked with AdminListGroupsForUser at most every
// GroupCheckInterval (the result is shared through the store), so a removed admin loses access
// within that time.
func (s *Service) IsAdmin(ctx context.Context, username string, tokenGroups []string) (bool, error) {
	if !s.anyAdminGroup(tokenGroups) {
		return false, nil
	}
	key := keyGroups + username
	if raw, err := s.d.Store.Get(ctx, key); err == nil {
		var cached []string
		if json.Unmarshal(raw, &cached) == nil {
			return s.anyAdminGroup(cached), nil
		}
	}
	groups, err := s.groups(ctx, username)
	if errors.Is(err, ErrNotFound) {
		groups = nil // a deleted user is nobody's admin
	} else if err != nil {
		return false, err
	}
	raw, _ := json.Marshal(groups) // a []string always encodes
	if err := s.d.Store.Set(ctx, key, raw, GroupCheckInterval); err != nil {
		return false, fmt.Errorf("cache group check: %w", err)
	}
	return s.anyAdminGroup(groups), nil
}

func (s *Service) anyAdminGroup(groups []string) bool {
	for _, g := range groups {
		for _, a := range s.cfg.Groups {
			if g == a {
				return true
			}
		}
	}
	return false
}
