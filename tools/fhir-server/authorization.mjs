// The test authorization server: an OAuth 2.0 token endpoint (RFC 6749 §4.4, client credentials grant) that
// authenticates clients in the two ways Telerad uses:
//  (a) SMART Backend Services (HL7 SMART App Launch 2.x, backend-services.html): a private_key_jwt client assertion
//      (RFC 7523 §2.2, client_assertion_type urn:ietf:params:oauth:client-assertion-type:jwt-bearer) that is
//      VERIFIED here with Node's crypto: alg RS384 or ES384, a kid found in the client's registered JWKS, the
//      signature, iss = sub = client id, aud = this token URL, exp in the future and at most 5 minutes away, and a jti
//      never seen before (replays are refused);
//  (b) a client id and secret (client_secret_basic, RFC 6749 §2.3.1, or client_secret_post).
// It issues opaque bearer tokens with expires_in; the FHIR API checks them when the server runs with --auth.
// Errors follow RFC 6749 §5.2 ({ error, error_description }); the last refusal's description is kept for the tests.
// Time is the server's clock plus an offset the tests can move (/$test/clock), so expiry can be tested without waiting.
import crypto from 'node:crypto';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const MAX_ASSERTION_LIFETIME_SECONDS = 300;
const ALGORITHMS = {
  RS384: { keyType: 'RSA', hash: 'sha384' },
  ES384: { keyType: 'EC', curve: 'P-384', hash: 'sha384', dsaEncoding: 'ieee-p1363' },
};

export class OAuthError extends Error {
  constructor(status, error, description) {
    super(description);
    this.status = status;
    this.error = error;
  }
}

export class AuthorizationServer {
  #clients = new Map();
  #tokens = new Map();
  #usedJti = new Map();
  #clockOffsetMs = 0;

  constructor({ tokenUrl, tokenLifetimeSeconds }) {
    this.tokenUrl = tokenUrl;
    this.tokenLifetimeSeconds = tokenLifetimeSeconds;
    this.tokensIssued = {};
    this.tokenRequestsRefused = 0;
    this.lastRefusal = null;
  }

  nowMs() {
    return Date.now() + this.#clockOffsetMs;
  }

  advanceClock(seconds) {
    this.#clockOffsetMs += seconds * 1000;
  }

