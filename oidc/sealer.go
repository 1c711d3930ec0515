package oidc

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/gorilla/securecookie"

	"github.com/bridgekeeper/bridgekeeper/internal/cookiecodec"
)

// sealer seals what the provider hands to browsers (the SSO cookie, sign-out confirmation
// tokens) with internal/cookiecodec, the sealer of every Bridgekeeper cookie, under the
// configured cookie keys: the first key seals, every key opens, so keys rotate without signing
// anyone out. The cookie's name is sealed in, so a value opens only under the name it was
// sealed for.
type sealer struct {
	codec *cookiecodec.Codec
	// legacy opens SSO cookies sealed before the provider used cookiecodec (securecookie with
	// SHA-256-derived key pairs), so an upgrade signs nobody out. Remove it in the release after.
	legacy []securecookie.Codec
}

func newSealer(keys [][]byte, maxAge time.Duration, now func() time.Time, rand io.Reader) (*sealer, error) {
	codec, err := cookiecodec.New(keys, cookiecodec.Options{MaxAge: maxAge, Now: now, Rand: rand})
	if err != nil {
		return nil, err
	}
	s := &sealer{codec: codec}
	for _, k := range keys {
		hash := sha256.Sum256(append([]byte("bridgekeeper sso hash\x00"), k...))
		block := sha256.Sum256(append([]byte("bridgekeeper sso block\x00"), k...))
		s.legacy = append(s.legacy, securecookie.New(hash[:], block[:]).MaxAge(int(maxAge/time.Second)).SetSerializer(securecookie.JSONEncoder{}))
	}
	return s, nil
}

// seal encodes v as JSON and seals it for the cookie (or form field) name.
func (s *sealer) seal(name string, v record) (string, error) {
	var buf [256]byte // an SSO cookie's JSON is ≈ 150 bytes
	raw, ok := v.appendJSON(buf[:0])
	var err error
	if !ok {
		raw, err = json.Marshal(v)
	}
	if err != nil {
		return "", fmt.Errorf("encode %s: %w", name, err)
	}
	sealed, err := s.codec.Encode(name, raw)
	if err != nil {
		return "", fmt.Errorf("seal %s: %w", name, err)
	}
	return sealed, nil
}

// open checks and opens a value sealed for name into dst.
func (s *sealer) open(name, value string, dst recordDecoder) error {
	var raw []byte
	if err := s.codec.Decode(name, value, &raw); err != nil {
		if lerr := securecookie.DecodeMulti(name, value, dst, s.legacy...); lerr == nil {
			return nil
		}
		return fmt.Errorf("open %s: %w", name, err)
	}
	if err := dst.decodeJSON(raw); err != nil {
		return fmt.Errorf("open %s: %w", name, err)
	}
	return nil
}
