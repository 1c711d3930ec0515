package admin_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/bridgekeeper/bridgekeeper/admin"
	"github.com/bridgekeeper/bridgekeeper/identity"
	"github.com/bridgekeeper/bridgekeeper/internal/localpool"
	"github.com/bridgekeeper/bridgekeeper/internal/sdkhttp"
	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
	"github.com/bridgekeeper/bridgekeeper/oidc"
	"github.com/bridgekeeper/bridgekeeper/store"
)

// sessions records which subjects had their sessions ended.
type sessions struct {
	mu    sync.Mutex
	ended []string
}

func (s *sessions) UserSessions(ctx context.Context, subject string) ([]oidc.UserSession, error) {
	return []oidc.UserSession{}, nil
}

func (s *sessions) EndAllSessions(ctx context.Context, subject string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ended = append(s.ended, subject)
	return nil
}

type fixture struct {
	t        *testing.T
	ctx      context.Context
	clock    *testutil.Clock
	pool     *localpool.Server
	api      *cip.Client
	poolID   string
	svc      *admin.Service
	sessions *sessions
	logs     *testutil.Buffer
	store    *store.Memory
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{t: t, ctx: context.Background(), clock: testutil.NewClock(time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)), sessions: &sessions{}, logs: &testutil.Buffer{}}
	f.pool = localpool.New(localpool.Options{Now: f.clock.Now})
	hs := httptest.NewServer(f.pool.Handler())
	t.Cleanup(hs.Close)
	f.api = cip.New(cip.Options{HTTPClient: sdkhttp.InMemoryBodies(nil), Region: "us-east-1", BaseEndpoint: aws.String(hs.URL), Credentials: credentials.NewStaticCredentialsProvider("x", "x", "")})
	pool, err := f.api.CreateUserPool(f.ctx, &cip.CreateUserPoolInput{PoolName: aws.String("t")})
	f.must(err)
	f.poolID = aws.ToString(pool.UserPool.Id)
	_, err = f.api.CreateGroup(f.ctx, &cip.CreateGroupInput{UserPoolId: aws.String(f.poolID), GroupName: aws.String(admin.DefaultGroup)})
	f.must(err)
	f.store = store.NewMemory(store.MemoryOptions{Now: f.clock.Now})
	f.svc, err = admin.New(admin.Config{UserPoolID: f.poolID}, admin.Deps{
		API: f.api, Store: f.store, Sessions: f.sessions, Now: f.clock.Now,
		Logger: slog.New(slog.NewJSONHandler(f.logs, nil)),
	})
	f.must(err)
	return f
}

func (f *fixture) must(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

// user creates a confirmed user with the given attributes.
func (f *fixture) user(name string, attrs ...string) {
	f.t.Helper()
	var ua []types.AttributeType
	for i := 0; i+1 < len(attrs); i += 2 {
		ua = append(ua, types.AttributeType{Name: aws.String(attrs[i]), Value: aws.String(attrs[i+1])})
	}
	_, err := f.api.AdminCreateUser(f.ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(f.poolID), Username: aws.String(name), MessageAction: types.MessageActionTypeSuppress, UserAttributes: ua})
	f.must(err)
	_, err = f.api.AdminSetUserPassword(f.ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(f.poolID), Username: aws.String(name), Password: aws.String("Passw0rd!"), Permanent: true})
	f.must(err)
}

func (f *fixture) get(name string) *cip.AdminGetUserOutput {
	f.t.Helper()
	out, err := f.api.AdminGetUser(f.ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(f.poolID), Username: aws.String(name)})
	f.must(err)
	return out
}

var boss = admin.Actor{Name: "boss", Via: "console", RequestID: "req-1"}

