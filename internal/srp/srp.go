// Package srp implements the Secure Remote Password variant that Amazon Cognito uses for
// USER_SRP_AUTH and for remembered devices (DEVICE_SRP_AUTH), from both sides: the client
// (what Bridgekeeper computes when it signs a person in) and the server (what the local user
// pool checks).
//
// The group is the 3072-bit prime of RFC 3526 with g = 2; H is SHA-256. Big numbers are hashed
// as their "padded hex" bytes: big-endian, with a leading zero byte when the top bit is set,
// exactly as AWS's amazon-cognito-identity-js does. The session key is derived with HKDF-SHA256
// (info "Caldera Derived Key") and the password claim is an HMAC-SHA256 over the pool name, the
// user id, the server's secret block and a timestamp.
//
// For devices, pass the device group key where a pool name is asked for and the device key where
// a user id is asked for.
package srp

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/bridgekeeper/bridgekeeper/internal/montgomery"
)

// nHex is the 3072-bit MODP group prime from RFC 3526, section 4.
const nHex = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1" +
	"29024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
	"EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245" +
	"E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
	"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D" +
	"C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F" +
	"83655D23DCA3AD961C62F356208552BB9ED529077096966D" +
	"670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B" +
	"E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9" +
	"DE2BCBF6955817183995497CEA956AE515D2261898FA0510" +
	"15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64" +
	"ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7" +
	"ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6B" +
	"F12FFA06D98A0864D87602733EC86A64521F2B18177B200C" +
	"BBE117577A615D6C770988C0BAD946E208E24FA074E5AB31" +
	"43DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"

// smallALen is the number of random bytes used for the private values a and b: 512 bits,
// above the 260–420 bits RFC 3526 §8 sizes exponents at for this group, and no longer than the
// ≥512-bit exponent a + u·x the key needs anyway (the security argument is in
// docs/security.md). Cognito only ever sees A = g^a.
const smallALen = 64

// privateBits is the size of the private values in bits.
const privateBits = 8 * smallALen

// TimestampLayout is the format Cognito expects in the TIMESTAMP challenge response:
// UTC, 24-hour clock, day of month without zero padding.
const TimestampLayout = "Mon Jan 2 15:04:05 UTC 2006"

// Errors reported when a peer sends values that would make the exchange insecure.
var (
	ErrBadPublicValue = errors.New("srp: public value is zero modulo N")
	ErrBadScrambler   = errors.New("srp: scrambling parameter u is zero")
	ErrBadInput       = errors.New("srp: malformed input")
)

var (
	groupN    = mustHex(nHex)
	groupG    = big.NewInt(2)
	groupK    = hashPadded(groupN, groupG)
	groupMont = montgomery.New(groupN)
)

// N returns a copy of the group prime.
func N() *big.Int { return new(big.Int).Set(groupN) }

// G returns the group generator, 2.
func G() *big.Int { return new(big.Int).Set(groupG) }

// FormatTimestamp renders t in Cognito's TIMESTAMP format, for example "Wed Apr 5 22:42:34 UTC 2017".
func FormatTimestamp(t time.Time) string { return t.UTC().Format(TimestampLayout) }

// Client holds one side of a single SRP exchange. It is used once and thrown away.
type Client struct {
	a *big.Int
	A *big.Int
}

// NewClient draws a fresh private value from rand.
func NewClient(rand io.Reader) (*Client, error) {
	a, err := randomInt(rand)
	if err != nil {
		return nil, err
	}
	return NewClientWithA(a)
}

// NewClientWithA builds a client from a chosen private value; tests use it for fixed vectors.
func NewClientWithA(a *big.Int) (*Client, error) {
	if a == nil || a.Sign() <= 0 {
		return nil, fmt.Errorf("%w: private value must be positive", ErrBadInput)
	}
	A := gExp(a, privateBits)
	if A.Sign() == 0 {
		return nil, ErrBadPublicValue
	}
	return &Client{a: new(big.Int).Set(a), A: A}, nil
}

// AHex returns the public value A as lower-case hex, the form Cognito's SRP_A parameter takes.
func (c *Client) AHex() string { return c.A.Text(16) }

