import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { PROVIDER_NAME_PATTERN } from '../frame/entity.js';
import { MAX_TOKEN_DURATION_MINUTES, MIN_TOKEN_DURATION_MINUTES } from '../emulator/contract.js';
import { errorResponses } from '../http/errors.js';
import type { ProviderService } from '../services/providers.js';
import { EntityLevelSchema, IdParams, NoQuery, Uuid } from './common.js';

const TAGS = ['providers'];

export const ProviderViewSchema = Type.Object({
  id: Type.String(),
  name: Type.String({ description: 'secure-anon-<uuid>' }),
  description: Type.String(),
  tokenDurationMin: Type.Integer(),
  entityLevel: Type.String(),
  entityId: Type.String(),
  credentialSetId: Type.String(),
  credentialSetName: Type.String(),
  upstreamUrl: Type.String(),
  upstreamLabel: Type.String(),
  tokenUri: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

const CreateProviderBody = Type.Object(
  {
    name: Type.Optional(Type.String({ pattern: PROVIDER_NAME_PATTERN, description: 'secure-anon-<uuid>; generated when absent' })),
    description: Type.Optional(Type.String({ maxLength: 200 })),
    tokenDurationMin: Type.Integer({ minimum: MIN_TOKEN_DURATION_MINUTES, maximum: MAX_TOKEN_DURATION_MINUTES, description: 'Token Duration in minutes (5-480)' }),
    entityLevel: EntityLevelSchema,
    entityId: Uuid('UUID of the account, organization or customer'),
    credentialSetId: Uuid('Credential set that mints for this provider'),
  },
  { additionalProperties: false },
);

export async function providerRoutes(app: FastifyInstance, opts: { providers: ProviderService }): Promise<void> {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { providers } = opts;

  api.get('/api/providers', {
    schema: { tags: TAGS, summary: 'List providers', querystring: NoQuery, response: { 200: Type.Array(ProviderViewSchema), ...errorResponses() } },
    config: { permission: 'provider:read' },
  }, async () => providers.list());

  api.get('/api/providers/:id', {
    schema: { tags: TAGS, summary: 'One provider', params: IdParams, querystring: NoQuery, response: { 200: ProviderViewSchema, ...errorResponses(404) } },
    config: { permission: 'provider:read' },
  }, async (request) => providers.get(request.params.id));

  api.post('/api/providers', {
    schema: { tags: TAGS, summary: 'Add a provider', querystring: NoQuery, body: CreateProviderBody, response: { 201: ProviderViewSchema, ...errorResponses(409, 413, 415) } },
    config: { permission: 'provider:write' },
  }, async (request, reply) => reply.status(201).send(await providers.create(request.body)));

  api.delete('/api/providers/:id', {
    schema: { tags: TAGS, summary: 'Delete a provider', params: IdParams, querystring: NoQuery, response: { 204: Type.Null(), ...errorResponses(404) } },
    config: { permission: 'provider:write' },
  }, async (request, reply) => {
    await providers.remove(request.params.id);
    return reply.status(204).send(null);
  });
}
