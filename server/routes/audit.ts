// The audit log: filtered pages, CSV export, chain verification and the retention setting.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { errorResponses } from '../http/errors.js';
import type { Services } from '../services/container.js';
import type { AuditQuery, AuditRow } from '../services/audit.js';
import { NoQuery, Uuid } from './common.js';
import { csvText, type CsvColumn } from '../export/csv.js';

const TAGS = ['audit'];

const Filters = {
  actor: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
  action: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  providerId: Type.Optional(Uuid('Provider id')),
  outcome: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
};
const ListQuery = Type.Object(
  { ...Filters, before: Type.Optional(Type.String({ pattern: '^[1-9]\\d{0,15}$', description: 'Page: rows with seq below this' })), limit: Type.Optional(Type.String({ pattern: '^(?:[1-9]\\d?|[1-4]\\d\\d|500)$', description: '1 to 500 (default 100)' })) },
  { additionalProperties: false },
);
const CsvQuery = Type.Object(Filters, { additionalProperties: false });

const AuditEntry = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  actor: Type.String(),
  action: Type.String(),
  target: Type.Union([Type.String(), Type.Null()]),
  providerId: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.String(),
  detail: Type.Object({}, { additionalProperties: true }),
  requestId: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  chainIndex: Type.Union([Type.Integer(), Type.Null()]),
  hash: Type.Union([Type.String(), Type.Null()]),
});

const CSV_FIELDS = ['seq', 'at', 'actor', 'action', 'target', 'providerId', 'outcome', 'detail', 'requestId', 'ip', 'chainIndex', 'hash'] as const;
const CSV_COLUMNS: readonly CsvColumn<AuditRow>[] = CSV_FIELDS.map((field) => ({ header: field, cell: (row: AuditRow) => (field === 'at' ? toDate(row) : row[field]) }));

function toDate(row: AuditRow): string {
  return new Date(row.at.replace(/\+00:00$/, 'Z')).toISOString();
}

function toQuery(q: Static<typeof CsvQuery> & { before?: string; limit?: string }): AuditQuery {
  return { ...q, before: q.before ? Number(q.before) : undefined, limit: q.limit ? Number(q.limit) : undefined };
}

export async function auditRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { audit } = opts.services;

  api.get('/api/audit', {
    schema: { tags: TAGS, summary: 'Audit rows, newest first, filtered and paged', querystring: ListQuery, response: { 200: Type.Array(AuditEntry), ...errorResponses() } },
    config: { permission: 'audit:read' },
  }, async (request) => (await audit.list(toQuery(request.query))).map((r) => ({ ...r, at: toDate(r), detail: JSON.parse(r.detail) as Record<string, unknown> })));

  api.get('/api/audit.csv', {
    schema: { tags: TAGS, summary: 'Every matching row as CSV, oldest first', querystring: CsvQuery, response: { 200: Type.String(), ...errorResponses() } },
    config: { permission: 'audit:read' },
  }, async (request, reply) => {
    // Read to the end at once: the rows come from a statement on the connection every audit write uses.
    const csv = csvText(CSV_COLUMNS, audit.iterate(toQuery(request.query)));
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="audit.csv"').send(csv);
  });

  api.get('/api/audit/verify', {
    schema: {
      tags: TAGS,
      summary: 'Recompute the hash chain over every completed row',
      querystring: NoQuery,
      response: {
        200: Type.Object({ ok: Type.Boolean(), checked: Type.Integer(), pending: Type.Integer(), anchoredAt: Type.Union([Type.Integer(), Type.Null()]), brokenAt: Type.Union([Type.Integer(), Type.Null()]), problem: Type.Union([Type.String(), Type.Null()]) }),
        ...errorResponses(),
      },
    },
    config: { permission: 'audit:read' },
  }, async () => audit.verify());

  const Retention = Type.Object({ retentionDays: Type.Integer({ minimum: 0, maximum: 36_500, description: 'Days to keep audit rows; 0 keeps them forever' }) }, { additionalProperties: false });
  api.get('/api/audit/settings', {
    schema: { tags: TAGS, summary: 'Audit retention', querystring: NoQuery, response: { 200: Retention, ...errorResponses() } },
    config: { permission: 'audit:read' },
  }, async () => ({ retentionDays: await audit.retentionDays() }));

  api.put('/api/audit/settings', {
    schema: { tags: TAGS, summary: 'Set audit retention (owner)', querystring: NoQuery, body: Retention, response: { 200: Retention, ...errorResponses(413, 415) } },
    config: { permission: 'audit:manage' },
  }, async (request) => {
    await audit.setRetentionDays(request.body.retentionDays);
    await audit.purge();
    return { retentionDays: request.body.retentionDays };
  });
}
