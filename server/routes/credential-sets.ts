import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses } from '../http/errors.js';
import type { CredentialService } from '../services/credentials.js';
import { EntityLevelSchema, IdParams, NoQuery, Uuid } from './common.js';

const TAGS = ['credential sets'];

/** The response is an allow-list: no field can carry the secret or its ciphertext. */
export const CredentialViewSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  clientId: Type.String(),
  upstreamUrl: Type.String(),
  entityLevel: Type.Union([Type.String(), Type.Null()]),
  entityId: Type.Union([Type.String(), Type.Null()]),
  notes: Type.String(),
  secretFingerprint: Type.String({ description: 'Short HMAC-derived id of the secret; the secret itself is never shown again' }),
  secretSetAt: Type.String({ format: 'date-time' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  providerCount: Type.Integer(),
});

const CreateCredentialBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
    clientId: Type.String({ minLength: 1, maxLength: 200, pattern: '^\\S+$', description: "Frame API client id, e.g. <uuid>.img.frame.nutanix.com" }),
    clientSecret: Type.String({ minLength: 8, maxLength: 512, writeOnly: true, description: 'Write-only: stored encrypted, never returned' }),
    upstreamUrl: Type.String({ minLength: 1, maxLength: 500, description: 'https base URL of the Frame API, or builtin:emulator' }),
    entityLevel: Type.Optional(EntityLevelSchema),
    entityId: Type.Optional(Uuid('Entity the credential was issued for')),
    notes: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);

export async function credentialSetRoutes(app: FastifyInstance, opts: { credentials: CredentialService }): Promise<void> {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { credentials } = opts;

  api.get('/api/credential-sets', {
    schema: { tags: TAGS, summary: 'List credential sets', querystring: NoQuery, response: { 200: Type.Array(CredentialViewSchema), ...errorResponses() } },
    config: { permission: 'credential:read' },
  }, async () => credentials.list());

  api.get('/api/credential-sets/:id', {
    schema: { tags: TAGS, summary: 'One credential set', params: IdParams, querystring: NoQuery, response: { 200: CredentialViewSchema, ...errorResponses(404) } },
    config: { permission: 'credential:read' },
  }, async (request) => credentials.get(request.params.id));

  api.post('/api/credential-sets', {
    schema: { tags: TAGS, summary: 'Store a credential set (the secret is write-only)', querystring: NoQuery, body: CreateCredentialBody, response: { 201: CredentialViewSchema, ...errorResponses(409, 413, 415) } },
    config: { permission: 'credential:write' },
  }, async (request, reply) => reply.status(201).send(await credentials.create(request.body)));

  api.delete('/api/credential-sets/:id', {
    schema: { tags: TAGS, summary: 'Delete a credential set no provider uses', params: IdParams, querystring: NoQuery, response: { 204: Type.Null(), ...errorResponses(404, 409) } },
    config: { permission: 'credential:write' },
  }, async (request, reply) => {
    await credentials.remove(request.params.id);
    return reply.status(204).send(null);
  });
}
