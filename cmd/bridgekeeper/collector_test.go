package main

import (
	"runtime/debug"
	"testing"
)

func TestSetCollector(t *testing.T) {
	for _, tc := range []struct {
		gogc        string
		wantChanged bool
		wantPercent int
	}{
		{gogc: "", wantChanged: true, wantPercent: defaultGCPercent},
		{gogc: "50", wantChanged: false, wantPercent: 50},
		{gogc: "off", wantChanged: false, wantPercent: 50},
	} {
		t.Run("GOGC="+tc.gogc, func(t *testing.T) {
			before := debug.SetGCPercent(50) // stands in for what the runtime took from GOGC
			t.Cleanup(func() { debug.SetGCPercent(before) })
			changed := setCollector(func(name string) string {
				if name == "GOGC" {
					return tc.gogc
				}
				return ""
			})
			if got := debug.SetGCPercent(50); changed != tc.wantChanged || got != tc.wantPercent {
				t.Fatalf("setCollector with GOGC=%q: changed %v, GC percent %d; want %v, %d", tc.gogc, changed, got, tc.wantChanged, tc.wantPercent)
			}
		})
	}
}
