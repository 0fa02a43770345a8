import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ENTITY_LEVELS } from '../frame/entity.js';
import { MAX_TOKEN_DURATION_MINUTES, MIN_TOKEN_DURATION_MINUTES } from '../frame/entity.js';
import { errorResponses } from '../http/errors.js';
import type { Services } from '../services/container.js';
import { UPSTREAM_PRESETS } from '../services/upstreams.js';
import { NoQuerySchema } from '../contract/common.js';
import { MetaSchema, type Meta } from '../contract/meta.js';

/** What the SPA needs to build its forms: one source of truth for presets and limits. */
export async function metaRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/api/meta',
    {
      schema: {
        tags: ['operations'],
        summary: 'Upstream presets, entity levels and limits for forms',
        querystring: NoQuerySchema,
        response: { 200: MetaSchema, ...errorResponses() },
      },
      config: { permission: 'provider:read' },
    },
    async (): Promise<Meta> => ({
      upstreams: UPSTREAM_PRESETS.map((p) => ({ ...p })),
      entityLevels: [...ENTITY_LEVELS],
      tokenDuration: { min: MIN_TOKEN_DURATION_MINUTES, max: MAX_TOKEN_DURATION_MINUTES },
      builtinEmulatorUrl: opts.services.providers.resolveBaseUrl('builtin:emulator') ?? null,
    }),
  );
}
