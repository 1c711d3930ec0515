package srp_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/internal/srp"
	"github.com/bridgekeeper/bridgekeeper/internal/testenv"
)

// This file checks internal/srp against AWS's own JavaScript implementation of Cognito's SRP,
// amazon-cognito-identity-js (npm), run under node by e2e/node/srp-vector.js. Our client and our
// local user pool could share a misunderstanding and still agree with each other; they cannot
// both agree with AWS's client by accident.

// jsDateLayout is an ISO 8601 instant with milliseconds, which JavaScript's Date parses.
const jsDateLayout = "2006-01-02T15:04:05.000Z07:00"

// jsInput is one request to srp-vector.js; see the comment at the top of that script.
type jsInput struct {
	PoolName       string `json:"poolName,omitempty"`
	Username       string `json:"username,omitempty"`
	Password       string `json:"password,omitempty"`
	AHex           string `json:"aHex,omitempty"`
	SaltHex        string `json:"saltHex,omitempty"`
	BHex           string `json:"bHex,omitempty"`
	SecretBlockB64 string `json:"secretBlockB64,omitempty"`
	Timestamp      string `json:"timestamp,omitempty"`
	Date           string `json:"date,omitempty"`
	DeviceGroupKey string `json:"deviceGroupKey,omitempty"`
	DeviceKey      string `json:"deviceKey,omitempty"`
}

// jsOutput is srp-vector.js's answer to one jsInput.
type jsOutput struct {
	AHex             string `json:"A_hex"`
	KeyHex           string `json:"key_hex"`
	SignatureB64     string `json:"signature_b64"`
	Timestamp        string `json:"timestamp"`
	TimestampForDate string `json:"timestamp_for_date"`
	DevicePassword   string `json:"device_password"`
	DeviceSaltB64    string `json:"device_salt_b64"`
	DeviceVerifier   string `json:"device_verifier_b64"`
}

// vector is one SRP exchange: everything both sides need, chosen from a seeded random source.
type vector struct {
	name        string
	poolName    string // the pool id after "_", or a device group key
	userID      string // USER_ID_FOR_SRP, or a device key
	password    string
	a, b        *big.Int
	salt        []byte
	saltHex     string // as the server would send it
	secretBlock []byte
	now         time.Time
}

// randBytes returns n bytes from r.
func randBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	return b
}

