// Checks on a minted token: its signature against the upstream's keys, and the upstream's /me/assertions.
import type { AssertionsResult, SignatureCheck, TokenCheckBody } from '@server/contract/tokens';
import { call, path } from './client';

export const checkTokenSignature = (providerId: string, body: TokenCheckBody) =>
  call<SignatureCheck>('POST', path`/api/providers/${providerId}/signature-check`, { body });
export const checkTokenAssertions = (providerId: string, body: TokenCheckBody) =>
  call<AssertionsResult>('POST', path`/api/providers/${providerId}/assertions`, { body });
