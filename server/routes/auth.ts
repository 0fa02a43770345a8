// Sign-in, sign-out, the owner set-up, password changes, invitation acceptance and password-reset links.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { DomainError } from '../errors.js';
import { errorResponses } from '../http/errors.js';
import { clearedSessionCookie, deviceCookie, deviceTokenFrom, sessionCookie, sessionTokenFrom } from '../http/cookies.js';
import { DEVICE_TTL_MS } from '../auth/throttle.js';
import { ROLE_PERMISSIONS } from '../auth/roles.js';
import type { Services } from '../services/container.js';
import { sessionIdOf, type ActiveSession } from '../services/sessions.js';
import { NoContentSchema, NoQuerySchema } from '../contract/common.js';
import { ChangePasswordBodySchema, SessionViewSchema, SetupBodySchema, SignInBodySchema, type SessionView } from '../contract/auth.js';
import { PasswordResetInfoSchema, PasswordResetLookupBodySchema, UsePasswordResetBodySchema } from '../contract/password-resets.js';
import { AcceptInviteBodySchema, InviteInfoSchema, InviteLookupBodySchema } from '../contract/invites.js';

const TAGS = ['session'];
export function sessionView(session: ActiveSession, absoluteMs: number, idleMs: number): SessionView {
  return {
    signedIn: true,
    needsSetup: false,
    user: { id: session.userId, email: session.email, role: session.role },
    permissions: [...ROLE_PERMISSIONS[session.role]],
    grants: session.grants === 'all' ? null : [...session.grants],
    csrfToken: session.csrfToken,
    idleTimeoutSeconds: Math.round(idleMs / 1000),
    expiresAt: new Date(session.createdAt + absoluteMs).toISOString(),
  };
}

