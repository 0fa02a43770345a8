// Shapes of the console API's answers (kept in step with server/routes/*.ts response schemas).

export interface Provider {
  id: string;
  name: string;
  description: string;
  tokenDurationMin: number;
  entityLevel: string;
  entityId: string;
  credentialSetId: string;
  credentialSetName: string;
  upstreamUrl: string;
  upstreamLabel: string;
  tokenUri: string | null;
}

export interface SignedRequest {
  method: string;
  url: string;
  timestamp: number;
  stringToSign: string;
  headers: Record<string, string>;
}

export interface MintResult {
  token: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  latencyMs: number;
  clockOffsetSeconds: number | null;
  request: SignedRequest;
}
