// People, invitations, per-provider grants, API keys and the audit log: the owner's and admins' screens.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses } from '../http/errors.js';
import { ROLES } from '../contract/permissions.js';
import type { Services } from '../services/container.js';
import { IdParams, NoQuery, Uuid } from './common.js';

const Role = Type.Enum([...ROLES]);
const ProviderIds = Type.Array(Uuid('Provider id'), { maxItems: 1000, uniqueItems: true });

const UserView = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  role: Role,
  disabled: Type.Boolean(),
  providerIds: Type.Array(Type.String(), { description: 'Providers granted (support users)' }),
  createdAt: Type.String(),
  lockedUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'While failed sign-ins keep browsers not used with the account before out: when that ends' }),
});

const InviteView = Type.Object({
  id: Type.String(),
  email: Type.String(),
  role: Role,
  providerIds: Type.Array(Type.String(), { description: 'Providers a support user gets on acceptance' }),
  invitedBy: Type.String({ description: 'Email of whoever sent it ("system" for the console itself)' }),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.String({ format: 'date-time' }),
  revocable: Type.Boolean({ description: 'Whether you may revoke it: owners any, admins support and viewer invitations' }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const ApiKeyView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String({ description: 'The start of the key, to recognise it; the key itself is shown once' }),
  providerIds: Type.Array(Type.String()),
  rateLimitPerMinute: Type.Integer(),
  createdAt: Type.String(),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
  state: Type.Enum(['active', 'expired', 'revoked']),
});

export async function userRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { users, apiKeys } = opts.services;

  api.get('/api/users', {
    schema: { tags: ['users'], summary: 'Everyone with an account', querystring: NoQuery, response: { 200: Type.Array(UserView), ...errorResponses() } },
    config: { permission: 'user:read' },
  }, async () => users.list());

  api.post('/api/users/invites', {
    schema: {
      tags: ['users'],
      summary: 'Invite someone: returns a one-time link token, valid 72 hours (owners invite any role, admins support and viewer)',
      querystring: NoQuery,
      body: Type.Object({ email: Type.String({ minLength: 3, maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+$' }), role: Role, providerIds: Type.Optional(ProviderIds) }, { additionalProperties: false }),
      response: { 201: Type.Object({ id: Type.String(), token: Type.String(), email: Type.String(), role: Role, expiresAt: Type.String() }), ...errorResponses(409, 413, 415) },
    },
    config: { permission: 'user:manage' },
  }, async (request, reply) => reply.status(201).send(await users.invite({ email: request.body.email, role: request.body.role, providerIds: request.body.providerIds ?? [] })));

  api.get('/api/users/invites', {
    schema: {
      tags: ['users'],
      summary: 'Pending invitations (unused, unexpired, unrevoked, from a sender who may still give the role); never their tokens',
      querystring: NoQuery,
      response: { 200: Type.Array(InviteView), ...errorResponses() },
    },
    config: { permission: 'user:manage' },
  }, async () => users.pendingInvites());

  api.post('/api/users/invites/:id/revoke', {
    schema: {
      tags: ['users'],
      summary: 'Revoke a pending invitation: its link stops working (owners revoke any, admins support and viewer invitations)',
      params: IdParams,
      querystring: NoQuery,
      body: Type.Optional(Type.Object({}, { additionalProperties: false })),
      response: { 200: InviteView, ...errorResponses(404, 409) },
    },
    config: { permission: 'user:manage' },
  }, async (request) => users.revokeInvite(request.params.id));

  api.patch('/api/users/:id', {
    schema: {
      tags: ['users'],
      summary: "Change a user's role or name, or disable them (their sessions end at once)",
      params: IdParams,
      querystring: NoQuery,
      body: Type.Object({ role: Type.Optional(Role), disabled: Type.Optional(Type.Boolean()), name: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false, minProperties: 1 }),
      response: { 200: UserView, ...errorResponses(404, 409, 413, 415) },
    },
    config: { permission: 'user:manage' },
  }, async (request) => users.update(request.params.id, request.body));

  api.put('/api/users/:id/grants', {
    schema: {
      tags: ['users'],
      summary: 'The providers a support user may use (replaces the list)',
      params: IdParams,
      querystring: NoQuery,
      body: Type.Object({ providerIds: ProviderIds }, { additionalProperties: false }),
      response: { 200: UserView, ...errorResponses(404, 413, 415) },
    },
    config: { permission: 'user:manage' },
  }, async (request) => users.setGrants(request.params.id, request.body.providerIds));

  api.post('/api/users/:id/unlock', {
    schema: {
      tags: ['users'],
      summary: 'End the sign-in locks on an account (owners unlock anyone, admins support and viewer users)',
      params: IdParams,
      querystring: NoQuery,
      body: Type.Optional(Type.Object({}, { additionalProperties: false })),
      response: { 200: UserView, ...errorResponses(404) },
    },
    config: { permission: 'user:manage' },
  }, async (request) => users.unlock(request.params.id));

  api.get('/api/api-keys', {
    schema: { tags: ['api keys'], summary: 'Token-broker API keys (never the keys themselves)', querystring: NoQuery, response: { 200: Type.Array(ApiKeyView), ...errorResponses() } },
    config: { permission: 'apikey:manage' },
  }, async () => apiKeys.list());

  api.post('/api/api-keys', {
    schema: {
      tags: ['api keys'],
      summary: 'Create an API key scoped to providers; the key is in this answer and nowhere else, ever',
      querystring: NoQuery,
      body: Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 80, pattern: '\\S' }),
          providerIds: ProviderIds,
          expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
          rateLimitPerMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: 6000 })),
        },
        { additionalProperties: false },
      ),
      response: { 201: Type.Object({ key: Type.String(), apiKey: ApiKeyView }), ...errorResponses(413, 415) },
    },
    config: { permission: 'apikey:manage' },
  }, async (request, reply) => reply.status(201).send(await apiKeys.create(request.body)));

  api.post('/api/api-keys/:id/revoke', {
    schema: { tags: ['api keys'], summary: 'Revoke a key: its next request is refused', params: IdParams, querystring: NoQuery, body: Type.Optional(Type.Object({}, { additionalProperties: false })), response: { 200: ApiKeyView, ...errorResponses(404) } },
    config: { permission: 'apikey:manage' },
  }, async (request) => apiKeys.revoke(request.params.id));
}