// AuthKey derives the 16-byte session key from the server's salt and B (both hex) for the given
// pool name (or device group key), user id (or device key) and password.
func (c *Client) AuthKey(poolName, userID, password, saltHex, srpBHex string) ([]byte, error) {
	salt, err := parseHex(saltHex)
	if err != nil {
		return nil, fmt.Errorf("salt: %w", err)
	}
	B, err := parseHex(srpBHex)
	if err != nil {
		return nil, fmt.Errorf("SRP_B: %w", err)
	}
	if zeroModN(B) {
		return nil, ErrBadPublicValue
	}
	u := hashPadded(c.A, B)
	if u.Sign() == 0 {
		return nil, ErrBadScrambler
	}
	x := privateX(poolName, userID, password, salt)
	return deriveKey(clientS(c.a, B, u, x, gExp(x, xBits)), u)
}

// sessionBits is the size of the client's session exponent a + u·x: a has
// privateBits, u and x xBits each, so a + u·x < 2^512 + 2^512.
const sessionBits = max(privateBits, 2*xBits) + 1

// clientS is the client's shared secret S = (B − k·g^x)^(a + u·x) mod N, given gx = g^x.
func clientS(a, B, u, x, gx *big.Int) *big.Int {
	base := new(big.Int).Mul(groupK, gx)
	base.Mod(base.Sub(B, base), groupN)
	e := new(big.Int).Mul(u, x)
	return groupMont.Exp(base, e.Add(e, a), sessionBits)
}

// PasswordClaim computes PASSWORD_CLAIM_SIGNATURE and TIMESTAMP for a PASSWORD_VERIFIER (or
// DEVICE_PASSWORD_VERIFIER) challenge. secretBlockB64 is the SECRET_BLOCK parameter as sent.
func (c *Client) PasswordClaim(poolName, userID, password, saltHex, srpBHex, secretBlockB64 string, now time.Time) (signatureB64, timestamp string, err error) {
	key, err := c.AuthKey(poolName, userID, password, saltHex, srpBHex)
	if err != nil {
		return "", "", err
	}
	block, err := base64.StdEncoding.DecodeString(secretBlockB64)
	if err != nil {
		return "", "", fmt.Errorf("%w: SECRET_BLOCK is not base64", ErrBadInput)
	}
	timestamp = FormatTimestamp(now)
	return Signature(key, poolName, userID, block, timestamp), timestamp, nil
}

// Signature is the password claim: base64(HMAC-SHA256(key, poolName ‖ userID ‖ secretBlock ‖ timestamp)).
func Signature(key []byte, poolName, userID string, secretBlock []byte, timestamp string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(poolName))
	m.Write([]byte(userID))
	m.Write(secretBlock)
	m.Write([]byte(timestamp))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// VerifySignature reports, in constant time, whether signatureB64 is the right claim.
func VerifySignature(key []byte, poolName, userID string, secretBlock []byte, timestamp, signatureB64 string) bool {
	want := Signature(key, poolName, userID, secretBlock, timestamp)
	return hmac.Equal([]byte(want), []byte(signatureB64))
}

// Verifier computes the password verifier v = g^x mod N that a server stores instead of the
// password. For devices, pass the device group key and device key.
func Verifier(poolName, userID, password string, salt []byte) *big.Int {
	x := privateX(poolName, userID, password, new(big.Int).SetBytes(salt))
	return gExp(x, xBits)
}

// Server holds the server side of one SRP exchange.
type Server struct {
	b *big.Int
	v *big.Int
	B *big.Int
}

// NewServer draws a fresh private value for an exchange against verifier v.
func NewServer(rand io.Reader, v *big.Int) (*Server, error) {
	b, err := randomInt(rand)
	if err != nil {
		return nil, err
	}
	return NewServerWithB(v, b)
}

// NewServerWithB builds a server from a chosen private value b (tests and known vectors).
func NewServerWithB(v, b *big.Int) (*Server, error) {
	if v == nil || v.Sign() <= 0 || b == nil || b.Sign() <= 0 {
		return nil, fmt.Errorf("%w: verifier and private value must be positive", ErrBadInput)
	}
	// B = k*v + g^b mod N
	B := new(big.Int).Mul(groupK, v)
	B.Add(B, gExp(b, privateBits))
	B.Mod(B, groupN)
	if B.Sign() == 0 {
		return nil, ErrBadPublicValue
	}
	return &Server{b: new(big.Int).Set(b), v: new(big.Int).Set(v), B: B}, nil
}

// BHex returns the public value B as lower-case hex (the SRP_B challenge parameter).
func (s *Server) BHex() string { return s.B.Text(16) }

