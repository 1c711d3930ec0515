package cognito

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestPlanFor maps what Cognito sends with each challenge (ChallengeName, Session,
// ChallengeParameters) to the step the person sees.
func TestPlanFor(t *testing.T) {
	pwd := []string{"pwd"}
	want := func(kind StepKind, username string, data any) State {
		st, err := withData(State{Kind: kind, Session: "S", Username: username, AMR: pwd}, data)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	tests := []struct {
		name      string
		challenge string
		params    map[string]string
		want      State
		attrs     map[string]string
		associate bool
		errKind   *Kind
	}{
		{
			name: "new password, one required attribute missing", challenge: "NEW_PASSWORD_REQUIRED",
			params: map[string]string{
				"USER_ID_FOR_SRP":    "bob",
				"userAttributes":     `{"email":"bob@example.com","email_verified":"true","family_name":""}`,
				"requiredAttributes": `["userAttributes.name","userAttributes.email","userAttributes.family_name"]`,
			},
			want:  want(StepNewPassword, "bob", NewPasswordData{RequiredAttributes: []string{"name", "family_name"}}),
			attrs: map[string]string{"email": "bob@example.com", "email_verified": "true", "family_name": ""},
		},
		{
			name: "new password, nothing required", challenge: "NEW_PASSWORD_REQUIRED",
			params: map[string]string{"USER_ID_FOR_SRP": "bob", "userAttributes": `{}`, "requiredAttributes": `[]`},
			want:   want(StepNewPassword, "bob", nil), attrs: map[string]string{},
		},
		{
			name: "SMS code", challenge: "SMS_MFA",
			params: map[string]string{"USER_ID_FOR_SRP": "dave", "CODE_DELIVERY_DELIVERY_MEDIUM": "SMS", "CODE_DELIVERY_DESTINATION": "+*******0104"},
			want:   want(StepSMSCode, "dave", CodeData{Destination: "+*******0104"}),
		},
		{
			name: "email code", challenge: "EMAIL_OTP",
			params: map[string]string{"USER_ID_FOR_SRP": "erin", "CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL", "CODE_DELIVERY_DESTINATION": "e***@e***"},
			want:   want(StepEmailCode, "erin", CodeData{Destination: "e***@e***"}),
		},
		{
			name: "authenticator code", challenge: "SOFTWARE_TOKEN_MFA",
			params: map[string]string{"USER_ID_FOR_SRP": "grace", "FRIENDLY_DEVICE_NAME": "Pixel"},
			want:   want(StepTOTPCode, "grace", CodeData{DeviceName: "Pixel"}),
		},
		{
			name: "select MFA keeps Cognito's order and drops unknown methods", challenge: "SELECT_MFA_TYPE",
			params: map[string]string{"USER_ID_FOR_SRP": "frank", "MFAS_CAN_CHOOSE": `["EMAIL_OTP","WEB_AUTHN","SMS_MFA","SMS_MFA"]`},
			want:   want(StepSelectMFA, "frank", ChoiceData{Options: []string{"EMAIL_OTP", "SMS_MFA"}}),
		},
		{
			name: "select MFA with nothing known", challenge: "SELECT_MFA_TYPE",
			params: map[string]string{"MFAS_CAN_CHOOSE": `not json`}, errKind: new(InvalidParameter),
		},
		{
			name: "MFA setup with a choice (SMS left out)", challenge: "MFA_SETUP",
			params: map[string]string{"USER_ID_FOR_SRP": "hank", "MFAS_CAN_SETUP": `["SMS_MFA","SOFTWARE_TOKEN_MFA","EMAIL_OTP"]`},
			want:   want(StepMFASetupChoice, "hank", ChoiceData{Options: []string{"SOFTWARE_TOKEN_MFA", "EMAIL_OTP"}}),
		},
		{
			name: "MFA setup, authenticator only", challenge: "MFA_SETUP",
			params:    map[string]string{"USER_ID_FOR_SRP": "hank", "MFAS_CAN_SETUP": `["SMS_MFA","SOFTWARE_TOKEN_MFA"]`},
			want:      want(StepTOTPSetup, "hank", nil),
			associate: true,
		},
		{
			name: "MFA setup, email only", challenge: "MFA_SETUP",
			params: map[string]string{"USER_ID_FOR_SRP": "hank", "MFAS_CAN_SETUP": `["EMAIL_OTP"]`},
			want:   want(StepEmailSetup, "hank", nil),
		},
		{
			name: "MFA setup, SMS only", challenge: "MFA_SETUP",
			params: map[string]string{"MFAS_CAN_SETUP": `["SMS_MFA"]`}, errKind: new(SMSSetupNeedsAdmin),
		},
		{
			name: "custom challenge", challenge: "CUSTOM_CHALLENGE",
			params: map[string]string{"USERNAME": "ivy", "question": " colour? ", "hint": "a rainbow has seven", "secret": "not shown"},
			want:   want(StepCustomChallenge, "ivy", CustomData{Question: "colour?", Hint: "a rainbow has seven"}),
		},
		{
			name: "custom challenge without a hint", challenge: "CUSTOM_CHALLENGE",
			params: map[string]string{"USERNAME": "ivy", "question": "What is 6 × 7?"},
			want:   want(StepCustomChallenge, "ivy", CustomData{Question: "What is 6 × 7?"}),
		},
		{
			name: "custom challenge without a question", challenge: "CUSTOM_CHALLENGE",
			params: map[string]string{"USERNAME": "ivy", "hint": "h"}, errKind: new(InvalidParameter),
		},
		{
			name: "a challenge Cognito has not invented yet", challenge: "QUANTUM_ENTANGLEMENT_VERIFICATION_OF_THE_FUTURE",
			params: nil,
			want:   want(StepUnsupported, "typed", UnsupportedData{Challenge: "QUANTUM_ENTANGLEMENT_VERIFICATIO"}),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := planFor(tt.challenge, "S", "typed", tt.params, pwd)
			if tt.errKind != nil {
				if !IsKind(err, *tt.errKind) {
					t.Fatalf("err = %v, want kind %v", err, *tt.errKind)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(p.state, tt.want) {
				t.Fatalf("state = %+v\nwant    %+v", p.state, tt.want)
			}
			if (p.then != nil) != tt.associate {
				t.Fatalf("associate = %v", p.then != nil)
			}
			if tt.attrs != nil && !reflect.DeepEqual(p.attrs, tt.attrs) {
				t.Fatalf("attrs = %v, want %v", p.attrs, tt.attrs)
			}
		})
	}
}

// planFor plans a challenge through the built-in registry, as the engine does.
func planFor(challenge, session, username string, params map[string]string, amr []string) (plan, error) {
	r, err := newRegistry(builtinChallenges())
	if err != nil {
		return plan{}, err
	}
	in, err := newPlanInput(types.ChallengeNameType(challenge), session, username, params, amr)
	if err != nil {
		return plan{}, err
	}
	return r.plan(in)
}

func TestPlanForBounds(t *testing.T) {
	long := strings.Repeat("é", 100) // 200 bytes
	p, err := planFor("SMS_MFA", "S", "u", map[string]string{"CODE_DELIVERY_DESTINATION": long}, nil)
	dest := DataOf[CodeData](p.state).Destination
	if err != nil || len(dest) > MaxDestination || !utf8.ValidString(dest) || dest == "" {
		t.Fatalf("destination %q, err %v", dest, err)
	}
	if _, err := planFor("SMS_MFA", strings.Repeat("s", MaxSession+1), "u", nil, nil); !IsKind(err, Internal) {
		t.Fatalf("an over-long session: %v", err)
	}
	var many []string
	for i := 0; i < 20; i++ {
		many = append(many, "userAttributes.custom:attribute"+strings.Repeat("x", i))
	}
	req, _ := json.Marshal(many)
	if _, err := planFor("NEW_PASSWORD_REQUIRED", "S", "u", map[string]string{"requiredAttributes": string(req)}, nil); !IsKind(err, InvalidParameter) {
		t.Fatalf("too many required attributes: %v", err)
	}
	// All 17 standard attributes, the most a real pool can require, fit.
	var std []string
	for _, a := range standardAttributes {
		std = append(std, "userAttributes."+a)
	}
	req, _ = json.Marshal(std)
	p, err = planFor("NEW_PASSWORD_REQUIRED", "S", "u", map[string]string{"requiredAttributes": string(req)}, nil)
	if got := DataOf[NewPasswordData](p.state).RequiredAttributes; err != nil || len(got) != len(standardAttributes) {
		t.Fatalf("standard attributes: %v, %v", got, err)
	}
}

// standardAttributes are the OpenID Connect attributes a Cognito pool can mark required.
var standardAttributes = []string{
	"address", "birthdate", "email", "family_name", "gender", "given_name", "locale", "middle_name", "name",
	"nickname", "phone_number", "picture", "preferred_username", "profile", "updated_at", "website", "zoneinfo",
}

func TestOTPAuthURI(t *testing.T) {
	tests := []struct{ issuer, account, secret, want string }{
		{"Bridgekeeper", "alice", "JBSWY3DPEHPK3PXP", "otpauth://totp/Bridgekeeper:alice?secret=JBSWY3DPEHPK3PXP&issuer=Bridgekeeper"},
		{"Bridgekeeper demo", "zoë@example.com", "JBSWY3DPEHPK3PXP",
			"otpauth://totp/Bridgekeeper%20demo:zo%C3%AB@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Bridgekeeper%20demo"},
		// A colon, ampersand, plus or question mark must not break the label or the query.
		{"A:B & C+D?", "x:y", "S", "otpauth://totp/A%3AB%20%26%20C%2BD%3F:x%3Ay?secret=S&issuer=A%3AB%20%26%20C%2BD%3F"},
	}
	for _, tt := range tests {
		got := OTPAuthURI(tt.issuer, tt.account, tt.secret)
		if got != tt.want {
			t.Errorf("OTPAuthURI(%q, %q) = %q, want %q", tt.issuer, tt.account, got, tt.want)
		}
		// An independent parser reads back what went in.
		u, err := url.Parse(got)
		if err != nil {
			t.Fatal(err)
		}
		label, _ := url.PathUnescape(strings.TrimPrefix(u.EscapedPath(), "/"))
		q := u.Query()
		if u.Scheme != "otpauth" || u.Host != "totp" || q.Get("secret") != tt.secret || q.Get("issuer") != tt.issuer || label != tt.issuer+":"+tt.account {
			t.Errorf("%q parses as scheme %q host %q label %q query %v", got, u.Scheme, u.Host, label, q)
		}
		if strings.Count(u.EscapedPath(), ":") != 1 {
			t.Errorf("%q: the label must have exactly one unescaped colon", got)
		}
	}
}

func TestMissingRequired(t *testing.T) {
	tests := []struct {
		required string
		have     map[string]string
		want     []string
	}{
		{`["userAttributes.name"]`, map[string]string{"email": "a@example.com"}, []string{"name"}},
		{`["userAttributes.name","userAttributes.email"]`, map[string]string{"email": "a@example.com"}, []string{"name"}},
		{`["userAttributes.name"]`, map[string]string{"name": ""}, []string{"name"}},
		{`["userAttributes.name","userAttributes.name"]`, nil, []string{"name"}},
		{`[]`, nil, nil},
		{`not json`, nil, nil},
		{`["family_name"]`, nil, []string{"family_name"}},
	}
	for _, tt := range tests {
		if got := missingRequired(tt.required, tt.have); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("missingRequired(%s, %v) = %v, want %v", tt.required, tt.have, got, tt.want)
		}
	}
}

func TestNormalizeCode(t *testing.T) {
	tests := []struct {
		in     string
		digits int
		want   string
		ok     bool
	}{
		{"123456", 6, "123456", true},
		{" 123 456 ", 6, "123456", true},
		{"123-456", 6, "123456", true},
		{"123\t456\n", 6, "123456", true},
		{"1234-5678", 8, "12345678", true},
		{"12345678", 6, "12345678", false},
		{"123456", 8, "123456", false},
		{"", 6, "", false},
		{"123", 6, "123", false},
		{"12345a", 6, "12345a", false},
		{"１２３４５６", 6, "123456", true},     // full-width digits
		{"٦٨٤ ٥٢٩", 6, "684529", true},    // Arabic-Indic, as an Arabic keyboard types them
		{"۶۸۴۵۲۹", 6, "684529", true},     // Extended Arabic-Indic (Persian)
		{"०१२३४५६७", 8, "01234567", true}, // Devanagari
		{"𝟎𝟏𝟐𝟑𝟒𝟓", 6, "012345", true},     // a range of several sets of ten
		{"12345½", 6, "12345½", false},    // a number, but not a decimal digit
		{"12345678901", 6, "12345678901", false},
	}
	for _, tt := range tests {
		got, ok := NormalizeCode(tt.in, tt.digits)
		if got != tt.want || ok != tt.ok {
			t.Errorf("NormalizeCode(%q, %d) = %q, %v; want %q, %v", tt.in, tt.digits, got, ok, tt.want, tt.ok)
		}
	}
}

func TestClip(t *testing.T) {
	for _, tt := range []struct {
		in   string
		n    int
		want string
	}{{"abc", 5, "abc"}, {"abcdef", 3, "abc"}, {"aé", 2, "a"}, {"éé", 3, "é"}, {"", 0, ""}} {
		if got := clip(tt.in, tt.n); got != tt.want {
			t.Errorf("clip(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

// TestStateSizeBudget bounds the flow cookie's payload: for every registered step kind, with a
// 2,048-character Session, a 128-character username, every AMR value and the kind's payload at
// the largest the engine lets it be, the state's JSON stays under 3,000 bytes before encryption
// and survives a round trip. (The flow cookie test in handlers measures the sealed cookie.)
func TestStateSizeBudget(t *testing.T) {
	if n := jsonLen(standardAttributes); n > MaxRequiredAttributes {
		t.Fatalf("the standard attributes take %d bytes, over MaxRequiredAttributes", n)
	}
	states := WorstCaseStates()
	if len(states) != len(StepKinds()) {
		t.Fatalf("%d worst cases for %d kinds", len(states), len(StepKinds()))
	}
	for _, st := range states {
		t.Run(string(st.Kind), func(t *testing.T) {
			if len(st.Session) != MaxSession || len(st.Username) != MaxUsername {
				t.Fatalf("session %d, username %d characters", len(st.Session), len(st.Username))
			}
			n := st.EncodedSize()
			t.Logf("worst-case %s state: %d bytes of JSON", st.Kind, n)
			if n >= 3000 {
				t.Fatalf("worst-case state is %d bytes of JSON, want < 3000", n)
			}
			b, err := json.Marshal(st)
			if err != nil || len(b) != n {
				t.Fatalf("EncodedSize %d disagrees with json.Marshal (%d, %v)", n, len(b), err)
			}
			if strings.Contains(string(b), "otpauth") {
				t.Fatal("the otpauth URI is derived, not stored")
			}
			var back State
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, st) {
				t.Fatalf("the state does not survive a round trip:\n%+v\n%+v", back, st)
			}
		})
	}
}

// TestCustomChallengeBounds: a question or hint longer than its bound, or full of characters JSON
// escapes, is shortened so its JSON stays within the bound, without splitting a character.
func TestCustomChallengeBounds(t *testing.T) {
	for _, q := range []string{strings.Repeat("é", 400), strings.Repeat("<", 400), strings.Repeat("x", 2000)} {
		p, err := planFor("CUSTOM_CHALLENGE", "S", "u", map[string]string{"question": q, "hint": q}, nil)
		if err != nil {
			t.Fatal(err)
		}
		d := DataOf[CustomData](p.state)
		if n := jsonLen([]string{d.Question}) - 2; n > MaxQuestion || d.Question == "" || !utf8.ValidString(d.Question) || !strings.HasPrefix(q, d.Question) {
			t.Errorf("question of %d bytes (%d in JSON)", len(d.Question), n)
		}
		if n := jsonLen([]string{d.Hint}) - 2; n > MaxHint || d.Hint == "" || !utf8.ValidString(d.Hint) {
			t.Errorf("hint of %d bytes (%d in JSON)", len(d.Hint), n)
		}
	}
}
