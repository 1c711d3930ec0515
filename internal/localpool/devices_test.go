package localpool

import (
	"crypto/rand"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/bridgekeeper/bridgekeeper/internal/srp"
)

// devicePool is a test pool whose alice signs in with SRP and an SMS code, in a pool that tracks
// devices as cfg says (nil: off).
func devicePool(t *testing.T, cfg *types.DeviceConfigurationType) *testPool {
	t.Helper()
	p := newTestPool(t)
	pool, err := p.api.CreateUserPool(p.ctx, &cip.CreateUserPoolInput{PoolName: aws.String("devices"), DeviceConfiguration: cfg})
	p.must(err)
	p.poolID = aws.ToString(pool.UserPool.Id)
	if got := pool.UserPool.DeviceConfiguration; (got == nil) != (cfg == nil) || (cfg != nil && *got != *cfg) {
		t.Fatalf("DeviceConfiguration = %+v, want %+v", got, cfg)
	}
	c, err := p.api.CreateUserPoolClient(p.ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(p.poolID), ClientName: aws.String("c"), GenerateSecret: true})
	p.must(err)
	p.clientID, p.secret = aws.ToString(c.UserPoolClient.ClientId), aws.ToString(c.UserPoolClient.ClientSecret)
	_, err = p.api.SetUserPoolMfaConfig(p.ctx, &cip.SetUserPoolMfaConfigInput{UserPoolId: aws.String(p.poolID), MfaConfiguration: types.UserPoolMfaTypeOn,
		SmsMfaConfiguration:   &types.SmsMfaConfigType{SmsConfiguration: &types.SmsConfigurationType{SnsCallerArn: aws.String("arn:aws:iam::0:role/sms")}},
		EmailMfaConfiguration: &types.EmailMfaConfigType{}})
	p.must(err)
	_, err = p.api.AdminCreateUser(p.ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(p.poolID), Username: aws.String("alice"), MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{{Name: aws.String("phone_number"), Value: aws.String("+15550100")}, {Name: aws.String("email"), Value: aws.String("alice@example.com")}}})
	p.must(err)
	_, err = p.api.AdminSetUserPassword(p.ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(p.poolID), Username: aws.String("alice"), Password: aws.String("Passw0rd!"), Permanent: true})
	p.must(err)
	p.setMFA(types.SMSMfaSettingsType{Enabled: true, PreferredMfa: true}, types.EmailMfaSettingsType{Enabled: false})
	return p
}

func (p *testPool) setMFA(sms types.SMSMfaSettingsType, email types.EmailMfaSettingsType) {
	p.t.Helper()
	_, err := p.api.AdminSetUserMFAPreference(p.ctx, &cip.AdminSetUserMFAPreferenceInput{UserPoolId: aws.String(p.poolID), Username: aws.String("alice"), SMSMfaSettings: &sms, EmailMfaSettings: &email})
	p.must(err)
}

// browserDevice is what a browser keeps about a confirmed device.
type browserDevice struct{ key, group, password string }

