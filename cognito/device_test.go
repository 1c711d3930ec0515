package cognito_test

import (
	"testing"
	"time"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/bridgekeeper/bridgekeeper/cognito"
)

// TestRememberedDevice signs carol in with her authenticator, remembers the browser, and then
// signs her in again without a code (the device is proven on the server); a device the pool no
// longer knows falls back to the code, with no error.
func TestRememberedDevice(t *testing.T) {
	for _, secret := range []bool{false, true} {
		t.Run(flowName(cognito.FlowUserSRP, secret), func(t *testing.T) {
			e := newEnv(t, poolSetup{mfa: types.UserPoolMfaTypeOptional, totp: true, devices: &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true}})
			eng := e.engine(engineOpts{secret: secret})
			e.user("carol", true, nil, nil)
			totp := e.enrolTOTP(eng, "carol")
			signIn := func(dev *cognito.Device) *cognito.Success {
				t.Helper()
				e.clock.Advance(30 * time.Second) // a fresh authenticator window: a TOTP code is single use
				res, err := eng.Start(e.ctx, cognito.StartInput{Username: "carol", Password: password, Device: dev})
				if res.Success != nil {
					return e.success(res, err)
				}
				st := e.step(res, err, cognito.StepTOTPCode)
				return e.success(eng.Answer(cognito.WithDevice(e.ctx, dev), st, cognito.Answer{cognito.AnswerCode: e.totpCode(totp)}))
			}

			first := wantAMR(t, signIn(nil), "pwd", "otp", "mfa")
			if first.NewDevice == nil {
				t.Fatal("no new device from a pool that tracks devices")
			}
			dev, err := eng.RememberDevice(e.ctx, first.AccessToken, *first.NewDevice, "Firefox", true)
			e.must(err)
			e.secrets = append(e.secrets, dev.Password)
			if !dev.Valid() {
				t.Fatalf("device %+v", dev)
			}

			again := wantAMR(t, signIn(&dev), "pwd", "swk", "mfa")
			if again.NewDevice != nil {
				t.Fatal("a known device must not be issued again")
			}
			list, err := eng.ListDevices(e.ctx, again.AccessToken)
			e.must(err)
			if len(list) != 1 || list[0].Key != dev.Key || !list[0].Remembered || list[0].Name != "Firefox" {
				t.Fatalf("ListDevices = %+v", list)
			}

			// A wrong device password is refused; the browser cannot fake the device.
			fake := dev
			fake.Password = "not-it"
			_, err = eng.Start(e.ctx, cognito.StartInput{Username: "carol", Password: password, Device: &fake})
			wantKind(t, err, cognito.WrongCredentials)

			e.must(eng.ForgetDevice(e.ctx, again.AccessToken, dev.Key))
			back := wantAMR(t, signIn(&dev), "pwd", "otp", "mfa")
			if back.NewDevice == nil {
				t.Fatal("after forgetting, the sign-in must be issued a new device")
			}
		})
	}
}

// TestDeviceNotRemembered confirms a device without remembering it: the code is still asked,
// and the device is proven after it (Cognito asks for the device once the code is right).
func TestDeviceNotRemembered(t *testing.T) {
	e := newEnv(t, poolSetup{mfa: types.UserPoolMfaTypeOn, email: true, devices: &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true}})
	eng := e.engine(engineOpts{})
	e.user("dave", true, map[string]string{"email": "dave@example.com"}, &cip.AdminSetUserMFAPreferenceInput{EmailMfaSettings: &types.EmailMfaSettingsType{Enabled: true, PreferredMfa: true}})
	signIn := func(dev *cognito.Device) *cognito.Success {
		t.Helper()
		n := e.sent()
		res, err := eng.Start(e.ctx, cognito.StartInput{Username: "dave", Password: password, Device: dev})
		st := e.step(res, err, cognito.StepEmailCode)
		return e.success(eng.Answer(cognito.WithDevice(e.ctx, dev), st, cognito.Answer{cognito.AnswerCode: e.code("dave@example.com", n)}))
	}
	first := signIn(nil)
	dev, err := eng.RememberDevice(e.ctx, first.AccessToken, *first.NewDevice, "", false)
	e.must(err)
	wantAMR(t, signIn(&dev), "pwd", "otp", "mfa", "swk")

	// Without the device at hand when Cognito asks for it, the sign-in restarts.
	n := e.sent()
	res, err := eng.Start(e.ctx, cognito.StartInput{Username: "dave", Password: password, Device: &dev})
	st := e.step(res, err, cognito.StepEmailCode)
	_, err = eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerCode: e.code("dave@example.com", n)})
	if ce := wantKind(t, err, cognito.SessionExpired); !ce.Kind.Restart() {
		t.Fatal("a missing device must restart the sign-in")
	}
}

