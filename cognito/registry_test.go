package cognito

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// TestEveryChallengeNameIsAccountedFor fails when the SDK knows a challenge name that is neither
// registered nor listed as not applicable (with a reason), or when a name is both.
func TestEveryChallengeNameIsAccountedFor(t *testing.T) {
	r, err := newRegistry(builtinChallenges())
	if err != nil {
		t.Fatal(err)
	}
	na := notApplicable()
	for _, name := range types.ChallengeNameType("").Values() {
		_, registered := r.challenges[name]
		reason, listed := na[name]
		switch {
		case registered && listed:
			t.Errorf("%s is registered and also listed as not applicable (%q): drop it from notApplicable", name, reason)
		case !registered && !listed:
			t.Errorf("%s has no registry entry and is not listed as not applicable: add an entry (challenge_*.go and builtinChallenges) or a reason in notApplicable", name)
		case listed && reason == "":
			t.Errorf("%s is listed as not applicable without a reason", name)
		}
	}
	for name := range na {
		if !slices.Contains(types.ChallengeNameType("").Values(), name) {
			t.Errorf("notApplicable lists %s, which the SDK does not know", name)
		}
	}
	for name := range r.challenges {
		if !slices.Contains(types.ChallengeNameType("").Values(), name) {
			t.Errorf("the registry has %s, which the SDK does not know", name)
		}
	}
}

// TestRegistryRefusesHalfEntries proves the registry catches an entry registered twice or with
// a half left out.
func TestRegistryRefusesHalfEntries(t *testing.T) {
	sms := codeChallenge(types.ChallengeNameTypeSmsMfa, StepSMSCode, "SMS_MFA_CODE", amrSMS)
	noAnswer := sms
	noAnswer.steps = []stepEntry{{kind: StepSMSCode, worstCase: sms.steps[0].worstCase}}
	noWorst := sms
	noWorst.steps = []stepEntry{{kind: StepSMSCode, answer: sms.steps[0].answer}}
	both := sms
	both.serve = passwordVerifier
	neither := sms
	neither.plan = nil
	otherName := codeChallenge(types.ChallengeNameTypeEmailOtp, StepSMSCode, "EMAIL_OTP_CODE", amrOTP)
	for name, cs := range map[string][]challenge{
		"same challenge twice": {sms, sms},
		"same kind twice":      {sms, otherName},
		"no answer":            {noAnswer},
		"no worst case":        {noWorst},
		"plan and serve":       {both},
		"neither":              {neither},
	} {
		if _, err := newRegistry(cs); err == nil {
			t.Errorf("%s: the registry accepted it", name)
		}
	}
}

// TestEveryStepKindHasAWorstCase ties StepKinds to the worst cases the size test measures.
func TestEveryStepKindHasAWorstCase(t *testing.T) {
	states := WorstCaseStates()
	for i, k := range StepKinds() {
		if states[i].Kind != k {
			t.Errorf("worst case %d is of kind %q, want %q", i, states[i].Kind, k)
		}
	}
	if !slices.Contains(StepKinds(), StepUnsupported) {
		t.Error("the unsupported step has no entry")
	}
}
