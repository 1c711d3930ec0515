package localpool

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"strings"
	"time"
)

// TOTP returns the RFC 6238 code (SHA-1, 6 digits, 30-second steps) of a base32 secret at t, as an
// authenticator app would show it. An undecodable secret gives "".
func TOTP(secret string, t time.Time) string {
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(strings.TrimRight(secret, "=")))
	if err != nil {
		return ""
	}
	return hotp(key, uint64(t.Unix()/30))
}

func hotp(key []byte, counter uint64) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", v%1000000)
}

// verifyTOTP accepts the code of the current 30-second step or of its neighbours.
func verifyTOTP(secret, code string, now time.Time) bool {
	for _, d := range []time.Duration{0, -30 * time.Second, 30 * time.Second} {
		if want := TOTP(secret, now.Add(d)); want != "" && hmac.Equal([]byte(want), []byte(code)) {
			return true
		}
	}
	return false
}

// matchTOTP is verifyTOTP that also returns the 30-second step the code belongs to.
func matchTOTP(secret, code string, now time.Time) (int64, bool) {
	for _, d := range []time.Duration{0, -30 * time.Second, 30 * time.Second} {
		t := now.Add(d)
		if want := TOTP(secret, t); want != "" && hmac.Equal([]byte(want), []byte(code)) {
			return t.Unix() / 30, true
		}
	}
	return 0, false
}

// useTOTP accepts a code of u's authenticator once: Cognito refuses a code already used within
// its window with ExpiredCodeException "Your software token has already been used once.".
// Callers hold s.mu.
func (s *Server) useTOTP(u *user, code string) *apiError {
	step, ok := matchTOTP(u.totpSecret, code, s.opts.Now())
	if !ok {
		return errf("CodeMismatchException", "Invalid code received for user")
	}
	if u.usedTOTP[step] {
		return errf("ExpiredCodeException", "Your software token has already been used once.")
	}
	if u.usedTOTP == nil {
		u.usedTOTP = map[int64]bool{}
	}
	for old := range u.usedTOTP {
		if old < step-2 {
			delete(u.usedTOTP, old)
		}
	}
	u.usedTOTP[step] = true
	return nil
}

// DefaultTOTPDeviceName is the FRIENDLY_DEVICE_NAME Cognito sends with SOFTWARE_TOKEN_MFA when
// no name was given to VerifySoftwareToken.
const DefaultTOTPDeviceName = "TOTP device"

// totpDeviceName is the FRIENDLY_DEVICE_NAME of an authenticator enrolled with name.
func totpDeviceName(name string) string {
	if name == "" {
		return DefaultTOTPDeviceName
	}
	return name
}