// TestNoDeviceTracking: a pool without device tracking issues no device, and a device key is
// not sent with USER_PASSWORD_AUTH.
func TestNoDeviceTracking(t *testing.T) {
	e := newEnv(t, poolSetup{})
	e.user("erin", true, nil, nil)
	for _, flow := range []string{cognito.FlowUserSRP, cognito.FlowUserPassword} {
		res, err := e.engine(engineOpts{flow: flow}).Start(e.ctx, cognito.StartInput{Username: "erin", Password: password})
		s := e.success(res, err)
		if s.NewDevice != nil {
			t.Fatalf("%s: new device %+v", flow, s.NewDevice)
		}
	}
}

// TestRememberedDeviceByAlias: a device remembered under carol's username is presented when she
// types her email address (the engine asks for it again with the real username Cognito names
// in PASSWORD_VERIFIER), and one remembered after an email sign-in serves her username too.
func TestRememberedDeviceByAlias(t *testing.T) {
	e := newEnv(t, poolSetup{mfa: types.UserPoolMfaTypeOptional, totp: true, aliases: []types.AliasAttributeType{types.AliasAttributeTypeEmail},
		devices: &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true}})
	eng := e.engine(engineOpts{secret: true})
	e.user("carol", true, map[string]string{"email": "carol@example.com", "email_verified": "true"}, nil)
	totp := e.enrolTOTP(eng, "carol")
	for _, tt := range []struct{ remember, later string }{{"carol", "carol@example.com"}, {"carol@example.com", "carol"}} {
		func() { // e's helpers fail the whole test, so no subtests
			var jar map[string]cognito.Device // the browser's devices by real username
			lookup := func(username string) *cognito.Device {
				if d, ok := jar[username]; ok {
					return &d
				}
				return nil
			}
			e.clock.Advance(30 * time.Second)
			res, err := eng.Start(e.ctx, cognito.StartInput{Username: tt.remember, Password: password, Devices: lookup})
			st := e.step(res, err, cognito.StepTOTPCode)
			first := e.success(eng.Answer(e.ctx, st, cognito.Answer{cognito.AnswerCode: e.totpCode(totp)}))
			if first.NewDevice == nil || first.Username != "carol" {
				t.Fatalf("%s: first sign-in: %+v", tt.remember, first)
			}
			dev, err := eng.RememberDevice(e.ctx, first.AccessToken, *first.NewDevice, "Firefox", true)
			e.must(err)
			e.secrets = append(e.secrets, dev.Password)
			jar = map[string]cognito.Device{first.Username: dev}

			again := wantAMR(t, e.success(eng.Start(e.ctx, cognito.StartInput{Username: tt.later, Password: password, Devices: lookup})), "pwd", "swk", "mfa")
			if again.NewDevice != nil {
				t.Fatalf("remembered as %s, signed in as %s: the device was not presented", tt.remember, tt.later)
			}
			// Forgotten on the server: the lookup's device is refused and the code is asked again.
			e.must(eng.ForgetDevice(e.ctx, again.AccessToken, dev.Key))
			res, err = eng.Start(e.ctx, cognito.StartInput{Username: tt.later, Password: password, Devices: lookup})
			e.step(res, err, cognito.StepTOTPCode)
		}()
	}
}
