// The console API's answer shapes: one definition, shared with the server.
export type { ApiKeyView } from '@server/contract/api-keys';
export type { BulkJobView, QuotaView } from '@server/contract/bulk';
export type { CredentialView, VerifyResult } from '@server/contract/credential-sets';
export type { InviteView } from '@server/contract/invites';
export type { MintResult, SignedRequest } from '@server/contract/playground';
export type { ProviderView as Provider } from '@server/contract/providers';
export type { UserView } from '@server/contract/users';
export type { SignatureComparison } from '@frame/signature-diagnosis';

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