// HasVerifier reports whether the exchange was set up for verifier v: a server that kept it
// between the challenge and the answer checks that the password did not change in between.
func (s *Server) HasVerifier(v *big.Int) bool { return v != nil && s.v.Cmp(v) == 0 }

// AuthKey derives the session key from the client's public value A (hex).
func (s *Server) AuthKey(srpAHex string) ([]byte, error) {
	A, err := parseHex(srpAHex)
	if err != nil {
		return nil, fmt.Errorf("SRP_A: %w", err)
	}
	if zeroModN(A) {
		return nil, ErrBadPublicValue
	}
	u := hashPadded(A, s.B)
	if u.Sign() == 0 {
		return nil, ErrBadScrambler
	}
	// S = (A * v^u) ^ b mod N
	S := groupMont.Exp(s.v, u, xBits)
	S.Mul(S, A)
	S.Mod(S, groupN)
	S = groupMont.Exp(S, s.b, privateBits)
	return deriveKey(S, u)
}

// ValidA reports whether srpAHex is a well-formed public value that is not zero modulo N.
func ValidA(srpAHex string) bool {
	A, err := parseHex(srpAHex)
	return err == nil && !zeroModN(A)
}

// zeroModN reports whether x ≥ 0 is zero modulo N, dividing only when x ≥ N.
func zeroModN(x *big.Int) bool {
	if x.Cmp(groupN) < 0 {
		return x.Sign() == 0
	}
	return new(big.Int).Mod(x, groupN).Sign() == 0
}

// privateX is x = H(pad(salt) ‖ H(poolName ‖ userID ‖ ":" ‖ password)).
func privateX(poolName, userID, password string, salt *big.Int) *big.Int {
	var buf [256]byte // the usual names and password fit; longer ones go to the heap
	in := append(append(append(append(buf[:0], poolName...), userID...), ':'), password...)
	inner := sha256.Sum256(in)
	clear(in) // the password's bytes
	var outer [paddedLen + sha256.Size]byte
	sum := sha256.Sum256(append(appendPadded(outer[:0], salt), inner[:]...))
	return new(big.Int).SetBytes(sum[:])
}

func deriveKey(S, u *big.Int) ([]byte, error) {
	key, err := hkdf.Key(sha256.New, pad(S), pad(u), "Caldera Derived Key", 16)
	if err != nil {
		return nil, fmt.Errorf("srp: derive key: %w", err)
	}
	return key, nil
}

// paddedLen is the padded length of a number of the group: 384 bytes and the leading zero.
const paddedLen = len(nHex)/2 + 1

// pad returns the big-endian bytes of n ≥ 0 with a leading zero byte when the top bit is set, and
// a single zero byte for zero: the byte form of amazon-cognito-identity-js's padHex.
func pad(n *big.Int) []byte { return appendPadded(nil, n) }

// appendPadded appends pad(n) to dst.
func appendPadded(dst []byte, n *big.Int) []byte {
	size := (n.BitLen() + 7) / 8
	if n.BitLen()%8 == 0 { // the top bit is set, or n is zero
		size++
	}
	start := len(dst)
	dst = slices.Grow(dst, size)[:start+size]
	n.FillBytes(dst[start:]) // zero-fills what n's bytes do not
	return dst
}

// hashPadded is H(pad(a) ‖ pad(b)) as a number (k, u).
func hashPadded(a, b *big.Int) *big.Int {
	var buf [2 * paddedLen]byte
	sum := sha256.Sum256(appendPadded(appendPadded(buf[:0], a), b))
	return new(big.Int).SetBytes(sum[:])
}

func randomInt(rand io.Reader) (*big.Int, error) {
	buf := make([]byte, smallALen)
	if _, err := io.ReadFull(rand, buf); err != nil {
		return nil, fmt.Errorf("srp: read random: %w", err)
	}
	n := new(big.Int).SetBytes(buf)
	n.Mod(n, groupN)
	if n.Sign() == 0 {
		return nil, fmt.Errorf("%w: random source returned zeros", ErrBadInput)
	}
	return n, nil
}

func parseHex(s string) (*big.Int, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 2048 {
		return nil, fmt.Errorf("%w: bad hex length", ErrBadInput)
	}
	if len(s)%2 == 1 {
		s = "0" + s
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: not hex", ErrBadInput)
	}
	return new(big.Int).SetBytes(b), nil
}

func mustHex(s string) *big.Int {
	n, ok := new(big.Int).SetString(s, 16)
	if !ok {
		panic("srp: bad constant")
	}
	return n
}
