// Package admin does what administrators do to accounts: search and show users, force password
// resets, disable and enable, sign out everywhere, reset MFA and forget remembered devices. Each
// action is the Cognito call, ending Bridgekeeper's own sessions where it should, and an audit
// entry (a structured log event and a bounded, time-ordered list in the store). The admin console
// (package handlers) and the `bridgekeeper admin` command line both call this one Service.
package admin

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/bridgekeeper/bridgekeeper/oidc"
	"github.com/bridgekeeper/bridgekeeper/store"
)

// API is the part of the Cognito API the admin actions call (the IAM policy in docs/admin.md
// allows exactly these). *cognitoidentityprovider.Client implements it.
type API interface {
	ListUsers(ctx context.Context, in *cip.ListUsersInput, opts ...func(*cip.Options)) (*cip.ListUsersOutput, error)
	AdminGetUser(ctx context.Context, in *cip.AdminGetUserInput, opts ...func(*cip.Options)) (*cip.AdminGetUserOutput, error)
	AdminListGroupsForUser(ctx context.Context, in *cip.AdminListGroupsForUserInput, opts ...func(*cip.Options)) (*cip.AdminListGroupsForUserOutput, error)
	AdminResetUserPassword(ctx context.Context, in *cip.AdminResetUserPasswordInput, opts ...func(*cip.Options)) (*cip.AdminResetUserPasswordOutput, error)
	AdminSetUserPassword(ctx context.Context, in *cip.AdminSetUserPasswordInput, opts ...func(*cip.Options)) (*cip.AdminSetUserPasswordOutput, error)
	AdminDisableUser(ctx context.Context, in *cip.AdminDisableUserInput, opts ...func(*cip.Options)) (*cip.AdminDisableUserOutput, error)
	AdminEnableUser(ctx context.Context, in *cip.AdminEnableUserInput, opts ...func(*cip.Options)) (*cip.AdminEnableUserOutput, error)
	AdminUserGlobalSignOut(ctx context.Context, in *cip.AdminUserGlobalSignOutInput, opts ...func(*cip.Options)) (*cip.AdminUserGlobalSignOutOutput, error)
	AdminSetUserMFAPreference(ctx context.Context, in *cip.AdminSetUserMFAPreferenceInput, opts ...func(*cip.Options)) (*cip.AdminSetUserMFAPreferenceOutput, error)
	AdminListDevices(ctx context.Context, in *cip.AdminListDevicesInput, opts ...func(*cip.Options)) (*cip.AdminListDevicesOutput, error)
	AdminForgetDevice(ctx context.Context, in *cip.AdminForgetDeviceInput, opts ...func(*cip.Options)) (*cip.AdminForgetDeviceOutput, error)
	DescribeUserPool(ctx context.Context, in *cip.DescribeUserPoolInput, opts ...func(*cip.Options)) (*cip.DescribeUserPoolOutput, error)
}

// Sessions lists and ends a person's Bridgekeeper SSO sessions (and the refresh-token families
// issued under them). *oidc.Provider and *oidc.SessionStore implement it.
type Sessions interface {
	UserSessions(ctx context.Context, subject string) ([]oidc.UserSession, error)
	EndAllSessions(ctx context.Context, subject string) error
}

// Store is the part of the state store the service uses: the ordered set holding the audit
// list, counters for refused attempts, and the cache of group checks. store.Store implements it.
type Store interface {
	ZAdd(ctx context.Context, key, member string, score int64, ttl time.Duration) error
	ZRange(ctx context.Context, key string, rev bool, limit int) ([]store.Scored, error)
	ZTrim(ctx context.Context, key string, keep int) ([]string, error)
	Incr(ctx context.Context, key string, ttl time.Duration) (int64, error)
	Get(ctx context.Context, key string) ([]byte, error)
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error
}

// Defaults of Config.
const (
	// DefaultGroup is the Cognito group whose members are administrators.
	DefaultGroup = "bridgekeeper-admins"
	// GroupCheckInterval is how long a group check (AdminListGroupsForUser) is trusted.
	GroupCheckInterval = 30 * time.Second
	// PageSize is how many users a search returns at a time.
	PageSize = 20
	// AuditKeep bounds the audit list in the store.
	AuditKeep = 1000
	// AuditTTL is how long an audit entry is kept in the store (the log keeps them for good).
	AuditTTL = 90 * 24 * time.Hour
	// RefusedPerMinute is how many refused attempts per person and minute reach the audit list;
	// more are only logged, so nobody can push real entries out of the list.
	RefusedPerMinute = 5
)

// Store keys.
const (
	keyAudit   = "admin:audit"
	keyGroups  = "admin:groups:"  // + username → the groups found by the last check
	keyRefused = "admin:refused:" // + actor + ":" + minute → count
)

// Config says which pool to manage and who may.
type Config struct {
	// UserPoolID is the pool's id. Required.
	UserPoolID string
	// Groups are the Cognito groups whose members are administrators (default DefaultGroup).
	Groups []string
}

// Deps are the parts the service works with. API and Store are required.
type Deps struct {
	API   API
	Store Store
	// Sessions ends Bridgekeeper's sessions; nil when they are out of reach (the CLI without a
	// shared store): actions then do Cognito's side only and say so.
	Sessions Sessions
	Logger   *slog.Logger
	Now      func() time.Time
	// Rand generates temporary passwords (default crypto/rand).
	Rand io.Reader
}

// Service performs admin actions. It is safe for concurrent use.
type Service struct {
	cfg Config
	d   Deps
}

