package montgomery

import (
	"math/big"
	"testing"
	"unsafe"
)

// TestExpKeepsItsTableOffTheHeap: an exponentiation modulo a 3072-bit number
// allocates only its result (the words and the big.Int), on either path:
// the table, the accumulator and the scratch space live on Exp's stack.
func TestExpKeepsItsTableOffTheHeap(t *testing.T) {
	m := testN()
	base, e := new(big.Int).Sub(m, big.NewInt(12345)), new(big.Int).Rsh(m, 2560)
	for _, g := range Paths(m) {
		if n := testing.AllocsPerRun(20, func() { g.Exp(base, e, 512) }); n != 2 {
			t.Errorf("%s: %v allocations per Exp, want 2 (the result)", g.Path(), n)
		}
	}
}

// TestExpLargerThanItsStack: a modulus of more words than Exp's stack space
// is for takes the allocated table, with the same results as big.Int.Exp.
func TestExpLargerThanItsStack(t *testing.T) {
	one := big.NewInt(1)
	m := new(big.Int).Add(new(big.Int).Lsh(one, 64*(ifmaWords+2)), big.NewInt(45)) // odd, 66 words
	g := New(m)
	if g.Size() <= ifmaWords {
		t.Fatalf("modulus of %d words: not past the stack space", g.Size())
	}
	for _, b := range append(testValues(t, m)[:6], new(big.Int).Add(m, big.NewInt(7))) {
		for _, e := range []*big.Int{big.NewInt(0), one, new(big.Int).Sub(new(big.Int).Lsh(one, 300), one), new(big.Int).Rsh(m, 3900)} {
			if got, want := g.Exp(b, e, 300), new(big.Int).Exp(b, e, m); got.Cmp(want) != 0 {
				t.Fatalf("%x^%x = %x, want %x", b, e, got, want)
			}
		}
	}
}

// TestCacheAligned: the words from the first 64-byte boundary on, whatever
// the slice's start.
func TestCacheAligned(t *testing.T) {
	var buf [4 * cacheLineWords]big.Word
	for start := range 2 * cacheLineWords {
		w := buf[start:]
		a := cacheAligned(w)
		addr := uintptr(unsafe.Pointer(unsafe.SliceData(a)))
		skipped := len(w) - len(a)
		if addr%64 != 0 || skipped < 0 || skipped >= cacheLineWords || &w[skipped] != &a[0] {
			t.Fatalf("start %d: %d words skipped, address %#x", start, skipped, addr)
		}
	}
}
