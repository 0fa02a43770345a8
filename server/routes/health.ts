import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { NoQuery } from './common.js';
import { errorResponses } from '../http/errors.js';

const started = Date.now();

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/api/health', {
    schema: {
      tags: ['operations'],
      summary: 'Liveness',
      querystring: NoQuery,
      response: { 200: Type.Object({ status: Type.Literal('ok'), uptimeSeconds: Type.Number() }), ...errorResponses() },
    },
    config: { permission: 'public' },
  }, async () => ({ status: 'ok' as const, uptimeSeconds: Math.round((Date.now() - started) / 1000) }));
}
