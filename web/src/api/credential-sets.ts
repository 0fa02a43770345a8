// Credential sets: a Frame API key (client id and write-only secret) on an upstream.
import type {
  CreateCredentialBody,
  CredentialView,
  DeleteCredentialQuery,
  DeleteCredentialResult,
  ReplaceSecretBody,
  UpdateCredentialBody,
  VerifyCredentialBody,
  VerifyResult,
} from '@server/contract/credential-sets';
import { call, path } from './client';

export const listCredentialSets = () => call<CredentialView[]>('GET', '/api/credential-sets');
export const createCredentialSet = (body: CreateCredentialBody) => call<CredentialView>('POST', '/api/credential-sets', { body });
export const updateCredentialSet = (id: string, body: UpdateCredentialBody) =>
  call<CredentialView>('PATCH', path`/api/credential-sets/${id}`, { body });
export const replaceCredentialSecret = (id: string, body: ReplaceSecretBody) =>
  call<CredentialView>('PUT', path`/api/credential-sets/${id}/secret`, { body });
/** Deletes the set; `query` says what happens to the providers that use it (the server refuses by default). */
export const deleteCredentialSet = (id: string, query: DeleteCredentialQuery = {}) =>
  call<DeleteCredentialResult>('DELETE', path`/api/credential-sets/${id}`, { query });
/** Asks the upstream whether it accepts the key, through a provider when one is given. */
export const verifyCredentialSet = (id: string, body: VerifyCredentialBody) =>
  call<VerifyResult>('POST', path`/api/credential-sets/${id}/verify`, { body });
