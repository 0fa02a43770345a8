// Signing in and out, the owner's set-up and password changes (server/routes/auth.ts).
import type { ChangePasswordBody, SessionView, SetupBody, SignInBody } from '@server/contract/auth';
import { call } from './client';

export const getSession = () => call<SessionView>('GET', '/api/session');
export const signIn = (body: SignInBody) => call<SessionView>('POST', '/api/session', { body });
export const signOut = () => call<void>('DELETE', '/api/session');
/** Creates the owner of a console that has no user yet, and signs them in. */
export const setUp = (body: SetupBody) => call<SessionView>('POST', '/api/setup', { body });
export const changePassword = (body: ChangePasswordBody) => call<void>('PUT', '/api/session/password', { body });
