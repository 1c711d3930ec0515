package srp

import (
	"encoding/base64"
	"fmt"
	"io"
	"math/big"
)

// devicePasswordBytes and deviceSaltBytes are the sizes amazon-cognito-identity-js uses: a
// device password of 40 random bytes in base64, and a 16-byte salt.
const (
	devicePasswordBytes = 40
	deviceSaltBytes     = 16
)

// DeviceSecret is what a client makes when it confirms a new device: the device password it keeps
// (with the device key and group key) and the verifier it sends in ConfirmDevice's
// DeviceSecretVerifierConfig.
type DeviceSecret struct {
	// Password is the random device password, kept by the client and never sent to Cognito.
	Password string
	// SaltB64 and VerifierB64 are DeviceSecretVerifierConfig's Salt and PasswordVerifier.
	SaltB64, VerifierB64 string
}

// NewDeviceSecret draws a device password and salt and computes the verifier for the device
// (groupKey, deviceKey), as amazon-cognito-identity-js's generateHashDevice does.
func NewDeviceSecret(rand io.Reader, groupKey, deviceKey string) (DeviceSecret, error) {
	buf := make([]byte, devicePasswordBytes+deviceSaltBytes)
	if _, err := io.ReadFull(rand, buf); err != nil {
		return DeviceSecret{}, fmt.Errorf("srp: read random: %w", err)
	}
	password := base64.StdEncoding.EncodeToString(buf[:devicePasswordBytes])
	salt := pad(new(big.Int).SetBytes(buf[devicePasswordBytes:]))
	v := Verifier(groupKey, deviceKey, password, salt)
	return DeviceSecret{
		Password:    password,
		SaltB64:     base64.StdEncoding.EncodeToString(salt),
		VerifierB64: base64.StdEncoding.EncodeToString(pad(v)),
	}, nil
}

// ParseDeviceVerifier reads ConfirmDevice's Salt and PasswordVerifier (both base64) as a server
// stores them: the salt bytes and the verifier, which must be a valid group element.
func ParseDeviceVerifier(saltB64, verifierB64 string) (salt []byte, verifier *big.Int, err error) {
	salt, err = base64.StdEncoding.DecodeString(saltB64)
	if err != nil || len(salt) == 0 || len(salt) > 64 {
		return nil, nil, fmt.Errorf("%w: device salt", ErrBadInput)
	}
	raw, err := base64.StdEncoding.DecodeString(verifierB64)
	if err != nil || len(raw) == 0 || len(raw) > 1024 {
		return nil, nil, fmt.Errorf("%w: device verifier", ErrBadInput)
	}
	verifier = new(big.Int).SetBytes(raw)
	if verifier.Sign() == 0 || verifier.Cmp(groupN) >= 0 {
		return nil, nil, fmt.Errorf("%w: device verifier out of range", ErrBadInput)
	}
	return salt, verifier, nil
}
