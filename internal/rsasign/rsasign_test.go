package rsasign

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"math/big"
	mrand "math/rand/v2"
	"sync"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/internal/montgomery"
	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
)

// testKeys are RSA-2048 keys generated once per test binary, each also with
// its primes swapped (p < q as well as p > q), and their count.
const testKeyCount = 4

var testKeys = sync.OnceValues(func() ([]*rsa.PrivateKey, error) {
	var keys []*rsa.PrivateKey
	for range testKeyCount {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, err
		}
		swapped := &rsa.PrivateKey{PublicKey: k.PublicKey, D: k.D, Primes: []*big.Int{k.Primes[1], k.Primes[0]}}
		swapped.Precompute()
		keys = append(keys, k, swapped)
	}
	return keys, nil
})

func keys(t testing.TB) []*rsa.PrivateKey {
	t.Helper()
	ks, err := testKeys()
	if err != nil {
		t.Fatal(err)
	}
	return ks
}

// signers are key's Signer on both forms' Go products (every CPU) and, where
// the CPU runs one, on the assembly New chooses, each named.
func signers(t testing.TB, key *rsa.PrivateKey) map[string]*Signer {
	t.Helper()
	ss := map[string]*Signer{"go": newSigner(key, montgomery.NewPairGo), "go64": newSigner(key, montgomery.NewPair64Go)}
	for name, s := range ss {
		if !s.Fast() {
			t.Fatalf("the Go products (%s) do not take an RSA-2048 key", name)
		}
	}
	if s := New(key); s.Fast() {
		ss["asm"] = s
	} else {
		t.Logf("neither AVX-512 IFMA nor BMI2 and ADX here: the CRT signature is tested on the Go products only")
	}
	return ss
}

// TestMatchesCryptoRSA compares signatures byte for byte with
// rsa.SignPKCS1v15 for each key (both orders of its primes) and edge and
// random digests, on the assembly (all digests) and the Go products (the
// first few: up to ≈ 25 × slower), with and without the check.
func TestMatchesCryptoRSA(t *testing.T) {
	r := mrand.New(mrand.NewChaCha8([32]byte{7}))
	digests := [][sha256.Size]byte{{}, bytes32(0xff), bytes32(0x80), sha256.Sum256(nil)}
	for range 40 {
		var d [sha256.Size]byte
		for i := range d {
			d[i] = byte(r.Uint32())
		}
		digests = append(digests, d)
	}
	for i, key := range keys(t) {
		for name, s := range signers(t, key) {
			ds := digests
			if name != "asm" {
				ds = digests[:5]
			}
			for _, d := range ds {
				want := checkSame(t, s, key, &d)
				if raw := s.crt.sign(&d); !bytes.Equal(raw, want) {
					t.Fatalf("%s, key %d, digest %x: the CRT signature (before the check) differs", name, i, d)
				}
			}
		}
	}
}

func bytes32(b byte) [sha256.Size]byte {
	var d [sha256.Size]byte
	for i := range d {
		d[i] = b
	}
	return d
}

// TestFastPathOnlyFor checks which keys take the IFMA path: RSA-2048 with
// two primes and precomputed values; everything else is crypto/rsa's, and
// still signs correctly.
func TestFastPathOnlyFor(t *testing.T) {
	base := keys(t)[0]
	noPre := &rsa.PrivateKey{PublicKey: base.PublicKey, D: base.D, Primes: base.Primes}
	wrongQinv := *base
	wrongQinv.Precomputed.Qinv = new(big.Int).Set(base.Primes[0]) // not below p
	//lint:ignore SA1019 a multi-prime key is what this test needs
	multi, err := rsa.GenerateMultiPrimeKey(rand.Reader, 3, 2048)
	if err != nil {
		t.Fatal(err)
	}
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	large, err := rsa.GenerateKey(rand.Reader, 3072)
	if err != nil {
		t.Fatal(err)
	}
	d := sha256.Sum256([]byte("header.payload"))
	for _, tt := range []struct {
		name string
		key  *rsa.PrivateKey
		fast bool
	}{
		{"2048", base, true}, {"no precomputed values", noPre, false}, {"bad qInv", &wrongQinv, false},
		{"three primes", multi, false}, {"1024", small, false}, {"3072", large, false},
	} {
		s := newSigner(tt.key, montgomery.NewPairGo) // newCRT's checks on every CPU
		if s.Fast() != tt.fast {
			t.Errorf("%s: fast %v, want %v", tt.name, s.Fast(), tt.fast)
		}
		if s64 := newSigner(tt.key, montgomery.NewPair64Go); s64.Fast() != tt.fast {
			t.Errorf("%s: fast %v in 64-bit words, want %v", tt.name, s64.Fast(), tt.fast)
		}
		if New(tt.key).Fast() && !tt.fast {
			t.Errorf("%s: the assembly takes a key crypto/rsa must sign", tt.name)
		}
		got, err := s.SignSHA256(&d)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if err := rsa.VerifyPKCS1v15(&tt.key.PublicKey, crypto.SHA256, d[:], got); err != nil {
			t.Errorf("%s: signature does not verify: %v", tt.name, err)
		}
	}
}

