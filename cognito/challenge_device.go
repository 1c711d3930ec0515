package cognito

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/bridgekeeper/bridgekeeper/identity"
	"github.com/bridgekeeper/bridgekeeper/internal/srp"
)

// Remembered devices. A sign-in whose result carries NewDeviceMetadata may confirm the device
// (ConfirmDevice with an SRP verifier of a random device password) and mark it remembered; the
// browser keeps the device key, group key and password. Later SRP sign-ins present the key, and
// Cognito asks the engine to prove the device (DEVICE_SRP_AUTH, then DEVICE_PASSWORD_VERIFIER),
// which it does on the server: the device password lives in memory only for that request. In a
// pool that lets remembered devices stand in for SMS and authenticator codes, none is asked.

// amrSWK is RFC 8176's "proof-of-possession of a software-secured key": the remembered device's
// secret.
const amrSWK = identity.AMRSWK

// Bounds on a device's identifiers, which the browser keeps in its device cookie. Cognito's device
// keys are "<region>_<uuid>" (about 46 characters), group keys about 10, and the device password
// made here 56.
const (
	MaxDeviceKey      = 64
	MaxDeviceGroupKey = 64
	MaxDevicePassword = 64
)

// Device is a remembered device as the browser keeps it.
type Device struct {
	Key, GroupKey, Password string
}

// Valid reports whether every part is present and within its bound.
func (d Device) Valid() bool {
	return d.Key != "" && d.GroupKey != "" && d.Password != "" &&
		len(d.Key) <= MaxDeviceKey && len(d.GroupKey) <= MaxDeviceGroupKey && len(d.Password) <= MaxDevicePassword
}

// NewDevice is the NewDeviceMetadata of a sign-in: a device Cognito started tracking, to be
// confirmed with RememberDevice.
type NewDevice struct {
	Key, GroupKey string
}

// DeviceInfo is one of a person's devices as ListDevices describes it.
type DeviceInfo struct {
	Key, Name  string
	Remembered bool
	LastUsed   time.Time
}

// DeviceLookup returns the browser's remembered device of a real username, or nil.
type DeviceLookup func(username string) *Device

type deviceKey struct{}

// WithDevice returns ctx carrying the browser's remembered device for the sign-in answered with
// it: when Cognito asks to prove the device after a person's answer (an MFA code, say), Answer
// proves it with this. The device password stays in memory for that request only.
func WithDevice(ctx context.Context, d *Device) context.Context {
	if d == nil || !d.Valid() {
		return ctx
	}
	return context.WithValue(ctx, deviceKey{}, *d)
}

// deviceFrom returns the device WithDevice put in ctx.
func deviceFrom(ctx context.Context) *Device {
	if d, ok := ctx.Value(deviceKey{}).(Device); ok {
		return &d
	}
	return nil
}

// deviceChallenges are DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER, both answered on the
// server.
func deviceChallenges() []challenge {
	return []challenge{
		{name: types.ChallengeNameTypeDeviceSrpAuth, serve: deviceSRP},
		{name: types.ChallengeNameTypeDevicePasswordVerifier, serve: devicePasswordVerifier},
	}
}

// errNoDevice ends a sign-in whose device must be proven when the browser's device is not at
// hand (its cookie went away between two steps): signing in again works without it.
func errNoDevice(name types.ChallengeNameType) error {
	return &Error{Kind: SessionExpired, Op: string(name), Err: errors.New("the pool asks to prove a device the browser no longer holds")}
}

// deviceSRP starts proving the device: a fresh SRP client whose A goes to Cognito.
func deviceSRP(ctx context.Context, e *Engine, sec *secrets, in planInput) (Result, error) {
	if sec == nil || sec.device == nil {
		return Result{}, errNoDevice(in.name)
	}
	c, err := srp.NewClient(e.d.Rand)
	if err != nil {
		return Result{}, &Error{Kind: Internal, Op: string(in.name), Err: err}
	}
	next := *sec
	next.deviceSRP = c
	return e.respondWith(ctx, in.base(""), in.name, in.session, map[string]string{
		"USERNAME": in.username, "DEVICE_KEY": sec.device.Key, "SRP_A": c.AHex(),
	}, &next)
}

// devicePasswordVerifier proves the device password, with the group key in place of the pool
// name and the device key in place of the username.
func devicePasswordVerifier(ctx context.Context, e *Engine, sec *secrets, in planInput) (Result, error) {
	if sec == nil || sec.device == nil || sec.deviceSRP == nil {
		return Result{}, errNoDevice(in.name)
	}
	d, p := sec.device, in.params
	sig, ts, err := sec.deviceSRP.PasswordClaim(d.GroupKey, d.Key, d.Password, p["SALT"], p["SRP_B"], p["SECRET_BLOCK"], e.d.Now())
	if err != nil {
		return Result{}, &Error{Kind: Internal, Op: string(in.name), Err: fmt.Errorf("unusable device SRP parameters from Cognito: %w", err)}
	}
	st := in.base("")
	st.AMR = withMethods(st.AMR, amrSWK)
	return e.respondWith(ctx, st, in.name, in.session, map[string]string{
		"USERNAME": in.username, "DEVICE_KEY": d.Key, "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"],
		"PASSWORD_CLAIM_SIGNATURE": sig, "TIMESTAMP": ts,
	}, sec)
}

