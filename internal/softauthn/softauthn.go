// Package softauthn is a software WebAuthn authenticator for tests: it answers the JSON
// options a relying party sends (PublicKeyCredentialCreationOptionsJSON and
// PublicKeyCredentialRequestOptionsJSON) with the JSON a browser would post back
// (RegistrationResponseJSON and AuthenticationResponseJSON), signing with ES256 and "none"
// attestation, as a platform authenticator with user verification does.
package softauthn

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/go-webauthn/webauthn/protocol/webauthncbor"
)

// Authenticator holds credentials, each bound to one relying party. It is not safe for
// concurrent use.
type Authenticator struct {
	// Origin is what the "browser" reports, e.g. http://localhost:8080.
	Origin string
	// NoUserVerification leaves the UV flag unset, like a security key without a PIN.
	NoUserVerification bool
	rand               io.Reader
	creds              []*credential
}

type credential struct {
	id      []byte
	rpID    string
	user    []byte
	key     *ecdsa.PrivateKey
	counter uint32
}

// New returns an authenticator for origin; r is the randomness of keys and ids
// (crypto/rand when nil).
func New(origin string, r io.Reader) *Authenticator {
	if r == nil {
		r = rand.Reader
	}
	return &Authenticator{Origin: origin, rand: r}
}

var b64 = base64.RawURLEncoding

type creationOptions struct {
	Challenge string `json:"challenge"`
	RP        struct {
		ID string `json:"id"`
	} `json:"rp"`
	User struct {
		ID string `json:"id"`
	} `json:"user"`
}

type requestOptions struct {
	Challenge string `json:"challenge"`
	RPID      string `json:"rpId"`
	Allow     []struct {
		ID string `json:"id"`
	} `json:"allowCredentials"`
}

// Create makes a credential for the creation options and returns the RegistrationResponseJSON.
func (a *Authenticator) Create(optionsJSON []byte) ([]byte, error) {
	var o creationOptions
	if err := json.Unmarshal(optionsJSON, &o); err != nil {
		return nil, fmt.Errorf("creation options: %w", err)
	}
	user, err := b64.DecodeString(o.User.ID)
	if err != nil || o.Challenge == "" || o.RP.ID == "" {
		return nil, errors.New("creation options lack a challenge, relying party or user id")
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), a.rand)
	if err != nil {
		return nil, err
	}
	c := &credential{id: make([]byte, 32), rpID: o.RP.ID, user: user, key: key}
	if _, err := io.ReadFull(a.rand, c.id); err != nil {
		return nil, err
	}
	point, err := key.PublicKey.Bytes() // 0x04 ‖ X ‖ Y
	if err != nil {
		return nil, err
	}
	x, y := point[1:33], point[33:]
	cose, err := webauthncbor.Marshal(map[int]any{1: 2, 3: -7, -1: 1, -2: x, -3: y})
	if err != nil {
		return nil, err
	}
	att := make([]byte, 0, 16+2+len(c.id)+len(cose))
	att = append(att, make([]byte, 16)...) // AAGUID: zero
	att = binary.BigEndian.AppendUint16(att, uint16(len(c.id)))
	att = append(att, c.id...)
	att = append(att, cose...)
	authData := a.authData(c, 0x40, att)
	attObj, err := webauthncbor.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": authData})
	if err != nil {
		return nil, err
	}
	clientData := a.clientData("webauthn.create", o.Challenge)
	a.creds = append(a.creds, c)
	return json.Marshal(map[string]any{
		"id": b64.EncodeToString(c.id), "rawId": b64.EncodeToString(c.id), "type": "public-key",
		"authenticatorAttachment": "platform", "clientExtensionResults": map[string]any{},
		"response": map[string]any{
			"clientDataJSON": b64.EncodeToString(clientData), "attestationObject": b64.EncodeToString(attObj),
			"transports": []string{"internal"},
		},
	})
}

// Get signs the request options' challenge with a credential they allow and returns the
// AuthenticationResponseJSON.
func (a *Authenticator) Get(optionsJSON []byte) ([]byte, error) {
	var o requestOptions
	if err := json.Unmarshal(optionsJSON, &o); err != nil {
		return nil, fmt.Errorf("request options: %w", err)
	}
	var c *credential
	for _, cand := range a.creds {
		if cand.rpID != o.RPID {
			continue
		}
		for _, allowed := range o.Allow {
			if allowed.ID == b64.EncodeToString(cand.id) {
				c = cand
			}
		}
		if len(o.Allow) == 0 {
			c = cand
		}
	}
	if c == nil {
		return nil, errors.New("no credential for these options")
	}
	c.counter++
	authData := a.authData(c, 0, nil)
	clientData := a.clientData("webauthn.get", o.Challenge)
	sum := sha256.Sum256(clientData)
	digest := sha256.Sum256(append(append([]byte{}, authData...), sum[:]...))
	sig, err := ecdsa.SignASN1(a.rand, c.key, digest[:])
	if err != nil {
		return nil, err
	}
	return json.Marshal(map[string]any{
		"id": b64.EncodeToString(c.id), "rawId": b64.EncodeToString(c.id), "type": "public-key",
		"authenticatorAttachment": "platform", "clientExtensionResults": map[string]any{},
		"response": map[string]any{
			"clientDataJSON": b64.EncodeToString(clientData), "authenticatorData": b64.EncodeToString(authData),
			"signature": b64.EncodeToString(sig), "userHandle": b64.EncodeToString(c.user),
		},
	})
}

// authData is rpIdHash ‖ flags ‖ signCount ‖ attested credential data.
func (a *Authenticator) authData(c *credential, flags byte, attested []byte) []byte {
	rp := sha256.Sum256([]byte(c.rpID))
	flags |= 0x01 // user present
	if !a.NoUserVerification {
		flags |= 0x04
	}
	out := append(rp[:], flags)
	out = binary.BigEndian.AppendUint32(out, c.counter)
	return append(out, attested...)
}

func (a *Authenticator) clientData(typ, challenge string) []byte {
	b, _ := json.Marshal(map[string]any{"type": typ, "challenge": challenge, "origin": a.Origin, "crossOrigin": false}) // strings always marshal
	return b
}
