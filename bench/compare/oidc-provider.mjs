// The oidc-provider peer of `make bench-compare`: the npm package's Provider with its development
// login (devInteractions: any login, the password is not checked), in-memory storage, one app
// client per signing algorithm, consent granted for the benchmark's own first-party clients.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';

// The package's memory adapter over a store without its 1,000-entry LRU bound (which drops
// sign-ins in flight at 64 concurrent), expiring entries as the adapter asks: what Bridgekeeper's
// memory store does too.
class ExpiringMap {
  #entries = new Map();
  #sets = 0;

  get(key) {
    const e = this.#entries.get(key);
    if (e === undefined) return undefined;
    if (e.expiry <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  set(key, value, options) {
    this.#entries.set(key, { value, expiry: options?.maxAge ? Date.now() + options.maxAge : Infinity });
    this.#sets += 1;
    if (this.#sets % 10000 === 0) {
      const now = Date.now();
      for (const [k, e] of this.#entries) if (e.expiry <= now) this.#entries.delete(k);
    }
  }

  delete(key) {
    this.#entries.delete(key);
  }
}
const store = new ExpiringMap();

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const privateJWK = (type, options) => generateKeyPairSync(type, options).privateKey.export({ format: 'jwk' });

const provider = new Provider(issuer, {
  adapter: (model) => new MemoryAdapter(model, store),
  clients: ['ES256', 'RS256'].map((alg) => ({
    client_id: `bench-${alg.toLowerCase()}`,
    client_secret: process.env.CLIENT_SECRET,
    redirect_uris: [process.env.REDIRECT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    id_token_signed_response_alg: alg,
  })),
  jwks: {
    keys: [
      { ...privateJWK('rsa', { modulusLength: 2048 }), alg: 'RS256', use: 'sig', kid: 'rs' },
      { ...privateJWK('ec', { namedCurve: 'P-256' }), alg: 'ES256', use: 'sig', kid: 'es' },
    ],
  },
  cookies: { keys: [randomBytes(32).toString('base64')] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() { return { sub: id, email: process.env.USER_EMAIL, email_verified: true, name: 'Bench User' }; },
    };
  },
  // First-party clients: grant what they ask for instead of showing the consent page.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      return ctx.oidc.provider.Grant.find(grantId);
    }
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope(ctx.oidc.params.scope);
    await grant.save();
    return grant;
  },
});

provider.listen(port, '127.0.0.1', () => console.log(`listening on ${issuer}`));
