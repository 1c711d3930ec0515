package compare

import "context"

// What an in-process benchmark of Bridgekeeper (cmd/bridgekeeper's BenchmarkSignIn: the quick
// feedback loop and the source of the PGO profile) needs to make the same sign-ins against the
// same configuration as `make bench-compare`, with the local pool and serve in its own process.

// LocalPoolSeed is the benchmark's local pool seed (`bridgekeeper localpool --seed`): one pool,
// one app client with a secret allowing both flows, one user.
const LocalPoolSeed = bridgekeeperSeed

// LocalPool is the seeded local pool serve is configured against.
type LocalPool struct {
	Endpoint, PoolID, Issuer, ClientID, ClientSecret string
}

// BridgekeeperVariants are the variants (one per signing algorithm, and for the password flow
// one more per algorithm with opaque access tokens) of a serve at base running ServeConfig with
// flow and secret.
func BridgekeeperVariants(base, flow, secret string) []*Variant {
	return bridgekeeperVariants(providerBridgekeeper, base, flow, secret, true)
}

// FreePort is a loopback port that was free a moment ago (serve's issuer names its port).
func FreePort() (int, error) { return freePort() }

// Discover reads the variant's discovery document and keys; SignIn needs it first.
func (v *Variant) Discover(ctx context.Context) error { return v.discover(ctx) }

// SignIn completes one sign-in with a fresh cookie jar; with verify, the ID token is verified
// with go-oidc.
func (v *Variant) SignIn(ctx context.Context, verify bool) error {
	_, err := v.signIn(ctx, verify)
	return err
}
