package localpool

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// seedUsers adds n users u01… with emails; every third is disabled.
func (p *testPool) seedUsers(n int) {
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("u%02d", i)
		_, err := p.api.AdminCreateUser(p.ctx, &cip.AdminCreateUserInput{
			UserPoolId: aws.String(p.poolID), Username: aws.String(name), MessageAction: types.MessageActionTypeSuppress,
			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(name + "@example.com")}},
		})
		p.must(err)
		if i%3 == 0 {
			_, err = p.api.AdminDisableUser(p.ctx, &cip.AdminDisableUserInput{UserPoolId: aws.String(p.poolID), Username: aws.String(name)})
			p.must(err)
		}
	}
}

func TestListUsersPaginates(t *testing.T) {
	p := newTestPool(t)
	p.seedUsers(25) // plus alice: 26 users
	var seen []string
	var token *string
	pages := 0
	for {
		out, err := p.api.ListUsers(p.ctx, &cip.ListUsersInput{UserPoolId: aws.String(p.poolID), Limit: aws.Int32(10), PaginationToken: token})
		p.must(err)
		pages++
		if len(out.Users) > 10 {
			t.Fatalf("page of %d users, limit 10", len(out.Users))
		}
		for _, u := range out.Users {
			seen = append(seen, aws.ToString(u.Username))
		}
		if out.PaginationToken == nil {
			break
		}
		token = out.PaginationToken
	}
	if pages != 3 || len(seen) != 26 || seen[0] != "alice" || seen[25] != "u25" {
		t.Fatalf("%d pages, users %v", pages, seen)
	}
	for i := 1; i < len(seen); i++ {
		if seen[i] <= seen[i-1] {
			t.Fatalf("users repeat or are out of order: %v", seen)
		}
	}
	// Without a limit a page holds 60.
	out, err := p.api.ListUsers(p.ctx, &cip.ListUsersInput{UserPoolId: aws.String(p.poolID)})
	p.must(err)
	if len(out.Users) != 26 || out.PaginationToken != nil {
		t.Fatalf("default page: %d users, token %v", len(out.Users), out.PaginationToken)
	}
}

func TestListUsersLimitsAndFilters(t *testing.T) {
	p := newTestPool(t)
	p.seedUsers(9)
	list := func(filter string, limit int32) ([]string, error) {
		in := &cip.ListUsersInput{UserPoolId: aws.String(p.poolID), Filter: aws.String(filter)}
		if limit != 0 {
			in.Limit = aws.Int32(limit)
		}
		out, err := p.api.ListUsers(p.ctx, in)
		if err != nil {
			return nil, err
		}
		var names []string
		for _, u := range out.Users {
			names = append(names, aws.ToString(u.Username))
		}
		return names, nil
	}
	_, err := list("", 61)
	wantAPIError(t, err, "InvalidParameterException", "1 validation error detected: Value '61' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60")
	if names, err := list("", 60); err != nil || len(names) != 10 {
		t.Fatalf("limit 60: %v %v", names, err)
	}
	for _, tt := range []struct {
		filter string
		want   string
	}{
		{`username = "u03"`, "[u03]"},
		{`username ^= "u0"`, "[u01 u02 u03 u04 u05 u06 u07 u08 u09]"},
		{`email ^= "u01@"`, "[u01]"},
		{`email="u02@example.com"`, "[u02]"},
		{`status = "Disabled"`, "[u03 u06 u09]"},
		{`cognito:user_status = "CONFIRMED"`, "[alice]"},
		{`username = "u0\"3"`, "[]"},
		{`  username ^= "al"  `, "[alice]"},
	} {
		names, err := list(tt.filter, 0)
		if err != nil {
			t.Errorf("filter %s: %v", tt.filter, err)
			continue
		}
		if got := fmt.Sprint(names); got != tt.want && !(tt.want == "[]" && names == nil) {
			t.Errorf("filter %s = %s, want %s", tt.filter, got, tt.want)
		}
	}
	for _, tt := range []struct{ filter, msg string }{
		{`custom:dept = "x"`, "Invalid search attribute: custom:dept"},
		{`nickname ^= "x"`, "Invalid search attribute: nickname"},
		{`username ~= "u"`, "Error while parsing filter."},
		{`username = u01`, "Error while parsing filter."},
		{`username = "u01" and email = "x"`, "Error while parsing filter."},
		{`username = "u01`, "Error while parsing filter."},
		{`= "u01"`, "Error while parsing filter."},
	} {
		_, err := list(tt.filter, 0)
		wantAPIError(t, err, "InvalidParameterException", tt.msg)
	}
	_, err = p.api.ListUsers(p.ctx, &cip.ListUsersInput{UserPoolId: aws.String(p.poolID), PaginationToken: aws.String("!!")})
	wantAPIError(t, err, "InvalidParameterException", "Invalid pagination token.")
}

func TestAdminResetSendsCodeOnlyToVerifiedContacts(t *testing.T) {
	p := newTestPool(t)
	for _, tt := range []struct {
		name     string
		attrs    map[string]string
		wantSent bool
	}{
		{"verified", map[string]string{"email": "v@example.com", "email_verified": "true"}, true},
		{"unverified", map[string]string{"email": "n@example.com"}, false},
		{"phone", map[string]string{"phone_number": "+15555550100", "phone_number_verified": "true"}, true},
		{"nothing", nil, false},
	} {
		var attrs []types.AttributeType
		for k, v := range tt.attrs {
			attrs = append(attrs, types.AttributeType{Name: aws.String(k), Value: aws.String(v)})
		}
		_, err := p.api.AdminCreateUser(p.ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(p.poolID), Username: aws.String(tt.name), MessageAction: types.MessageActionTypeSuppress, UserAttributes: attrs})
		p.must(err)
		before := len(p.srv.Outbox().Messages())
		_, err = p.api.AdminResetUserPassword(p.ctx, &cip.AdminResetUserPasswordInput{UserPoolId: aws.String(p.poolID), Username: aws.String(tt.name)})
		p.must(err)
		if sent := len(p.srv.Outbox().Messages()) > before; sent != tt.wantSent {
			t.Errorf("%s: code sent %t, want %t", tt.name, sent, tt.wantSent)
		}
		u, err := p.api.AdminGetUser(p.ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(p.poolID), Username: aws.String(tt.name)})
		p.must(err)
		if u.UserStatus != types.UserStatusTypeResetRequired {
			t.Errorf("%s: status %s after reset", tt.name, u.UserStatus)
		}
	}
	_, err := p.api.AdminResetUserPassword(p.ctx, &cip.AdminResetUserPasswordInput{UserPoolId: aws.String(p.poolID), Username: aws.String("nobody")})
	wantAPIError(t, err, "UserNotFoundException", "User does not exist.")
}
