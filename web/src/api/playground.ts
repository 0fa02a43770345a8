// The Playground's calls on a provider: mint a test token, and compare the developer's own signature with ours.
import type { MintQuery, MintResult, SignatureCompareBody, SignatureComparison } from '@server/contract/playground';
import type { TokenRequestBody } from '@server/contract/tokens';
import { call, path } from './client';

export const mintToken = (providerId: string, body: TokenRequestBody, query: MintQuery = {}) =>
  call<MintResult>('POST', path`/api/providers/${providerId}/tokens`, { body, query });
export const compareSignature = (providerId: string, body: SignatureCompareBody) =>
  call<SignatureComparison>('POST', path`/api/providers/${providerId}/signature-compare`, { body });
