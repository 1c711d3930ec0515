package localpool

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"

	"github.com/bridgekeeper/bridgekeeper/internal/srp"
)

// PreventUserExistenceErrors: an app client with ENABLED never says that a user does not exist.
// Cognito then answers an unknown user's USER_SRP_AUTH with a plausible PASSWORD_VERIFIER
// challenge (its answer fails with "Incorrect username or password."), USER_PASSWORD_AUTH with
// "Incorrect username or password.", ForgotPassword with simulated delivery details and
// ConfirmForgotPassword with a code mismatch. LEGACY (the API's default) answers
// UserNotFoundException.

const (
	preventExistenceEnabled = "ENABLED"
	preventExistenceLegacy  = "LEGACY"
)

// phantom derives stable per-name bytes, so an unknown name gets the same salt every time, as a
// real user's does.
func (p *pool) phantom(label, name string, n int) []byte {
	m := hmac.New(sha256.New, p.phantomKey)
	m.Write([]byte(label + "\x00" + name))
	out := m.Sum(nil)
	for len(out) < n {
		m.Write(out)
		out = m.Sum(out)
	}
	return out[:n]
}

// phantomChallenge is the PASSWORD_VERIFIER challenge of a user who does not exist: the same
// computations as for a real one, over a fake salt and verifier. Callers hold s.mu.
func (s *Server) phantomChallenge(p *pool, c *appClient, username, srpA string) (any, error) {
	salt := p.phantom("salt", username, 16)
	srv, err := srp.NewServer(s.opts.Rand, p.phantomVerifier(username))
	if err != nil {
		return nil, fmt.Errorf("srp: %w", err)
	}
	block := s.randomBytes(64)
	sess := s.newSession(&session{poolID: p.id, clientID: c.id, username: username, challenge: "PASSWORD_VERIFIER", srpA: srpA, srpServer: srv, secretBlock: block, phantom: true})
	return challengeOut("PASSWORD_VERIFIER", sess, map[string]string{
		"SALT": hex.EncodeToString(salt), "SRP_B": srv.BHex(), "SECRET_BLOCK": base64.StdEncoding.EncodeToString(block),
		"USER_ID_FOR_SRP": username, "USERNAME": username,
	}), nil
}

// phantomVerifier is the made-up verifier of a user who does not exist: stable per name, secret
// (from the pool's phantom key, so B = k·v + g^b hides it as it hides a real one) and, like every
// real v = g^x (g = 2 generates the squares modulo N), a square. No password leads to it and no
// client sees it, so it is drawn, not derived by an exponentiation from a made-up password: the
// challenge of an unknown user then does the work of a known user's, whose verifier is stored.
func (p *pool) phantomVerifier(username string) *big.Int {
	n := srp.N()
	w := new(big.Int).SetBytes(p.phantom("verifier", username, (n.BitLen()+7)/8+16)) // 128 bits past N: w mod N is uniform to 2^-128
	w.Mod(w, n)
	return w.Mod(w.Mul(w, w), n)
}

// phantomAnswer checks the answer to a phantom challenge with the same SRP computations as a real
// user's (so it takes as long) and refuses it as a wrong password. Callers hold s.mu.
func (s *Server) phantomAnswer(p *pool, sess *session, cr map[string]string) error {
	if srv := sess.srpServer; srv != nil {
		if key, err := srv.AuthKey(sess.srpA); err == nil {
			_ = srp.VerifySignature(key, poolName(p.id), sess.username, sess.secretBlock, cr["TIMESTAMP"], cr["PASSWORD_CLAIM_SIGNATURE"])
		}
	}
	return errWrongCredentials()
}

// phantomDelivery is ForgotPassword's simulated answer for a user who does not exist.
func (p *pool) phantomDelivery(username string) map[string]any {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	b := p.phantom("delivery", strings.ToLower(username), 2)
	dest := maskEmail(string(letters[int(b[0])%len(letters)]) + "@" + string(letters[int(b[1])%len(letters)]))
	return map[string]any{"CodeDeliveryDetails": map[string]any{"AttributeName": "email", "DeliveryMedium": "EMAIL", "Destination": dest}}
}