// isDeviceGone reports whether err is Cognito's answer to a device key it no longer knows (the
// person forgot the device, or an administrator did).
func isDeviceGone(err error) bool {
	var ce *Error
	return errors.As(err, &ce) && ce.Code == "ResourceNotFoundException"
}

// DeviceAPI is the part of the Cognito client the device calls use.
type DeviceAPI interface {
	ConfirmDevice(ctx context.Context, in *cip.ConfirmDeviceInput, opts ...func(*cip.Options)) (*cip.ConfirmDeviceOutput, error)
	UpdateDeviceStatus(ctx context.Context, in *cip.UpdateDeviceStatusInput, opts ...func(*cip.Options)) (*cip.UpdateDeviceStatusOutput, error)
	ListDevices(ctx context.Context, in *cip.ListDevicesInput, opts ...func(*cip.Options)) (*cip.ListDevicesOutput, error)
	ForgetDevice(ctx context.Context, in *cip.ForgetDeviceInput, opts ...func(*cip.Options)) (*cip.ForgetDeviceOutput, error)
}

func (e *Engine) devices() (DeviceAPI, error) {
	d, ok := e.api.(DeviceAPI)
	if !ok {
		return nil, &Error{Kind: Internal, Op: "devices", Err: errors.New("the Cognito client has no device calls")}
	}
	return d, nil
}

// RememberDevice confirms a sign-in's new device with the person's access token and, when
// remember is set and the pool asks people first, marks it remembered. It returns what the
// browser keeps.
func (e *Engine) RememberDevice(ctx context.Context, accessToken string, nd NewDevice, name string, remember bool) (Device, error) {
	api, err := e.devices()
	if err != nil {
		return Device{}, err
	}
	secret, err := srp.NewDeviceSecret(e.d.Rand, nd.GroupKey, nd.Key)
	if err != nil {
		return Device{}, &Error{Kind: Internal, Op: "ConfirmDevice", Err: err}
	}
	out, err := api.ConfirmDevice(ctx, &cip.ConfirmDeviceInput{
		AccessToken: aws.String(accessToken), DeviceKey: aws.String(nd.Key), DeviceName: aws.String(name),
		DeviceSecretVerifierConfig: &types.DeviceSecretVerifierConfigType{Salt: aws.String(secret.SaltB64), PasswordVerifier: aws.String(secret.VerifierB64)},
	})
	if err != nil {
		return Device{}, e.fail(ctx, "ConfirmDevice", err)
	}
	if out.UserConfirmationNecessary && remember {
		if _, err := api.UpdateDeviceStatus(ctx, &cip.UpdateDeviceStatusInput{
			AccessToken: aws.String(accessToken), DeviceKey: aws.String(nd.Key), DeviceRememberedStatus: types.DeviceRememberedStatusTypeRemembered,
		}); err != nil {
			return Device{}, e.fail(ctx, "UpdateDeviceStatus", err)
		}
	}
	return Device{Key: nd.Key, GroupKey: nd.GroupKey, Password: secret.Password}, nil
}

// ListDevices lists the person's devices (all pages) with their access token.
func (e *Engine) ListDevices(ctx context.Context, accessToken string) ([]DeviceInfo, error) {
	api, err := e.devices()
	if err != nil {
		return nil, err
	}
	var out []DeviceInfo
	var token *string
	for {
		page, err := api.ListDevices(ctx, &cip.ListDevicesInput{AccessToken: aws.String(accessToken), PaginationToken: token})
		if err != nil {
			return nil, e.fail(ctx, "ListDevices", err)
		}
		for _, d := range page.Devices {
			info := DeviceInfo{Key: aws.ToString(d.DeviceKey), LastUsed: aws.ToTime(d.DeviceLastAuthenticatedDate)}
			for _, a := range d.DeviceAttributes {
				switch aws.ToString(a.Name) {
				case "device_name":
					info.Name = aws.ToString(a.Value)
				case "dev:device_remembered_status":
					info.Remembered = aws.ToString(a.Value) == "remembered"
				}
			}
			out = append(out, info)
		}
		if token = page.PaginationToken; token == nil || len(out) >= maxListedDevices {
			return out, nil
		}
	}
}

// maxListedDevices bounds how many devices ListDevices reads (it pages through at most that).
const maxListedDevices = 600

// ForgetDevice forgets one of the person's devices with their access token.
func (e *Engine) ForgetDevice(ctx context.Context, accessToken, key string) error {
	api, err := e.devices()
	if err != nil {
		return err
	}
	if _, err := api.ForgetDevice(ctx, &cip.ForgetDeviceInput{AccessToken: aws.String(accessToken), DeviceKey: aws.String(key)}); err != nil {
		return e.fail(ctx, "ForgetDevice", err)
	}
	return nil
}
