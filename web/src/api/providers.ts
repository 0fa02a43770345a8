// Providers: a Secure Anonymous provider on a Frame entity, minting through one credential set.
import type { CreateProviderBody, ProviderListQuery, ProviderView, UpdateProviderBody } from '@server/contract/providers';
import { call, path } from './client';

export const listProviders = (query: ProviderListQuery = {}) => call<ProviderView[]>('GET', '/api/providers', { query });
export const getProvider = (id: string) => call<ProviderView>('GET', path`/api/providers/${id}`);
/** Every tag in use on the providers the user may see. */
export const listProviderTags = () => call<string[]>('GET', '/api/provider-tags');
export const createProvider = (body: CreateProviderBody) => call<ProviderView>('POST', '/api/providers', { body });
export const updateProvider = (id: string, body: UpdateProviderBody) => call<ProviderView>('PATCH', path`/api/providers/${id}`, { body });
export const deleteProvider = (id: string) => call<void>('DELETE', path`/api/providers/${id}`);
