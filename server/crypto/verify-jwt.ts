// A token's signature checked against a JSON Web Key Set, with jose: the key must be public, of the type the
// header's alg needs (EC P-256 for ES256, RSA for RS256...) and fit its kid; alg none and HMAC algorithms are
// never accepted (a published key is no secret). The key set is JSON the caller already fetched (through the
// guarded upstream client): jose fetches nothing here.
import { createLocalJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';

/** Asymmetric JWS algorithms only: HS256 "signed" with a public key proves nothing. */
export const JWT_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA', 'Ed25519'];

export type JwtFailure =
  | 'malformed'
  | 'algorithm_not_allowed'
  | 'unknown_key'
  | 'ambiguous_key'
  | 'unusable_key'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'bad_claims';

export type JwtCheck = { ok: true; claims: Record<string, unknown> } | { ok: false; reason: JwtFailure; message: string };

export type KeySet = { ok: true; keys: JWTVerifyGetKey } | { ok: false; message: string };

/** A key that matched the token but could not be imported (a malformed or private JWK): the set's fault. */
class UnusableKey extends Error {}

/** The upstream's JWKS document, or why it is not one. Keys are imported only when a token names them. */
export function readKeySet(json: unknown): KeySet {
  let local: JWTVerifyGetKey;
  try {
    local = createLocalJWKSet(json as Parameters<typeof createLocalJWKSet>[0]);
  } catch (err) {
    if (err instanceof errors.JWKSInvalid)
      return { ok: false, message: 'it is not a JSON Web Key Set (an object with a "keys" array of objects)' };
    throw err;
  }
  const keys: JWTVerifyGetKey = async (header, token) => {
    try {
      return await local(header, token);
    } catch (err) {
      // No key fits, several do, or the alg has no place in a key set: about the token, reported as such.
      if (
        err instanceof errors.JWKSNoMatchingKey ||
        err instanceof errors.JWKSMultipleMatchingKeys ||
        err instanceof errors.JOSENotSupported
      )
        throw err;
      throw new UnusableKey(err instanceof Error ? err.message : String(err), { cause: err });
    }
  };
  return { ok: true, keys };
}

function failure(reason: JwtFailure, message: string): JwtCheck {
  return { ok: false, reason, message };
}

/** Verifies a compact JWS, then its exp and nbf at the given time (ms). */
export async function verifyJwt(token: string, keys: JWTVerifyGetKey, nowMs: number): Promise<JwtCheck> {
  try {
    const { payload } = await jwtVerify(token, keys, { algorithms: JWT_ALGORITHMS, currentDate: new Date(nowMs) });
    return { ok: true, claims: payload };
  } catch (err) {
    if (err instanceof UnusableKey) return failure('unusable_key', `the upstream's key for this token cannot be used (${err.message})`);
    if (err instanceof errors.JOSEAlgNotAllowed)
      return failure('algorithm_not_allowed', `its algorithm is not accepted (only ${JWT_ALGORITHMS.join(', ')})`);
    if (err instanceof errors.JOSENotSupported)
      return failure('algorithm_not_allowed', `its header asks for what is not supported (${err.message})`);
    if (err instanceof errors.JWKSNoMatchingKey) return failure('unknown_key', "no key in the upstream's set fits its kid and algorithm");
    if (err instanceof errors.JWKSMultipleMatchingKeys)
      return failure('ambiguous_key', "several keys in the upstream's set fit its header (no kid?)");
    if (err instanceof errors.JWSSignatureVerificationFailed) return failure('bad_signature', 'bad signature');
    if (err instanceof errors.JWTExpired) return failure('expired', 'the token has expired');
    if (err instanceof errors.JWTClaimValidationFailed) {
      return err.claim === 'nbf'
        ? failure('not_yet_valid', 'the token is not valid yet (nbf)')
        : failure('bad_claims', `its ${err.claim} claim is invalid`);
    }
    if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return failure('malformed', 'malformed token');
    // jose refuses some keys only when it uses them, with a TypeError (an RSA modulus under 2048 bits, a key
    // not meant for verifying): the set's fault, like a key that cannot be imported.
    if (err instanceof TypeError) return failure('unusable_key', `the upstream's key for this token cannot be used (${err.message})`);
    throw err;
  }
}
