// Authentication and authorisation for every /api route, from the permission the route declares:
// sessions (cookie) for people, bearer API keys for the token broker, CSRF checks on every state-changing
// request, and per-provider grants. Also sets the request context services read the actor from.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../errors.js';
import { constantTimeEqual } from '../crypto/constant-time.js';
import { sha256Hex } from '../crypto/digest.js';
import { sessionTokenFrom } from './cookies.js';
import { roleAllows } from '../auth/roles.js';
import { runInContext, type Principal } from '../auth/context.js';
import type { SessionService } from '../services/sessions.js';
import type { ApiKeyService } from '../services/api-keys.js';
import type { AuditService } from '../services/audit.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
}

/** Refuses cross-site requests by what the browser says about them (Sec-Fetch-Site, Origin). */
export function crossSiteProblem(request: FastifyRequest): string | null {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') return `a ${site} request`;
  const origin = request.headers.origin;
  if (typeof origin === 'string' && origin !== `${request.protocol}://${request.host}`) return `a request from ${origin}`;
  return null;
}

function bearerOf(request: FastifyRequest): string {
  const auth = request.headers.authorization;
  return typeof auth === 'string' && /^Bearer /i.test(auth) ? auth.slice(7).trim() : '';
}

export function installAuth(
  app: FastifyInstance,
  deps: { sessions: SessionService; apiKeys: ApiKeyService; audit: AuditService; opsToken?: string | undefined },
): void {
  // Compared as digests, so the comparison takes the same time whatever the length of what was sent.
  const opsDigest = deps.opsToken ? sha256Hex(deps.opsToken) : null;

  app.decorateRequest('principal', null as never);

  app.addHook('onRequest', async (request, reply) => {
    // Every answer names its request, so a person can quote it and the audit row of the action can be found
    // (set first: it stays on error answers too).
    reply.header('x-request-id', request.id);
    request.principal = { kind: 'anonymous' };
    const config = request.routeOptions.config;
    const permission = config?.permission;
    if (!permission) return;
    // Nothing the API answers may be cached: tokens, CSRF tokens, invitations and keys pass through it.
    reply.header('cache-control', 'no-store');
    const stateChanging = !SAFE_METHODS.has(request.method);
    if (permission === 'public') {
      const problem = stateChanging ? crossSiteProblem(request) : null;
      if (problem) throw new DomainError('auth/csrf', `Refused ${problem}: the console only accepts changes from its own pages.`);
      return;
    }

    if (permission === 'ops:read' && opsDigest && request.headers.authorization) {
      if (!constantTimeEqual(opsDigest, sha256Hex(bearerOf(request))))
        throw new DomainError(
          'auth/invalid_key',
          'Send the operator token (OPS_TOKEN) as "Authorization: Bearer <token>", or sign in as an owner or admin.',
        );
      request.principal = { kind: 'system', name: 'ops' };
      return;
    }

    if (permission === 'broker:mint') {
      const key = bearerOf(request);
      const found = key ? await deps.apiKeys.authenticate(key) : null;
      if (!found)
        throw new DomainError(
          'auth/invalid_key',
          'Send a valid API key as "Authorization: Bearer <key>"; this one is unknown, revoked or expired.',
        );
      const principal: Principal = { kind: 'key', keyId: found.keyId, name: found.name, providers: found.providers };
      request.principal = principal;
      const providerId = (request.params as { id?: string }).id ?? null;
      // Every use of a key is on record, refused ones too (minted ones by the mint itself).
      const refuse = async (error: DomainError) => {
        await runInContext({ principal, requestId: request.id, ip: request.ip }, () =>
          deps.audit.record({ action: 'apikey.refused', providerId, outcome: error.code, detail: { reason: error.message } }),
        );
        throw error;
      };
      // Every request with the key counts towards its limit.
      const wait = await deps.apiKeys.takeToken(found.keyId, found.rateLimitPerMinute);
      if (wait > 0)
        await refuse(
          new DomainError(
            'auth/key_rate_limited',
            `This API key is over its limit of ${found.rateLimitPerMinute} requests per minute; retry in ${wait} s.`,
            undefined,
            { retryAfterSeconds: wait },
          ),
        );
      if (providerId && !found.providers.has(providerId))
        await refuse(new DomainError('auth/not_granted', 'This API key is not allowed to mint for this provider.'));
      return;
    }

    const token = sessionTokenFrom(request.headers.cookie, request.protocol === 'https');
    const session = token ? await deps.sessions.resolve(token) : null;
    if (!session) throw new DomainError('auth/required', 'Sign in to continue (no session, or it expired).');
    request.principal = {
      kind: 'user',
      userId: session.userId,
      email: session.email,
      role: session.role,
      sessionId: session.id,
      grants: session.grants,
    };
    if (stateChanging) {
      const problem = crossSiteProblem(request);
      if (problem) throw new DomainError('auth/csrf', `Refused ${problem}: the console only accepts changes from its own pages.`);
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !constantTimeEqual(session.csrfToken, sent)) {
        throw new DomainError('auth/csrf', 'This change needs the X-CSRF-Token header of your session; reload the page and try again.');
      }
    }
    if (!roleAllows(session.role, permission))
      throw new DomainError('auth/forbidden', `Your role (${session.role}) does not allow this (${permission}).`);
    if (config.providerScoped && session.grants !== 'all') {
      const providerId = (request.params as { id?: string }).id;
      if (!providerId || !session.grants.has(providerId))
        throw new DomainError('auth/not_granted', 'You have not been granted this provider; ask an admin.');
    }
  });

  // Services read who is acting from the request context; it wraps the handler.
  app.addHook('preHandler', (request, _reply, done) => {
    runInContext({ principal: request.principal ?? { kind: 'anonymous' }, requestId: request.id, ip: request.ip }, done);
  });
}
