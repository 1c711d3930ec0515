package oidc

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"strings"
	"testing"
)

// pemBlock encodes one PEM block.
func pemBlock(t *testing.T, typ string, der []byte) []byte {
	t.Helper()
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func TestLoadKeysFromPEM(t *testing.T) {
	rsaKey := testKeys()[0].Key.(*rsa.PrivateKey)
	ecKey := testKeys()[1].Key.(*ecdsa.PrivateKey)
	edKey := testKeys()[2].Key.(ed25519.PrivateKey)
	pkcs8 := func(k any) []byte {
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return pemBlock(t, "PRIVATE KEY", der)
	}
	sec1, err := x509.MarshalECPrivateKey(ecKey)
	if err != nil {
		t.Fatal(err)
	}
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		data     []byte
		wantAlgs []string
		wantErr  string
	}{
		{"PKCS#8 RSA", pkcs8(rsaKey), []string{RS256}, ""},
		{"PKCS#1 RSA", pemBlock(t, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey)), []string{RS256}, ""},
		{"PKCS#8 EC", pkcs8(ecKey), []string{ES256}, ""},
		{"SEC 1 EC with parameters (openssl ecparam -genkey)", append(pemBlock(t, "EC PARAMETERS", []byte{6, 8, 42, 134, 72, 206, 61, 3, 1, 7}), pemBlock(t, "EC PRIVATE KEY", sec1)...), []string{ES256}, ""},
		{"PKCS#8 Ed25519", pkcs8(edKey), []string{EdDSA}, ""},
		{"several keys keep their order", bytes.Join([][]byte{pkcs8(edKey), pkcs8(rsaKey), pkcs8(ecKey)}, nil), []string{EdDSA, RS256, ES256}, ""},
		{"RSA under 2048 bits", pkcs8(small), nil, "at least 2048"},
		{"EC on P-384", pkcs8(p384), nil, "want P-256"},
		{"a certificate", pemBlock(t, "CERTIFICATE", []byte{1, 2, 3}), nil, "unsupported type"},
		{"garbage inside a key block", pemBlock(t, "PRIVATE KEY", []byte("nope")), nil, "PEM block 1"},
		{"no PEM at all", []byte("hello"), nil, "no private key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys, err := LoadKeysFromPEM(tt.data)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var algs []string
			for _, k := range keys {
				algs = append(algs, k.Algorithm)
				if len(k.ID) != 43 {
					t.Errorf("kid %q is not a SHA-256 thumbprint", k.ID)
				}
			}
			if strings.Join(algs, ",") != strings.Join(tt.wantAlgs, ",") {
				t.Errorf("algorithms %v, want %v", algs, tt.wantAlgs)
			}
		})
	}
}

func TestKeyIDsAreStableAndRoundTrip(t *testing.T) {
	for _, k := range testKeys() {
		data, err := MarshalKeyPEM(k)
		if err != nil {
			t.Fatal(err)
		}
		again, err := LoadKeysFromPEM(data)
		if err != nil {
			t.Fatal(err)
		}
		if len(again) != 1 || again[0].ID != k.ID || again[0].Algorithm != k.Algorithm {
			t.Fatalf("%s: reloaded as %+v", k.Algorithm, again)
		}
	}
	if _, err := GenerateKey("HS256"); err == nil {
		t.Fatal("GenerateKey accepted HS256")
	}
}

func TestLoadKeyFiles(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for i, k := range testKeys() {
		data, err := MarshalKeyPEM(k)
		if err != nil {
			t.Fatal(err)
		}
		path := dir + "/" + string(rune('a'+i)) + ".pem"
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
	}
	keys, err := LoadKeyFiles(paths...)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 3 || keys[2].ID != testKeys()[2].ID {
		t.Fatalf("loaded %d keys", len(keys))
	}
	if _, err := LoadKeyFiles(dir + "/missing.pem"); err == nil {
		t.Fatal("a missing file was accepted")
	}
}

// Signer choice: the newest key of each algorithm, unless one is named.
func TestKeySetSignerSelection(t *testing.T) {
	a, err := GenerateKey(ES256)
	if err != nil {
		t.Fatal(err)
	}
	b, err := GenerateKey(ES256)
	if err != nil {
		t.Fatal(err)
	}
	ks, err := newKeySet([]SigningKey{a, b, testKeys()[0]}, "", newBuffers())
	if err != nil {
		t.Fatal(err)
	}
	if ks.signers[ES256].ID != b.ID {
		t.Error("the newest ES256 key does not sign")
	}
	if got := ks.algorithms(); strings.Join(got, ",") != "RS256,ES256" {
		t.Errorf("algorithms = %v (RS256 first)", got)
	}
	ks, err = newKeySet([]SigningKey{a, b}, a.ID, newBuffers())
	if err != nil {
		t.Fatal(err)
	}
	if ks.signers[ES256].ID != a.ID {
		t.Error("the configured key does not sign")
	}
	tok, err := ks.sign(ES256, "JWT", map[string]any{"x": 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, typ, err := ks.verify(tok); err != nil || typ != "JWT" {
		t.Fatalf("verify: %v %q", err, typ)
	}
	if _, err := ks.sign(EdDSA, "JWT", nil); err == nil {
		t.Error("signed with an algorithm that has no key")
	}

	for name, keys := range map[string][]SigningKey{
		"none":              nil,
		"duplicate kid":     {a, a},
		"wrong algorithm":   {{Algorithm: RS256, Key: a.Key}},
		"missing key":       {{Algorithm: RS256}},
		"unknown signer id": {b},
	} {
		id := ""
		if name == "unknown signer id" {
			id = "nope"
		}
		if _, err := newKeySet(keys, id, newBuffers()); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
