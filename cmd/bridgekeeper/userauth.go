package main

import (
	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/handlers"
)

// choiceSignIn wires choice-based sign-in and passkeys when the pool's flow is USER_AUTH, and
// nothing otherwise.
func choiceSignIn(ac appConfig, engine *cognito.Engine, api cognito.PasskeyAPI) *handlers.ChoiceSignIn {
	if ac.Pool.AuthFlow != cognito.FlowUserAuth {
		return nil
	}
	return &handlers.ChoiceSignIn{
		Challenger:   engine,
		Passkeys:     cognito.NewPasskeys(api),
		RelyingParty: ac.PasskeyRPID,
		Secure:       ac.SecureCookies,
	}
}
