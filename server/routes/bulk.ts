import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses } from '../http/errors.js';
import type { Services } from '../services/container.js';
import { BULK_MAX } from '../frame/bulk-template.js';
import { TokenTemplateSchema } from '../frame/token-body-schema.js';
import { DEFAULT_BULK_CONCURRENCY, MAX_BULK_CONCURRENCY } from '../services/bulk.js';
import { IdParams, NoQuery, Uuid } from './common.js';

const TAGS = ['bulk'];

const JobView = Type.Object({
  id: Type.String(),
  providerId: Type.String(),
  state: Type.Enum(['running', 'done', 'cancelled', 'revoked', 'failed'], { description: "revoked: stopped because its owner lost the right to mint on the provider, the provider was deleted or its credential set changed (secret, upstream, client id)" }),
  total: Type.Integer(),
  done: Type.Integer(),
  ok: Type.Integer(),
  failed: Type.Integer(),
  concurrency: Type.Integer(),
  startedBy: Type.String({ description: 'Email of the user who started it; only they may download its tokens' }),
  startedAt: Type.String(),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
  ratePerSecond: Type.Number(),
  etaSeconds: Type.Union([Type.Integer(), Type.Null()]),
  stopReason: Type.Union([Type.String(), Type.Null()], { description: 'Why it stopped before its last row' }),
  failures: Type.Array(Type.Object({ row: Type.Integer(), error: Type.String(), message: Type.String() })),
});

const JobParams = Type.Object({ jobId: Uuid('Bulk job id') }, { additionalProperties: false });

const Count = Type.Integer({ minimum: 0 });
const QuotaView = Type.Object({
  day: Type.String({ description: 'The UTC day counted, YYYY-MM-DD' }),
  resetsAt: Type.String({ format: 'date-time' }),
  tokens: Type.Object({
    used: Type.Integer({ minimum: 0, description: 'Minted today, in the Playground and in bulk' }),
    reserved: Type.Integer({ minimum: 0, description: 'Held by running bulk jobs for the rows they have not minted yet' }),
    limit: Type.Union([Count, Type.Null()], { description: "The role's daily limit; null: none" }),
    remaining: Type.Union([Count, Type.Null()]),
  }),
  jobs: Type.Object({ running: Count, limit: Type.Integer({ minimum: 1, description: 'Bulk jobs one user may run at once' }) }),
});

export async function bulkRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { bulk } = opts.services;

  api.post('/api/providers/:id/bulk', {
    // A CSV of 10,000 rows is larger than the default body limit.
    bodyLimit: 4 * 1024 * 1024,
    schema: {
      tags: TAGS,
      summary: 'Start a bulk mint: N tokens from a template ({n} = row number) or from CSV rows',
      params: IdParams,
      querystring: NoQuery,
      body: Type.Object(
        {
          count: Type.Optional(Type.Integer({ minimum: 1, maximum: BULK_MAX })),
          template: Type.Optional(TokenTemplateSchema),
          csv: Type.Optional(Type.String({ maxLength: 4 * 1024 * 1024, description: 'Header of field names, then one row per token' })),
          concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_BULK_CONCURRENCY, default: DEFAULT_BULK_CONCURRENCY })),
          launchLink: Type.Optional(Type.String({ maxLength: 2000, description: 'Launch or Launchpad link to add #token=… to, per token' })),
          quitAndLogout: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
      response: { 202: JobView, ...errorResponses(404, 413, 415, 429) },
    },
    config: { permission: 'token:mint', providerScoped: true },
  }, async (request, reply) => reply.status(202).send(await bulk.start(request.params.id, request.body)));

  api.get('/api/bulk/:jobId', {
    schema: { tags: TAGS, summary: 'Progress of a bulk job: count, rate, ETA, failures', params: JobParams, querystring: NoQuery, response: { 200: JobView, ...errorResponses(404) } },
    config: { permission: 'token:mint' },
  }, async (request) => bulk.get(request.params.jobId, request.principal));

  api.post('/api/bulk/:jobId/cancel', {
    schema: { tags: TAGS, summary: 'Cancel a bulk job (its starter, owners, admins); what was minted stays downloadable by its starter', params: JobParams, querystring: NoQuery, body: Type.Optional(Type.Object({}, { additionalProperties: false })), response: { 200: JobView, ...errorResponses(404) } },
    config: { permission: 'token:mint' },
  }, async (request) => bulk.cancel(request.params.jobId, request.principal));

  api.get('/api/bulk/:jobId/results', {
    schema: {
      tags: TAGS,
      summary: 'Results as CSV or JSON (token, launch link, exp), streamed; for the user who started the job only',
      params: JobParams,
      querystring: Type.Object({ format: Type.Optional(Type.Enum(['csv', 'json'])) }, { additionalProperties: false }),
      response: { 200: Type.Any({ description: 'CSV (text/csv) or a JSON array, streamed' }), ...errorResponses(404, 409) },
    },
    config: { permission: 'token:mint' },
  }, async (request, reply) => {
    const format = request.query.format ?? 'csv';
    const stream = await bulk.results(request.params.jobId, format, request.principal);
    return reply
      .header('content-disposition', `attachment; filename="tokens-${request.params.jobId.slice(0, 8)}.${format}"`)
      .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
      .send(stream);
  });

  api.get('/api/quota', {
    schema: { tags: TAGS, summary: "Your tokens today against your role's daily limit, and your running bulk jobs", querystring: NoQuery, response: { 200: QuotaView, ...errorResponses() } },
    config: { permission: 'token:mint' },
  }, async (request) => bulk.quota(request.principal));
}