// TestFaultIsNotReturned makes the CRT computation wrong (a broken dP) and
// checks that the wrong signature never leaves: crypto/rsa's is returned.
func TestFaultIsNotReturned(t *testing.T) {
	key := keys(t)[1]
	for name, s := range signers(t, key) {
		s.crt.d[0][3] ^= 1 << 17
		d := sha256.Sum256([]byte("fault"))
		if bad := s.crt.sign(&d); rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA256, d[:], bad) == nil {
			t.Fatalf("%s: the broken exponent still made a valid signature: the test does not fault", name)
		}
		checkSame(t, s, key, &d)
	}
}

// TestVerify checks the check against faults (on N's arithmetic where the
// CPU has BMI2 and ADX, else rsa.VerifyPKCS1v15): it accepts crypto/rsa's
// signature and refuses one with a bit changed, one for another digest, a
// short one, N itself, and the signature plus N (the same number modulo N,
// not below N).
func TestVerify(t *testing.T) {
	for _, key := range keys(t)[:4] {
		c := New(key).crt
		if c == nil {
			t.Skip("crypto/rsa signs here")
		}
		d := sha256.Sum256([]byte("verify"))
		good, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, d[:])
		if err != nil {
			t.Fatal(err)
		}
		if !c.verify(&key.PublicKey, good, &d) {
			t.Fatal("the check refuses crypto/rsa's signature")
		}
		other := sha256.Sum256([]byte("other"))
		flipped := bytes.Clone(good)
		flipped[100] ^= 0x08
		bad := map[string]struct {
			sig []byte
			d   *[sha256.Size]byte
		}{
			"a bit changed":  {flipped, &d},
			"another digest": {good, &other},
			"short":          {good[1:], &d},
			"N":              {key.N.FillBytes(make([]byte, keyBytes)), &d},
		}
		if plusN := new(big.Int).Add(new(big.Int).SetBytes(good), key.N); plusN.BitLen() <= 8*keyBytes {
			bad["plus N"] = struct {
				sig []byte
				d   *[sha256.Size]byte
			}{plusN.FillBytes(make([]byte, keyBytes)), &d}
		}
		for name, tt := range bad {
			if c.verify(&key.PublicKey, tt.sig, tt.d) {
				t.Errorf("%s: the check accepts it", name)
			}
		}
	}
}

// FuzzSignSHA256 compares signatures with crypto/rsa's for any digest.
func FuzzSignSHA256(f *testing.F) {
	f.Add([]byte{}, uint8(0))
	f.Add(bytes.Repeat([]byte{0xff}, 32), uint8(1))
	f.Fuzz(func(t *testing.T, msg []byte, which uint8) {
		ks := keys(t)
		key := ks[int(which)%len(ks)]
		d := sha256.Sum256(msg)
		for _, s := range signers(t, key) {
			checkSame(t, s, key, &d)
		}
	})
}

// checkSame checks that s signs digest as crypto/rsa does, and returns
// crypto/rsa's signature.
func checkSame(t *testing.T, s *Signer, key *rsa.PrivateKey, d *[sha256.Size]byte) []byte {
	t.Helper()
	got, err := s.SignSHA256(d)
	if err != nil {
		t.Fatal(err)
	}
	want, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, d[:])
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("digest %x: signature %x, crypto/rsa's %x", d, got, want)
	}
	return want
}

// BenchmarkSign measures one RS256 signature of a 2048-bit key: this
// package's (with its check; without it), the check alone (and
// rsa.VerifyPKCS1v15 instead), and crypto/rsa's.
func BenchmarkSign(b *testing.B) {
	key := keys(b)[0]
	s := New(key)
	d := sha256.Sum256([]byte("header.payload"))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, d[:])
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range []struct {
		name string
		sign func() ([]byte, error)
	}{
		{"rsasign", func() ([]byte, error) { return s.SignSHA256(&d) }},
		{"rsasign-unchecked", func() ([]byte, error) { return s.crt.sign(&d), nil }},
		{"check", func() ([]byte, error) {
			if !s.crt.verify(&key.PublicKey, sig, &d) {
				return nil, errors.New("the check refuses the signature")
			}
			return nil, nil
		}},
		{"check-crypto-rsa", func() ([]byte, error) {
			return nil, rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA256, d[:], sig)
		}},
		{"crypto-rsa", func() ([]byte, error) { return rsa.SignPKCS1v15(nil, key, crypto.SHA256, d[:]) }},
	} {
		if f.name != "crypto-rsa" && !s.Fast() {
			continue
		}
		b.Run(f.name, func(b *testing.B) {
			b.ReportAllocs()
			testutil.LoopCPU(b, func() {
				if _, err := f.sign(); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}
