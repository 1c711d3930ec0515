package srp

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"math/big"
	"testing"
	"time"

	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
)

// BenchmarkPieces measures the client's side of one SRP sign-in piece by piece
// (docs/benchmarks.md, "SRP: the pieces and the floor"): A = g^a when the sign-in starts, then
// for the PASSWORD_VERIFIER answer x, g^x, the session exponentiation S (with a
// usual exponent and with one past 512 bits), the hashes and the conversions,
// and the whole PasswordClaim.
func BenchmarkPieces(b *testing.B) {
	const pool, user, pw = "pool", "alice", "Passw0rd!"
	salt := []byte("0123456789abcdef")
	saltHex := hex.EncodeToString(salt)
	srv, err := NewServer(rand.Reader, Verifier(pool, user, pw, salt))
	if err != nil {
		b.Fatal(err)
	}
	bHex := srv.BHex()
	block := make([]byte, 1400) // about the size of Cognito's SECRET_BLOCK
	blockB64 := base64.StdEncoding.EncodeToString(block)
	cl, err := NewClient(rand.Reader) // builds g's table outside the timings
	if err != nil {
		b.Fatal(err)
	}
	B, err := parseHex(bHex)
	if err != nil {
		b.Fatal(err)
	}
	u := hashPadded(cl.A, B)
	x := privateX(pool, user, pw, new(big.Int).SetBytes(salt))
	gx := gExp(x, xBits)
	short := cl.a
	if new(big.Int).Add(short, new(big.Int).Mul(u, x)).BitLen() > privateBits {
		short = new(big.Int).Rsh(short, 2) // keep a + u·x within 512 bits
	}
	long := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), privateBits), big.NewInt(1)) // a + u·x ≥ 2^512
	S := clientS(cl.a, B, u, x, gx)
	key, err := deriveKey(S, u)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	pieces := []struct {
		name string
		f    func()
	}{
		{"A=g^a", func() {
			if _, err := NewClient(rand.Reader); err != nil {
				b.Fatal(err)
			}
		}},
		{"x", func() { privateX(pool, user, pw, new(big.Int).SetBytes(salt)) }},
		{"g^x", func() { gExp(x, xBits) }},
		{"S", func() { clientS(short, B, u, x, gx) }},
		{"S, exponent past 512 bits", func() { clientS(long, B, u, x, gx) }},
		{"u", func() { hashPadded(cl.A, B) }},
		{"HKDF", func() {
			if _, err := deriveKey(S, u); err != nil {
				b.Fatal(err)
			}
		}},
		{"HMAC", func() { Signature(key, pool, user, block, FormatTimestamp(now)) }},
		{"hex+base64", func() {
			_ = cl.AHex()
			if _, err := parseHex(saltHex); err != nil {
				b.Fatal(err)
			}
			if _, err := parseHex(bHex); err != nil {
				b.Fatal(err)
			}
			if _, err := base64.StdEncoding.DecodeString(blockB64); err != nil {
				b.Fatal(err)
			}
		}},
		{"PasswordClaim", func() {
			if _, _, err := cl.PasswordClaim(pool, user, pw, saltHex, bHex, blockB64, now); err != nil {
				b.Fatal(err)
			}
		}},
	}
	for _, p := range pieces {
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			testutil.LoopCPU(b, p.f)
		})
	}
}

// BenchmarkTable is the one-time cost of building the table for private values.
func BenchmarkTable(b *testing.B) {
	b.ReportAllocs()
	testutil.LoopCPU(b, func() { newComb(groupG, privateBits, groupMont) })
}
