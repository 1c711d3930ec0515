package colour

import (
	"math"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want RGB
		ok   bool
	}{
		{"#4f46e5", RGB{0x4f, 0x46, 0xe5}, true},
		{"#FFF", White, true},
		{" #000000 ", RGB{}, true},
		{"4f46e5", RGB{}, false},
		{"#4f46e", RGB{}, false},
		{"#gggggg", RGB{}, false},
		{"red", RGB{}, false},
	}
	for _, tc := range tests {
		got, err := Parse(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("Parse(%q) = %v, %v; want %v, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
	if c, _ := Parse("#4F46E5"); c.Hex() != "#4f46e5" || c.Triplet() != "79 70 229" {
		t.Errorf("Hex %s, Triplet %s", c.Hex(), c.Triplet())
	}
}

// TestContrast checks WCAG's published anchors: black on white is 21:1, equal colours 1:1, and
// Tailwind's indigo-600 on white about 6.29:1.
func TestContrast(t *testing.T) {
	for _, tc := range []struct {
		a, b RGB
		want float64
	}{
		{RGB{}, White, 21},
		{White, White, 1},
		{RGB{0x4f, 0x46, 0xe5}, White, 6.29},
		{RGB{0x77, 0x77, 0x77}, White, 4.48},
	} {
		if got := Contrast(tc.a, tc.b); math.Abs(got-tc.want) > 0.01 {
			t.Errorf("Contrast(%s, %s) = %.3f, want %.2f", tc.a.Hex(), tc.b.Hex(), got, tc.want)
		}
	}
}

func TestReadable(t *testing.T) {
	brand := RGB{0x1d, 0x4e, 0xd8} // dark blue: unreadable on the dark card
	if Contrast(brand, DarkCard) >= AAText {
		t.Fatal("test colour is already readable")
	}
	got := brand.Readable(DarkCard, White, AAText)
	if Contrast(got, DarkCard) < AAText {
		t.Errorf("Readable gave %s with contrast %.2f", got.Hex(), Contrast(got, DarkCard))
	}
	if ok := (RGB{0xa5, 0xb4, 0xfc}); ok.Readable(DarkCard, White, AAText) != ok {
		t.Error("an already readable colour was changed")
	}
	if mid := (RGB{}).Mix(White, 0.5); mid != (RGB{128, 128, 128}) {
		t.Errorf("Mix half way = %v", mid)
	}
}