func randString(r *rand.Rand, alphabet string, n int) string {
	runes := []rune(alphabet)
	out := make([]rune, n)
	for i := range out {
		out[i] = runes[r.IntN(len(runes))]
	}
	return string(out)
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// positive returns the big-endian integer of b, forced non-zero.
func positive(b []byte) *big.Int {
	n := new(big.Int).SetBytes(b)
	if n.Sign() == 0 {
		n.SetInt64(1)
	}
	return n
}

// crosscheckVectors builds the table: seeded random exchanges, with the shapes that trip up
// SRP implementations (values with the top bit set, odd-length hex, leading zero bytes,
// non-ASCII names and passwords, device keys) forced in some of them.
func crosscheckVectors() []vector {
	r := rand.New(rand.NewChaCha8([32]byte([]byte("bridgekeeper srp crosscheck seed"))))
	uuid := func() string {
		h := hex.EncodeToString(randBytes(r, 16))
		return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
	}
	newVector := func(name string) vector {
		salt := randBytes(r, 16)
		return vector{
			name:        name,
			poolName:    randString(r, alnum, 9),
			userID:      uuid(),
			password:    randString(r, alnum+"!@#$%^&*()-_=+[]{};:,.<>/? ", 8+r.IntN(24)),
			a:           positive(randBytes(r, 128)),
			b:           positive(randBytes(r, 128)),
			salt:        salt,
			saltHex:     hex.EncodeToString(salt),
			secretBlock: randBytes(r, 1+r.IntN(1600)),
			now:         time.Unix(946684800+r.Int64N(40*365*86400), r.Int64N(1e9)).UTC(),
		}
	}

	var vs []vector
	for i := range 4 {
		vs = append(vs, newVector(fmt.Sprintf("random %d", i)))
	}

	v := newVector("salt and a with the top bit set")
	v.salt[0] |= 0x80
	v.saltHex = hex.EncodeToString(v.salt)
	v.a = positive(append([]byte{0xff}, randBytes(r, 127)...))
	vs = append(vs, v)

	v = newVector("salt with a leading zero byte, sent unpadded")
	v.salt[0], v.salt[1] = 0, 0x0a
	v.saltHex = new(big.Int).SetBytes(v.salt).Text(16) // odd length: "a…"
	vs = append(vs, v)

	v = newVector("salt with a leading zero nibble, sent padded")
	v.salt[0] = 0x07
	v.saltHex = hex.EncodeToString(v.salt)
	vs = append(vs, v)

	v = newVector("non-ASCII username and password")
	v.userID = "zoë.ñandú"
	v.password = "pässwörd 🔑 密码"
	vs = append(vs, v)

	v = newVector("private values of the size NewClient and NewServer draw (fixed-base table)")
	v.a = positive(randBytes(r, 64))
	v.b = positive(append([]byte{0xff}, randBytes(r, 63)...))
	vs = append(vs, v)

	v = newVector("a + u·x one bit past 512 bits (the session exponent is halved)")
	v.a = positive(bytes.Repeat([]byte{0xff}, 64)) // 2^512 − 1: a + u·x ≥ 2^512
	v.b = positive(randBytes(r, 64))
	vs = append(vs, v)

	v = newVector("small private values")
	v.a = big.NewInt(3)
	v.b = big.NewInt(5)
	vs = append(vs, v)

	v = newVector("device: group key and device key")
	v.poolName = "-" + randString(r, alnum, 8)
	v.userID = "us-east-1_" + uuid()
	v.password = base64.StdEncoding.EncodeToString(randBytes(r, 40))
	vs = append(vs, v)

	return vs
}

func runVectors(t *testing.T, in []jsInput) []jsOutput {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out []jsOutput
	testenv.RunNodeJSON(ctx, t, "srp-vector.js", in, &out)
	if len(out) != len(in) {
		t.Fatalf("srp-vector.js returned %d results for %d inputs", len(out), len(in))
	}
	return out
}

func TestCrossCheckWithAmazonCognitoIdentityJS(t *testing.T) {
	vs := crosscheckVectors()

	type goSide struct {
		client    *srp.Client
		server    *srp.Server
		clientKey []byte
	}
	sides := make([]goSide, len(vs))
	in := make([]jsInput, len(vs))
	for i, v := range vs {
		client, err := srp.NewClientWithA(v.a)
		if err != nil {
			t.Fatalf("%s: NewClientWithA: %v", v.name, err)
		}
		server, err := srp.NewServerWithB(srp.Verifier(v.poolName, v.userID, v.password, v.salt), v.b)
		if err != nil {
			t.Fatalf("%s: NewServerWithB: %v", v.name, err)
		}
		key, err := client.AuthKey(v.poolName, v.userID, v.password, v.saltHex, server.BHex())
		if err != nil {
			t.Fatalf("%s: client AuthKey: %v", v.name, err)
		}
		sides[i] = goSide{client: client, server: server, clientKey: key}
		in[i] = jsInput{
			PoolName:       v.poolName,
			Username:       v.userID,
			Password:       v.password,
			AHex:           v.a.Text(16),
			SaltHex:        v.saltHex,
			BHex:           server.BHex(),
			SecretBlockB64: base64.StdEncoding.EncodeToString(v.secretBlock),
			// No timestamp: the script signs the one AWS's DateHelper makes for this instant.
			Date: v.now.Format(jsDateLayout),
		}
	}
	out := runVectors(t, in)

	for i, v := range vs {
		t.Run(v.name, func(t *testing.T) {
			js, side := out[i], sides[i]
			if got := side.client.AHex(); got != js.AHex {
				t.Errorf("A differs:\n Go %s\n JS %s", got, js.AHex)
			}
			if got := hex.EncodeToString(side.clientKey); got != js.KeyHex {
				t.Errorf("client key differs: Go %s, JS %s", got, js.KeyHex)
			}
			serverKey, err := side.server.AuthKey(js.AHex)
			if err != nil {
				t.Fatalf("server AuthKey with JS's A: %v", err)
			}
			if got := hex.EncodeToString(serverKey); got != js.KeyHex {
				t.Errorf("server key differs: Go %s, JS %s", got, js.KeyHex)
			}

			sig, ts, err := side.client.PasswordClaim(v.poolName, v.userID, v.password, v.saltHex, side.server.BHex(),
				in[i].SecretBlockB64, v.now)
			if err != nil {
				t.Fatalf("PasswordClaim: %v", err)
			}
			if ts != js.Timestamp {
				t.Errorf("TIMESTAMP differs: Go %q, JS %q", ts, js.Timestamp)
			}
			if sig != js.SignatureB64 {
				t.Errorf("PASSWORD_CLAIM_SIGNATURE differs: Go %s, JS %s", sig, js.SignatureB64)
			}
			// The server side accepts AWS's client's claim.
			if !srp.VerifySignature(serverKey, v.poolName, v.userID, v.secretBlock, js.Timestamp, js.SignatureB64) {
				t.Errorf("VerifySignature rejects the signature AWS's client made")
			}
		})
	}
}

// TestCrossCheckTimestampFormat compares FormatTimestamp with AWS's DateHelper.getNowString,
// run with the clock pinned to each instant.
func TestCrossCheckTimestampFormat(t *testing.T) {
	ist := time.FixedZone("IST", 5*3600+1800)
	dates := []time.Time{
		time.Date(2017, time.April, 5, 22, 42, 34, 0, time.UTC), // the example in AWS's documentation
		time.Date(2024, time.March, 1, 0, 5, 9, 0, time.UTC),    // single-digit day, hour 0
		time.Date(2025, time.December, 9, 23, 59, 59, 999e6, time.UTC),
		time.Date(2026, time.January, 31, 9, 3, 7, 0, time.UTC),
		time.Date(2024, time.February, 29, 12, 0, 0, 0, time.UTC),
		time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2038, time.January, 19, 3, 14, 8, 0, time.UTC),
		time.Date(2024, time.March, 1, 2, 0, 0, 0, ist), // 29 Feb 20:30 in UTC
	}
	in := make([]jsInput, len(dates))
	for i, d := range dates {
		in[i] = jsInput{Date: d.Format(jsDateLayout)}
	}
	out := runVectors(t, in)
	for i, d := range dates {
		got, want := srp.FormatTimestamp(d), out[i].TimestampForDate
		if want == "" {
			t.Fatalf("%s: srp-vector.js returned no timestamp", in[i].Date)
		}
		if got != want {
			t.Errorf("FormatTimestamp(%s) = %q, AWS's getNowString = %q", in[i].Date, got, want)
		}
	}
}

