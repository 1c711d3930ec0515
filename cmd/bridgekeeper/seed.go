package main

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/bridgekeeper/bridgekeeper/cognito"
	"github.com/bridgekeeper/bridgekeeper/config"
	"github.com/bridgekeeper/bridgekeeper/internal/localpool"
)

// demoPassword is every demo user's password unless said otherwise.
const demoPassword = "Passw0rd!"

// demoUser is one seeded account, as the demo prints it.
type demoUser struct {
	Username, Password, What string
}

// demoSeed is what seeding created.
type demoSeed struct {
	PoolID, ClientID, ClientSecret string
	CarolSecret                    string
	FrankSecret                    string
	AdminSecret                    string
	// CLI is a command line for `bridgekeeper admin` against the demo pool.
	CLI   string
	Users []demoUser
}

// seedDemo creates the demo pool, its app client and the demo users through the Cognito API, as
// an administrator would against a real pool.
func seedDemo(ctx context.Context, api *cip.Client, mfaRequired bool, now func() time.Time) (*demoSeed, error) {
	pool, err := api.CreateUserPool(ctx, &cip.CreateUserPoolInput{
		PoolName: aws.String("bridgekeeper-demo"),
		// Devices are remembered when people opt in, and then stand in for SMS and authenticator codes.
		DeviceConfiguration: &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true},
		// Self-service sign-up sends its confirmation code by email.
		AutoVerifiedAttributes: []types.VerifiedAttributeType{types.VerifiedAttributeTypeEmail},
		// People may sign in with their (verified) email address, as the sign-in page says.
		AliasAttributes: []types.AliasAttributeType{types.AliasAttributeTypeEmail},
		Schema: []types.SchemaAttributeType{
			{Name: aws.String("name"), AttributeDataType: types.AttributeDataTypeString, Required: aws.Bool(true), Mutable: aws.Bool(true)},
			{Name: aws.String("email"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(true)},
			{Name: aws.String("phone_number"), AttributeDataType: types.AttributeDataTypeString, Mutable: aws.Bool(true)},
		},
		// Every first factor for choice-based sign-in (demo --auth-flow USER_AUTH).
		Policies: &types.UserPoolPolicyType{SignInPolicy: demoSignInPolicy()},
	})
	if err != nil {
		return nil, fmt.Errorf("create pool: %w", err)
	}
	poolID := aws.ToString(pool.UserPool.Id)
	// Users are seeded with MFA optional (so carol's authenticator can be enrolled by signing her
	// in), then MFA becomes required if asked.
	setMFA := func(mfa types.UserPoolMfaType) error {
		if _, err := api.SetUserPoolMfaConfig(ctx, &cip.SetUserPoolMfaConfigInput{
			UserPoolId:                    aws.String(poolID),
			MfaConfiguration:              mfa,
			SoftwareTokenMfaConfiguration: &types.SoftwareTokenMfaConfigType{Enabled: true},
			SmsMfaConfiguration:           &types.SmsMfaConfigType{SmsConfiguration: &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::000000000000:role/demo-sms")}},
			EmailMfaConfiguration:         &types.EmailMfaConfigType{Message: aws.String("Your Bridgekeeper demo code is {####}")},
			WebAuthnConfiguration:         demoWebAuthn(),
		}); err != nil {
			return fmt.Errorf("configure MFA: %w", err)
		}
		return nil
	}
	if err := setMFA(types.UserPoolMfaTypeOptional); err != nil {
		return nil, err
	}
	client, err := api.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId:     aws.String(poolID),
		ClientName:     aws.String("bridgekeeper"),
		GenerateSecret: true,
		// CUSTOM_AUTH for demo --auth-flow CUSTOM_AUTH (demo_custom.go).
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserSrpAuth, types.ExplicitAuthFlowsTypeAllowUserAuth, types.ExplicitAuthFlowsTypeAllowCustomAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
		// The console's default: unknown users get a plausible challenge, never "does not exist".
		PreventUserExistenceErrors: types.PreventUserExistenceErrorTypesEnabled,
	})
	if err != nil {
		return nil, fmt.Errorf("create app client: %w", err)
	}
	// A second client lets seeding sign carol in to enrol her authenticator.
	seeder, err := api.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{
		UserPoolId:        aws.String(poolID),
		ClientName:        aws.String("demo-seeder"),
		ExplicitAuthFlows: []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})
	if err != nil {
		return nil, fmt.Errorf("create seeding client: %w", err)
	}
	s := &demoSeed{
		PoolID:       poolID,
		ClientID:     aws.ToString(client.UserPoolClient.ClientId),
		ClientSecret: aws.ToString(client.UserPoolClient.ClientSecret),
	}

	create := func(username string, attrs map[string]string, permanent bool, password string) error {
		var ua []types.AttributeType
		for k, v := range attrs {
			ua = append(ua, types.AttributeType{Name: aws.String(k), Value: aws.String(v)})
		}
		if _, err := api.AdminCreateUser(ctx, &cip.AdminCreateUserInput{
			UserPoolId:        aws.String(poolID),
			Username:          aws.String(username),
			TemporaryPassword: aws.String(password),
			MessageAction:     types.MessageActionTypeSuppress,
			UserAttributes:    ua,
		}); err != nil {
			return fmt.Errorf("create %s: %w", username, err)
		}
		if permanent {
			if _, err := api.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{
				UserPoolId: aws.String(poolID), Username: aws.String(username), Password: aws.String(password), Permanent: true,
			}); err != nil {
				return fmt.Errorf("set %s's password: %w", username, err)
			}
		}
		return nil
	}
	prefs := func(username string, in cip.AdminSetUserMFAPreferenceInput) error {
		in.UserPoolId, in.Username = aws.String(poolID), aws.String(username)
		if _, err := api.AdminSetUserMFAPreference(ctx, &in); err != nil {
			return fmt.Errorf("set %s's MFA preference: %w", username, err)
		}
		return nil
	}
	enrolTOTP := func(username string) (string, error) {
		auth, err := api.InitiateAuth(ctx, &cip.InitiateAuthInput{
			ClientId:       seeder.UserPoolClient.ClientId,
			AuthFlow:       types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": demoPassword},
		})
		if err != nil || auth.AuthenticationResult == nil {
			return "", fmt.Errorf("sign %s in to enrol TOTP: %w", username, err)
		}
		access := auth.AuthenticationResult.AccessToken
		assoc, err := api.AssociateSoftwareToken(ctx, &cip.AssociateSoftwareTokenInput{AccessToken: access})
		if err != nil {
			return "", fmt.Errorf("associate %s's authenticator: %w", username, err)
		}
		secret := aws.ToString(assoc.SecretCode)
		if _, err := api.VerifySoftwareToken(ctx, &cip.VerifySoftwareTokenInput{
			AccessToken: access, UserCode: aws.String(localpool.TOTP(secret, now())), FriendlyDeviceName: aws.String("Demo authenticator"),
		}); err != nil {
			return "", fmt.Errorf("verify %s's authenticator: %w", username, err)
		}
		return secret, nil
	}

	steps := []func() error{
		func() error {
			return create("alice", map[string]string{"name": "Alice Example", "email": "alice@example.com", "email_verified": "true"}, true, demoPassword)
		},
		func() error {
			return create("bob", map[string]string{"email": "bob@example.com", "email_verified": "true"}, false, "TempPassw0rd!")
		},
		func() error {
			if err := create("carol", map[string]string{"name": "Carol Example", "email": "carol@example.com", "email_verified": "true"}, true, demoPassword); err != nil {
				return err
			}
			secret, err := enrolTOTP("carol")
			if err != nil {
				return err
			}
			s.CarolSecret = secret
			return prefs("carol", cip.AdminSetUserMFAPreferenceInput{SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}})
		},
		func() error {
			if err := create("dave", map[string]string{"name": "Dave Example", "phone_number": "+15555550104", "phone_number_verified": "true"}, true, demoPassword); err != nil {
				return err
			}
			return prefs("dave", cip.AdminSetUserMFAPreferenceInput{SMSMfaSettings: &types.SMSMfaSettingsType{Enabled: true, PreferredMfa: true}})
		},
		func() error {
			if err := create("erin", map[string]string{"name": "Erin Example", "email": "erin@example.com", "email_verified": "true"}, true, demoPassword); err != nil {
				return err
			}
			return prefs("erin", cip.AdminSetUserMFAPreferenceInput{EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: true, PreferredMfa: true}})
		},
		func() error {
			if err := create("frank", map[string]string{"name": "Frank Example", "phone_number": "+15555550106", "phone_number_verified": "true"}, true, demoPassword); err != nil {
				return err
			}
			secret, err := enrolTOTP("frank")
			if err != nil {
				return err
			}
			s.FrankSecret = secret
			return prefs("frank", cip.AdminSetUserMFAPreferenceInput{
				SMSMfaSettings:           &types.SMSMfaSettingsType{Enabled: true},
				SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true},
			})
		},
		func() error {
			return create("grace", map[string]string{"name": "Grace Example", "email": "grace@example.com", "email_verified": "true"}, true, demoPassword)
		},
		func() error {
			if err := create("heidi", map[string]string{"name": "Heidi Example", "email": "heidi@example.com", "email_verified": "true"}, true, demoPassword); err != nil {
				return err
			}
			_, err := api.AdminResetUserPassword(ctx, &cip.AdminResetUserPasswordInput{UserPoolId: aws.String(poolID), Username: aws.String("heidi")})
			if err != nil {
				return fmt.Errorf("reset heidi's password: %w", err)
			}
			return nil
		},
	}
	steps = append(steps, func() error {
		// mallory signed herself up and never confirmed: her code is in the outbox.
		_, err := api.SignUp(ctx, &cip.SignUpInput{
			ClientId: aws.String(s.ClientID), SecretHash: aws.String(cognito.SecretHash(s.ClientID, s.ClientSecret, "mallory")),
			Username: aws.String("mallory"), Password: aws.String(demoPassword),
			UserAttributes: []types.AttributeType{{Name: aws.String("name"), Value: aws.String("Mallory Example")}, {Name: aws.String("email"), Value: aws.String("mallory@example.com")}},
		})
		if err != nil {
			return fmt.Errorf("sign mallory up: %w", err)
		}
		return nil
	})
	steps = append(steps, func() error { return seedPasswordless(ctx, api, poolID) })
	steps = append(steps, func() error { return seedSMSFirstFactor(create) })
	steps = append(steps, func() error {
		secret, err := seedAdmins(ctx, api, poolID, create, enrolTOTP, prefs)
		s.AdminSecret = secret
		return err
	})
	if mfaRequired {
		steps = append(steps, func() error { return setMFA(types.UserPoolMfaTypeOn) })
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	s.Users = []demoUser{
		{"alice", demoPassword, "password only"},
		{"bob", "TempPassw0rd!", "temporary password: chooses a new one and gives a name"},
		{"carol", demoPassword, "authenticator app, TOTP secret: " + s.CarolSecret},
		{"dave", demoPassword, "SMS code (see /demo/outbox)"},
		{"erin", demoPassword, "email code (see /demo/outbox)"},
		{"frank", demoPassword, "SMS or authenticator app (its secret " + s.FrankSecret + "): chooses one"},
		{"grace", demoPassword, "no MFA yet; with --mfa-required she chooses an authenticator app or email codes and sets it up"},
		{"heidi", demoPassword, "an administrator reset her password: enters the emailed code and a new one"},
		{"mallory", demoPassword, "signed up, not confirmed: enters the emailed code (see /demo/outbox); or sign up at /signup"},
		{demoAdmin, demoPassword, "administrator (/admin), authenticator app, TOTP secret: " + s.AdminSecret},
		{fmt.Sprintf(demoExtraUserFormat, 1) + " … " + fmt.Sprintf(demoExtraUserFormat, demoExtraUsers), demoPassword, "more people, so the admin console's search has pages (the last one's email is not verified)"},
	}
	return s, nil
}

