package oidc

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"

	"github.com/bridgekeeper/bridgekeeper/internal/rsasign"
)

// jwsSigner makes compact JWS (RFC 7515 §7.1) with one key, algorithm and typ header. The
// protected header is encoded once, so a token costs one JSON encoding of its claims, one
// signature and the base64url of both, written into one buffer.
type jwsSigner struct {
	key crypto.Signer
	// header is the base64url protected header followed by ".".
	header []byte
	// sigLen is the signature's length in bytes.
	sigLen int
	// rsa signs RS256 for an RSA key: internal/rsasign, prepared once per key.
	rsa *rsasign.Signer
}

// es256Half is the length of r and of s in an ES256 signature (RFC 7518 §3.4).
const es256Half = 32

// jwsHeader is the protected header of every token: alg, kid and typ, in this order.
type jwsHeader struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	Typ string `json:"typ"`
}

// rsaSigner prepares RS256 signing for k if it is an RSA key (nil otherwise): once per key,
// shared by the key's signers of each typ.
func rsaSigner(k SigningKey) *rsasign.Signer {
	if key, ok := k.Key.(*rsa.PrivateKey); ok {
		return rsasign.New(key)
	}
	return nil
}

// newJWSSigner makes the signer of key k (checked by newSigningKey) with the typ header; rs is
// rsaSigner(k), made once per key.
func newJWSSigner(k SigningKey, typ string, rs *rsasign.Signer) (*jwsSigner, error) {
	h, err := json.Marshal(jwsHeader{Alg: k.Algorithm, Kid: k.ID, Typ: typ})
	if err != nil {
		return nil, fmt.Errorf("encode JWS header: %w", err)
	}
	s := &jwsSigner{key: k.Key, header: append(base64.RawURLEncoding.AppendEncode(nil, h), '.')}
	switch key := k.Key.(type) {
	case *rsa.PrivateKey:
		if rs == nil {
			return nil, fmt.Errorf("RSA key %s without its rsasign.Signer", k.ID)
		}
		s.sigLen, s.rsa = key.Size(), rs
	case *ecdsa.PrivateKey:
		s.sigLen = 2 * es256Half
	case ed25519.PrivateKey:
		s.sigLen = ed25519.SignatureSize
	default:
		return nil, fmt.Errorf("unsupported key type %T", k.Key)
	}
	return s, nil
}

// appendToken appends header.payload.signature for payload (the encoded claims) to dst.
func (s *jwsSigner) appendToken(dst, payload []byte) ([]byte, error) {
	enc := base64.RawURLEncoding
	start := len(dst)
	dst = slices.Grow(dst, len(s.header)+enc.EncodedLen(len(payload))+1+enc.EncodedLen(s.sigLen))
	dst = append(dst, s.header...)
	dst = enc.AppendEncode(dst, payload)
	var raw [2 * es256Half]byte
	sig, err := s.signature(dst[start:], &raw)
	if err != nil {
		return nil, err
	}
	dst = append(dst, '.')
	return enc.AppendEncode(dst, sig), nil
}

// signature signs the JWS signing input with the key's algorithm: RSASSA-PKCS1-v1_5 or ECDSA
// (r‖s, each 32 bytes, written into raw) over SHA-256, or Ed25519 over the input itself.
func (s *jwsSigner) signature(input []byte, raw *[2 * es256Half]byte) ([]byte, error) {
	switch key := s.key.(type) {
	case *rsa.PrivateKey:
		digest := sha256.Sum256(input)
		return s.rsa.SignSHA256(&digest)
	case *ecdsa.PrivateKey:
		digest := sha256.Sum256(input)
		der, err := ecdsa.SignASN1(rand.Reader, key, digest[:])
		if err != nil {
			return nil, err
		}
		if err := ecdsaRaw(raw, der); err != nil {
			return nil, err
		}
		return raw[:], nil
	case ed25519.PrivateKey:
		return ed25519.Sign(key, input), nil
	}
	return nil, fmt.Errorf("unsupported key type %T", s.key)
}

// ecdsaRaw writes the ASN.1 ECDSA signature der as JWS's r‖s with fixed-length halves into
// out. (ecdsa.Sign, which gives r and s as numbers, is SignASN1 with this parse into big.Ints
// after it, so it would cost more, not less.)
func ecdsaRaw(out *[2 * es256Half]byte, der []byte) error {
	var r, sv []byte
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, asn1.SEQUENCE) || !in.Empty() ||
		!seq.ReadASN1Integer(&r) || !seq.ReadASN1Integer(&sv) || !seq.Empty() {
		return errors.New("malformed ECDSA signature")
	}
	*out = [2 * es256Half]byte{}
	if !fillFixed(out[:es256Half], r) || !fillFixed(out[es256Half:], sv) {
		return errors.New("malformed ECDSA signature")
	}
	return nil
}

// fillFixed writes the big-endian unsigned integer n right-aligned into dst.
func fillFixed(dst, n []byte) bool {
	for len(n) > 0 && n[0] == 0 {
		n = n[1:]
	}
	if len(n) > len(dst) {
		return false
	}
	copy(dst[len(dst)-len(n):], n)
	return true
}
