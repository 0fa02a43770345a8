// Checks on a minted token: its signature against the upstream's published keys, and what the upstream's
// /me/assertions says about it.
import { verifyWithJwks } from '../emulator/jwt-signer.js';
import { unixSeconds } from '../frame/signing-rules.js';
import { DomainError } from '../errors.js';
import { frameShapedErrorOf, type UpstreamClient } from '../upstream/client.js';
import type { ProviderService } from './providers.js';
import { assertionsUrl, BUILTIN_EMULATOR, jwksUrl } from './upstreams.js';
import type { AssertionsResult, SignatureCheck } from '../contract/tokens.js';

export class TokenCheckService {
  constructor(
    private readonly providers: ProviderService,
    private readonly upstream: UpstreamClient,
    private readonly now: () => number = Date.now,
  ) {}

  private async base(providerId: string): Promise<{ upstreamUrl: string; base: string; trusted: boolean }> {
    const row = await this.providers.getRow(providerId);
    const base = this.providers.resolveBaseUrl(row.credentialSet.upstreamUrl);
    if (!base) throw new DomainError('upstream/not_available', 'The built-in emulator is not running (EMULATOR_ENABLED=false).');
    return { upstreamUrl: row.credentialSet.upstreamUrl, base, trusted: row.credentialSet.upstreamUrl === BUILTIN_EMULATOR };
  }

  async verifySignature(providerId: string, token: string): Promise<SignatureCheck> {
    const { upstreamUrl, base, trusted } = await this.base(providerId);
    const url = jwksUrl(upstreamUrl, base);
    if (!url) return { status: 'unavailable', message: 'This upstream publishes no token keys we know of, so the signature cannot be checked here.', jwksUrl: null };
    const fetched = await this.upstream.getJson(url, {}, { trusted });
    const keys = fetched.ok ? (fetched.json as { keys?: unknown }).keys : undefined;
    if (!fetched.ok || !Array.isArray(keys)) {
      return { status: 'unavailable', message: `The upstream's key set could not be read${fetched.ok ? ' (no "keys" array)' : `: ${fetched.message}`}`, jwksUrl: url };
    }
    const result = verifyWithJwks(token, { keys: keys.filter((k): k is object => Boolean(k) && typeof k === 'object') }, unixSeconds(this.now()));
    if (result.ok) return { status: 'valid', message: 'The signature verifies against the upstream\'s published key.', jwksUrl: url };
    if (result.reason === 'expired') return { status: 'valid', message: 'The signature verifies, but the token has expired.', jwksUrl: url };
    return { status: 'invalid', message: `The signature does not verify: ${result.reason.replace(/_/g, ' ')}.`, jwksUrl: url };
  }

  async assertions(providerId: string, token: string): Promise<AssertionsResult> {
    const { upstreamUrl, base, trusted } = await this.base(providerId);
    const url = assertionsUrl(upstreamUrl, base);
    if (!url) throw new DomainError('upstream/not_available', 'The /me/assertions address of this upstream is not known; check the token against Frame production or an emulator.');
    const fetched = await this.upstream.getJson(url, { authorization: `Bearer ${token}` }, { trusted });
    if (!fetched.ok) return { accepted: false, status: fetched.status, url, latencyMs: fetched.latencyMs, message: fetched.message, assertions: null };
    const accepted = fetched.status >= 200 && fetched.status < 300;
    const body = fetched.json as Record<string, unknown> | null;
    // Only a Frame-shaped error is quoted; any other body is not echoed.
    const refusal = accepted ? undefined : frameShapedErrorOf(body);
    return {
      accepted,
      status: fetched.status,
      url,
      latencyMs: fetched.latencyMs,
      message: accepted ? 'The upstream accepted the token.' : `The upstream refused the token (${fetched.status})${refusal ? `: ${refusal.message ?? refusal.error}` : '.'}`,
      assertions: accepted && body && typeof body === 'object' && !Array.isArray(body) ? body : null,
    };
  }
}
