import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errorResponses } from '../http/errors.js';
import type { Services } from '../services/container.js';
import { providerScope } from '../auth/context.js';
import { IdParamsSchema, NoContentSchema, NoQuerySchema } from '../contract/common.js';
import {
  CreateProviderBodySchema,
  ProviderListQuerySchema,
  ProviderListSchema,
  ProviderTagsSchema,
  ProviderViewSchema,
  UpdateProviderBodySchema,
} from '../contract/providers.js';

const TAGS = ['providers'];

export async function providerRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { providers, audit } = opts.services;

  api.get(
    '/api/providers',
    {
      schema: {
        tags: TAGS,
        summary: 'List providers (search, sort, filter)',
        querystring: ProviderListQuerySchema,
        response: { 200: ProviderListSchema, ...errorResponses() },
      },
      config: { permission: 'provider:read' },
    },
    async (request) => {
      // Support users see the providers they are granted, and only those.
      const scope = providerScope(request.principal);
      const all = await providers.list(request.query);
      return scope === 'all' ? all : all.filter((p) => scope.has(p.id));
    },
  );

  api.get(
    '/api/provider-tags',
    {
      schema: {
        tags: TAGS,
        summary: 'Every tag in use on the providers you may see',
        querystring: NoQuerySchema,
        response: { 200: ProviderTagsSchema, ...errorResponses() },
      },
      config: { permission: 'provider:read' },
    },
    async (request) => providers.tags(providerScope(request.principal)),
  );

  api.get(
    '/api/providers/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'One provider',
        params: IdParamsSchema,
        querystring: NoQuerySchema,
        response: { 200: ProviderViewSchema, ...errorResponses(404) },
      },
      config: { permission: 'provider:read', providerScoped: true },
    },
    async (request) => providers.get(request.params.id),
  );

  api.post(
    '/api/providers',
    {
      schema: {
        tags: TAGS,
        summary: 'Add a provider',
        querystring: NoQuerySchema,
        body: CreateProviderBodySchema,
        response: { 201: ProviderViewSchema, ...errorResponses(409, 413, 415) },
      },
      config: { permission: 'provider:write' },
    },
    async (request, reply) =>
      reply.status(201).send(
        await audit.around(
          { action: 'provider.created', detail: { request: request.body } },
          () => providers.create(request.body),
          (after) => ({ after }),
        ),
      ),
  );

  api.patch(
    '/api/providers/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Change a provider',
        params: IdParamsSchema,
        querystring: NoQuerySchema,
        body: UpdateProviderBodySchema,
        response: { 200: ProviderViewSchema, ...errorResponses(404, 409, 413, 415) },
      },
      config: { permission: 'provider:write' },
    },
    async (request) => {
      const before = await providers.get(request.params.id);
      return audit.around(
        { action: 'provider.updated', target: before.id, providerId: before.id, detail: { before } },
        () => providers.update(request.params.id, request.body),
        (after) => ({ after }),
      );
    },
  );

  api.delete(
    '/api/providers/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Delete a provider',
        params: IdParamsSchema,
        querystring: NoQuerySchema,
        response: { 204: NoContentSchema, ...errorResponses(404) },
      },
      config: { permission: 'provider:write' },
    },
    async (request, reply) => {
      const before = await providers.get(request.params.id);
      await audit.around({ action: 'provider.deleted', target: before.id, providerId: before.id, detail: { before } }, () =>
        providers.remove(request.params.id),
      );
      return reply.status(204).send(null);
    },
  );
}
