// The console API's answer shapes: one definition, shared with the server.
export type { CredentialView, MintResult, ProviderView as Provider, SignedRequestInfo as SignedRequest, VerifyResult } from '@server/api-types';

export interface Meta {
  upstreams: { id: string; label: string; url: string; environment: string }[];
  entityLevels: string[];
  tokenDuration: { min: number; max: number };
  builtinEmulatorUrl: string | null;
}

export interface ImportReport {
  applied: boolean;
  added: number;
  updated: number;
  rejected: number;
  rows: { kind: string; key: string; action: string; reason?: string }[];
}

export type Role = 'owner' | 'admin' | 'support' | 'viewer';

export interface SessionView {
  signedIn: boolean;
  needsSetup: boolean;
  user?: { id: string; email: string; role: Role };
  permissions?: string[];
  grants?: string[] | null;
  csrfToken?: string;
  idleTimeoutSeconds?: number;
  expiresAt?: string;
}

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  providerIds: string[];
  createdAt: string;
}

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

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  providerId: string | null;
  outcome: string;
  detail: Record<string, unknown>;
  requestId: string | null;
  ip: string | null;
  chainIndex: number | null;
  hash: string | null;
}
