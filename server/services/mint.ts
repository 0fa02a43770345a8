// Minting a token for a provider: open the secret, sign, call the upstream, decode the answer.
// Verifying a credential set is a mint too: Frame has no documented call that checks a signature alone.
import { decodeJwt, type DecodedJwt } from '../frame/jwt.js';
import type { MintResult } from '../contract/playground.js';
import type { VerifyResult } from '../contract/credential-sets.js';
import type { EntityLevel } from '../frame/entity.js';
import type { TokenRequestBody } from '../frame/token-body.js';
import { DomainError } from '../errors.js';
import { SKEW_SUSPECT_SECONDS, type UpstreamClient } from '../upstream/client.js';
import { describeOffset } from '../upstream/clock.js';
import { failureCode, outcomeCode, type MintOutcome } from '../upstream/outcome.js';
import type { CredentialSet, Provider } from '../db/models.js';
import type { CredentialService } from './credentials.js';
import type { ProviderRow, ProviderService } from './providers.js';
import type { HistoryService } from './history.js';
import type { Secret } from '../crypto/secret.js';
import { doneButUnaudited, type AuditService } from './audit.js';
import type { Metrics } from './metrics.js';
import type { QuotaService } from './quota.js';
import { BUILTIN_EMULATOR } from './upstreams.js';
import { actorLabel, currentContext } from '../auth/context.js';

/** Outcomes that prove the upstream accepted the signature (it went on to check other things). */
const SIGNATURE_ACCEPTED = new Set(['ok', 'forbidden', 'unknown_provider', 'bad_request']);
const SIGNATURE_REJECTED = new Set(['bad_signature', 'clock_skew']);

/** Said when a mint only went through because the client corrected for a skewed clock. */
function skewNote(offset: number | null): string {
  return offset !== null && Math.abs(offset) > SKEW_SUSPECT_SECONDS
    ? ` It was signed with the upstream's time: ${describeOffset(offset)}; fix this machine's clock (NTP).`
    : '';
}

export interface AuditedMint {
  outcome: MintOutcome;
  /** The token's header and claims when the mint succeeded. */
  decoded: DecodedJwt | null;
  /** ok, or upstream/<kind>, as recorded in the audit row and the history. */
  code: string;
}

export class MintService {
  constructor(
    private readonly providers: ProviderService,
    private readonly credentials: CredentialService,
    private readonly upstream: UpstreamClient,
    private readonly audit: AuditService,
    private readonly metrics: Metrics,
    private readonly history?: HistoryService,
    /** Daily token quotas: the Playground and broker path reserves here (bulk jobs reserve for themselves). */
    private readonly quota?: QuotaService,
    /** Starts syncing the audit rows written so far in the background (wal-presync.ts); called during the upstream wait. */
    private readonly presync: () => void = () => {},
  ) {}

  openSecretOf(credential: CredentialSet): Secret {
    return this.credentials.secrets.openSecret(credential);
  }

  /** One signed call for a provider row already loaded (bulk jobs load it once). */
  async call(
    credential: CredentialSet,
    provider: Provider,
    body: TokenRequestBody,
    secret: Secret = this.credentials.secrets.openSecret(credential),
    via = 'console',
  ): Promise<MintOutcome> {
    const baseUrl = this.providers.resolveBaseUrl(credential.upstreamUrl);
    if (!baseUrl)
      throw new DomainError(
        'upstream/not_available',
        'The built-in emulator is not running (EMULATOR_ENABLED=false); point the credential set at another upstream.',
      );
    const outcome = await this.upstream.mintToken({
      baseUrl,
      trusted: credential.upstreamUrl === BUILTIN_EMULATOR,
      target: { level: provider.entityLevel as EntityLevel, entityId: provider.entityId, providerName: provider.name },
      clientId: credential.clientId,
      secret,
      body,
    });
    this.metrics.mint(provider.id, outcomeCode(outcome), via, new URL(baseUrl).origin, outcome.latencyMs);
    return outcome;
  }

