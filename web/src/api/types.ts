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
