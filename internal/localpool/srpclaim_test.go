package localpool

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// TestSRPClaimAfterPasswordChange: the pool keeps its side of the exchange (b, v, B) from the
// challenge to the answer instead of recomputing B, so it checks that the password did not change
// in between; a claim made with either password is refused then, as when B was recomputed from
// the new verifier.
func TestSRPClaimAfterPasswordChange(t *testing.T) {
	p := newTestPool(t)
	const newPassword = "N3w-Passw0rd!"
	tests := []struct {
		name, set, claim string
	}{
		{"claim with the old password", newPassword, "Passw0rd!"},
		{"claim with the new password", "Passw0rd!", "Passw0rd!"}, // the previous case left newPassword
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl, params, sess := p.srpStart()
			_, err := p.api.AdminSetUserPassword(p.ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(p.poolID), Username: aws.String("alice"), Password: aws.String(tt.set), Permanent: true})
			p.must(err)
			_, err = p.srpAnswer(cl, params, sess, tt.claim, nil)
			wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
		})
	}
	// Unchanged, the kept exchange signs in.
	cl, params, sess := p.srpStart()
	out, err := p.srpAnswer(cl, params, sess, "Passw0rd!", nil)
	p.must(err)
	if out.AuthenticationResult == nil || aws.ToString(out.AuthenticationResult.IdToken) == "" {
		t.Fatalf("no tokens: %+v", out)
	}
}
