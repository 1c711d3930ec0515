package e2e

import (
	"crypto/rand"
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"

	"github.com/bridgekeeper/bridgekeeper/oidc"
)

// serveKeys writes a fresh signing key of alg into dir and makes a cookie key, for a `serve`
// configuration: the key file's path and the cookie key as cookies.keys takes it (base64).
func serveKeys(t *testing.T, dir string, alg string) (keyFile, cookieKey string) {
	t.Helper()
	key, err := oidc.GenerateKey(alg)
	must(t, err)
	pemBytes, err := oidc.MarshalKeyPEM(key)
	must(t, err)
	keyFile = filepath.Join(dir, "signing.pem")
	must(t, os.WriteFile(keyFile, pemBytes, 0o600))
	raw := make([]byte, 32)
	_, err = rand.Read(raw)
	must(t, err)
	return keyFile, base64.StdEncoding.EncodeToString(raw)
}
