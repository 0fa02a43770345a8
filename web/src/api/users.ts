// Accounts: roles, disabling, a support user's providers, unlocking after failed sign-ins.
import type { GrantsBody, UpdateUserBody, UserView } from '@server/contract/users';
import { call, path } from './client';

export const listUsers = () => call<UserView[]>('GET', '/api/users');
export const updateUser = (id: string, body: UpdateUserBody) => call<UserView>('PATCH', path`/api/users/${id}`, { body });
export const setUserGrants = (id: string, body: GrantsBody) => call<UserView>('PUT', path`/api/users/${id}/grants`, { body });
export const unlockUser = (id: string) => call<UserView>('POST', path`/api/users/${id}/unlock`, { body: {} });
