package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/internal/localpool"
)

// The demo's custom authentication (bridgekeeper demo --auth-flow CUSTOM_AUTH): after the
// password, ivan answers one question; everyone else goes on to the MFA Cognito still asks.
const (
	demoCustomUser     = "ivan"
	demoCustomQuestion = "What is 6 × 7?"
	demoCustomAnswer   = "42"
)

// demoAuthFlows are the values of demo --auth-flow.
func demoAuthFlows() []string {
	return []string{cognito.FlowUserSRP, cognito.FlowUserAuth, cognito.FlowCustom}
}

// checkDemoAuthFlow refuses a demo --auth-flow the demo does not offer.
func checkDemoAuthFlow(flow string) error {
	if !slices.Contains(demoAuthFlows(), flow) {
		return fmt.Errorf("--auth-flow must be %s (got %q)", strings.Join(demoAuthFlows(), " or "), flow)
	}
	return nil
}

// seedCustom adds ivan (password only) to every mode, and in CUSTOM_AUTH mode gives the pool
// its custom-challenge script (the app client allows CUSTOM_AUTH in every mode).
func seedCustom(ctx context.Context, api *cip.Client, pool *localpool.Server, s *demoSeed, flow string) error {
	if _, err := api.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
		UserPoolId: aws.String(s.PoolID), Username: aws.String(demoCustomUser), MessageAction: types.MessageActionTypeSuppress,
		TemporaryPassword: aws.String(demoPassword),
		UserAttributes:    []types.AttributeType{{Name: aws.String("name"), Value: aws.String("Ivan Example")}},
	}); err != nil {
		return fmt.Errorf("create %s: %w", demoCustomUser, err)
	}
	if _, err := api.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{
		UserPoolId: aws.String(s.PoolID), Username: aws.String(demoCustomUser), Password: aws.String(demoPassword), Permanent: true,
	}); err != nil {
		return fmt.Errorf("set %s's password: %w", demoCustomUser, err)
	}
	what := "password only (asked " + demoCustomQuestion + " with --auth-flow CUSTOM_AUTH)"
	if flow == cognito.FlowCustom {
		what = "password, then the custom question " + demoCustomQuestion + " (answer " + demoCustomAnswer + ")"
	}
	s.Users = append(s.Users, demoUser{demoCustomUser, demoPassword, what})
	if flow != cognito.FlowCustom {
		return nil
	}
	return pool.SetCustomAuth(s.PoolID, &localpool.CustomAuth{
		Rounds: []localpool.CustomRound{{Question: demoCustomQuestion, Hint: "Type the number.", Answer: demoCustomAnswer}},
		Users:  []string{demoCustomUser},
	})
}

// printDemoModes lists the demo's modes, marking the one running.
func printDemoModes(w io.Writer, mfaRequired bool, flow string) {
	modes := []struct {
		flags, what string
		on          bool
	}{
		{"", "SRP sign-in, MFA optional", !mfaRequired && flow == cognito.FlowUserSRP},
		{"--mfa-required", "MFA required: users without MFA set one up at sign-in", mfaRequired},
		{"--auth-flow USER_AUTH", "choice-based sign-in: the username first, then a password, a one-time code or a passkey", flow == cognito.FlowUserAuth},
		{"--auth-flow CUSTOM_AUTH", "custom authentication after the password: " + demoCustomUser + " is asked " + demoCustomQuestion + ", the others get their MFA", flow == cognito.FlowCustom},
	}
	fmt.Fprintln(w, "Demo modes:")
	for _, m := range modes {
		mark := " "
		if m.on {
			mark = "*"
		}
		fmt.Fprintf(w, " %s bridgekeeper demo %s\n      %s\n", mark, m.flags, m.what)
	}
	fmt.Fprintln(w)
}
