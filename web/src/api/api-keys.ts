// Token-broker API keys: scripts mint through the console without holding the Frame secret.
import type { ApiKeyView, CreateApiKeyBody, CreatedApiKey } from '@server/contract/api-keys';
import { call, path } from './client';

export const listApiKeys = () => call<ApiKeyView[]>('GET', '/api/api-keys');
/** The key itself is in this answer only. */
export const createApiKey = (body: CreateApiKeyBody) => call<CreatedApiKey>('POST', '/api/api-keys', { body });
export const revokeApiKey = (id: string) => call<ApiKeyView>('POST', path`/api/api-keys/${id}/revoke`, { body: {} });