  /**
   * One mint under one audit row, for every path (Playground, broker, bulk): the row is written before the
   * upstream is called (no row, no call) and completed with the outcome, jti, sub, exp and latency before
   * the token can be handed out; a call that throws completes it with the error's code. The completing
   * commit is synced (durable) unless the caller hands the token out later and syncs then (bulk jobs).
   */
  async auditedCall(
    row: ProviderRow,
    body: TokenRequestBody,
    opts: { via: string; secret?: Secret; detail?: Record<string, unknown>; durable?: boolean },
  ): Promise<AuditedMint> {
    const durable = opts.durable ?? true;
    const seq = await this.audit.begin({
      action: 'token.minted',
      providerId: row.id,
      target: row.name,
      detail: { via: opts.via, ...opts.detail, params: body },
    });
    // The completing commit will sync the pending row's pages on the token's path: most of them are written
    // now instead, while the upstream call below is waited for.
    if (durable) this.presync();
    let outcome: MintOutcome;
    try {
      outcome = await this.call(row.credentialSet, row, body, opts.secret, opts.via);
    } catch (err) {
      await this.audit.finish(seq, err instanceof DomainError ? err.code : 'internal/error', undefined, { durable });
      throw err;
    }
    const decoded = outcome.kind === 'ok' ? decodeJwt(outcome.token) : null;
    const claims = decoded?.claims;
    const code = outcomeCode(outcome);
    try {
      await this.audit.finish(
        seq,
        code,
        {
          jti: claims?.jti ?? null,
          sub: claims?.sub ?? null,
          exp: typeof claims?.exp === 'number' ? new Date(claims.exp * 1000).toISOString() : null,
          latencyMs: outcome.latencyMs,
        },
        { durable },
      );
    } catch (err) {
      // The upstream was called and cannot be undone: say so, and keep the token back.
      throw doneButUnaudited(
        outcome.kind === 'ok'
          ? `The upstream minted a token (jti ${typeof claims?.jti === 'string' ? claims.jti : 'unknown'})`
          : `The upstream was called (${code})`,
        err,
      );
    }
    return { outcome, decoded, code };
  }

  async mint(
    providerId: string,
    body: TokenRequestBody,
    opts: { keepToken?: boolean; via?: 'console' | 'broker' } = {},
  ): Promise<MintResult> {
    const row = await this.providers.getRow(providerId);
    // Counted against the user's daily quota (API keys are not counted: they have their own rate limit).
    const reservation = await this.quota?.reserve(currentContext().principal, 1);
    let minted: AuditedMint;
    try {
      minted = await this.auditedCall(row, body, { via: opts.via ?? 'console' });
      await reservation?.settle(minted.outcome.kind === 'ok' ? 1 : 0);
    } finally {
      await reservation?.release();
    }
    const { outcome, decoded, code } = minted;
    const claims = decoded?.claims;
    const common = { latencyMs: outcome.latencyMs, clockOffsetSeconds: outcome.clockOffsetSeconds, request: outcome.request };
    const historyId = this.history?.record({
      providerId: row.id,
      providerName: row.name,
      actor: actorLabel(currentContext().principal),
      params: body,
      outcome: code,
      latencyMs: outcome.latencyMs,
      claims,
      token: outcome.kind === 'ok' ? outcome.token : undefined,
      keepToken: opts.keepToken ?? false,
    });
    if (outcome.kind !== 'ok') {
      throw new DomainError(failureCode(outcome), outcome.message, undefined, {
        ...common,
        upstream: { status: outcome.status, ...outcome.upstream },
        ...(outcome.retryAfterSeconds !== undefined ? { retryAfterSeconds: outcome.retryAfterSeconds } : {}),
      });
    }
    return { token: outcome.token, header: decoded?.header ?? {}, claims: claims ?? {}, ...common, historyId: historyId ?? null };
  }

  /** One signed call through the real upstream client with this credential set, minting against a provider. */
  async verify(credentialId: string, providerId: string | undefined): Promise<VerifyResult> {
    const credential = await this.credentials.getRow(credentialId);
    const chosen = providerId ?? (await this.providers.firstOf(credentialId))?.id;
    if (!chosen) {
      throw new DomainError(
        'request/invalid',
        'Frame has no call that checks a signature without minting a token: choose a provider to mint a test token against.',
        [{ field: 'providerId', message: 'choose a provider' }],
      );
    }
    const provider = await this.providers.getRow(chosen);
    const outcome = await this.call(credential, provider, {}, undefined, 'verify');
    return {
      method: 'mint',
      providerId: provider.id,
      providerName: provider.name,
      signature: SIGNATURE_ACCEPTED.has(outcome.kind) ? 'accepted' : SIGNATURE_REJECTED.has(outcome.kind) ? 'rejected' : 'unknown',
      outcome: outcome.kind,
      message:
        outcome.kind === 'ok'
          ? `The upstream accepted the signature and minted a test token.${skewNote(outcome.clockOffsetSeconds)}`
          : outcome.message,
      status: outcome.status,
      latencyMs: outcome.latencyMs,
      clockOffsetSeconds: outcome.clockOffsetSeconds,
    };
  }
}
