// The audit log: filtered pages, CSV export, hash-chain verification and retention.
import { Type, type Static } from 'typebox';
import { JsonObject, Uuid } from './common.js';

/** The text filters match a part of the value, in any case ("sam" finds samantha@example.com). */
const Filters = {
  actor: Type.Optional(Type.String({ minLength: 1, maxLength: 300, description: 'Part of the actor, any case' })),
  action: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Part of the action, any case' })),
  providerId: Type.Optional(Uuid('Provider id')),
  outcome: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Part of the outcome, any case' })),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  jobId: Type.Optional(Uuid("A bulk job's id: the rows of that job (start, tokens, cancel, downloads)")),
};

export const AuditListQuerySchema = Type.Object(
  {
    ...Filters,
    group: Type.Optional(
      Type.Enum(['bulk'], { description: "bulk: each bulk job's token rows as one row (its newest) with the job's counts in bulkGroup" }),
    ),
    before: Type.Optional(Type.String({ pattern: '^[1-9]\\d{0,15}$', description: 'Page: rows with seq below this' })),
    limit: Type.Optional(Type.String({ pattern: '^(?:[1-9]\\d?|[1-4]\\d\\d|500)$', description: '1 to 500 (default 100)' })),
  },
  { additionalProperties: false },
);
export type AuditListQuery = Static<typeof AuditListQuerySchema>;

/** GET /api/audit.csv: the same filters, every matching row. */
export const AuditCsvQuerySchema = Type.Object(Filters, { additionalProperties: false });
export type AuditCsvQuery = Static<typeof AuditCsvQuerySchema>;

export const AuditEntrySchema = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  actor: Type.String(),
  action: Type.String(),
  target: Type.Union([Type.String(), Type.Null()]),
  providerId: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.String(),
  detail: JsonObject(),
  requestId: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  chainIndex: Type.Union([Type.Integer(), Type.Null()]),
  hash: Type.Union([Type.String(), Type.Null()]),
  /** With group=bulk, on the row that stands for a bulk job's token rows. */
  bulkGroup: Type.Optional(
    Type.Object({
      jobId: Type.String(),
      rows: Type.Integer({ description: 'Token rows of the job that match the filters' }),
      ok: Type.Integer(),
      failed: Type.Integer(),
      pending: Type.Integer({ description: 'Mints still waiting for their answer' }),
      firstAt: Type.String({ description: 'When its first row was written' }),
    }),
  ),
});
export type AuditEntry = Static<typeof AuditEntrySchema>;
export const AuditListSchema = Type.Array(AuditEntrySchema);

/** GET /api/audit.csv: every matching row, oldest first, streamed (a failure mid-way cuts the download short). */
export const AuditCsvSchema = Type.Any({ description: 'CSV (text/csv), streamed' });

/** GET /api/audit/verify. */
export const AuditVerificationSchema = Type.Object({
  ok: Type.Boolean(),
  checked: Type.Integer(),
  pending: Type.Integer(),
  anchoredAt: Type.Union([Type.Integer(), Type.Null()]),
  brokenAt: Type.Union([Type.Integer(), Type.Null()]),
  problem: Type.Union([Type.String(), Type.Null()]),
});
export type AuditVerification = Static<typeof AuditVerificationSchema>;

/** GET and PUT /api/audit/settings. */
export const AuditRetentionSchema = Type.Object(
  { retentionDays: Type.Integer({ minimum: 0, maximum: 36_500, description: 'Days to keep audit rows; 0 keeps them forever' }) },
  { additionalProperties: false },
);
export type AuditRetention = Static<typeof AuditRetentionSchema>;
