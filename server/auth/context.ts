// Who is acting in the current request, available to services without threading it through every call.
// Set once per request by the auth hook (server/http/auth-hook.ts); outside a request the actor is "system".
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Role } from '../contract/permissions.js';

export type Principal =
  | { kind: 'user'; userId: string; email: string; role: Role; sessionId: string; grants: ReadonlySet<string> | 'all' }
  | { kind: 'key'; keyId: string; name: string; providers: ReadonlySet<string> }
  | { kind: 'anonymous' }
  | { kind: 'system'; name: string };

export interface RequestContext {
  principal: Principal;
  requestId: string | null;
  ip: string | null;
}

const storage = new AsyncLocalStorage<RequestContext>();
const SYSTEM: RequestContext = { principal: { kind: 'system', name: 'system' }, requestId: null, ip: null };

export function runInContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentContext(): RequestContext {
  return storage.getStore() ?? SYSTEM;
}

/** Replaces the principal of the current request (sign-in happens inside an anonymous request). */
export function setPrincipal(principal: Principal): void {
  const store = storage.getStore();
  if (store) store.principal = principal;
}

/** How an actor is written in the audit log and history. */
export function actorLabel(principal: Principal): string {
  switch (principal.kind) {
    case 'user':
      return principal.email;
    case 'key':
      return `key:${principal.name}`;
    case 'anonymous':
      return 'anonymous';
    case 'system':
      return principal.name;
  }
}

export function actorId(principal: Principal): string | null {
  return principal.kind === 'user' ? principal.userId : principal.kind === 'key' ? principal.keyId : null;
}

/** The providers a principal may act on: 'all', or a set (support users by grant, API keys by scope). */
export function providerScope(principal: Principal): ReadonlySet<string> | 'all' {
  if (principal.kind === 'user') return principal.grants;
  if (principal.kind === 'key') return principal.providers;
  return principal.kind === 'system' ? 'all' : new Set();
}
