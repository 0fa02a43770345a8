// Minting a token for a provider: open the secret, sign, call the upstream, decode the answer.
import { decodeJwt } from '../frame/jwt.js';
import type { MintResult } from '../api-types.js';
import type { EntityLevel } from '../frame/entity.js';
import type { TokenRequestBody } from '../frame/token-body.js';
import { AppError, type ErrorCode } from '../http/errors.js';
import type { UpstreamClient } from '../upstream/client.js';
import type { CredentialService } from './credentials.js';
import type { ProviderService } from './providers.js';

export class MintService {
  constructor(
    private readonly providers: ProviderService,
    private readonly credentials: CredentialService,
    private readonly upstream: UpstreamClient,
  ) {}

  async mint(providerId: string, body: TokenRequestBody): Promise<MintResult> {
    const row = await this.providers.getRow(providerId);
    const baseUrl = this.providers.resolveBaseUrl(row.credentialSet.upstreamUrl);
    if (!baseUrl) throw new AppError('upstream/not_available', 'The built-in emulator is not running (EMULATOR_ENABLED=false); point the credential set at another upstream.');
    const outcome = await this.upstream.mintToken({
      baseUrl,
      target: { level: row.entityLevel as EntityLevel, entityId: row.entityId, providerName: row.name },
      clientId: row.credentialSet.clientId,
      secret: this.credentials.openSecret(row.credentialSet),
      body,
    });
    const common = { latencyMs: outcome.latencyMs, clockOffsetSeconds: outcome.clockOffsetSeconds, request: outcome.request };
    if (outcome.kind !== 'ok') {
      throw new AppError(`upstream/${outcome.kind}` as ErrorCode, outcome.message, undefined, {
        ...common,
        upstream: { status: outcome.status, ...outcome.upstream },
        ...(outcome.retryAfterSeconds !== undefined ? { retryAfterSeconds: outcome.retryAfterSeconds } : {}),
      });
    }
    const decoded = decodeJwt(outcome.token);
    return { token: outcome.token, header: decoded?.header ?? {}, claims: decoded?.claims ?? {}, ...common };
  }
}
