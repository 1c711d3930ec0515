package srp

import "math/big"

// wordBits is the size of a big.Word: 32 or 64.
const wordBits = 32 << (^big.Word(0) >> 63)

// reducer reduces numbers below m² modulo m with Barrett's method (Handbook of
// Applied Cryptography, algorithm 14.42): a reciprocal of m computed once turns
// each division into two multiplications, which math/big does faster than it
// divides (for the 3072-bit N: ≈ 1.9 µs instead of ≈ 2.4 µs per reduction).
type reducer struct {
	m  *big.Int
	mu *big.Int // ⌊β^(2k) / m⌋ for β = 2^wordBits
	k  uint     // m's length in words
}

// newReducer prepares reductions modulo m > 1. It is read-only afterwards.
func newReducer(m *big.Int) *reducer {
	k := uint(len(m.Bits()))
	mu := new(big.Int).Lsh(big.NewInt(1), 2*k*wordBits)
	mu.Quo(mu, m)
	return &reducer{m: m, mu: mu, k: k}
}

// modScratch is one computation's working space for a reducer's products, so a
// loop of multiplications allocates once. It is not for concurrent use.
type modScratch struct {
	red     *reducer
	t, q, p big.Int
}

func (r *reducer) scratch() *modScratch { return &modScratch{red: r} }

// mulMod sets z = x·y mod m for 0 ≤ x, y < β^k with x·y < β^(2k) (in
// particular any x, y < m) and returns z. z may be x or y.
func (s *modScratch) mulMod(z, x, y *big.Int) *big.Int {
	s.t.Mul(x, y)
	return s.reduce(z, &s.t)
}

// reduce sets z = x mod m for 0 ≤ x < β^(2k) and returns z; x is clobbered
// when it is s's own product.
func (s *modScratch) reduce(z, x *big.Int) *big.Int {
	r := s.red
	// q = ⌊⌊x / β^(k−1)⌋ · µ / β^(k+1)⌋ is at most ⌊x / m⌋ and at least ⌊x / m⌋ − 2,
	// so x − q·m lies in [0, 3m).
	s.q.Rsh(x, (r.k-1)*wordBits)
	s.p.Mul(&s.q, r.mu)
	s.q.Rsh(&s.p, (r.k+1)*wordBits)
	s.p.Mul(&s.q, r.m)
	z.Sub(x, &s.p)
	for z.Cmp(r.m) >= 0 {
		z.Sub(z, r.m)
	}
	return z
}

// powMod returns base^e mod N for base, e ≥ 0, with big.Int.Exp. Exp's Montgomery loop works
// through whole words of the exponent, so an exponent one bit into a new word (a + u·x ≥ 2^512,
// about a quarter of all sign-ins) would cost a word's worth of squarings more (≈ 13 %); such an
// exponent is halved instead: base^e = (base²)^⌊e/2⌋ · base^(e mod 2), one squaring and one
// multiplication. The last factor is base or N+1 (≡ 1), numbers of the same size, so the work
// does not depend on e's lowest bit.
func powMod(base, e *big.Int) *big.Int {
	if n := e.BitLen(); n <= wordBits || n%wordBits != 1 {
		return new(big.Int).Exp(base, e, groupN)
	}
	if base.Sign() < 0 || base.Cmp(groupN) >= 0 {
		base = new(big.Int).Mod(base, groupN)
	}
	s := groupRed.scratch()
	z := new(big.Int).Exp(s.mulMod(new(big.Int), base, base), new(big.Int).Rsh(e, 1), groupN)
	last := groupNPlus1
	if e.Bit(0) == 1 {
		last = base
	}
	return s.mulMod(z, z, last)
}
