// Presets: a provider's saved Playground parameters, shared with the team.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errorResponses } from '../http/errors.js';
import type { Services } from '../services/container.js';
import { IdParamsSchema, NoContentSchema, NoQuerySchema } from '../contract/common.js';
import { PresetListSchema, PresetViewSchema, SavePresetBodySchema } from '../contract/presets.js';

const TAGS = ['presets'];

export async function presetRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { presets, audit } = opts.services;

  api.get(
    '/api/providers/:id/presets',
    {
      schema: {
        tags: TAGS,
        summary: "A provider's saved Playground parameters",
        params: IdParamsSchema,
        querystring: NoQuerySchema,
        response: { 200: PresetListSchema, ...errorResponses(404) },
      },
      config: { permission: 'preset:read', providerScoped: true },
    },
    async (request) => presets.list(request.params.id),
  );

  api.post(
    '/api/providers/:id/presets',
    {
      schema: {
        tags: TAGS,
        summary: 'Save Playground parameters as a named preset (shared with the team)',
        params: IdParamsSchema,
        querystring: NoQuerySchema,
        body: SavePresetBodySchema,
        response: { 201: PresetViewSchema, ...errorResponses(404, 409, 413, 415) },
      },
      config: { permission: 'preset:write', providerScoped: true },
    },
    async (request, reply) => {
      const { name, params, replace } = request.body;
      const saved = await audit.around(
        { action: 'preset.saved', providerId: request.params.id, detail: { name, params } },
        () => presets.save(request.params.id, name, params, replace ?? false),
        (p) => ({ presetId: p.id }),
      );
      return reply.status(201).send(saved);
    },
  );

  api.delete(
    '/api/presets/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Delete a preset',
        params: IdParamsSchema,
        querystring: NoQuerySchema,
        response: { 204: NoContentSchema, ...errorResponses(404) },
      },
      config: { permission: 'preset:write' },
    },
    async (request, reply) => {
      await audit.around({ action: 'preset.deleted', target: request.params.id }, () => presets.remove(request.params.id));
      return reply.status(204).send(null);
    },
  );
}