// TestCrossCheckDeviceVerifier has AWS's client make new devices' secrets (generateHashDevice,
// encoded as CognitoUser sends them in ConfirmDevice) and checks that ParseDeviceVerifier reads
// them and that Verifier computes the same verifier from the password and salt. It also checks
// that NewDeviceSecret's output has the same shape and is consistent with itself.
func TestCrossCheckDeviceVerifier(t *testing.T) {
	r := rand.New(rand.NewChaCha8([32]byte([]byte("bridgekeeper device verifier 001"))))
	in := make([]jsInput, 8)
	for i := range in {
		in[i] = jsInput{DeviceGroupKey: "-" + randString(r, alnum, 8), DeviceKey: "us-east-1_" + hex.EncodeToString(randBytes(r, 16))}
	}
	out := runVectors(t, in)
	for i, js := range out {
		salt, v, err := srp.ParseDeviceVerifier(js.DeviceSaltB64, js.DeviceVerifier)
		if err != nil {
			t.Fatalf("%d: ParseDeviceVerifier of AWS's client's config: %v", i, err)
		}
		if want := srp.Verifier(in[i].DeviceGroupKey, in[i].DeviceKey, js.DevicePassword, salt); want.Cmp(v) != 0 {
			t.Errorf("%d: the verifier AWS's client made differs from Verifier(group key, device key, password, salt)", i)
		}
		if len(js.DevicePassword) != 56 {
			t.Errorf("%d: AWS's device password has %d characters, want 56", i, len(js.DevicePassword))
		}
	}

	seeded := rand.New(rand.NewChaCha8([32]byte([]byte("bridgekeeper device secret 00001"))))
	secret, err := srp.NewDeviceSecret(readerFunc(func(p []byte) (int, error) { copy(p, randBytes(seeded, len(p))); return len(p), nil }), "-group", "us-east-1_dev")
	if err != nil {
		t.Fatal(err)
	}
	if len(secret.Password) != len(out[0].DevicePassword) {
		t.Errorf("device password has %d characters, AWS's client makes %d", len(secret.Password), len(out[0].DevicePassword))
	}
	salt, v, err := srp.ParseDeviceVerifier(secret.SaltB64, secret.VerifierB64)
	if err != nil {
		t.Fatalf("ParseDeviceVerifier(NewDeviceSecret): %v", err)
	}
	if srp.Verifier("-group", "us-east-1_dev", secret.Password, salt).Cmp(v) != 0 {
		t.Error("NewDeviceSecret's verifier does not match its password and salt")
	}
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }
