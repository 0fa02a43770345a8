import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errorResponses } from '../http/errors.js';
import type { Services } from '../services/container.js';
import { EmptyBodySchema, IdParamsSchema, NoQuerySchema } from '../contract/common.js';
import {
  BulkJobListQuerySchema,
  BulkJobListSchema,
  BulkJobParamsSchema,
  BulkJobViewSchema,
  BulkResultsQuerySchema,
  BulkResultsSchema,
  QuotaViewSchema,
  StartBulkBodySchema,
} from '../contract/bulk.js';

const TAGS = ['bulk'];

export async function bulkRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { bulk } = opts.services;

  api.post(
    '/api/providers/:id/bulk',
    {
      // A CSV of 10,000 rows is larger than the default body limit.
      bodyLimit: 4 * 1024 * 1024,
      schema: {
        tags: TAGS,
        summary: 'Start a bulk mint: N tokens from a template ({n} = row number) or from CSV rows',
        params: IdParamsSchema,
        querystring: NoQuerySchema,
        body: StartBulkBodySchema,
        response: { 202: BulkJobViewSchema, ...errorResponses(404, 413, 415, 429) },
      },
      config: { permission: 'token:mint', providerScoped: true },
    },
    async (request, reply) => reply.status(202).send(await bulk.start(request.params.id, request.body)),
  );

  api.get(
    '/api/bulk-jobs',
    {
      schema: {
        tags: TAGS,
        summary: "Bulk jobs, newest first: your own, or everyone's for audit readers; whether their results can still be downloaded",
        querystring: BulkJobListQuerySchema,
        response: { 200: BulkJobListSchema, ...errorResponses() },
      },
      config: { permission: 'token:mint' },
    },
    async (request) => bulk.list(request.principal, request.query.providerId),
  );

  api.get(
    '/api/bulk/:jobId',
    {
      schema: {
        tags: TAGS,
        summary: 'Progress of a bulk job: count, rate, ETA, failures',
        params: BulkJobParamsSchema,
        querystring: NoQuerySchema,
        response: { 200: BulkJobViewSchema, ...errorResponses(404) },
      },
      config: { permission: 'token:mint' },
    },
    async (request) => bulk.get(request.params.jobId, request.principal),
  );

  api.post(
    '/api/bulk/:jobId/cancel',
    {
      schema: {
        tags: TAGS,
        summary: 'Cancel a bulk job (its starter, owners, admins); what was minted stays downloadable by its starter',
        params: BulkJobParamsSchema,
        querystring: NoQuerySchema,
        body: EmptyBodySchema,
        response: { 200: BulkJobViewSchema, ...errorResponses(404) },
      },
      config: { permission: 'token:mint' },
    },
    async (request) => bulk.cancel(request.params.jobId, request.principal),
  );

  api.get(
    '/api/bulk/:jobId/results',
    {
      schema: {
        tags: TAGS,
        summary: 'Results as CSV or JSON (token, launch link, exp), streamed; for the user who started the job only',
        params: BulkJobParamsSchema,
        querystring: BulkResultsQuerySchema,
        response: { 200: BulkResultsSchema, ...errorResponses(404, 409, 410) },
      },
      config: { permission: 'token:mint' },
    },
    async (request, reply) => {
      const format = request.query.format ?? 'csv';
      const stream = await bulk.results(request.params.jobId, format, request.principal);
      return reply
        .header('content-disposition', `attachment; filename="tokens-${request.params.jobId.slice(0, 8)}.${format}"`)
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
        .send(stream);
    },
  );

  api.get(
    '/api/quota',
    {
      schema: {
        tags: TAGS,
        summary: "Your tokens today against your role's daily limit, and your running bulk jobs",
        querystring: NoQuerySchema,
        response: { 200: QuotaViewSchema, ...errorResponses() },
      },
      config: { permission: 'token:mint' },
    },
    async (request) => bulk.quota(request.principal),
  );
}
