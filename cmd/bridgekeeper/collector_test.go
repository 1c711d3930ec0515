package main

import (
	"runtime/debug"
	"testing"
)

func TestSetCollector(t *testing.T) {
	for _, tc := range []struct {
		gogc        string
		wantPercent int
	}{
		{gogc: "", wantPercent: defaultGCPercent},
		{gogc: "50", wantPercent: 50},
		{gogc: "off", wantPercent: 50},
	} {
		t.Run("GOGC="+tc.gogc, func(t *testing.T) {
			before := debug.SetGCPercent(50) // stands in for what the runtime took from GOGC
			t.Cleanup(func() { debug.SetGCPercent(before) })
			setCollector(func(name string) string {
				if name == "GOGC" {
					return tc.gogc
				}
				return ""
			})
			if got := debug.SetGCPercent(50); got != tc.wantPercent {
				t.Fatalf("setCollector with GOGC=%q: GC percent %d, want %d", tc.gogc, got, tc.wantPercent)
			}
		})
	}
}
