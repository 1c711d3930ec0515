package oidc

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/bridgekeeper/bridgekeeper/identity"
	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
)

// jwtPayload decodes a compact JWS's claims (the signature is checked elsewhere).
func jwtPayload(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a compact JWS: %q", tok)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// stable drops the claims that differ at every issue (times, ids, hashes) after checking they
// are there, so what is left can be compared exactly.
func stable(t *testing.T, what string, claims map[string]any, volatile ...string) map[string]any {
	t.Helper()
	out := map[string]any{}
	for k, v := range claims {
		out[k] = v
	}
	for _, k := range volatile {
		if _, ok := out[k]; !ok {
			t.Errorf("%s lacks %s", what, k)
		}
		delete(out, k)
	}
	return out
}

// TestTokenClaimsOfAPersonWithEveryAttribute pins every claim clients receive, in the ID token,
// the access token and userinfo, on the first issue and after a refresh, for a person with
// groups, email, phone, address, custom attributes and a claim mapping (the claims kept as one
// compact object must release exactly what the decoded claims did).
func TestTokenClaimsOfAPersonWithEveryAttribute(t *testing.T) {
	e := newEnv(t)
	c := e.newRP("app", "openid", "profile", "email", "phone", "address", "groups", "offline_access")
	first := c.flow("alice", oauth2.SetAuthURLParam("prompt", "consent"))

	person := map[string]any{
		"sub": "sub-alice", "name": "Alice Liddell", "given_name": "Alice", "family_name": "Liddell",
		"preferred_username": "alice", "updated_at": float64(1700000000), "department": "engineering", "level": float64(7),
		"email": "alice@example.com", "email_verified": true, "phone_number": "+15550100", "phone_number_verified": false,
		"address": map[string]any{"formatted": "1 Rabbit Hole, Wonderland"}, "groups": []any{"admins", "readers"},
	}
	wantID := map[string]any{"iss": e.srv.URL, "aud": "app", "amr": []any{"pwd"}}
	for k, v := range person {
		wantID[k] = v
	}
	idVolatile := []string{"exp", "iat", "auth_time", "sid", "at_hash", "nonce"}
	if got := stable(t, "ID token", first.claims, idVolatile...); !reflect.DeepEqual(got, wantID) {
		t.Errorf("ID token claims\n got %v\nwant %v", got, wantID)
	}

	wantAccess := map[string]any{
		"iss": e.srv.URL, "sub": "sub-alice", "aud": first.claims["aud"], "client_id": "app", "amr": []any{"pwd"},
		"scope": "openid profile email phone address groups offline_access", "groups": []any{"admins", "readers"},
	}
	access := jwtPayload(t, first.oauth.AccessToken)
	wantAccess["aud"] = access["aud"] // the resource audience is the client's configuration
	accessVolatile := []string{"exp", "iat", "auth_time", "sid", "jti", "gid"}
	if got := stable(t, "access token", access, accessVolatile...); !reflect.DeepEqual(got, wantAccess) {
		t.Errorf("access token claims\n got %v\nwant %v", got, wantAccess)
	}

	wantUI := map[string]any{}
	for k, v := range person {
		wantUI[k] = v
	}
	ui, err := c.userinfo(first.oauth)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ui, wantUI) {
		t.Errorf("userinfo\n got %v\nwant %v", ui, wantUI)
	}

	// A refresh takes the claims from the pool again: the same claims (no nonce).
	e.clock.Advance(2 * time.Second)
	res := e.refresh("app", first.oauth.RefreshToken)
	if res.status != 200 {
		t.Fatalf("refresh: %d %s", res.status, res.raw)
	}
	second := c.verify((&oauth2.Token{AccessToken: res.body["access_token"].(string)}).WithExtra(res.body), "")
	if got := stable(t, "refreshed ID token", second.claims, idVolatile[:len(idVolatile)-1]...); !reflect.DeepEqual(got, wantID) {
		t.Errorf("refreshed ID token claims\n got %v\nwant %v", got, wantID)
	}
	if got := stable(t, "refreshed access token", jwtPayload(t, second.oauth.AccessToken), accessVolatile...); !reflect.DeepEqual(got, wantAccess) {
		t.Errorf("refreshed access token claims\n got %v\nwant %v", got, wantAccess)
	}

	// Claims asked for one by one (the claims parameter), beyond the scopes.
	one := e.newRP("app2", "openid")
	claimsParam := `{"id_token":{"email":null,"level":null,"nickname":null},"userinfo":{"groups":null,"address":null}}`
	byName := one.flow("alice", oauth2.SetAuthURLParam("claims", claimsParam))
	wantOne := map[string]any{"iss": e.srv.URL, "aud": "app2", "amr": []any{"pwd"}, "sub": "sub-alice", "email": "alice@example.com", "level": float64(7)}
	if got := stable(t, "ID token by name", byName.claims, idVolatile...); !reflect.DeepEqual(got, wantOne) {
		t.Errorf("ID token claims by name\n got %v\nwant %v", got, wantOne)
	}
	ui, err = one.userinfo(byName.oauth)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]any{"sub": "sub-alice", "groups": []any{"admins", "readers"}, "address": person["address"]}; !reflect.DeepEqual(ui, want) {
		t.Errorf("userinfo by name\n got %v\nwant %v", ui, want)
	}
}

// The groups claim in the ID token, the access token and userinfo is what identity's one reader
// of cognito:groups (also the admin console's gate) reads, for every shape of that claim;
// without groups there is no claim.
func TestGroupsClaimOfEveryShapeOfCognitoGroups(t *testing.T) {
	e := newEnv(t)
	for i, tt := range testutil.GroupsClaimCases() {
		claims := `{"sub":"sub-g"}`
		if tt.Value != "" {
			claims = `{"sub":"sub-g","` + identity.ClaimGroups + `":` + tt.Value + `}`
		}
		c, err := identity.NewClaims([]byte(claims))
		if err != nil {
			t.Fatalf("%s: %v", tt.Name, err)
		}
		user := fmt.Sprintf("g%d", i)
		e.users[user] = identity.Identity{Subject: "sub-" + user, Username: user, Claims: c, AMR: []string{"pwd"}}
		var want any // the claim as decoded JSON; nil when absent
		if tt.Want != nil {
			list := make([]any, len(tt.Want))
			for i, g := range tt.Want {
				list[i] = g
			}
			want = list
		}
		tok := e.newRP("app", "openid", "groups").flow(user, oauth2.SetAuthURLParam("prompt", "login"))
		ui, err := e.newRP("app", "openid", "groups").userinfo(tok.oauth)
		if err != nil {
			t.Fatalf("%s: userinfo: %v", tt.Name, err)
		}
		for where, got := range map[string]map[string]any{"ID token": tok.claims, "access token": jwtPayload(t, tok.oauth.AccessToken), "userinfo": ui} {
			if g, ok := got["groups"]; (want == nil && ok) || !reflect.DeepEqual(g, want) {
				t.Errorf("%s: groups in the %s of %s = %v (present %t), want %v", tt.Name, where, claims, g, ok, want)
			}
		}
	}
}
