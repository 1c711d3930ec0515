package handlers

import (
	"testing"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/internal/abuse"
)

// TestStepLimit: the password of choice-based sign-in falls under the password limit, one-time
// codes under the code limit, and other answers (a new password, a method) under none.
func TestStepLimit(t *testing.T) {
	for _, tt := range []struct {
		kind cognito.StepKind
		ans  cognito.Answer
		want abuse.Kind
	}{
		{cognito.StepSignInPassword, cognito.Answer{cognito.AnswerPassword: "x"}, abuse.Password},
		{cognito.StepTOTPCode, cognito.Answer{cognito.AnswerCode: "123456"}, abuse.MFACode},
		{cognito.StepSMSCode, cognito.Answer{cognito.AnswerCode: "123456"}, abuse.MFACode},
		{cognito.StepNewPassword, cognito.Answer{cognito.AnswerNewPassword: "x"}, ""},
		{cognito.StepSelectMFA, cognito.Answer{cognito.AnswerMethod: "SMS_MFA"}, ""},
	} {
		if got := stepLimit(cognito.State{Kind: tt.kind}, tt.ans); got != tt.want {
			t.Errorf("%s: limit %q, want %q", tt.kind, got, tt.want)
		}
	}
}