// The demo administrator and the extra users that fill the admin console's pages.
const (
	demoAdmin           = "admin"
	demoExtraUsers      = 45
	demoExtraUserFormat = "user%02d"
)

// seedAdmins creates the demo administrator (TOTP, in the admin group) and the extra users, and
// returns the administrator's TOTP secret.
func seedAdmins(ctx context.Context, api *cip.Client, poolID string,
	create func(username string, attrs map[string]string, permanent bool, password string) error,
	enrolTOTP func(username string) (string, error),
	prefs func(username string, in cip.AdminSetUserMFAPreferenceInput) error,
) (string, error) {
	if _, err := api.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: aws.String(poolID), GroupName: aws.String(config.DefaultAdminGroup)}); err != nil {
		return "", fmt.Errorf("create the admin group: %w", err)
	}
	if err := create(demoAdmin, map[string]string{"name": "Demo Administrator", "email": "admin@example.com", "email_verified": "true"}, true, demoPassword); err != nil {
		return "", err
	}
	secret, err := enrolTOTP(demoAdmin)
	if err != nil {
		return "", err
	}
	if err := prefs(demoAdmin, cip.AdminSetUserMFAPreferenceInput{SoftwareTokenMfaSettings: &types.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}}); err != nil {
		return "", err
	}
	if _, err := api.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{
		UserPoolId: aws.String(poolID), Username: aws.String(demoAdmin), GroupName: aws.String(config.DefaultAdminGroup),
	}); err != nil {
		return "", fmt.Errorf("add admin to its group: %w", err)
	}
	for i := 1; i <= demoExtraUsers; i++ {
		name := fmt.Sprintf(demoExtraUserFormat, i)
		attrs := map[string]string{"name": fmt.Sprintf("User %02d", i), "email": name + "@example.com", "email_verified": "true"}
		if i == demoExtraUsers {
			delete(attrs, "email_verified") // no code can reach the last one: the console offers a temporary password
		}
		if err := create(name, attrs, true, demoPassword); err != nil {
			return "", err
		}
	}
	return secret, nil
}
