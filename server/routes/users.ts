// People, invitations, per-provider grants, API keys and the audit log: the owner's and admins' screens.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errorResponses } from '../http/errors.js';
import type { Services } from '../services/container.js';
import { EmptyBodySchema, IdParamsSchema, NoQuerySchema } from '../contract/common.js';
import { GrantsBodySchema, UpdateUserBodySchema, UserListSchema, UserViewSchema } from '../contract/users.js';
import { CreatedInviteSchema, CreateInviteBodySchema, InviteListSchema, InviteViewSchema } from '../contract/invites.js';
import { CreatedPasswordResetSchema } from '../contract/password-resets.js';
import { ApiKeyListSchema, ApiKeyViewSchema, CreateApiKeyBodySchema, CreatedApiKeySchema } from '../contract/api-keys.js';

export async function userRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { users, apiKeys } = opts.services;

  api.get(
    '/api/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Everyone with an account',
        querystring: NoQuerySchema,
        response: { 200: UserListSchema, ...errorResponses() },
      },
      config: { permission: 'user:read' },
    },
    async () => users.list(),
  );

  api.post(
    '/api/users/invites',
    {
      schema: {
        tags: ['users'],
        summary: 'Invite someone: returns a one-time link token, valid 72 hours (owners invite any role, admins support and viewer)',
        querystring: NoQuerySchema,
        body: CreateInviteBodySchema,
        response: { 201: CreatedInviteSchema, ...errorResponses(409, 413, 415) },
      },
      config: { permission: 'user:manage' },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await users.invite({ email: request.body.email, role: request.body.role, providerIds: request.body.providerIds ?? [] })),
  );

  api.get(
    '/api/users/invites',
    {
      schema: {
        tags: ['users'],
        summary: 'Pending invitations (unused, unexpired, unrevoked, from a sender who may still give the role); never their tokens',
        querystring: NoQuerySchema,
        response: { 200: InviteListSchema, ...errorResponses() },
      },
      config: { permission: 'user:manage' },
    },
    async () => users.pendingInvites(),
  );

  api.post(
    '/api/users/invites/:id/revoke',
    {
      schema: {
        tags: ['users'],
        summary: 'Revoke a pending invitation: its link stops working (owners revoke any, admins support and viewer invitations)',
        params: IdParamsSchema,
        querystring: NoQuerySchema,
        body: EmptyBodySchema,
        response: { 200: InviteViewSchema, ...errorResponses(404, 409) },
      },
      config: { permission: 'user:manage' },
    },
    async (request) => users.revokeInvite(request.params.id),
  );

  api.post(
    '/api/users/invites/:id/reissue',
    {
      schema: {
        tags: ['users'],
        summary:
          'Re-issue a pending invitation: its old link stops working and a new one-time link (same email, role and providers, valid 72 hours) is returned once',
        params: IdParamsSchema,
        querystring: NoQuerySchema,
        body: EmptyBodySchema,
        response: { 201: CreatedInviteSchema, ...errorResponses(404, 409) },
      },
      config: { permission: 'user:manage' },
    },
    async (request, reply) => reply.status(201).send(await users.reissueInvite(request.params.id)),
  );

  api.patch(
    '/api/users/:id',
    {
      schema: {
        tags: ['users'],
        summary: "Change a user's role or name, or disable them (their sessions end at once)",
        params: IdParamsSchema,
        querystring: NoQuerySchema,
        body: UpdateUserBodySchema,
        response: { 200: UserViewSchema, ...errorResponses(404, 409, 413, 415) },
      },
      config: { permission: 'user:manage' },
    },
    async (request) => users.update(request.params.id, request.body),
  );

  api.put(
    '/api/users/:id/grants',
    {
      schema: {
        tags: ['users'],
        summary: 'The providers a support user may use (replaces the list)',
        params: IdParamsSchema,
        querystring: NoQuerySchema,
        body: GrantsBodySchema,
        response: { 200: UserViewSchema, ...errorResponses(404, 413, 415) },
      },
      config: { permission: 'user:manage' },
    },
    async (request) => users.setGrants(request.params.id, request.body.providerIds),
  );

  api.post(
    '/api/users/:id/unlock',
    {
      schema: {
        tags: ['users'],
        summary: 'End the sign-in locks on an account (owners unlock anyone, admins support and viewer users)',
        params: IdParamsSchema,
        querystring: NoQuerySchema,
        body: EmptyBodySchema,
        response: { 200: UserViewSchema, ...errorResponses(404) },
      },
      config: { permission: 'user:manage' },
    },
    async (request) => users.unlock(request.params.id),
  );

  api.post(
    '/api/users/:id/password-reset',
    {
      schema: {
        tags: ['users'],
        summary:
          "Issue a one-time password-reset link for a user, valid 24 hours, returned once; it replaces the user's older unused link (owners for anyone, admins for support and viewer users)",
        params: IdParamsSchema,
        querystring: NoQuerySchema,
        body: EmptyBodySchema,
        response: { 201: CreatedPasswordResetSchema, ...errorResponses(404, 409) },
      },
      config: { permission: 'user:manage' },
    },
    async (request, reply) => reply.status(201).send(await users.issuePasswordReset(request.params.id)),
  );

  api.get(
    '/api/api-keys',
    {
      schema: {
        tags: ['api keys'],
        summary: 'Token-broker API keys (never the keys themselves)',
        querystring: NoQuerySchema,
        response: { 200: ApiKeyListSchema, ...errorResponses() },
      },
      config: { permission: 'apikey:manage' },
    },
    async () => apiKeys.list(),
  );

  api.post(
    '/api/api-keys',
    {
      schema: {
        tags: ['api keys'],
        summary: 'Create an API key scoped to providers; the key is in this answer and nowhere else, ever',
        querystring: NoQuerySchema,
        body: CreateApiKeyBodySchema,
        response: { 201: CreatedApiKeySchema, ...errorResponses(413, 415) },
      },
      config: { permission: 'apikey:manage' },
    },
    async (request, reply) => reply.status(201).send(await apiKeys.create(request.body)),
  );

  api.post(
    '/api/api-keys/:id/revoke',
    {
      schema: {
        tags: ['api keys'],
        summary: 'Revoke a key: its next request is refused',
        params: IdParamsSchema,
        querystring: NoQuerySchema,
        body: EmptyBodySchema,
        response: { 200: ApiKeyViewSchema, ...errorResponses(404) },
      },
      config: { permission: 'apikey:manage' },
    },
    async (request) => apiKeys.revoke(request.params.id),
  );
}
