// The claims of an emulator-minted token. Frame's real claim set is unknown (docs/emulator.md).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { TokenRequestBody } from '../frame/token-body.js';
import type { EmulatorProviderInput } from './registry.js';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from './contract.js';

/** A UUID (version 5 layout) derived from the entity and the email, so one email keeps one user id. */
export function stableSubject(level: string, entityId: string, email: string): string {
  const hex = createHash('sha256').update(`${level}:${entityId.toLowerCase()}:${email.toLowerCase()}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function buildClaims(provider: EmulatorProviderInput, body: TokenRequestBody, nowSeconds: number): Record<string, unknown> {
  let email = body.email;
  if (!email && body.email_domain) email = `anonymous-${randomBytes(5).toString('hex')}@${body.email_domain}`;
  const claims: Record<string, unknown> = {
    iss: TOKEN_ISSUER,
    aud: TOKEN_AUDIENCE,
    sub: email && body.email ? stableSubject(provider.level, provider.entityId, email) : randomUUID(),
    iat: nowSeconds,
    exp: nowSeconds + provider.tokenDurationMinutes * 60,
    jti: randomUUID(),
    auth_type: 'secure-anonymous',
    provider: provider.name,
    entity: { level: provider.level, id: provider.entityId },
  };
  if (body.first_name !== undefined) claims.first_name = body.first_name;
  if (body.last_name !== undefined) claims.last_name = body.last_name;
  if (email !== undefined) claims.email = email;
  claims.metadata = body.metadata ?? {};
  return claims;
}