// signIn runs alice's SRP sign-in presenting dev (nil: none), answers the SMS or email code when
// asked and device SRP when asked, and returns the result and the challenges seen.
func (p *testPool) signIn(dev *browserDevice, devicePassword string) (*types.AuthenticationResultType, []types.ChallengeNameType, error) {
	p.t.Helper()
	cl, err := srp.NewClient(rand.Reader)
	p.must(err)
	ap := map[string]string{"USERNAME": "alice", "SRP_A": cl.AHex(), "SECRET_HASH": p.hash("alice")}
	if dev != nil {
		ap["DEVICE_KEY"] = dev.key
	}
	init, err := p.api.InitiateAuth(p.ctx, &cip.InitiateAuthInput{ClientId: aws.String(p.clientID), AuthFlow: types.AuthFlowTypeUserSrpAuth, AuthParameters: ap})
	if err != nil {
		return nil, nil, err
	}
	out, err := p.srpAnswer(cl, init.ChallengeParameters, init.Session, "Passw0rd!", func(m map[string]string) {
		if dev != nil {
			m["DEVICE_KEY"] = dev.key
		}
	})
	var seen []types.ChallengeNameType
	for err == nil && out.AuthenticationResult == nil {
		seen = append(seen, out.ChallengeName)
		resp := map[string]string{"USERNAME": "alice", "SECRET_HASH": p.hash("alice")}
		switch out.ChallengeName {
		case types.ChallengeNameTypeSmsMfa:
			resp["SMS_MFA_CODE"] = p.srv.Outbox().Messages()[0].Code
		case types.ChallengeNameTypeEmailOtp:
			resp["EMAIL_OTP_CODE"] = p.srv.Outbox().Messages()[0].Code
		case types.ChallengeNameTypeDeviceSrpAuth:
			cl, err = srp.NewClient(rand.Reader)
			p.must(err)
			resp["DEVICE_KEY"], resp["SRP_A"] = dev.key, cl.AHex()
		case types.ChallengeNameTypeDevicePasswordVerifier:
			prm := out.ChallengeParameters
			sig, ts, err := cl.PasswordClaim(dev.group, dev.key, devicePassword, prm["SALT"], prm["SRP_B"], prm["SECRET_BLOCK"], p.now)
			p.must(err)
			resp["DEVICE_KEY"], resp["PASSWORD_CLAIM_SECRET_BLOCK"], resp["PASSWORD_CLAIM_SIGNATURE"], resp["TIMESTAMP"] = dev.key, prm["SECRET_BLOCK"], sig, ts
		default:
			p.t.Fatalf("unexpected challenge %s", out.ChallengeName)
		}
		out, err = p.api.RespondToAuthChallenge(p.ctx, &cip.RespondToAuthChallengeInput{ClientId: aws.String(p.clientID), ChallengeName: out.ChallengeName, Session: out.Session, ChallengeResponses: resp})
	}
	if err != nil {
		return nil, seen, err
	}
	return out.AuthenticationResult, seen, nil
}

// confirm confirms the new device of res the way a browser would and returns it.
func (p *testPool) confirm(res *types.AuthenticationResultType, wantPrompt bool) *browserDevice {
	p.t.Helper()
	md := res.NewDeviceMetadata
	if md == nil {
		p.t.Fatal("no NewDeviceMetadata")
	}
	dev := &browserDevice{key: aws.ToString(md.DeviceKey), group: aws.ToString(md.DeviceGroupKey)}
	secret, err := srp.NewDeviceSecret(rand.Reader, dev.group, dev.key)
	p.must(err)
	dev.password = secret.Password
	out, err := p.api.ConfirmDevice(p.ctx, &cip.ConfirmDeviceInput{AccessToken: res.AccessToken, DeviceKey: md.DeviceKey, DeviceName: aws.String("Firefox on Linux"),
		DeviceSecretVerifierConfig: &types.DeviceSecretVerifierConfigType{Salt: aws.String(secret.SaltB64), PasswordVerifier: aws.String(secret.VerifierB64)}})
	p.must(err)
	if out.UserConfirmationNecessary != wantPrompt {
		p.t.Fatalf("UserConfirmationNecessary = %v, want %v", out.UserConfirmationNecessary, wantPrompt)
	}
	return dev
}

func sameChallenges(got []types.ChallengeNameType, want ...types.ChallengeNameType) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

const (
	chSMS    = types.ChallengeNameTypeSmsMfa
	chEmail  = types.ChallengeNameTypeEmailOtp
	chDevSRP = types.ChallengeNameTypeDeviceSrpAuth
	chDevPV  = types.ChallengeNameTypeDevicePasswordVerifier
)

