// Package rsasign makes RSASSA-PKCS1-v1_5 signatures with SHA-256 (JWS's
// RS256) for RSA-2048 keys on internal/montgomery's constant-time 1024-bit
// arithmetic (a Pair: AVX-512 IFMA where the CPU has it, else BMI2 and ADX):
// the same bytes crypto/rsa makes (PKCS#1 v1.5 is deterministic), at a
// fraction of its CPU. Every signature is verified with the public key
// before it is returned, as crypto/rsa does against faults. Every other case
// — keys of another size, with more than two primes or without precomputed
// CRT values, a CPU with neither, 32-bit platforms, the purego tag, FIPS 140
// mode — is crypto/rsa's (docs/security.md, "RS256 signatures").
package rsasign

import (
	"crypto"
	"crypto/fips140"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/binary"
	"math/big"

	"github.com/bridgekeeper/bridgekeeper/internal/montgomery"
)

// Signer signs SHA-256 digests with one RSA key. It is read-only after New
// and safe for concurrent use.
type Signer struct {
	key *rsa.PrivateKey
	crt *crt // nil: every signature is crypto/rsa's
}

// keyBytes is the length of an RSA-2048 modulus and signature; halfWords
// is p's and q's length in words.
const (
	keyBytes  = 256
	halfWords = montgomery.PairExpWords
)

// crt is what a CRT signature needs of the key, prepared once: arithmetic
// modulo p and q, the exponents dP and dQ, qInv in Montgomery form modulo p,
// and q as words.
type crt struct {
	pair *montgomery.Pair
	d    montgomery.PairWords
	qInv montgomery.PairNum // half 0: qInv·R mod p
	q    [halfWords]big.Word
	// n is arithmetic modulo N for the check of every signature (nil where
	// the CPU has no BMI2 and ADX: rsa.VerifyPKCS1v15 checks), nw N's words,
	// e the public exponent.
	n  *montgomery.Mod2048
	nw montgomery.Mod2048Num
	e  uint64
}

// digestInfoSHA256 is the DER prefix of a SHA-256 DigestInfo (RFC 8017
// §9.2, note 1).
var digestInfoSHA256 = [...]byte{0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20}

// New prepares signing with key. The preparation (math/big on p and q) is
// not constant-time; it runs once per key.
func New(key *rsa.PrivateKey) *Signer { return newSigner(key, montgomery.NewPair) }

// newSigner is New with the Pair's constructor given (tests: the Go
// products, montgomery.NewPairGo and NewPair64Go, on any CPU).
func newSigner(key *rsa.PrivateKey, newPair func(m0, m1 *big.Int) (*montgomery.Pair, error)) *Signer {
	return &Signer{key: key, crt: newCRT(key, newPair)}
}

// Fast reports whether s signs with internal/montgomery's Pair rather than
// crypto/rsa.
func (s *Signer) Fast() bool { return s.crt != nil }

// Path names the Pair's arithmetic s signs with ("ifma", "adx", or a Go
// version's name), or "crypto/rsa".
func (s *Signer) Path() string {
	if s.crt == nil {
		return "crypto/rsa"
	}
	return s.crt.pair.Path()
}

func newCRT(key *rsa.PrivateKey, newPair func(m0, m1 *big.Int) (*montgomery.Pair, error)) *crt {
	pre := key.Precomputed
	if fips140.Enabled() || key.N.BitLen() != 8*keyBytes || len(key.Primes) != 2 ||
		pre.Dp == nil || pre.Dq == nil || pre.Qinv == nil {
		return nil
	}
	p, q := key.Primes[0], key.Primes[1]
	if new(big.Int).Mul(p, q).Cmp(key.N) != 0 || pre.Dp.Sign() < 0 || pre.Dq.Sign() < 0 ||
		pre.Dp.Cmp(p) >= 0 || pre.Dq.Cmp(q) >= 0 || pre.Qinv.Sign() < 0 || pre.Qinv.Cmp(p) >= 0 {
		return nil
	}
	pair, err := newPair(p, q)
	if err != nil {
		return nil
	}
	c := &crt{pair: pair, e: uint64(key.E)}
	if n, err := montgomery.NewMod2048(key.N); err == nil && key.E > 1 {
		c.n = n
		copy(c.nw[:], key.N.Bits())
	}
	copy(c.d[0][:], pre.Dp.Bits())
	copy(c.d[1][:], pre.Dq.Bits())
	copy(c.q[:], q.Bits())
	var qInv montgomery.PairWords
	copy(qInv[0][:], pre.Qinv.Bits())
	pair.FromWords(&c.qInv, &qInv)
	return c
}

