import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses } from '../http/errors.js';
import type { Services } from '../services/container.js';
import { IdParams, NoQuery } from './common.js';
import { CredentialFields, EntityLevelSchema, Uuid } from '../field-schemas.js';

const TAGS = ['credential sets'];

/** What an audit row may say about a credential set being created: everything but the secret. */
function withoutSecret<T extends { clientSecret: unknown }>(body: T): Omit<T, 'clientSecret'> {
  const { clientSecret: _secret, ...rest } = body;
  return rest;
}

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
  secretSetBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  providerCount: Type.Integer(),
});

const { name: Name, clientId: ClientId, clientSecret: ClientSecret, upstreamUrl: UpstreamUrl, notes: Notes } = CredentialFields;

const CreateCredentialBody = Type.Object(
  {
    name: Name,
    clientId: ClientId,
    clientSecret: ClientSecret,
    upstreamUrl: UpstreamUrl,
    entityLevel: Type.Optional(EntityLevelSchema),
    entityId: Type.Optional(Uuid('Entity the credential was issued for')),
    notes: Type.Optional(Notes),
  },
  { additionalProperties: false },
);

const UpdateCredentialBody = Type.Object(
  {
    name: Type.Optional(Name),
    clientId: Type.Optional(ClientId),
    upstreamUrl: Type.Optional(UpstreamUrl),
    entityLevel: Type.Optional(Type.Union([EntityLevelSchema, Type.Null()])),
    entityId: Type.Optional(Type.Union([Uuid(), Type.Null()])),
    notes: Type.Optional(Notes),
    clientSecret: Type.Optional({ ...ClientSecret, description: 'Required when clientId or upstreamUrl changes: the secret is bound to both' }),
  },
  { additionalProperties: false, minProperties: 1, description: 'Change a credential set; changing its client id or upstream needs the client secret again. Replace the secret alone with PUT …/secret' },
);

const DeleteQuery = Type.Object(
  {
    providers: Type.Optional(Type.Enum(['refuse', 'delete', 'move'], { description: 'What to do with the providers that use it (default refuse → 409)' })),
    moveTo: Type.Optional(Uuid('Credential set that takes the providers, with providers=move')),
  },
  { additionalProperties: false },
);

const VerifyResponse = Type.Object({
  method: Type.Literal('mint'),
  providerId: Type.String(),
  providerName: Type.String(),
  signature: Type.Enum(['accepted', 'rejected', 'unknown']),
  outcome: Type.String(),
  message: Type.String(),
  status: Type.Union([Type.Integer(), Type.Null()]),
  latencyMs: Type.Number(),
  clockOffsetSeconds: Type.Union([Type.Integer(), Type.Null()]),
});

export async function credentialSetRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { credentials, mint, audit } = opts.services;

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
  }, async (request, reply) => reply.status(201).send(await audit.around({ action: 'credential.created', detail: { after: withoutSecret(request.body) } }, () => credentials.create(request.body), (after) => ({ after }))));

  api.patch('/api/credential-sets/:id', {
    schema: { tags: TAGS, summary: 'Change a credential set (not its secret)', params: IdParams, querystring: NoQuery, body: UpdateCredentialBody, response: { 200: CredentialViewSchema, ...errorResponses(404, 409, 413, 415) } },
    config: { permission: 'credential:write' },
  }, async (request) => {
    const before = await credentials.get(request.params.id);
    return audit.around({ action: 'credential.updated', target: before.id, detail: { before, secretReplaced: request.body.clientSecret !== undefined } }, () => credentials.update(request.params.id, request.body), (after) => ({ after }));
  });

  api.put('/api/credential-sets/:id/secret', {
    schema: {
      tags: TAGS,
      summary: 'Replace the client secret (rotation); nothing else changes',
      params: IdParams,
      querystring: NoQuery,
      body: Type.Object({ clientSecret: ClientSecret }, { additionalProperties: false }),
      response: { 200: CredentialViewSchema, ...errorResponses(404, 413, 415) },
    },
    config: { permission: 'credential:write' },
  }, async (request) => {
    const before = await credentials.get(request.params.id);
    // The record says the secret changed and its fingerprints; never the secret.
    return audit.around({ action: 'credential.secret_replaced', target: before.id, detail: { name: before.name, before: { secretFingerprint: before.secretFingerprint } } }, () => credentials.rotateSecret(request.params.id, request.body.clientSecret), (after) => ({ after: { secretFingerprint: after.secretFingerprint } }));
  });

  api.delete('/api/credential-sets/:id', {
    schema: {
      tags: TAGS,
      summary: 'Delete a credential set; with providers=move or delete, its providers in the same action',
      params: IdParams,
      querystring: DeleteQuery,
      response: { 200: Type.Object({ deletedProviders: Type.Integer(), movedProviders: Type.Integer() }), ...errorResponses(404, 409) },
    },
    config: { permission: 'credential:write' },
  }, async (request) => {
    const { providers, moveTo } = request.query;
    const how = providers === 'move' ? { providers, moveTo: moveTo ?? '' } : providers === 'delete' ? { providers } : {};
    const before = await credentials.get(request.params.id);
    return audit.around({ action: 'credential.deleted', target: before.id, detail: { before, ...how } }, () => credentials.remove(request.params.id, how), (result) => result);
  });

  api.post('/api/credential-sets/:id/verify', {
    schema: {
      tags: TAGS,
      summary: 'Verify the credential with one signed call (mints a test token against a provider)',
      params: IdParams,
      querystring: NoQuery,
      body: Type.Object({ providerId: Type.Optional(Uuid('Provider to mint against; the first one of this set when absent')) }, { additionalProperties: false }),
      response: { 200: VerifyResponse, ...errorResponses(404, 413, 415, 503) },
    },
    config: { permission: 'credential:verify' },
  }, async (request) =>
    audit.aroundCall(
      { action: 'credential.verified', target: request.params.id, providerId: request.body.providerId ?? null },
      () => mint.verify(request.params.id, request.body.providerId),
      (r) => ({ signature: r.signature, outcome: r.outcome, providerId: r.providerId }),
      (r) => `The credential set was verified with one signed call to the upstream (${r.outcome}, provider ${r.providerName})`,
    ),
  );
}
