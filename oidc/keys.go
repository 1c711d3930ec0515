package oidc

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"

	jose "github.com/go-jose/go-jose/v4"
)

// Signing algorithms the provider can sign ID and access tokens with.
const (
	RS256 = "RS256" // RSASSA-PKCS1-v1_5 with SHA-256: the default every client supports
	ES256 = "ES256" // ECDSA on P-256 with SHA-256
	EdDSA = "EdDSA" // Ed25519
)

// minRSABits is the smallest RSA modulus accepted for a signing key.
const minRSABits = 2048

// SigningKey is one private key the provider can sign with. Its public half is
// published in the JWKS document.
type SigningKey struct {
	// ID is the key id ("kid"). LoadKeysFromPEM and GenerateKey set it to the
	// key's RFC 7638 thumbprint, so every instance loading the same PEM agrees.
	ID string
	// Algorithm is RS256, ES256 or EdDSA; it follows from the key type.
	Algorithm string
	// Key is an *rsa.PrivateKey, an *ecdsa.PrivateKey on P-256 or an ed25519.PrivateKey.
	Key crypto.Signer
}

// LoadKeysFromPEM parses every private key in data (PKCS#8 "PRIVATE KEY",
// PKCS#1 "RSA PRIVATE KEY" or SEC 1 "EC PRIVATE KEY" blocks; "EC PARAMETERS"
// blocks are skipped). Keys keep their order: the last one is the newest.
func LoadKeysFromPEM(data []byte) ([]SigningKey, error) {
	var keys []SigningKey
	for n := 1; ; n++ {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		var (
			parsed any
			err    error
		)
		switch block.Type {
		case "EC PARAMETERS":
			continue
		case "PRIVATE KEY":
			parsed, err = x509.ParsePKCS8PrivateKey(block.Bytes)
		case "RSA PRIVATE KEY":
			parsed, err = x509.ParsePKCS1PrivateKey(block.Bytes)
		case "EC PRIVATE KEY":
			parsed, err = x509.ParseECPrivateKey(block.Bytes)
		default:
			return nil, fmt.Errorf("oidc: PEM block %d: unsupported type %q (want a private key)", n, block.Type)
		}
		if err != nil {
			return nil, fmt.Errorf("oidc: PEM block %d: %w", n, err)
		}
		k, err := newSigningKey(parsed)
		if err != nil {
			return nil, fmt.Errorf("oidc: PEM block %d: %w", n, err)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, errors.New("oidc: no private key found in PEM data")
	}
	return keys, nil
}

// LoadKeyFiles reads and parses the PEM files at paths, in order (the last
// key of the last file is the newest).
func LoadKeyFiles(paths ...string) ([]SigningKey, error) {
	var keys []SigningKey
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("oidc: read signing key: %w", err)
		}
		k, err := LoadKeysFromPEM(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		keys = append(keys, k...)
	}
	return keys, nil
}

// GenerateKey makes a fresh key for alg (RS256, ES256 or EdDSA), for the demo
// and tests. Production keys come from PEM files shared by every instance.
func GenerateKey(alg string) (SigningKey, error) {
	var (
		key any
		err error
	)
	switch alg {
	case RS256:
		key, err = rsa.GenerateKey(rand.Reader, minRSABits)
	case ES256:
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case EdDSA:
		_, key, err = ed25519.GenerateKey(rand.Reader)
	default:
		return SigningKey{}, fmt.Errorf("oidc: unsupported signing algorithm %q", alg)
	}
	if err != nil {
		return SigningKey{}, fmt.Errorf("oidc: generate %s key: %w", alg, err)
	}
	return newSigningKey(key)
}

// MarshalKeyPEM encodes k's private key as a PKCS#8 "PRIVATE KEY" PEM block.
func MarshalKeyPEM(k SigningKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k.Key)
	if err != nil {
		return nil, fmt.Errorf("oidc: marshal signing key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// newSigningKey checks a parsed private key and derives its algorithm and kid.
func newSigningKey(key any) (SigningKey, error) {
	var (
		alg    string
		signer crypto.Signer
	)
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if k.N.BitLen() < minRSABits {
			return SigningKey{}, fmt.Errorf("RSA key has %d bits, want at least %d", k.N.BitLen(), minRSABits)
		}
		alg, signer = RS256, k
	case *ecdsa.PrivateKey:
		if k.Curve != elliptic.P256() {
			return SigningKey{}, fmt.Errorf("EC key on %s, want P-256", k.Curve.Params().Name)
		}
		alg, signer = ES256, k
	case ed25519.PrivateKey:
		alg, signer = EdDSA, k
	case *ed25519.PrivateKey:
		alg, signer = EdDSA, *k
	default:
		return SigningKey{}, fmt.Errorf("unsupported key type %T", key)
	}
	jwk := jose.JSONWebKey{Key: signer.Public()}
	tp, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return SigningKey{}, fmt.Errorf("key thumbprint: %w", err)
	}
	return SigningKey{ID: base64.RawURLEncoding.EncodeToString(tp), Algorithm: alg, Key: signer}, nil
}

// keySet holds the configured keys: all verify and are published, one per
// algorithm signs.
type keySet struct {
	keys    []SigningKey
	byID    map[string]SigningKey
	signers map[string]SigningKey // algorithm → signing key
	algs    []jose.SignatureAlgorithm
	jwks    []byte // the published JWKS document
	// jws holds one signer per algorithm and typ header, its protected header
	// encoded once (safe for concurrent use: nothing in it changes).
	jws map[signerKey]*jwsSigner
	// bufs holds the claims' JSON and the token while they are made: the provider's scratch
	// buffers (one pool for everything it encodes).
	bufs *buffers
}

