// Shapes the console API answers with, shared by the server (services, response schemas) and the SPA.
// Browser-safe: type-only imports, nothing that needs Node.
import type { SignedRequestInfo } from './upstream/outcome.js';
import type { TokenRequestBody } from './frame/token-body.js';

export type { SignedRequestInfo };

/** A credential set as it may leave the server: never the ciphertext, never the secret. */
export interface CredentialView {
  id: string;
  name: string;
  clientId: string;
  upstreamUrl: string;
  entityLevel: string | null;
  entityId: string | null;
  notes: string;
  secretFingerprint: string;
  secretSetAt: string;
  secretSetBy: string;
  createdAt: string;
  updatedAt: string;
  providerCount: number;
}

export interface ProviderView {
  id: string;
  name: string;
  description: string;
  tokenDurationMin: number;
  entityLevel: string;
  entityId: string;
  tags: string[];
  credentialSetId: string;
  credentialSetName: string;
  /** The credential set's client id (not secret), for snippets. */
  clientId: string;
  upstreamUrl: string;
  upstreamLabel: string;
  /** Badge: production, staging, emulator or custom. */
  environment: string;
  /** Full token URI as Frame's Playground shows it; null while the built-in emulator is not listening. */
  tokenUri: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface MintResult {
  token: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  latencyMs: number;
  clockOffsetSeconds: number | null;
  request: SignedRequestInfo;
  /** The Playground history entry of this mint. */
  historyId: string | null;
}

/** What "Verify" on a credential set found. */
export interface VerifyResult {
  /** Frame has no signature-only call, so verification mints a token. */
  method: 'mint';
  providerId: string;
  providerName: string;
  signature: 'accepted' | 'rejected' | 'unknown';
  /** The upstream client's outcome kind, e.g. ok, bad_signature, clock_skew, timeout. */
  outcome: string;
  message: string;
  status: number | null;
  latencyMs: number;
  clockOffsetSeconds: number | null;
}

export interface SignatureCheck {
  status: 'valid' | 'invalid' | 'unavailable';
  message: string;
  jwksUrl: string | null;
}

export interface AssertionsResult {
  accepted: boolean;
  status: number | null;
  url: string;
  latencyMs: number;
  message: string;
  assertions: Record<string, unknown> | null;
}

export interface BulkJobView {
  id: string;
  providerId: string;
  /** revoked: stopped because its owner lost the right to mint on the provider (disabled, role or grant). */
  state: 'running' | 'done' | 'cancelled' | 'revoked' | 'failed';
  total: number;
  done: number;
  ok: number;
  failed: number;
  concurrency: number;
  /** Email of the user who started it; only they may download its tokens. */
  startedBy: string;
  startedAt: string;
  finishedAt: string | null;
  ratePerSecond: number;
  etaSeconds: number | null;
  /** Why it stopped before its last row (cancelled by whom, revoked why, failed how); null otherwise. */
  stopReason: string | null;
  /** The first failures, with their row and reason. */
  failures: { row: number; error: string; message: string }[];
}

/** A user's tokens today (UTC) against their role's daily limit; limit and remaining are null when there is none. */
export interface TokenUsage {
  day: string;
  resetsAt: string;
  /** Minted today, in the Playground and in bulk. */
  used: number;
  /** Held by running bulk jobs for the rows they have not minted yet. */
  reserved: number;
  limit: number | null;
  remaining: number | null;
}

/** GET /api/quota: what the Bulk panel shows, e.g. "Today 1,234 of 20,000 tokens · 1 of 2 jobs running". */
export interface QuotaView {
  day: string;
  resetsAt: string;
  tokens: Pick<TokenUsage, 'used' | 'reserved' | 'limit' | 'remaining'>;
  jobs: { running: number; limit: number };
}

export interface HistoryEntry {
  id: string;
  providerId: string | null;
  providerName: string;
  actor: string;
  params: TokenRequestBody;
  jti: string | null;
  sub: string | null;
  exp: string | null;
  outcome: string;
  latencyMs: number;
  /** True while a kept token is still valid and can be fetched. */
  tokenKept: boolean;
  createdAt: string;
}

export interface PresetView {
  id: string;
  providerId: string;
  name: string;
  params: TokenRequestBody;
  updatedAt: string;
}

/** A console user as the users screen shows them (never a password hash). */
export interface UserView {
  id: string;
  email: string;
  name: string;
  role: 'owner' | 'admin' | 'support' | 'viewer';
  disabled: boolean;
  providerIds: string[];
  createdAt: string;
  /** While failed sign-ins keep browsers not used with the account before out: when that ends. */
  lockedUntil: string | null;
}

/** A pending invitation as owners and admins see it: never its token or the token's hash. */
export interface InviteView {
  id: string;
  email: string;
  role: 'owner' | 'admin' | 'support' | 'viewer';
  /** Providers a support user gets on acceptance. */
  providerIds: string[];
  /** The email of whoever sent it ("system" for the console itself). */
  invitedBy: string;
  createdAt: string;
  expiresAt: string;
  /** Whether the reader may revoke it (owners any, admins support and viewer invitations). */
  revocable: boolean;
  /** Set in the answer to a revocation; null while pending. */
  revokedAt: string | null;
}

/** A token-broker API key as listed: never the key, only its prefix. */
export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  providerIds: string[];
  rateLimitPerMinute: number;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  state: 'active' | 'expired' | 'revoked';
}