  /**
   * Registers (or replaces) a client: { clientId, scope, jwks?: { keys: [...] }, secret?, tokenLifetimeSeconds? }.
   * A client with jwks authenticates with assertions, one with a secret with the secret.
   */
  registerClient(client) {
    if (typeof client?.clientId !== 'string' || client.clientId === '') throw new Error('clientId is required');
    if (!client.jwks && typeof client.secret !== 'string') throw new Error('a client needs jwks or secret');
    const keys = (client.jwks?.keys ?? []).map((jwk) => {
      if (!jwk.kid) throw new Error('every JWK needs a kid');
      return { kid: jwk.kid, alg: jwk.alg, kty: jwk.kty, crv: jwk.crv, key: crypto.createPublicKey({ key: jwk, format: 'jwk' }) };
    });
    this.#clients.set(client.clientId, {
      clientId: client.clientId,
      scopes: new Set((client.scope ?? '').split(' ').filter(Boolean)),
      keys,
      secret: client.secret,
      tokenLifetimeSeconds: client.tokenLifetimeSeconds ?? this.tokenLifetimeSeconds,
    });
  }

  /** A token issued elsewhere (the stand-in for an Entra ID token in the managed identity tests). */
  acceptToken({ token, expiresInSeconds, scope }) {
    this.#tokens.set(token, { clientId: '(external)', scope: scope ?? '', expiresAtMs: this.nowMs() + (expiresInSeconds ?? 3600) * 1000 });
  }

  revokeAllTokens() {
    this.#tokens.clear();
  }

  reset() {
    this.#tokens.clear();
    this.#usedJti.clear();
    this.#clockOffsetMs = 0;
    this.tokensIssued = {};
    this.tokenRequestsRefused = 0;
    this.lastRefusal = null;
  }

  /** The token's grant if it is known and not expired, else null. */
  check(token) {
    const grant = this.#tokens.get(token);
    if (!grant) return null;
    if (grant.expiresAtMs <= this.nowMs()) {
      this.#tokens.delete(token);
      return null;
    }
    return grant;
  }

  /** Handles a token request: form = URLSearchParams of the body, authorization = the Authorization header. */
  token(form, authorization) {
    try {
      if (form.get('grant_type') !== 'client_credentials') {
        throw new OAuthError(400, 'unsupported_grant_type', 'grant_type must be client_credentials');
      }
      const client = form.has('client_assertion') || form.has('client_assertion_type')
        ? this.#authenticateWithAssertion(form)
        : this.#authenticateWithSecret(form, authorization);
      const requested = (form.get('scope') ?? '').split(' ').filter(Boolean);
      if (requested.length === 0) throw new OAuthError(400, 'invalid_scope', 'scope is required');
      const refused = requested.filter((s) => !client.scopes.has(s));
      if (refused.length > 0) throw new OAuthError(400, 'invalid_scope', `scope not allowed for this client: ${refused.join(' ')}`);
      const token = crypto.randomBytes(32).toString('base64url');
      const scope = requested.join(' ');
      this.#tokens.set(token, { clientId: client.clientId, scope, expiresAtMs: this.nowMs() + client.tokenLifetimeSeconds * 1000 });
      this.tokensIssued[client.clientId] = (this.tokensIssued[client.clientId] ?? 0) + 1;
      return { status: 200, body: { access_token: token, token_type: 'bearer', expires_in: client.tokenLifetimeSeconds, scope } };
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      this.tokenRequestsRefused++;
      this.lastRefusal = `${error.error}: ${error.message}`;
      const headers = error.status === 401 ? { 'WWW-Authenticate': 'Basic realm="telerad-test"' } : {};
      return { status: error.status, headers, body: { error: error.error, error_description: error.message } };
    }
  }

  #authenticateWithSecret(form, authorization) {
    let clientId;
    let secret;
    let viaHeader = false;
    if (authorization && /^basic /i.test(authorization)) {
      // RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined with ':' and base64-encoded.
      const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) throw new OAuthError(401, 'invalid_client', 'malformed Basic credentials');
      clientId = decodeURIComponent(decoded.slice(0, colon).replaceAll('+', ' '));
      secret = decodeURIComponent(decoded.slice(colon + 1).replaceAll('+', ' '));
      viaHeader = true;
    } else {
      clientId = form.get('client_id');
      secret = form.get('client_secret');
    }
    const status = viaHeader ? 401 : 400;
    if (!clientId || secret === null || secret === undefined) throw new OAuthError(status, 'invalid_client', 'client authentication is missing');
    const client = this.#clients.get(clientId);
    if (!client || typeof client.secret !== 'string' || !equalSecrets(client.secret, secret)) {
      throw new OAuthError(status, 'invalid_client', 'unknown client or wrong secret');
    }
    return client;
  }

  #authenticateWithAssertion(form) {
    if (form.get('client_assertion_type') !== JWT_BEARER) {
      throw new OAuthError(400, 'invalid_client', `client_assertion_type must be ${JWT_BEARER}`);
    }
    const assertion = form.get('client_assertion') ?? '';
    const parts = assertion.split('.');
    if (parts.length !== 3) throw new OAuthError(400, 'invalid_client', 'client_assertion is not a signed JWT');
    const header = decodeJson(parts[0], 'header');
    const claims = decodeJson(parts[1], 'payload');

    const algorithm = ALGORITHMS[header.alg];
    if (!algorithm) throw new OAuthError(400, 'invalid_client', `alg ${header.alg} is not accepted (RS384 or ES384)`);
    if (header.typ !== undefined && header.typ !== 'JWT') throw new OAuthError(400, 'invalid_client', 'typ must be JWT');
    if (typeof claims.iss !== 'string' || claims.iss !== claims.sub) throw new OAuthError(400, 'invalid_client', 'iss and sub must both be the client id');
    if (form.has('client_id') && form.get('client_id') !== claims.iss) throw new OAuthError(400, 'invalid_client', 'client_id does not match iss');
    const client = this.#clients.get(claims.iss);
    if (!client || client.keys.length === 0) throw new OAuthError(400, 'invalid_client', 'unknown client');
    const jwk = client.keys.find((k) => k.kid === header.kid);
    if (!jwk) throw new OAuthError(400, 'invalid_client', 'kid is not in the client\'s JWKS');
    if (jwk.kty !== algorithm.keyType || (algorithm.curve && jwk.crv !== algorithm.curve) || (jwk.alg && jwk.alg !== header.alg)) {
      throw new OAuthError(400, 'invalid_client', 'the key registered under kid does not fit alg');
    }
    const signature = Buffer.from(parts[2], 'base64url');
    const signed = Buffer.from(`${parts[0]}.${parts[1]}`, 'ascii');
    const key = algorithm.dsaEncoding ? { key: jwk.key, dsaEncoding: algorithm.dsaEncoding } : jwk.key;
    if (!crypto.verify(algorithm.hash, signed, key, signature)) throw new OAuthError(400, 'invalid_client', 'signature does not verify');

    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.includes(this.tokenUrl)) throw new OAuthError(400, 'invalid_client', 'aud must be the token URL');
    const now = Math.floor(this.nowMs() / 1000);
    if (typeof claims.exp !== 'number') throw new OAuthError(400, 'invalid_client', 'exp is required');
    if (claims.exp <= now) throw new OAuthError(400, 'invalid_client', 'the assertion has expired');
    if (claims.exp > now + MAX_ASSERTION_LIFETIME_SECONDS) throw new OAuthError(400, 'invalid_client', 'exp is more than five minutes in the future');
    if (typeof claims.jti !== 'string' || claims.jti === '') throw new OAuthError(400, 'invalid_client', 'jti is required');
    for (const [jti, expiry] of this.#usedJti) if (expiry <= now) this.#usedJti.delete(jti);
    const jtiKey = `${claims.iss}\u0000${claims.jti}`;
    if (this.#usedJti.has(jtiKey)) throw new OAuthError(400, 'invalid_client', 'jti has been used before');
    this.#usedJti.set(jtiKey, claims.exp);
    return client;
  }
}

function decodeJson(part, what) {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new OAuthError(400, 'invalid_client', `the JWT ${what} is not base64url JSON`);
  }
}

function equalSecrets(expected, actual) {
  const a = crypto.createHash('sha256').update(expected).digest();
  const b = crypto.createHash('sha256').update(actual).digest();
  return crypto.timingSafeEqual(a, b);
}
