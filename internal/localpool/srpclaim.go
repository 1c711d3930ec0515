package localpool

import (
	"crypto/hmac"
	"encoding/base64"
	"errors"
	"math/big"
	"time"

	"github.com/bridgekeeper/bridgekeeper/internal/srp"
)

// errBadClaim is checkClaim's answer to a wrong PASSWORD_CLAIM_SIGNATURE: the password (or
// device password) was wrong. Callers decide what that costs.
var errBadClaim = errors.New("localpool: wrong password claim")

// maxClaimSkew is how far a claim's TIMESTAMP may be from the pool's clock.
const maxClaimSkew = 5 * time.Minute

// checkClaim checks the answer to a PASSWORD_VERIFIER or DEVICE_PASSWORD_VERIFIER challenge
// against verifier v, for the SRP exchange kept in sess; poolName and userID are the pool name and
// username, or the device group key and device key.
func (s *Server) checkClaim(v *big.Int, sess *session, cr map[string]string, poolName, userID string) error {
	srv := sess.srpServer
	if srv == nil {
		return errors.New("session holds no SRP exchange")
	}
	key, err := srv.AuthKey(sess.srpA)
	if err != nil {
		return errWrongCredentials()
	}
	ts := cr["TIMESTAMP"]
	parsed, perr := time.Parse(srp.TimestampLayout, ts)
	if perr != nil || srp.FormatTimestamp(parsed) != ts {
		return errf("InvalidParameterException", "TIMESTAMP format is invalid")
	}
	if d := s.opts.Now().Sub(parsed); d > maxClaimSkew || d < -maxClaimSkew {
		return errWrongCredentials()
	}
	block, err := base64.StdEncoding.DecodeString(cr["PASSWORD_CLAIM_SECRET_BLOCK"])
	if err != nil || !hmac.Equal(block, sess.secretBlock) {
		return errWrongCredentials()
	}
	// A password changed since the challenge: B was made for the old verifier, so no claim of
	// either password can be right (as when B was recomputed from the new one).
	if !srp.VerifySignature(key, poolName, userID, block, ts, cr["PASSWORD_CLAIM_SIGNATURE"]) || !srv.HasVerifier(v) {
		return errBadClaim
	}
	return nil
}