func TestSearchPagesAndPrefixes(t *testing.T) {
	f := newFixture(t)
	for i := 1; i <= 45; i++ {
		f.user(fmt.Sprintf("user%02d", i), "email", fmt.Sprintf("person%02d@example.com", i), "phone_number", fmt.Sprintf("+155555501%02d", i))
	}
	p1, err := f.svc.ListUsers(f.ctx, admin.Search{})
	f.must(err)
	p2, err := f.svc.ListUsers(f.ctx, admin.Search{Token: p1.Next})
	f.must(err)
	p3, err := f.svc.ListUsers(f.ctx, admin.Search{Token: p2.Next})
	f.must(err)
	if len(p1.Users) != admin.PageSize || len(p2.Users) != admin.PageSize || len(p3.Users) != 5 || p3.Next != "" {
		t.Fatalf("pages of %d, %d, %d users; last token %q", len(p1.Users), len(p2.Users), len(p3.Users), p3.Next)
	}
	if p2.Users[0].Username != "user21" || p1.Users[0].Email != "person01@example.com" || !p1.Users[0].Enabled {
		t.Fatalf("page 2 starts with %+v; page 1 with %+v", p2.Users[0], p1.Users[0])
	}
	for _, tt := range []struct {
		field, prefix string
		want          int
	}{
		{"username", "user4", 6}, {"email", "person1", 10}, {"phone_number", "+1555555010", 9},
		{"username", `x"y\`, 0}, {"", "user45", 1},
	} {
		p, err := f.svc.ListUsers(f.ctx, admin.Search{Field: tt.field, Prefix: tt.prefix})
		if err != nil || len(p.Users) != tt.want {
			t.Errorf("search %s ^= %q: %d users, %v; want %d", tt.field, tt.prefix, len(p.Users), err, tt.want)
		}
	}
	for _, q := range []admin.Search{
		{Field: "custom:dept", Prefix: "x"},
		{Prefix: strings.Repeat("a", 201)},
		{Filter: `nickname = "x"`},
	} {
		if _, err := f.svc.ListUsers(f.ctx, q); !errors.Is(err, admin.ErrInvalid) {
			t.Errorf("search %+v: %v, want ErrInvalid", q, err)
		}
	}
}

func TestActionsDoCognitosPartEndSessionsAndAudit(t *testing.T) {
	f := newFixture(t)
	f.user("alice", "email", "alice@example.com", "email_verified", "true")
	alice := f.get("alice")
	sub := ""
	for _, a := range alice.UserAttributes {
		if aws.ToString(a.Name) == "sub" {
			sub = aws.ToString(a.Value)
		}
	}
	type step struct {
		action  admin.Action
		run     func() (admin.Result, error)
		status  types.UserStatusType
		enabled bool
		ends    bool
	}
	for _, st := range []step{
		{admin.ActionResetPassword, func() (admin.Result, error) { return f.svc.ResetPassword(f.ctx, boss, "alice") }, types.UserStatusTypeResetRequired, true, true},
		{admin.ActionTemporaryPassword, func() (admin.Result, error) { return f.svc.SetTemporaryPassword(f.ctx, boss, "alice") }, types.UserStatusTypeForceChangePassword, true, true},
		{admin.ActionDisable, func() (admin.Result, error) { return f.svc.Disable(f.ctx, boss, "alice") }, types.UserStatusTypeForceChangePassword, false, true},
		{admin.ActionEnable, func() (admin.Result, error) { return f.svc.Enable(f.ctx, boss, "alice") }, types.UserStatusTypeForceChangePassword, true, false},
		{admin.ActionSignOut, func() (admin.Result, error) { return f.svc.SignOut(f.ctx, boss, "alice") }, types.UserStatusTypeForceChangePassword, true, true},
	} {
		f.sessions.ended = nil
		res, err := st.run()
		if err != nil {
			t.Fatalf("%s: %v", st.action, err)
		}
		u := f.get("alice")
		if u.UserStatus != st.status || u.Enabled != st.enabled {
			t.Errorf("%s: status %s enabled %t, want %s %t", st.action, u.UserStatus, u.Enabled, st.status, st.enabled)
		}
		if ended := len(f.sessions.ended) == 1 && f.sessions.ended[0] == sub; ended != st.ends || res.SessionsEnded != st.ends {
			t.Errorf("%s: sessions ended %v (result %t), want %t", st.action, f.sessions.ended, res.SessionsEnded, st.ends)
		}
		f.clock.Advance(time.Second)
	}
	entries, err := f.svc.Audit(f.ctx, admin.AuditFilter{Target: "alice"})
	f.must(err)
	want := []admin.Action{admin.ActionSignOut, admin.ActionEnable, admin.ActionDisable, admin.ActionTemporaryPassword, admin.ActionResetPassword}
	if len(entries) != len(want) {
		t.Fatalf("audit has %d entries, want %d: %+v", len(entries), len(want), entries)
	}
	for i, e := range entries {
		if e.Action != want[i] || e.Actor != "boss" || e.Via != "console" || e.RequestID != "req-1" || e.Result != admin.ResultOK || e.Target != "alice" {
			t.Errorf("entry %d = %+v, want %s by boss", i, e, want[i])
		}
	}
	if !strings.Contains(f.logs.String(), `"msg":"admin action"`) || !strings.Contains(f.logs.String(), `"action":"disable"`) {
		t.Errorf("no structured audit event in the log: %s", f.logs.String())
	}
}

func TestTemporaryPasswordFollowsThePolicyAndIsNeverLogged(t *testing.T) {
	f := newFixture(t)
	f.user("bob")
	seen := map[string]bool{}
	for range 5 {
		res, err := f.svc.SetTemporaryPassword(f.ctx, boss, "bob")
		f.must(err) // the pool checks its policy: uppercase, lowercase, digits, symbols, 8+
		pw := res.TemporaryPassword
		var upper, lower, digit bool
		for _, r := range pw {
			upper, lower, digit = upper || unicode.IsUpper(r), lower || unicode.IsLower(r), digit || unicode.IsDigit(r)
		}
		if len(pw) < 16 || !upper || !lower || !digit || seen[pw] {
			t.Fatalf("temporary password %q: too short, missing a kind, or repeated", pw)
		}
		seen[pw] = true
		if strings.Contains(f.logs.String(), pw) {
			t.Fatal("the temporary password was logged")
		}
	}
}

func TestResetByCodeNeedsAVerifiedContact(t *testing.T) {
	f := newFixture(t)
	f.user("nomail", "email", "nomail@example.com")
	_, err := f.svc.ResetPassword(f.ctx, boss, "nomail")
	if !errors.Is(err, admin.ErrNoDelivery) || !errors.Is(err, admin.ErrInvalid) {
		t.Fatalf("reset for a user without a verified contact: %v", err)
	}
	if f.get("nomail").UserStatus != types.UserStatusTypeConfirmed {
		t.Fatal("the refused reset changed the user")
	}
	u, err := f.svc.User(f.ctx, "nomail")
	f.must(err)
	if u.CanReceiveCode() {
		t.Fatal("CanReceiveCode for an unverified email")
	}
	f.clock.Advance(time.Second)
	if _, err := f.svc.Disable(f.ctx, boss, "ghost"); !errors.Is(err, admin.ErrNotFound) {
		t.Fatalf("disable a missing user: %v", err)
	}
	entries, err := f.svc.Audit(f.ctx, admin.AuditFilter{})
	f.must(err)
	if len(entries) != 2 || entries[0].Result != admin.ResultFailed || entries[0].Target != "ghost" || entries[0].Code != "UserNotFound" ||
		entries[1].Result != admin.ResultFailed || entries[1].Code != "Invalid" {
		t.Fatalf("failed actions in the audit: %+v", entries)
	}
}

func TestResetMFATurnsEveryMethodOff(t *testing.T) {
	f := newFixture(t)
	f.user("dave", "phone_number", "+15555550104", "email", "dave@example.com")
	_, err := f.api.SetUserPoolMfaConfig(f.ctx, &cip.SetUserPoolMfaConfigInput{
		UserPoolId: aws.String(f.poolID), MfaConfiguration: types.UserPoolMfaTypeOptional,
		SmsMfaConfiguration:   &types.SmsMfaConfigType{SmsConfiguration: &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::000000000000:role/sms")}},
		EmailMfaConfiguration: &types.EmailMfaConfigType{Message: aws.String("{####}")},
	})
	f.must(err)
	_, err = f.api.AdminSetUserMFAPreference(f.ctx, &cip.AdminSetUserMFAPreferenceInput{
		UserPoolId: aws.String(f.poolID), Username: aws.String("dave"),
		SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true, PreferredMfa: true}, EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: true},
	})
	f.must(err)
	if got := f.get("dave").UserMFASettingList; len(got) != 2 {
		t.Fatalf("setup: MFA %v", got)
	}
	_, err = f.svc.ResetMFA(f.ctx, boss, "dave")
	f.must(err)
	if u := f.get("dave"); len(u.UserMFASettingList) != 0 || u.PreferredMfaSetting != nil {
		t.Fatalf("after reset: MFA %v, preferred %v", u.UserMFASettingList, aws.ToString(u.PreferredMfaSetting))
	}
	pool, err := f.svc.Pool(f.ctx)
	f.must(err)
	if pool.MFA != "OPTIONAL" || pool.DeviceTracking {
		t.Fatalf("pool = %+v", pool)
	}
}

func TestIsAdminRechecksGroupsEvery30Seconds(t *testing.T) {
	f := newFixture(t)
	f.user("root")
	_, err := f.api.AdminAddUserToGroup(f.ctx, &cip.AdminAddUserToGroupInput{UserPoolId: aws.String(f.poolID), Username: aws.String("root"), GroupName: aws.String(admin.DefaultGroup)})
	f.must(err)
	token := []string{admin.DefaultGroup}
	for _, tt := range []struct {
		groups []string
		want   bool
	}{{nil, false}, {[]string{"other"}, false}, {token, true}} {
		if got, err := f.svc.IsAdmin(f.ctx, "root", tt.groups); err != nil || got != tt.want {
			t.Fatalf("IsAdmin with token groups %v = %t, %v", tt.groups, got, err)
		}
	}
	// Removed from the group (deleting and recreating the user is the local pool's way).
	_, err = f.api.AdminDeleteUser(f.ctx, &cip.AdminDeleteUserInput{UserPoolId: aws.String(f.poolID), Username: aws.String("root")})
	f.must(err)
	f.clock.Advance(admin.GroupCheckInterval - time.Second)
	if ok, _ := f.svc.IsAdmin(f.ctx, "root", token); !ok {
		t.Fatal("the group check was repeated before its interval")
	}
	f.clock.Advance(2 * time.Second)
	if ok, err := f.svc.IsAdmin(f.ctx, "root", token); ok || err != nil {
		t.Fatalf("a removed admin is still an admin after the interval (%v)", err)
	}
}

// The admin console's gate reads the groups of the person's token through identity's one
// reader, for every shape of cognito:groups: an administrator (in the pool's admin group) is
// let in exactly when the token's groups name that group, and a person outside it never is.
func TestIsAdminReadsEveryShapeOfTheGroupsClaim(t *testing.T) {
	f := newFixture(t)
	if testutil.AdminGroup != admin.DefaultGroup {
		t.Fatalf("testutil.AdminGroup = %q, admin.DefaultGroup = %q", testutil.AdminGroup, admin.DefaultGroup)
	}
	f.user("root")
	f.user("bob")
	_, err := f.api.AdminAddUserToGroup(f.ctx, &cip.AdminAddUserToGroupInput{UserPoolId: aws.String(f.poolID), Username: aws.String("root"), GroupName: aws.String(admin.DefaultGroup)})
	f.must(err)
	for _, tt := range testutil.GroupsClaimCases() {
		claims := `{"sub":"s"}`
		if tt.Value != "" {
			claims = `{"sub":"s","` + identity.ClaimGroups + `":` + tt.Value + `}`
		}
		c, err := identity.NewClaims([]byte(claims))
		f.must(err)
		groups := identity.Identity{Claims: c}.Groups()
		want := slices.Contains(tt.Want, admin.DefaultGroup)
		if got, err := f.svc.IsAdmin(f.ctx, "root", groups); err != nil || got != want {
			t.Errorf("%s: IsAdmin(root) with %s = %t, %v; want %t", tt.Name, claims, got, err, want)
		}
		if got, err := f.svc.IsAdmin(f.ctx, "bob", groups); err != nil || got {
			t.Errorf("%s: IsAdmin(bob, not in the group) with %s = %t, %v", tt.Name, claims, got, err)
		}
	}
}

func TestRefusedAttemptsAreCappedPerPersonAndMinute(t *testing.T) {
	f := newFixture(t)
	f.user("alice", "email", "alice@example.com", "email_verified", "true")
	_, err := f.svc.Disable(f.ctx, boss, "alice")
	f.must(err)
	f.clock.Advance(time.Second)
	mallory := admin.Actor{Name: "mallory", Via: "console"}
	for range admin.RefusedPerMinute * 3 {
		f.svc.Refused(f.ctx, mallory, admin.ActionDisable, "bob")
	}
	entries, err := f.svc.Audit(f.ctx, admin.AuditFilter{Actor: "mallory"})
	f.must(err)
	if len(entries) != admin.RefusedPerMinute || entries[0].Result != admin.ResultRefused {
		t.Fatalf("%d refused entries kept, want %d", len(entries), admin.RefusedPerMinute)
	}
	if n := strings.Count(f.logs.String(), `"actor":"mallory"`); n != admin.RefusedPerMinute*3 {
		t.Fatalf("%d refused attempts logged, want every one", n)
	}
	f.clock.Advance(time.Minute)
	f.svc.Refused(f.ctx, mallory, admin.ActionConsole, "")
	all, err := f.svc.Audit(f.ctx, admin.AuditFilter{})
	f.must(err)
	if len(all) != admin.RefusedPerMinute+2 || all[len(all)-1].Actor != "boss" {
		t.Fatalf("audit after a new minute: %d entries, oldest %+v", len(all), all[len(all)-1])
	}
}
