package identity

import (
	"slices"
	"testing"
	"time"
)

func TestNormalizeAMR(t *testing.T) {
	tests := []struct{ in, want []string }{
		{nil, nil},
		{[]string{"pwd"}, []string{"pwd"}},
		{[]string{"pwd", "pwd"}, []string{"pwd"}},
		{[]string{"pwd", "otp"}, []string{"pwd", "otp", "mfa"}},
		{[]string{"pwd", "sms"}, []string{"pwd", "sms", "mfa"}},
		{[]string{"otp", "sms"}, []string{"otp", "sms"}}, // two possession factors
		{[]string{"hwk", "user"}, []string{"hwk", "user"}},
		{[]string{"hwk", "pin"}, []string{"hwk", "pin", "mfa"}},
		{[]string{"swk", "fpt"}, []string{"swk", "fpt", "mfa"}},
		{[]string{"pwd", "otp", "mfa"}, []string{"pwd", "otp", "mfa"}},
	}
	for _, tt := range tests {
		if got := NormalizeAMR(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("NormalizeAMR(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestAuthenticatedAt(t *testing.T) {
	if got := (Identity{AuthTime: 1700000000}).AuthenticatedAt(); !got.Equal(time.Unix(1700000000, 0)) {
		t.Fatalf("AuthenticatedAt = %v", got)
	}
}
