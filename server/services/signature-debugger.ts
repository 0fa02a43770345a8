// The server side of the signature debugger's "compare with mine": the secret is opened here, the developer's
// signature is compared with the console's in constant time, and only the verdict goes back.
import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../crypto/constant-time.js';
import { FRAME_TIMESTAMP_WINDOW_SECONDS, unixSeconds } from '../frame/signing-rules.js';
import { compareSignature, type SignatureComparison, type TheirSignature } from '../frame/signature-diagnosis.js';
import { DomainError } from '../errors.js';
import type { UpstreamClient } from '../upstream/client.js';
import type { CredentialService } from './credentials.js';
import type { ProviderService } from './providers.js';

export class SignatureDebugger {
  constructor(
    private readonly providers: ProviderService,
    private readonly credentials: CredentialService,
    private readonly upstream: UpstreamClient,
    private readonly now: () => number = Date.now,
  ) {}

  async compare(providerId: string, theirs: TheirSignature): Promise<SignatureComparison> {
    const row = await this.providers.getRow(providerId);
    const baseUrl = this.providers.resolveBaseUrl(row.credentialSet.upstreamUrl);
    if (!baseUrl) throw new DomainError('upstream/not_available', 'The built-in emulator is not running (EMULATOR_ENABLED=false).');
    const secret = this.credentials.secrets.openSecret(row.credentialSet).reveal();
    const hmac = (message: string, key = secret) => createHmac('sha256', key).update(message, 'utf8');
    return compareSignature({
      clientId: row.credentialSet.clientId,
      theirs,
      // The window is the upstream's: our clock corrected by the offset learned from its Date headers.
      upstreamNowSeconds: unixSeconds(this.now()) + this.upstream.skewFor(baseUrl),
      windowSeconds: FRAME_TIMESTAMP_WINDOW_SECONDS,
      oracle: {
        hmacHex: (message, key = 'secret') => hmac(message, key === 'secret' ? secret : `${secret}\n`).digest('hex'),
        hmacBase64: (message) => hmac(message).digest('base64'),
        equal: constantTimeEqual,
      },
    });
  }
}