// New checks cfg and deps and returns the service.
func New(cfg Config, d Deps) (*Service, error) {
	if cfg.UserPoolID == "" {
		return nil, errors.New("admin: a user pool id is required")
	}
	if d.API == nil || d.Store == nil {
		return nil, errors.New("admin: API and Store are required")
	}
	if len(cfg.Groups) == 0 {
		cfg.Groups = []string{DefaultGroup}
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Rand == nil {
		d.Rand = rand.Reader
	}
	return &Service{cfg: cfg, d: d}, nil
}

// SessionsReachable reports whether the service can end Bridgekeeper's sessions.
func (s *Service) SessionsReachable() bool { return s.d.Sessions != nil }

// Errors the service returns (wrapped); match them with errors.Is.
var (
	// ErrNotFound: the user does not exist.
	ErrNotFound = errors.New("admin: no such user")
	// ErrInvalid: the request cannot be done as asked (a bad search, a method not set up).
	ErrInvalid = errors.New("admin: invalid request")
	// ErrForbidden: the actor is not an administrator.
	ErrForbidden = errors.New("admin: not an administrator")
)

// cognitoError maps a Cognito error to the service's errors, keeping Cognito's code.
func cognitoError(op string, err error) error {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "UserNotFoundException", "ResourceNotFoundException":
			return fmt.Errorf("%s: %w (%s)", op, ErrNotFound, ae.ErrorCode())
		case "InvalidParameterException", "InvalidPasswordException":
			return fmt.Errorf("%s: %w: %s: %s", op, ErrInvalid, ae.ErrorCode(), ae.ErrorMessage())
		}
	}
	return fmt.Errorf("%s: %w", op, err)
}

// errorCode is Cognito's error code in err, for the audit entry ("" when there is none).
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	switch {
	case errors.Is(err, ErrNotFound):
		return "UserNotFound"
	case errors.Is(err, ErrInvalid):
		return "Invalid"
	}
	return "Error"
}

// SearchFields are the attributes users can be searched by, each with a prefix match.
var SearchFields = []string{"username", "email", "phone_number"}

// Search asks for one page of users.
type Search struct {
	// Field is one of SearchFields (default username).
	Field string
	// Prefix is what the field starts with; empty lists everyone.
	Prefix string
	// Filter is a raw Cognito filter expression (`email ^= "al"`); it replaces Field and Prefix
	// and Cognito checks it.
	Filter string
	// Token continues a previous search (Page.Next).
	Token string
	// Limit is the page size (default PageSize, at most MaxPageSize).
	Limit int
}

// MaxPageSize is the largest page ListUsers returns (Cognito's limit).
const MaxPageSize = 60

// UserSummary is one row of a search.
type UserSummary struct {
	Username string `json:"username"`
	Email    string `json:"email,omitempty"`
	Phone    string `json:"phone_number,omitempty"`
	Status   string `json:"status"`
	Enabled  bool   `json:"enabled"`
}

// Page is one page of a search.
type Page struct {
	Users []UserSummary `json:"users"`
	// Next continues the search; empty on the last page.
	Next string `json:"next,omitempty"`
}

// maxPrefix bounds a search prefix and maxFilter a filter (Cognito's limit is 256 characters).
const (
	maxPrefix = 200
	maxFilter = 256
)

// ListUsers returns a page of users whose field starts with the prefix.
func (s *Service) ListUsers(ctx context.Context, q Search) (Page, error) {
	if q.Field == "" {
		q.Field = "username"
	}
	known := false
	for _, f := range SearchFields {
		known = known || f == q.Field
	}
	if !known {
		return Page{}, fmt.Errorf("list users: %w: search by %s", ErrInvalid, strings.Join(SearchFields, ", "))
	}
	if len(q.Prefix) > maxPrefix || len(q.Filter) > maxFilter {
		return Page{}, fmt.Errorf("list users: %w: the search is longer than %d characters", ErrInvalid, maxPrefix)
	}
	if q.Limit <= 0 {
		q.Limit = PageSize
	}
	in := &cip.ListUsersInput{UserPoolId: aws.String(s.cfg.UserPoolID), Limit: aws.Int32(int32(q.Limit))}
	switch {
	case q.Filter != "":
		in.Filter = aws.String(q.Filter)
	case q.Prefix != "":
		in.Filter = aws.String(Filter(q.Field, q.Prefix))
	}
	if q.Token != "" {
		in.PaginationToken = aws.String(q.Token)
	}
	out, err := s.d.API.ListUsers(ctx, in)
	if err != nil {
		return Page{}, cognitoError("list users", err)
	}
	p := Page{Users: []UserSummary{}, Next: aws.ToString(out.PaginationToken)}
	for _, u := range out.Users {
		a := attrMap(u.Attributes)
		p.Users = append(p.Users, UserSummary{
			Username: aws.ToString(u.Username), Email: a["email"], Phone: a["phone_number"],
			Status: string(u.UserStatus), Enabled: u.Enabled,
		})
	}
	return p, nil
}

// Filter is Cognito's prefix filter on field: `field ^= "value"`, with quotes and backslashes
// in value escaped.
func Filter(field, prefix string) string {
	esc := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(prefix)
	return fmt.Sprintf(`%s ^= "%s"`, field, esc)
}

func attrMap(attrs []types.AttributeType) map[string]string {
	m := make(map[string]string, len(attrs))
	for _, a := range attrs {
		m[aws.ToString(a.Name)] = aws.ToString(a.Value)
	}
	return m
}
