// Checks on a minted token: its signature against the upstream's published keys, and what the upstream's
// /me/assertions says about it.
import { readKeySet, verifyJwt } from '../crypto/verify-jwt.js';
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
    if (!url)
      return {
        status: 'unavailable',
        message: 'This upstream publishes no token keys we know of, so the signature cannot be checked here.',
        jwksUrl: null,
      };
    const fetched = await this.upstream.getJson(url, {}, { trusted });
    if (!fetched.ok)
      return { status: 'unavailable', message: `The upstream's key set could not be read: ${fetched.message}`, jwksUrl: url };
    if (fetched.status < 200 || fetched.status >= 300)
      return { status: 'unavailable', message: `The upstream answered ${fetched.status} for its key set.`, jwksUrl: url };
    const keySet = readKeySet(fetched.json);
    if (!keySet.ok) return { status: 'unavailable', message: `The upstream's key set could not be read: ${keySet.message}.`, jwksUrl: url };
    const result = await verifyJwt(token, keySet.keys, this.now());
    if (result.ok) return { status: 'valid', message: "The signature verifies against the upstream's published key.", jwksUrl: url };
    // jose checks the claims only after the signature: these tokens were signed by the upstream's key.
    if (result.reason === 'expired' || result.reason === 'not_yet_valid' || result.reason === 'bad_claims')
      return { status: 'valid', message: `The signature verifies, but ${result.message}.`, jwksUrl: url };
    // A key that cannot be imported says nothing of the token: the check could not be made.
    if (result.reason === 'unusable_key')
      return { status: 'unavailable', message: `The signature cannot be checked: ${result.message}.`, jwksUrl: url };
    return { status: 'invalid', message: `The signature does not verify: ${result.message}.`, jwksUrl: url };
  }

  async assertions(providerId: string, token: string): Promise<AssertionsResult> {
    const { upstreamUrl, base, trusted } = await this.base(providerId);
    const url = assertionsUrl(upstreamUrl, base);
    if (!url)
      throw new DomainError(
        'upstream/not_available',
        'The /me/assertions address of this upstream is not known; check the token against Frame production or an emulator.',
      );
    const fetched = await this.upstream.getJson(url, { authorization: `Bearer ${token}` }, { trusted });
    if (!fetched.ok)
      return { accepted: false, status: fetched.status, url, latencyMs: fetched.latencyMs, message: fetched.message, assertions: null };
    const accepted = fetched.status >= 200 && fetched.status < 300;
    const body = fetched.json as Record<string, unknown> | null;
    // Only a Frame-shaped error is quoted; any other body is not echoed.
    const refusal = accepted ? undefined : frameShapedErrorOf(body);
    return {
      accepted,
      status: fetched.status,
      url,
      latencyMs: fetched.latencyMs,
      message: accepted
        ? 'The upstream accepted the token.'
        : `The upstream refused the token (${fetched.status})${refusal ? `: ${refusal.message ?? refusal.error}` : '.'}`,
      assertions: accepted && body && typeof body === 'object' && !Array.isArray(body) ? body : null,
    };
  }
}
