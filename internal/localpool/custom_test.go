package localpool

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// customPool is a test pool whose client allows CUSTOM_AUTH and hides unknown users, with a
// one-question script for alice.
func customPool(t *testing.T) *testPool {
	t.Helper()
	p := newTestPool(t)
	c, err := p.api.CreateUserPoolClient(p.ctx, &cip.CreateUserPoolClientInput{
		UserPoolId: aws.String(p.poolID), ClientName: aws.String("custom"),
		ExplicitAuthFlows:          []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowCustomAuth},
		PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled,
	})
	p.must(err)
	p.clientID, p.secret = aws.ToString(c.UserPoolClient.ClientId), ""
	p.must(p.srv.SetCustomAuth(p.poolID, &CustomAuth{Rounds: []CustomRound{{Question: "q?", Hint: "h", Answer: "a"}}}))
	return p
}

func (p *testPool) customStart(params map[string]string) (*cip.InitiateAuthOutput, error) {
	return p.api.InitiateAuth(p.ctx, &cip.InitiateAuthInput{ClientId: aws.String(p.clientID), AuthFlow: types.AuthFlowTypeCustomAuth, AuthParameters: params})
}

func TestCustomAuthWireProtocol(t *testing.T) {
	p := customPool(t)
	out, err := p.customStart(map[string]string{"USERNAME": "alice"})
	p.must(err)
	if out.ChallengeName != types.ChallengeNameTypeCustomChallenge || out.ChallengeParameters["question"] != "q?" || out.ChallengeParameters["hint"] != "h" || out.ChallengeParameters["USERNAME"] != "alice" {
		t.Fatalf("challenge %s %v", out.ChallengeName, out.ChallengeParameters)
	}
	respond := func(sess *string, answer string) (*cip.RespondToAuthChallengeOutput, error) {
		return p.api.RespondToAuthChallenge(p.ctx, &cip.RespondToAuthChallengeInput{
			ClientId: aws.String(p.clientID), ChallengeName: types.ChallengeNameTypeCustomChallenge, Session: sess,
			ChallengeResponses: map[string]string{"USERNAME": "alice", "ANSWER": answer},
		})
	}
	_, err = respond(out.Session, "")
	wantAPIError(t, err, "InvalidParameterException", "Missing required parameter ANSWER")
	// The session was used by the empty answer, as Cognito uses one per response.
	_, err = respond(out.Session, "a")
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session for the user, session can only be used once.")

	// An unknown user with hidden existence errors: a plausible PASSWORD_VERIFIER with SRP,
	// "Incorrect username or password." without.
	a := "a1"
	for len(a) < 512 {
		a += "0"
	}
	out, err = p.customStart(map[string]string{"USERNAME": "nobody", "CHALLENGE_NAME": "SRP_A", "SRP_A": a})
	p.must(err)
	if out.ChallengeName != types.ChallengeNameTypePasswordVerifier {
		t.Fatalf("unknown user with SRP: %s", out.ChallengeName)
	}
	_, err = p.customStart(map[string]string{"USERNAME": "nobody"})
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	_, err = p.customStart(map[string]string{"USERNAME": "alice", "CHALLENGE_NAME": "SMS_MFA"})
	wantAPIError(t, err, "InvalidParameterException", "Invalid CHALLENGE_NAME SMS_MFA")

	if err := p.srv.SetCustomAuth("us-east-1_nope", &CustomAuth{}); err == nil {
		t.Error("SetCustomAuth accepted an unknown pool")
	}
	p.must(p.srv.SetCustomAuth(p.poolID, nil))
	_, err = p.customStart(map[string]string{"USERNAME": "alice"})
	wantAPIError(t, err, "InvalidParameterException", "Custom auth lambda trigger is not configured for the user pool.")
}
