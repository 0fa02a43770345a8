import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { NoQuerySchema } from '../contract/common.js';
import { HealthSchema, MetricsTextSchema, ReadinessSchema, ReadyMinimalSchema } from '../contract/health.js';
import { errorResponses } from '../http/errors.js';
import type { Services } from '../services/container.js';
import { readiness, shippedMigrations } from '../services/readiness.js';

const started = Date.now();

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/api/health',
    {
      schema: {
        tags: ['operations'],
        summary: 'Liveness',
        querystring: NoQuerySchema,
        response: { 200: HealthSchema, ...errorResponses() },
      },
      config: { permission: 'public' },
    },
    async () => ({ status: 'ok' as const, uptimeSeconds: Math.round((Date.now() - started) / 1000) }),
  );
}

export async function readinessRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  const expected = shippedMigrations(opts.services.db);
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  // For load balancers and probes, unauthenticated: ready or not, nothing about the console's insides.
  api.get(
    '/api/ready',
    {
      schema: {
        tags: ['operations'],
        summary: 'Readiness for probes: 200 {ready: true}, or 503 (details at /api/ready/detail)',
        querystring: NoQuerySchema,
        response: { ...errorResponses(), 200: ReadyMinimalSchema, 503: ReadyMinimalSchema },
      },
      config: { permission: 'public' },
    },
    async (_request, reply) => {
      const state = await readiness(opts.services.db, expected, opts.services.upstream);
      return reply.status(state.ready ? 200 : 503).send({ ready: state.ready });
    },
  );

  api.get(
    '/api/ready/detail',
    {
      schema: {
        tags: ['operations'],
        summary:
          "Readiness in detail: database, migrations, each upstream's clock offset (OPS_TOKEN as Bearer, or an owner or admin session)",
        security: [{ opsToken: [] }],
        querystring: NoQuerySchema,
        response: { ...errorResponses(), 200: ReadinessSchema, 503: ReadinessSchema },
      },
      config: { permission: 'ops:read' },
    },
    async (_request, reply) => {
      const state = await readiness(opts.services.db, expected, opts.services.upstream);
      return reply.status(state.ready ? 200 : 503).send(state);
    },
  );
}

export async function metricsRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  const { metrics } = opts.services;
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/api/metrics',
    {
      schema: {
        tags: ['operations'],
        summary:
          'Prometheus metrics: mints by provider and outcome, upstream latency, errors by code, bulk jobs, the process (CPU, memory, event-loop lag, GC, file descriptors; labels carry provider ids, never names or secrets); OPS_TOKEN as Bearer, or an owner or admin session',
        security: [{ opsToken: [] }],
        querystring: NoQuerySchema,
        response: { 200: MetricsTextSchema, ...errorResponses() },
      },
      config: { permission: 'ops:read' },
    },
    async (_request, reply) => reply.header('content-type', metrics.contentType).send(await metrics.text()),
  );
}
