// ES256 JWT signing for the emulator, with the public key published as a JWKS. Signing stays on node:crypto
// (synchronous, a bulk job signs thousands); tokens are verified against the published JWKS with jose, as
// the console verifies any upstream's.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject, type JsonWebKey } from 'node:crypto';
import type { JWTVerifyGetKey } from 'jose';
import { readKeySet, verifyJwt, type JwtCheck } from '../crypto/verify-jwt.js';

export const EMULATOR_JWT_ALG = 'ES256';

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

export interface PublicJwk extends JsonWebKey {
  kid: string;
  alg: string;
  use: string;
}

export class JwtSigner {
  readonly kid: string;
  private readonly publicKey: KeyObject;
  private readonly keys: JWTVerifyGetKey;

  private constructor(private readonly privateKey: KeyObject) {
    this.publicKey = createPublicKey(privateKey);
    const jwk = this.publicKey.export({ format: 'jwk' });
    // RFC 7638 thumbprint of the EC key: members in lexicographic order.
    const thumb = createHash('sha256')
      .update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }))
      .digest();
    this.kid = b64url(thumb).slice(0, 16);
    const set = readKeySet(this.jwks());
    if (!set.ok) throw new Error(`the emulator's own JWKS is not a key set: ${set.message}`);
    this.keys = set.keys;
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

  /** The token checked against this signer's published JWKS at the given time (ms). */
  verify(token: string, nowMs: number): Promise<JwtCheck> {
    return verifyJwt(token, this.keys, nowMs);
  }
}