// signerKey names a reusable signer: an algorithm and a typ header.
type signerKey struct{ alg, typ string }

// newKeySet validates keys and picks the signer for each algorithm: the key
// named by signingKeyID for its algorithm, otherwise the last (newest) key.
// It encodes claims and tokens in bufs.
func newKeySet(keys []SigningKey, signingKeyID string, bufs *buffers) (*keySet, error) {
	if len(keys) == 0 {
		return nil, errors.New("no signing keys configured")
	}
	ks := &keySet{byID: map[string]SigningKey{}, signers: map[string]SigningKey{}, bufs: bufs}
	var published jose.JSONWebKeySet
	for i, k := range keys {
		if k.Key == nil {
			return nil, fmt.Errorf("signing key %d has no key", i+1)
		}
		checked, err := newSigningKey(k.Key)
		if err != nil {
			return nil, fmt.Errorf("signing key %d: %w", i+1, err)
		}
		if k.Algorithm != "" && k.Algorithm != checked.Algorithm {
			return nil, fmt.Errorf("signing key %d: algorithm %q does not fit a %s key", i+1, k.Algorithm, checked.Algorithm)
		}
		if k.ID != "" {
			checked.ID = k.ID
		}
		if _, dup := ks.byID[checked.ID]; dup {
			return nil, fmt.Errorf("signing key %d: duplicate key id %q", i+1, checked.ID)
		}
		ks.keys = append(ks.keys, checked)
		ks.byID[checked.ID] = checked
		if _, seen := ks.signers[checked.Algorithm]; !seen {
			ks.algs = append(ks.algs, jose.SignatureAlgorithm(checked.Algorithm))
		}
		ks.signers[checked.Algorithm] = checked // the last key of each algorithm wins
		published.Keys = append(published.Keys, jose.JSONWebKey{
			Key: checked.Key.Public(), KeyID: checked.ID, Algorithm: checked.Algorithm, Use: "sig",
		})
	}
	if signingKeyID != "" {
		k, ok := ks.byID[signingKeyID]
		if !ok {
			return nil, fmt.Errorf("signing key id %q is not among the configured keys", signingKeyID)
		}
		ks.signers[k.Algorithm] = k
	}
	doc, err := json.Marshal(published)
	if err != nil {
		return nil, fmt.Errorf("encode JWKS: %w", err)
	}
	ks.jwks = doc
	ks.jws = map[signerKey]*jwsSigner{}
	for alg, k := range ks.signers {
		rs := rsaSigner(k)
		for _, typ := range []string{typIDToken, typAccessToken} {
			s, err := newJWSSigner(k, typ, rs)
			if err != nil {
				return nil, fmt.Errorf("signing key %s: %w", k.ID, err)
			}
			ks.jws[signerKey{alg, typ}] = s
		}
	}
	return ks, nil
}

// algorithms lists the algorithms the set can sign with, RS256 first.
func (ks *keySet) algorithms() []string {
	out := make([]string, 0, len(ks.algs))
	if _, ok := ks.signers[RS256]; ok {
		out = append(out, RS256)
	}
	for _, a := range ks.algs {
		if string(a) != RS256 {
			out = append(out, string(a))
		}
	}
	return out
}

// sign serialises claims (a struct or a map) as a compact JWS with the signer
// for alg, setting the typ header.
func (ks *keySet) sign(alg, typ string, claims any) (string, error) {
	sc := ks.bufs.get()
	defer ks.bufs.put(sc)
	payload, err := sc.encodeAny(claims)
	if err != nil {
		return "", fmt.Errorf("encode claims: %w", err)
	}
	return ks.signPayload(alg, typ, payload)
}

// signPayload is sign for claims already encoded as one JSON object.
func (ks *keySet) signPayload(alg, typ string, payload []byte) (string, error) {
	signer, ok := ks.jws[signerKey{alg, typ}]
	if !ok {
		return "", fmt.Errorf("no signing key for %s with typ %s", alg, typ)
	}
	sc := ks.bufs.get()
	defer ks.bufs.put(sc)
	tok, err := signer.appendToken(sc.raw[:0], payload)
	if err != nil {
		return "", fmt.Errorf("sign: %w", err)
	}
	sc.raw = tok[:0]
	return string(tok), nil
}

// errBadSignature is returned for any token the key set did not sign.
var errBadSignature = errors.New("token not signed by this provider")

// verify checks that token is a compact JWS signed by one of the keys, with
// the algorithm that key is for, and returns its payload and typ header.
// Tokens with "alg": "none", HMAC algorithms or an unknown kid fail.
func (ks *keySet) verify(token string) (payload []byte, typ string, err error) {
	jws, err := jose.ParseSignedCompact(token, ks.algs)
	if err != nil {
		return nil, "", errBadSignature
	}
	if len(jws.Signatures) != 1 {
		return nil, "", errBadSignature
	}
	h := jws.Signatures[0].Header
	k, ok := ks.byID[h.KeyID]
	if !ok || h.Algorithm != k.Algorithm {
		return nil, "", errBadSignature
	}
	payload, err = jws.Verify(k.Key.Public())
	if err != nil {
		return nil, "", errBadSignature
	}
	t, _ := h.ExtraHeaders[jose.HeaderType].(string)
	return payload, t, nil
}
