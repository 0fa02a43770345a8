// The audit log: filtered pages, CSV export, chain verification and the retention setting.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errorResponses } from '../http/errors.js';
import type { Services } from '../services/container.js';
import type { AuditQuery, AuditRow } from '../services/audit.js';
import { NoQuerySchema } from '../contract/common.js';
import {
  AuditCsvQuerySchema,
  AuditCsvSchema,
  AuditListQuerySchema,
  AuditListSchema,
  AuditRetentionSchema,
  AuditVerificationSchema,
  type AuditCsvQuery,
  type AuditEntry,
} from '../contract/audit.js';
import { csvStream, type CsvColumn } from '../export/csv.js';

const TAGS = ['audit'];

const CSV_FIELDS = [
  'seq',
  'at',
  'actor',
  'action',
  'target',
  'providerId',
  'outcome',
  'detail',
  'requestId',
  'ip',
  'chainIndex',
  'hash',
] as const;
const CSV_COLUMNS: readonly CsvColumn<AuditRow>[] = CSV_FIELDS.map((field) => ({
  header: field,
  cell: (row: AuditRow) => (field === 'at' ? toDate(row) : row[field]),
}));

function toDate(row: { at: string }): string {
  return new Date(row.at.replace(/\+00:00$/, 'Z')).toISOString();
}

function toQuery(q: AuditCsvQuery & { group?: 'bulk' | undefined; before?: string | undefined; limit?: string | undefined }): AuditQuery {
  return { ...q, before: q.before ? Number(q.before) : undefined, limit: q.limit ? Number(q.limit) : undefined };
}

export async function auditRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { audit } = opts.services;

  api.get(
    '/api/audit',
    {
      schema: {
        tags: TAGS,
        summary: 'Audit rows, newest first, filtered and paged',
        querystring: AuditListQuerySchema,
        response: { 200: AuditListSchema, ...errorResponses() },
      },
      config: { permission: 'audit:read' },
    },
    async (request) =>
      (await audit.list(toQuery(request.query))).map(({ bulkGroup, ...r }): AuditEntry => ({
        ...r,
        at: toDate(r),
        detail: JSON.parse(r.detail) as Record<string, unknown>,
        ...(bulkGroup ? { bulkGroup: { ...bulkGroup, firstAt: toDate({ at: bulkGroup.firstAt }) } } : {}),
      })),
  );

  api.get(
    '/api/audit.csv',
    {
      schema: {
        tags: TAGS,
        summary: 'Every matching row as CSV, oldest first',
        querystring: AuditCsvQuerySchema,
        response: { 200: AuditCsvSchema, ...errorResponses() },
      },
      config: { permission: 'audit:read' },
    },
    async (request, reply) => {
      // Streamed: the rows are read a chunk at a time as the download goes.
      const csv = csvStream(CSV_COLUMNS, audit.iterate(toQuery(request.query)));
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="audit.csv"')
        .send(csv);
    },
  );

  api.get(
    '/api/audit/verify',
    {
      schema: {
        tags: TAGS,
        summary: 'Recompute the hash chain over every completed row',
        querystring: NoQuerySchema,
        response: {
          200: AuditVerificationSchema,
          ...errorResponses(),
        },
      },
      config: { permission: 'audit:read' },
    },
    async () => audit.verify(),
  );

  api.get(
    '/api/audit/settings',
    {
      schema: {
        tags: TAGS,
        summary: 'Audit retention',
        querystring: NoQuerySchema,
        response: { 200: AuditRetentionSchema, ...errorResponses() },
      },
      config: { permission: 'audit:read' },
    },
    async () => ({ retentionDays: await audit.retentionDays() }),
  );

  api.put(
    '/api/audit/settings',
    {
      schema: {
        tags: TAGS,
        summary: 'Set audit retention (owner)',
        querystring: NoQuerySchema,
        body: AuditRetentionSchema,
        response: { 200: AuditRetentionSchema, ...errorResponses(413, 415) },
      },
      config: { permission: 'audit:manage' },
    },
    async (request) => {
      await audit.setRetentionDays(request.body.retentionDays);
      await audit.purge();
      return { retentionDays: request.body.retentionDays };
    },
  );
}
