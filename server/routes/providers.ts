import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses } from '../http/errors.js';
import type { Services } from '../services/container.js';
import { providerScope } from '../auth/context.js';
import { PROVIDER_SORT_KEYS } from '../services/providers.js';
import { IdParams, NoQuery } from './common.js';
import { ProviderFields, Uuid } from '../field-schemas.js';

const TAGS = ['providers'];

export const ProviderViewSchema = Type.Object({
  id: Type.String(),
  name: Type.String({ description: 'secure-anon-<uuid>' }),
  description: Type.String(),
  tokenDurationMin: Type.Integer(),
  entityLevel: Type.String(),
  entityId: Type.String(),
  tags: Type.Array(Type.String()),
  credentialSetId: Type.String(),
  credentialSetName: Type.String(),
  clientId: Type.String(),
  upstreamUrl: Type.String(),
  upstreamLabel: Type.String(),
  environment: Type.String({ description: 'production, staging, emulator or custom' }),
  tokenUri: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

const Fields = ProviderFields;

const CreateProviderBody = Type.Object(
  {
    name: Type.Optional(Fields.name),
    description: Type.Optional(Fields.description),
    tokenDurationMin: Fields.tokenDurationMin,
    entityLevel: Fields.entityLevel,
    entityId: Fields.entityId,
    credentialSetId: Fields.credentialSetId,
    tags: Type.Optional(Fields.tags),
  },
  { additionalProperties: false },
);

const UpdateProviderBody = Type.Object(
  {
    name: Type.Optional(Fields.name),
    description: Type.Optional(Fields.description),
    tokenDurationMin: Type.Optional(Fields.tokenDurationMin),
    entityLevel: Type.Optional(Fields.entityLevel),
    entityId: Type.Optional(Fields.entityId),
    credentialSetId: Type.Optional(Fields.credentialSetId),
    tags: Type.Optional(Fields.tags),
  },
  { additionalProperties: false, minProperties: 1 },
);

const ListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Search in name, description, entity id and tags' })),
    sort: Type.Optional(Type.Enum(PROVIDER_SORT_KEYS)),
    order: Type.Optional(Type.Enum(['asc', 'desc'])),
    upstream: Type.Optional(Type.String({ maxLength: 500, description: 'Only providers whose credential set uses this upstream' })),
    credentialSetId: Type.Optional(Uuid()),
    tag: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);

export async function providerRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { providers, audit } = opts.services;

  api.get('/api/providers', {
    schema: { tags: TAGS, summary: 'List providers (search, sort, filter)', querystring: ListQuery, response: { 200: Type.Array(ProviderViewSchema), ...errorResponses() } },
    config: { permission: 'provider:read' },
  }, async (request) => {
    // Support users see the providers they are granted, and only those.
    const scope = providerScope(request.principal);
    const all = await providers.list(request.query);
    return scope === 'all' ? all : all.filter((p) => scope.has(p.id));
  });

  api.get('/api/provider-tags', {
    schema: { tags: TAGS, summary: 'Every tag in use on the providers you may see', querystring: NoQuery, response: { 200: Type.Array(Type.String()), ...errorResponses() } },
    config: { permission: 'provider:read' },
  }, async (request) => providers.tags(providerScope(request.principal)));

  api.get('/api/providers/:id', {
    schema: { tags: TAGS, summary: 'One provider', params: IdParams, querystring: NoQuery, response: { 200: ProviderViewSchema, ...errorResponses(404) } },
    config: { permission: 'provider:read', providerScoped: true },
  }, async (request) => providers.get(request.params.id));

  api.post('/api/providers', {
    schema: { tags: TAGS, summary: 'Add a provider', querystring: NoQuery, body: CreateProviderBody, response: { 201: ProviderViewSchema, ...errorResponses(409, 413, 415) } },
    config: { permission: 'provider:write' },
  }, async (request, reply) => reply.status(201).send(await audit.around({ action: 'provider.created', detail: { request: request.body } }, () => providers.create(request.body), (after) => ({ after }))));

  api.patch('/api/providers/:id', {
    schema: { tags: TAGS, summary: 'Change a provider', params: IdParams, querystring: NoQuery, body: UpdateProviderBody, response: { 200: ProviderViewSchema, ...errorResponses(404, 409, 413, 415) } },
    config: { permission: 'provider:write' },
  }, async (request) => {
    const before = await providers.get(request.params.id);
    return audit.around({ action: 'provider.updated', target: before.id, providerId: before.id, detail: { before } }, () => providers.update(request.params.id, request.body), (after) => ({ after }));
  });

  api.delete('/api/providers/:id', {
    schema: { tags: TAGS, summary: 'Delete a provider', params: IdParams, querystring: NoQuery, response: { 204: Type.Null(), ...errorResponses(404) } },
    config: { permission: 'provider:write' },
  }, async (request, reply) => {
    const before = await providers.get(request.params.id);
    await audit.around({ action: 'provider.deleted', target: before.id, providerId: before.id, detail: { before } }, () => providers.remove(request.params.id));
    return reply.status(204).send(null);
  });
}