// TestRememberedDeviceOptIn walks the opt-in life of a device: issued, confirmed, used while
// not remembered (MFA still asked), remembered (MFA skipped), listed, forgotten.
func TestRememberedDeviceOptIn(t *testing.T) {
	p := devicePool(t, &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true})
	res, seen, err := p.signIn(nil, "")
	p.must(err)
	if !sameChallenges(seen, chSMS) {
		t.Fatalf("first sign-in asked %v", seen)
	}
	dev := p.confirm(res, true)

	res, seen, err = p.signIn(dev, dev.password)
	p.must(err)
	if !sameChallenges(seen, chSMS, chDevSRP, chDevPV) || res.NewDeviceMetadata != nil {
		t.Fatalf("a confirmed, not remembered device: challenges %v, new metadata %v", seen, res.NewDeviceMetadata)
	}

	_, err = p.api.UpdateDeviceStatus(p.ctx, &cip.UpdateDeviceStatusInput{AccessToken: res.AccessToken, DeviceKey: aws.String(dev.key), DeviceRememberedStatus: types.DeviceRememberedStatusTypeRemembered})
	p.must(err)
	res, seen, err = p.signIn(dev, dev.password)
	p.must(err)
	if !sameChallenges(seen, chDevSRP, chDevPV) {
		t.Fatalf("a remembered device must skip the SMS code: challenges %v", seen)
	}

	_, _, err = p.signIn(dev, "not the device password")
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")

	list, err := p.api.ListDevices(p.ctx, &cip.ListDevicesInput{AccessToken: res.AccessToken})
	p.must(err)
	if len(list.Devices) != 1 || aws.ToString(list.Devices[0].DeviceKey) != dev.key || list.Devices[0].DeviceLastAuthenticatedDate == nil {
		t.Fatalf("ListDevices = %+v", list.Devices)
	}
	attrs := map[string]string{}
	for _, a := range list.Devices[0].DeviceAttributes {
		attrs[aws.ToString(a.Name)] = aws.ToString(a.Value)
	}
	if attrs["device_name"] != "Firefox on Linux" || attrs["dev:device_remembered_status"] != "remembered" {
		t.Fatalf("device attributes %v", attrs)
	}

	_, err = p.api.ForgetDevice(p.ctx, &cip.ForgetDeviceInput{AccessToken: res.AccessToken, DeviceKey: aws.String(dev.key)})
	p.must(err)
	_, _, err = p.signIn(dev, dev.password)
	wantAPIError(t, err, "ResourceNotFoundException", "Device does not exist.")
	// Without the forgotten key the sign-in asks the code again and issues a new device.
	res, seen, err = p.signIn(nil, "")
	p.must(err)
	if !sameChallenges(seen, chSMS) || res.NewDeviceMetadata == nil || aws.ToString(res.NewDeviceMetadata.DeviceKey) == dev.key {
		t.Fatalf("after forgetting: challenges %v, metadata %+v", seen, res.NewDeviceMetadata)
	}
}

// TestRememberedDeviceModes checks each pool setting: always remembered, no MFA suppression,
// tracking off, and that email MFA is never replaced by a device.
func TestRememberedDeviceModes(t *testing.T) {
	t.Run("always: remembered on confirmation", func(t *testing.T) {
		p := devicePool(t, &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: true})
		res, _, err := p.signIn(nil, "")
		p.must(err)
		dev := p.confirm(res, false)
		if _, seen, err := p.signIn(dev, dev.password); err != nil || !sameChallenges(seen, chDevSRP, chDevPV) {
			t.Fatalf("challenges %v, err %v", seen, err)
		}
	})
	t.Run("no suppression: code still asked", func(t *testing.T) {
		p := devicePool(t, &types.DeviceConfigurationType{})
		res, _, err := p.signIn(nil, "")
		p.must(err)
		dev := p.confirm(res, false)
		if _, seen, err := p.signIn(dev, dev.password); err != nil || !sameChallenges(seen, chSMS, chDevSRP, chDevPV) {
			t.Fatalf("challenges %v, err %v", seen, err)
		}
	})
	t.Run("email MFA is not replaced", func(t *testing.T) {
		p := devicePool(t, &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: true})
		p.setMFA(types.SMSMfaSettingsType{Enabled: false}, types.EmailMfaSettingsType{Enabled: true, PreferredMfa: true})
		res, _, err := p.signIn(nil, "")
		p.must(err)
		dev := p.confirm(res, false)
		if _, seen, err := p.signIn(dev, dev.password); err != nil || !sameChallenges(seen, chEmail, chDevSRP, chDevPV) {
			t.Fatalf("challenges %v, err %v", seen, err)
		}
	})
	t.Run("tracking off: no device metadata", func(t *testing.T) {
		p := devicePool(t, nil)
		res, _, err := p.signIn(nil, "")
		p.must(err)
		if res.NewDeviceMetadata != nil {
			t.Fatalf("metadata %+v", res.NewDeviceMetadata)
		}
	})
}

