package montgomery

import (
	"math/big"
	mrand "math/rand/v2"
	"testing"
)

// mod2048s are Mod2048 modulo m with the Go products and, where the CPU runs
// it, the assembly.
func mod2048s(t testing.TB, m *big.Int) []*Mod2048 {
	t.Helper()
	need64(t)
	g, err := NewMod2048Go(m)
	if err != nil {
		t.Fatal(err)
	}
	gs := []*Mod2048{g}
	if pair64Supported() {
		a, err := NewMod2048(m)
		if err != nil {
			t.Fatal(err)
		}
		gs = append(gs, a)
	} else {
		t.Logf("no BMI2 and ADX here: only the Go 2048-bit products are tested")
	}
	return gs
}

func num2048(x *big.Int) *Mod2048Num {
	var z Mod2048Num
	copy(z[:], x.Bits())
	return &z
}

// TestMod2048Products checks 2048-bit products (edge values and random ones,
// in place too) against math/big, the assembly word for word against Go.
func TestMod2048Products(t *testing.T) {
	r := mrand.New(mrand.NewChaCha8([32]byte{21}))
	one := big.NewInt(1)
	top := new(big.Int).Lsh(one, 2048)
	ms := []*big.Int{new(big.Int).Sub(top, one), new(big.Int).Add(new(big.Int).Rsh(top, 1), one)}
	for range 4 {
		ms = append(ms, randomBits(r, 2048, true))
	}
	n := 2000
	if testing.Short() {
		n = 200
	}
	for _, m := range ms {
		gs := mod2048s(t, m)
		rInv := new(big.Int).ModInverse(new(big.Int).Mod(top, m), m)
		edges := []*big.Int{big.NewInt(0), one, new(big.Int).Sub(m, one), new(big.Int).Mod(top, m), new(big.Int).Lsh(one, 1024), new(big.Int).Sub(new(big.Int).Lsh(one, 1024), one)}
		var cases [][2]*big.Int
		for _, x := range edges {
			for _, y := range edges {
				cases = append(cases, [2]*big.Int{x, y})
			}
		}
		for range n {
			x := randomBelowBiased(r, m)
			if r.IntN(3) == 0 {
				x = randomBelowBiased(r, top) // x may be at or above m
			}
			cases = append(cases, [2]*big.Int{x, randomBelowBiased(r, m)})
		}
		for _, c := range cases {
			want := new(big.Int).Mul(c[0], c[1])
			want.Mod(want.Mul(want, rInv), m)
			var first Mod2048Num
			for i, g := range gs {
				var z Mod2048Num
				g.mul(&z, num2048(c[0]), num2048(c[1]))
				if got := new(big.Int).SetBits(append([]big.Word(nil), z[:]...)); got.Cmp(want) != 0 {
					t.Fatalf("asm %v: mod %x: %x·%x = %x, want %x", g.asm, m, c[0], c[1], got, want)
				}
				x := num2048(c[0])
				g.mul(x, x, num2048(c[1]))
				if *x != z {
					t.Fatalf("asm %v: an in-place product differs", g.asm)
				}
				if i == 0 {
					first = z
				} else if z != first {
					t.Fatalf("the assembly and Go differ for %x·%x", c[0], c[1])
				}
			}
		}
	}
}

// TestMod2048ExpPublic checks ExpPublic against big.Int.Exp.
func TestMod2048ExpPublic(t *testing.T) {
	r := mrand.New(mrand.NewChaCha8([32]byte{22}))
	m := randomBits(r, 2048, true)
	for _, g := range mod2048s(t, m) {
		for _, e := range []uint64{0, 1, 2, 3, 17, 65537, 1<<63 | 5, ^uint64(0)} {
			x := randomBelowBiased(r, m)
			var z Mod2048Num
			g.ExpPublic(&z, num2048(x), e)
			want := new(big.Int).Exp(x, new(big.Int).SetUint64(e), m)
			if got := new(big.Int).SetBits(append([]big.Word(nil), z[:]...)); got.Cmp(want) != 0 {
				t.Fatalf("asm %v: %x^%d = %x, want %x", g.asm, x, e, got, want)
			}
		}
	}
}

// TestNewMod2048Refuses checks that moduli of another size, or even, are
// refused.
func TestNewMod2048Refuses(t *testing.T) {
	need64(t)
	one := big.NewInt(1)
	for _, m := range []*big.Int{new(big.Int).Lsh(one, 2047), new(big.Int).Sub(new(big.Int).Lsh(one, 2047), one), new(big.Int).Add(new(big.Int).Lsh(one, 2048), one)} {
		if _, err := NewMod2048Go(m); err == nil {
			t.Errorf("NewMod2048Go accepted a modulus of %d bits (odd %v)", m.BitLen(), m.Bit(0) == 1)
		}
	}
}
