package handlers

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/views"
)

// TestParseAnswer checks each step's form before anything goes to Cognito.
func TestParseAnswer(t *testing.T) {
	h := &Handlers{steps: stepPages()}
	p := views.Page{} // message ids stand in for sentences
	state := func(kind cognito.StepKind, data any) cognito.State {
		b, err := json.Marshal(data)
		if err != nil {
			t.Fatal(err)
		}
		return cognito.State{Kind: kind, Data: b}
	}
	newPw := state(cognito.StepNewPassword, cognito.NewPasswordData{RequiredAttributes: []string{"name"}})
	smsOnly := cognito.ChoiceData{Options: []string{"SMS_MFA"}}
	tests := []struct {
		name      string
		st        cognito.State
		form      url.Values
		wantErrs  []string
		wantCheck func(t *testing.T, a cognito.Answer, kept stepForm)
	}{
		{"new password ok", newPw, url.Values{"password": {"N3w-Passw0rd!"}, "password_confirm": {"N3w-Passw0rd!"}, "userAttributes.name": {" Bob "}}, nil,
			func(t *testing.T, a cognito.Answer, kept stepForm) {
				if a[cognito.AnswerNewPassword] != "N3w-Passw0rd!" || a[cognito.AnswerAttribute("name")] != "Bob" || kept["userAttributes.name"] != "Bob" {
					t.Errorf("answer %+v, kept %v", a, kept)
				}
			}},
		{"new password mismatch and missing attribute", newPw, url.Values{"password": {"a"}, "password_confirm": {"b"}}, []string{"password_confirm", "userAttributes.name"},
			func(t *testing.T, _ cognito.Answer, kept stepForm) {
				if kept["password"] != "a" || kept["password_confirm"] != "" {
					t.Errorf("kept %v, want the first password only", kept)
				}
			}},
		{"missing attribute keeps both passwords", newPw, url.Values{"password": {"N3w-Passw0rd!"}, "password_confirm": {"N3w-Passw0rd!"}}, []string{"userAttributes.name"},
			func(t *testing.T, _ cognito.Answer, kept stepForm) {
				if kept["password"] != "N3w-Passw0rd!" || kept["password_confirm"] != "N3w-Passw0rd!" {
					t.Errorf("kept %v, want both passwords", kept)
				}
			}},
		{"weak new password names the rule", newPw, url.Values{"password": {"n3w-passw0rd!"}, "password_confirm": {"n3w-passw0rd!"}, "userAttributes.name": {"x"}}, []string{"password"},
			func(t *testing.T, _ cognito.Answer, kept stepForm) {
				if kept["password"] != "" || kept["password_confirm"] != "" {
					t.Errorf("kept %v, want no password", kept)
				}
			}},
		{"new password empty", newPw, url.Values{"userAttributes.name": {"x"}}, []string{"password"}, nil},
		{"attributes not asked for are ignored", newPw, url.Values{"password": {"N3w-Passw0rd!"}, "password_confirm": {"N3w-Passw0rd!"}, "userAttributes.name": {"n"}, "userAttributes.email": {"e@x"}}, nil,
			func(t *testing.T, a cognito.Answer, _ stepForm) {
				if _, ok := a[cognito.AnswerAttribute("email")]; ok {
					t.Error("an attribute Cognito did not ask for was passed on")
				}
			}},
		{"SMS code ok", cognito.State{Kind: cognito.StepSMSCode}, url.Values{"code": {" 123456 "}}, nil,
			func(t *testing.T, a cognito.Answer, _ stepForm) {
				if a[cognito.AnswerCode] != "123456" {
					t.Errorf("code %q", a[cognito.AnswerCode])
				}
			}},
		{"pasted code with a dash", cognito.State{Kind: cognito.StepEmailCode}, url.Values{"code": {"123-456"}}, nil,
			func(t *testing.T, a cognito.Answer, _ stepForm) {
				if a[cognito.AnswerCode] != "123456" {
					t.Errorf("code %q", a[cognito.AnswerCode])
				}
			}},
		{"code with letters", cognito.State{Kind: cognito.StepTOTPCode}, url.Values{"code": {"12a456"}}, []string{"code"}, nil},
		{"code too short", cognito.State{Kind: cognito.StepEmailCode}, url.Values{"code": {"123"}}, []string{"code"}, nil},
		{"code too long", cognito.State{Kind: cognito.StepSMSCode}, url.Values{"code": {"12345678"}}, []string{"code"}, nil},
		{"TOTP setup with a long device name", cognito.State{Kind: cognito.StepTOTPSetup}, url.Values{"code": {"123456"}, "device_name": {strings.Repeat("d", 65)}}, []string{"device_name"}, nil},
		{"TOTP setup keeps the device name", cognito.State{Kind: cognito.StepTOTPSetup}, url.Values{"code": {"1"}, "device_name": {" Phone "}}, []string{"code"},
			func(t *testing.T, _ cognito.Answer, kept stepForm) {
				if kept["device_name"] != "Phone" {
					t.Errorf("kept %v", kept)
				}
			}},
		{"method offered", state(cognito.StepSelectMFA, smsOnly), url.Values{"method": {"SMS_MFA"}}, nil, nil},
		{"method not offered", state(cognito.StepSelectMFA, smsOnly), url.Values{"method": {"EMAIL_OTP"}}, []string{"method"}, nil},
		{"setup method not offered", state(cognito.StepMFASetupChoice, cognito.ChoiceData{Options: []string{"SOFTWARE_TOKEN_MFA"}}), url.Values{"method": {"SMS_MFA"}}, []string{"method"}, nil},
		{"email setup bad address", cognito.State{Kind: cognito.StepEmailSetup}, url.Values{"email": {"nope"}}, []string{"email"}, nil},
		{"custom answer kept as typed", cognito.State{Kind: cognito.StepCustomChallenge}, url.Values{"answer": {" forty two "}}, nil,
			func(t *testing.T, a cognito.Answer, kept stepForm) {
				if a[cognito.AnswerText] != " forty two " || len(kept) != 0 {
					t.Errorf("answer %q, kept %v", a[cognito.AnswerText], kept)
				}
			}},
		{"custom answer empty", cognito.State{Kind: cognito.StepCustomChallenge}, url.Values{"answer": {"  "}}, []string{"answer"}, nil},
		{"custom answer too long", cognito.State{Kind: cognito.StepCustomChallenge}, url.Values{"answer": {strings.Repeat("a", cognito.MaxAnswer+1)}}, []string{"answer"}, nil},
		{"unsupported step", cognito.State{Kind: cognito.StepUnsupported}, url.Values{}, []string{""}, nil},
		{"a kind no page knows", cognito.State{Kind: "from_a_newer_version"}, url.Values{}, []string{""}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, PathStep, strings.NewReader(tt.form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			c := echo.New().NewContext(req, httptest.NewRecorder())
			a, kept, errs := h.parseAnswer(c, p, tt.st)
			var got []string
			for k := range errs {
				got = append(got, k)
			}
			if len(got) != len(tt.wantErrs) {
				t.Fatalf("field errors %v, want %v", errs, tt.wantErrs)
			}
			for _, w := range tt.wantErrs {
				if _, ok := errs[w]; !ok {
					t.Fatalf("field errors %v, want %v", errs, tt.wantErrs)
				}
			}
			if tt.wantCheck != nil {
				tt.wantCheck(t, a, kept)
			}
		})
	}
}