export async function authRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { users, sessions } = opts.services;
  const { idleMs, absoluteMs } = sessions.timeouts;
  const meta = (request: FastifyRequest) => ({
    ip: request.ip,
    userAgent: String(request.headers['user-agent'] ?? ''),
    device: deviceTokenFrom(request.headers.cookie, request.protocol === 'https'),
  });
  /** The session cookie, and the device cookie that makes this browser trusted for this user (server/auth/devices.ts). */
  const startSession = (
    request: FastifyRequest,
    reply: FastifyReply,
    started: { token: string; session: ActiveSession; device: string },
  ) => {
    const secure = request.protocol === 'https';
    return reply
      .header('set-cookie', [
        sessionCookie(started.token, { secure, maxAgeSeconds: Math.round(absoluteMs / 1000) }),
        deviceCookie(started.device, { secure, maxAgeSeconds: Math.round(DEVICE_TTL_MS / 1000) }),
      ])
      .send(sessionView(started.session, absoluteMs, idleMs));
  };

  api.get(
    '/api/session',
    {
      schema: {
        tags: TAGS,
        summary: 'Who is signed in, their permissions and CSRF token; or whether the console needs its owner',
        querystring: NoQuerySchema,
        response: { 200: SessionViewSchema, ...errorResponses() },
      },
      config: { permission: 'public' },
    },
    async (request) => {
      const token = sessionTokenFrom(request.headers.cookie, request.protocol === 'https');
      const session = token ? await sessions.resolve(token) : null;
      if (session) return sessionView(session, absoluteMs, idleMs);
      // A cookie that opens no session: the sign-in page says the session ended (an explicit sign-out clears it).
      return { signedIn: false, needsSetup: (await users.count()) === 0, ...(token ? { sessionEnded: true } : {}) };
    },
  );

  api.post(
    '/api/session',
    {
      schema: {
        tags: TAGS,
        summary: 'Sign in (a new session id every time)',
        querystring: NoQuerySchema,
        body: SignInBodySchema,
        response: { 200: SessionViewSchema, ...errorResponses(413, 415, 429) },
      },
      config: { permission: 'public' },
    },
    async (request, reply) => {
      const started = await users.signIn(request.body.email, request.body.password, meta(request));
      // The session this browser had before, if any, ends: one browser, one session.
      const previous = sessionTokenFrom(request.headers.cookie, request.protocol === 'https');
      if (previous) await sessions.revoke(sessionIdOf(previous));
      return startSession(request, reply, started);
    },
  );

  api.delete(
    '/api/session',
    {
      schema: { tags: TAGS, summary: 'Sign out', querystring: NoQuerySchema, response: { 204: NoContentSchema, ...errorResponses() } },
      config: { permission: 'session' },
    },
    async (request, reply) => {
      if (request.principal.kind === 'user') await users.signOut(request.principal.sessionId);
      return reply
        .status(204)
        .header('set-cookie', clearedSessionCookie(request.protocol === 'https'))
        .send(null);
    },
  );

  api.post(
    '/api/setup',
    {
      schema: {
        tags: TAGS,
        summary: 'Create the owner account; only while the console has no user',
        querystring: NoQuerySchema,
        body: SetupBodySchema,
        response: { 200: SessionViewSchema, ...errorResponses(409, 413, 415, 429) },
      },
      config: { permission: 'public' },
    },
    async (request, reply) => {
      await users.createOwner(request.body);
      return startSession(request, reply, await users.signIn(request.body.email, request.body.password, meta(request)));
    },
  );

  api.put(
    '/api/session/password',
    {
      schema: {
        tags: TAGS,
        summary:
          'Change your password (asks for the current one); your other sessions end. 5 wrong current passwords in 15 minutes pause password changes for 15 minutes and end the session',
        querystring: NoQuerySchema,
        body: ChangePasswordBodySchema,
        response: { 204: NoContentSchema, ...errorResponses(413, 415, 429) },
      },
      config: { permission: 'session' },
    },
    async (request, reply) => {
      const p = request.principal;
      if (p.kind !== 'user') throw new DomainError('auth/required', 'Sign in to change your password.');
      await users.changePassword(p.userId, p.sessionId, request.body.currentPassword, request.body.newPassword);
      return reply.status(204).send(null);
    },
  );

  // The invitation token travels in the body, never in the URL (contract/invites.ts).
  api.post(
    '/api/invites/lookup',
    {
      schema: {
        tags: TAGS,
        summary: 'Who an invitation link is for (the token is not used up)',
        querystring: NoQuerySchema,
        body: InviteLookupBodySchema,
        response: { 200: InviteInfoSchema, ...errorResponses(410, 413, 415) },
      },
      config: { permission: 'public' },
    },
    async (request) => users.inviteInfo(request.body.token),
  );

  api.post(
    '/api/invites/accept',
    {
      schema: {
        tags: TAGS,
        summary: 'Accept an invitation: choose a password, get an account and a session',
        querystring: NoQuerySchema,
        body: AcceptInviteBodySchema,
        response: { 200: SessionViewSchema, ...errorResponses(409, 410, 413, 415) },
      },
      config: { permission: 'public' },
    },
    async (request, reply) => {
      return startSession(
        request,
        reply,
        await users.acceptInvite(request.body.token, request.body.password, request.body.name ?? '', meta(request)),
      );
    },
  );

  // Like invitations, the reset token travels in the body only (the link keeps it in its fragment).
  api.post(
    '/api/password-resets/lookup',
    {
      schema: {
        tags: TAGS,
        summary: 'Whose password a reset link resets (the token is not used up)',
        querystring: NoQuerySchema,
        body: PasswordResetLookupBodySchema,
        response: { 200: PasswordResetInfoSchema, ...errorResponses(410, 413, 415) },
      },
      config: { permission: 'public' },
    },
    async (request) => users.passwordResetInfo(request.body.token),
  );

  api.post(
    '/api/password-resets/use',
    {
      schema: {
        tags: TAGS,
        summary: "Use a reset link: set a new password; the user's sessions and sign-in locks end. Sign in afterwards",
        querystring: NoQuerySchema,
        body: UsePasswordResetBodySchema,
        response: { 204: NoContentSchema, ...errorResponses(410, 413, 415) },
      },
      config: { permission: 'public' },
    },
    async (request, reply) => {
      await users.usePasswordReset(request.body.token, request.body.password);
      return reply.status(204).send(null);
    },
  );
}
