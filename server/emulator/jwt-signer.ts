// ES256 JWT signing and verification for the emulator, with the public key published as a JWKS.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject, type JsonWebKey } from 'node:crypto';
import { decodeJwt } from '../frame/jwt.js';

export const EMULATOR_JWT_ALG = 'ES256';

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

export interface PublicJwk extends JsonWebKey {
  kid: string;
  alg: string;
  use: string;
}

export type VerifyResult =
  | { ok: true; claims: Record<string, unknown> }
  | { ok: false; reason: 'malformed' | 'unknown_key' | 'bad_signature' | 'expired' | 'not_yet_valid' };

export class JwtSigner {
  readonly kid: string;
  private readonly publicKey: KeyObject;

  private constructor(private readonly privateKey: KeyObject) {
    this.publicKey = createPublicKey(privateKey);
    const jwk = this.publicKey.export({ format: 'jwk' });
    // RFC 7638 thumbprint of the EC key: members in lexicographic order.
    const thumb = createHash('sha256').update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })).digest();
    this.kid = b64url(thumb).slice(0, 16);
  }

  static generate(): JwtSigner {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return new JwtSigner(privateKey);
  }

  static fromPem(pem: string): JwtSigner {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new Error('the emulator signing key must be an EC P-256 private key (PEM)');
    }
    return new JwtSigner(key);
  }

  toPem(): string {
    return this.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  }

  jwks(): { keys: PublicJwk[] } {
    return { keys: [{ ...this.publicKey.export({ format: 'jwk' }), kid: this.kid, alg: EMULATOR_JWT_ALG, use: 'sig' }] };
  }

  sign(claims: Record<string, unknown>): string {
    const header = { alg: EMULATOR_JWT_ALG, typ: 'JWT', kid: this.kid };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(input), { key: this.privateKey, dsaEncoding: 'ieee-p1363' });
    return `${input}.${b64url(signature)}`;
  }

  verify(token: string, nowSeconds: number): VerifyResult {
    return verifyWithJwks(token, this.jwks(), nowSeconds);
  }
}

/** Verifies an ES256 compact JWS against a JWKS, then its exp/nbf against the given clock. */
export function verifyWithJwks(token: string, jwks: { keys: readonly object[] }, nowSeconds: number): VerifyResult {
  const decoded = decodeJwt(token);
  if (!decoded) return { ok: false, reason: 'malformed' };
  if (decoded.header.alg !== EMULATOR_JWT_ALG) return { ok: false, reason: 'unknown_key' };
  const jwk = jwks.keys.find((k) => (k as PublicJwk).kid === decoded.header.kid) as JsonWebKey | undefined;
  if (!jwk) return { ok: false, reason: 'unknown_key' };
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const dot = token.lastIndexOf('.');
  const good = verify('sha256', Buffer.from(token.slice(0, dot)), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(decoded.signature, 'base64url'));
  if (!good) return { ok: false, reason: 'bad_signature' };
  const { exp, nbf } = decoded.claims;
  if (typeof exp === 'number' && nowSeconds >= exp) return { ok: false, reason: 'expired' };
  if (typeof nbf === 'number' && nowSeconds < nbf) return { ok: false, reason: 'not_yet_valid' };
  return { ok: true, claims: decoded.claims };
}
