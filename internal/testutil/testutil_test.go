package testutil_test

import (
	"runtime"
	"strconv"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
)

func TestInCI(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  bool
	}{
		{"", false},
		{"0", false},
		{"false", false},
		{"FALSE", false},
		{"true", true},
		{"1", true},
		{"yes", true},
	} {
		t.Run(strconv.Quote(tc.value), func(t *testing.T) {
			t.Setenv("CI", tc.value)
			if got := testutil.InCI(); got != tc.want {
				t.Errorf("InCI() with CI=%q = %v, want %v", tc.value, got, tc.want)
			}
		})
	}
}

// recordingTB records how a helper stopped the test, without stopping the real one.
type recordingTB struct {
	testing.TB
	skipped, failed bool
}

func (r *recordingTB) Helper() {}
func (r *recordingTB) Skipf(format string, args ...any) {
	r.skipped = true
	runtime.Goexit()
}
func (r *recordingTB) Fatalf(format string, args ...any) {
	r.failed = true
	runtime.Goexit()
}

func TestMissingFailsInCIAndSkipsElsewhere(t *testing.T) {
	for _, tc := range []struct {
		ci                string
		wantSkip, wantErr bool
	}{
		{ci: "", wantSkip: true},
		{ci: "true", wantErr: true},
	} {
		t.Run("CI="+tc.ci, func(t *testing.T) {
			t.Setenv("CI", tc.ci)
			rec := &recordingTB{TB: t}
			done := make(chan struct{})
			go func() {
				defer close(done)
				testutil.Missing(rec, "widget", "apt-get install widget")
			}()
			<-done
			if rec.skipped != tc.wantSkip || rec.failed != tc.wantErr {
				t.Errorf("Missing with CI=%q: skipped=%v failed=%v, want skipped=%v failed=%v",
					tc.ci, rec.skipped, rec.failed, tc.wantSkip, tc.wantErr)
			}
		})
	}
}