// SignSHA256 returns the RSASSA-PKCS1-v1_5 signature of a SHA-256 digest:
// what rsa.SignPKCS1v15(rand, key, crypto.SHA256, digest) returns.
func (s *Signer) SignSHA256(digest *[sha256.Size]byte) ([]byte, error) {
	if s.crt != nil {
		sig := s.crt.sign(digest)
		if s.crt.verify(&s.key.PublicKey, sig, digest) {
			return sig, nil
		}
		// A fault or a mistake: the wrong signature never leaves, and
		// crypto/rsa signs instead.
	}
	return rsa.SignPKCS1v15(rand.Reader, s.key, crypto.SHA256, digest[:])
}

// sign computes EM^d mod N for the PKCS#1 v1.5 encoding EM of digest by the
// CRT (RFC 8017 §5.1.2, two primes): m_p = EM^dP mod p and m_q = EM^dQ mod q
// together, h = qInv·(m_p − m_q) mod p, EM^d = m_q + q·h. Every step is
// constant-time in the key and the intermediate values; only EM (public)
// enters as a plain number.
func (c *crt) sign(digest *[sha256.Size]byte) []byte {
	em := encode(digest)
	var words [2 * halfWords]big.Word
	for i := range words {
		words[i] = big.Word(binary.BigEndian.Uint64(em[keyBytes-8*(i+1):]))
	}

	p := c.pair
	var x, z, mqP, diff, h montgomery.PairNum
	var m, mq, hw montgomery.PairWords
	p.FromWide(&x, words[:])
	p.Exp(&z, &x, &c.d)
	p.ToWords(&m, &z) // m[1] = m_q (m[0], m_p, is not needed as a number)
	mq[0] = m[1]      // m_q < q < 2p: into Montgomery form modulo p
	p.FromWords(&mqP, &mq)
	p.Sub(&diff, &z, &mqP)    // ≡ (m_p − m_q)·R (mod p)
	p.Mul(&h, &diff, &c.qInv) // ≡ (m_p − m_q)·qInv·R
	p.ToWords(&hw, &h)        // hw[0] = h < p

	// s = m_q + q·h < N: schoolbook, one row per word of q, every word of
	// every product. Row i's carry lands in sw[i+halfWords], which no row
	// has written yet.
	var sw [2 * halfWords]big.Word
	copy(sw[:], m[1][:])
	for i, qi := range c.q {
		sw[i+halfWords] = montgomery.AddMulVVW(sw[i:i+halfWords], hw[0][:], qi)
	}
	out := make([]byte, keyBytes)
	for i, w := range sw {
		binary.BigEndian.PutUint64(out[keyBytes-8*(i+1):], uint64(w))
	}
	return out
}

// verify reports whether sig is the RSASSA-PKCS1-v1_5 signature of digest
// for key: the check against faults. With N's arithmetic prepared (c.n) it
// computes sig^e mod N itself — sig below N, then e's bits (public: square
// and multiply) — and compares it with EM; rsa.VerifyPKCS1v15 computes the
// same but prepares N's arithmetic on every call. Everything here is
// public: the signature (which leaves only if it passes), N, e, EM.
func (c *crt) verify(key *rsa.PublicKey, sig []byte, digest *[sha256.Size]byte) bool {
	if c.n == nil {
		return rsa.VerifyPKCS1v15(key, crypto.SHA256, digest[:], sig) == nil
	}
	if len(sig) != keyBytes {
		return false
	}
	var x, z montgomery.Mod2048Num
	for i := range x {
		x[i] = big.Word(binary.BigEndian.Uint64(sig[keyBytes-8*(i+1):]))
	}
	if !below(&x, &c.nw) {
		return false // RFC 8017 §5.2.2 (and crypto/rsa) refuse s ≥ N
	}
	c.n.ExpPublic(&z, &x, c.e)
	em := encode(digest)
	for i, w := range z {
		if uint64(w) != binary.BigEndian.Uint64(em[keyBytes-8*(i+1):]) {
			return false
		}
	}
	return true
}

// below reports whether x < y, for public numbers.
func below(x, y *montgomery.Mod2048Num) bool {
	for i := len(x) - 1; i >= 0; i-- {
		if x[i] != y[i] {
			return x[i] < y[i]
		}
	}
	return false
}

// encode returns the PKCS#1 v1.5 encoding EM of a SHA-256 digest (RFC 8017
// §9.2): 00 01 ff … ff 00, the DigestInfo prefix, the digest.
func encode(digest *[sha256.Size]byte) [keyBytes]byte {
	var em [keyBytes]byte
	em[1] = 0x01
	pad := keyBytes - len(digestInfoSHA256) - sha256.Size - 1
	for i := 2; i < pad; i++ {
		em[i] = 0xff
	}
	copy(em[pad+1:], digestInfoSHA256[:])
	copy(em[keyBytes-sha256.Size:], digest[:])
	return em
}