// TestDeviceOperationErrors checks what the device operations refuse.
func TestDeviceOperationErrors(t *testing.T) {
	p := devicePool(t, &types.DeviceConfigurationType{ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true})
	res, _, err := p.signIn(nil, "")
	p.must(err)
	unconfirmed := res.NewDeviceMetadata.DeviceKey
	if _, err := p.api.UpdateDeviceStatus(p.ctx, &cip.UpdateDeviceStatusInput{AccessToken: res.AccessToken, DeviceKey: unconfirmed, DeviceRememberedStatus: types.DeviceRememberedStatusTypeRemembered}); err == nil {
		t.Fatal("an unconfirmed device must not be remembered")
	}
	dev := p.confirm(res, true)
	key := aws.String(dev.key)
	tests := []struct {
		name      string
		call      func() error
		code, msg string
	}{
		{"confirm twice", func() error {
			_, err := p.api.ConfirmDevice(p.ctx, &cip.ConfirmDeviceInput{AccessToken: res.AccessToken, DeviceKey: key,
				DeviceSecretVerifierConfig: &types.DeviceSecretVerifierConfigType{Salt: aws.String("AQ=="), PasswordVerifier: aws.String("AQ==")}})
			return err
		}, "InvalidParameterException", "already been confirmed"},
		{"unknown device", func() error {
			_, err := p.api.ForgetDevice(p.ctx, &cip.ForgetDeviceInput{AccessToken: res.AccessToken, DeviceKey: aws.String("us-east-1_nope")})
			return err
		}, "ResourceNotFoundException", "Device does not exist."},
		{"bad status", func() error {
			_, err := p.api.UpdateDeviceStatus(p.ctx, &cip.UpdateDeviceStatusInput{AccessToken: res.AccessToken, DeviceKey: key, DeviceRememberedStatus: "forever"})
			return err
		}, "InvalidParameterException", "deviceRememberedStatus"},
		{"limit too large", func() error {
			_, err := p.api.ListDevices(p.ctx, &cip.ListDevicesInput{AccessToken: res.AccessToken, Limit: aws.Int32(61)})
			return err
		}, "InvalidParameterException", "limit"},
		{"bad access token", func() error {
			_, err := p.api.ListDevices(p.ctx, &cip.ListDevicesInput{AccessToken: aws.String("x.y.z")})
			return err
		}, "NotAuthorizedException", "Invalid Access Token"},
		{"unknown device at sign-in", func() error {
			_, _, err := p.signIn(&browserDevice{key: "us-east-1_nope"}, "")
			return err
		}, "ResourceNotFoundException", "Device does not exist."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantAPIError(t, tt.call(), tt.code, tt.msg) })
	}

	admin, err := p.api.AdminListDevices(p.ctx, &cip.AdminListDevicesInput{UserPoolId: aws.String(p.poolID), Username: aws.String("alice")})
	p.must(err)
	if len(admin.Devices) != 1 || aws.ToString(admin.Devices[0].DeviceKey) != dev.key {
		t.Fatalf("AdminListDevices = %+v", admin.Devices)
	}
	_, err = p.api.AdminForgetDevice(p.ctx, &cip.AdminForgetDeviceInput{UserPoolId: aws.String(p.poolID), Username: aws.String("alice"), DeviceKey: key})
	p.must(err)
	admin, err = p.api.AdminListDevices(p.ctx, &cip.AdminListDevicesInput{UserPoolId: aws.String(p.poolID), Username: aws.String("alice")})
	p.must(err)
	if len(admin.Devices) != 0 {
		t.Fatalf("after AdminForgetDevice: %+v", admin.Devices)
	}
}

func TestListDevicesPages(t *testing.T) {
	p := devicePool(t, &types.DeviceConfigurationType{})
	p.setMFA(types.SMSMfaSettingsType{Enabled: false}, types.EmailMfaSettingsType{Enabled: true, PreferredMfa: true})
	var last *types.AuthenticationResultType
	for range 3 {
		res, _, err := p.signIn(nil, "")
		p.must(err)
		p.confirm(res, false)
		last = res
	}
	var keys []string
	var token *string
	for {
		page, err := p.api.ListDevices(p.ctx, &cip.ListDevicesInput{AccessToken: last.AccessToken, Limit: aws.Int32(2), PaginationToken: token})
		p.must(err)
		for _, d := range page.Devices {
			keys = append(keys, aws.ToString(d.DeviceKey))
		}
		if token = page.PaginationToken; token == nil {
			break
		}
	}
	if len(keys) != 3 || keys[0] == keys[1] || keys[1] == keys[2] {
		t.Fatalf("pages gave %v", keys)
	}
}
