package cognito

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/internal/testutil"
)

func TestSecretHash(t *testing.T) {
	tests := []struct{ clientID, secret, username, want string }{
		// Computed independently: printf 'alicemyclientid' | openssl dgst -sha256 -hmac mysecret -binary | base64
		{"myclientid", "mysecret", "alice", "2CkXobXsIWPQfX6BPVXXj+pqnu7TzxM1i2VBxOEz/ms="},
		// printf 'zoë@example.com3n4b5urk1ft4fl3mlclo4b2d3c' | openssl dgst -sha256 -hmac xx1m8ovqb4ftgr7b6fnq0iq7eo2ik5f2eb6qb7q5m7qc -binary | base64
		{"3n4b5urk1ft4fl3mlclo4b2d3c", "xx1m8ovqb4ftgr7b6fnq0iq7eo2ik5f2eb6qb7q5m7qc", "zoë@example.com", "oN3mP7a33EE9cjC5NfZKZiYv0IUvFe1Vol5whDWZWzQ="},
	}
	for _, tt := range tests {
		if got := SecretHash(tt.clientID, tt.secret, tt.username); got != tt.want {
			t.Errorf("SecretHash(%q) = %q, want %q", tt.username, got, tt.want)
		}
	}
	if SecretHash("myclientid", "mysecret", "bob") == SecretHash("myclientid", "mysecret", "alice") {
		t.Fatal("the username must matter")
	}
}

// TestSecretHashMatchesOpenSSL recomputes fresh vectors with openssl when it is installed.
func TestSecretHashMatchesOpenSSL(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		testutil.Missing(t, "openssl", "apt-get install openssl (make deps does)")
	}
	for _, u := range []string{"carol", "7d3f2a9e-1b2c-4d5e-8f90-a1b2c3d4e5f6", "名前"} {
		cmd := exec.Command("sh", "-c", `printf '%s' "$MSG" | openssl dgst -sha256 -hmac "$KEY" -binary | base64`)
		cmd.Env = append(cmd.Environ(), "MSG="+u+"client123", "KEY=s3cr3t-key")
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		if got, want := SecretHash("client123", "s3cr3t-key", u), strings.TrimSpace(string(out)); got != want {
			t.Errorf("SecretHash(%q) = %q, openssl says %q", u, got, want)
		}
	}
}

// TestSecretHasherReusesItsStates: one hasher's kept HMAC states, used again and at once from
// many goroutines, give what a fresh HMAC (SecretHash) gives for every username.
func TestSecretHasherReusesItsStates(t *testing.T) {
	h := newSecretHasher("client123", "s3cr3t-key")
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				u := strings.Repeat("ü", (g+i)%40) + "user" + strconv.Itoa(i)
				if got, want := h.hash(u), SecretHash("client123", "s3cr3t-key", u); got != want {
					t.Errorf("hash(%q) = %q, want %q", u, got, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestSecretHashIsPlain: SecretHash, made for one call, allocates no more than the HMAC, the
// message and the answer it needs: it keeps no states (no pool and no hasher built per call).
func TestSecretHashIsPlain(t *testing.T) {
	id, secret, user := "3n4b5urk1ft4fl3mlclo4b2d3c", "xx1m8ovqb4ftgr7b6fnq0iq7eo2ik5f2eb6qb7q5m7qc", "alice@example.com" // not constants, as SecretHash's arguments
	need := testing.AllocsPerRun(50, func() {
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte(user + id))
		_ = base64.StdEncoding.EncodeToString(m.Sum(nil))
	})
	if got := testing.AllocsPerRun(50, func() { SecretHash(id, secret, user) }); got > need {
		t.Errorf("SecretHash allocates %v times, a fresh HMAC needs %v", got, need)
	}
}

// BenchmarkSecretHash: SECRET_HASH with a fresh HMAC (SecretHash: its key hashed each time) and
// with the engine's kept states.
func BenchmarkSecretHash(b *testing.B) {
	const id, secret, user = "3n4b5urk1ft4fl3mlclo4b2d3c", "xx1m8ovqb4ftgr7b6fnq0iq7eo2ik5f2eb6qb7q5m7qc", "alice@example.com"
	b.Run("fresh", func(b *testing.B) {
		b.ReportAllocs()
		testutil.LoopCPU(b, func() { SecretHash(id, secret, user) })
	})
	b.Run("kept", func(b *testing.B) {
		h := newSecretHasher(id, secret)
		b.ReportAllocs()
		testutil.LoopCPU(b, func() { h.hash(user) })
	})
}
