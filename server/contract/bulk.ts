// Bulk mints: N tokens from a template or CSV rows, their progress and results, and the daily quota.
import { Type, type Static } from 'typebox';
import { BULK_MAX } from '../frame/bulk-template.js';
import { Uuid } from './common.js';
import { TokenTemplateSchema } from './tokens.js';

export const DEFAULT_BULK_CONCURRENCY = 8;
export const MAX_BULK_CONCURRENCY = 32;

export const BULK_JOB_STATES = ['running', 'done', 'cancelled', 'revoked', 'failed'] as const;

export const BulkJobViewSchema = Type.Object({
  id: Type.String(),
  providerId: Type.String(),
  state: Type.Enum(BULK_JOB_STATES, {
    description:
      'revoked: stopped because its owner lost the right to mint on the provider, the provider was deleted or its credential set changed (secret, upstream, client id)',
  }),
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
  /** The first failures, with their row and reason. */
  failures: Type.Array(Type.Object({ row: Type.Integer(), error: Type.String(), message: Type.String() })),
});
export type BulkJobView = Static<typeof BulkJobViewSchema>;

/** GET /api/bulk-jobs: past and running jobs, newest first; optionally of one provider. */
export const BulkJobListQuerySchema = Type.Object({ providerId: Type.Optional(Uuid('Provider id')) }, { additionalProperties: false });
export type BulkJobListQuery = Static<typeof BulkJobListQuerySchema>;

/** One job in the list: what it was, how it went, and whether its results can still be downloaded (never a token). */
export const BulkJobSummarySchema = Type.Object({
  id: Type.String(),
  providerId: Type.String(),
  providerName: Type.String({ description: "The provider's label (its description, else its Frame name) when the job started" }),
  startedBy: Type.String({ description: 'Email of the user who started it' }),
  startedAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  state: BulkJobViewSchema.properties.state,
  total: Type.Integer(),
  done: Type.Integer(),
  ok: Type.Integer(),
  failed: Type.Integer(),
  results: Type.Object({
    kept: Type.Boolean({ description: 'The results file still exists (false once the retention has passed)' }),
    expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'When the results are deleted (BULK_RESULTS_RETENTION_MINUTES after the job ended); null while it runs',
    }),
    downloadable: Type.Boolean({
      description: 'Whether the caller may download them now: they started the job, it has ended and the results are kept',
    }),
  }),
});
export type BulkJobSummary = Static<typeof BulkJobSummarySchema>;
export const BulkJobListSchema = Type.Array(BulkJobSummarySchema);

export const BulkJobParamsSchema = Type.Object({ jobId: Uuid('Bulk job id') }, { additionalProperties: false });
export type BulkJobParams = Static<typeof BulkJobParamsSchema>;

export const StartBulkBodySchema = Type.Object(
  {
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: BULK_MAX })),
    template: Type.Optional(TokenTemplateSchema),
    csv: Type.Optional(Type.String({ maxLength: 4 * 1024 * 1024, description: 'Header of field names, then one row per token' })),
    concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_BULK_CONCURRENCY, default: DEFAULT_BULK_CONCURRENCY })),
    launchLink: Type.Optional(Type.String({ maxLength: 2000, description: 'Launch or Launchpad link to add #token=… to, per token' })),
    quitAndLogout: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type StartBulkBody = Static<typeof StartBulkBodySchema>;

export const BulkResultsQuerySchema = Type.Object({ format: Type.Optional(Type.Enum(['csv', 'json'])) }, { additionalProperties: false });
export type BulkResultsQuery = Static<typeof BulkResultsQuerySchema>;

/** GET /api/bulk/:jobId/results: CSV or a JSON array of { token, launch link, exp }, streamed. */
export const BulkResultsSchema = Type.Any({ description: 'CSV (text/csv) or a JSON array, streamed' });

const Count = Type.Integer({ minimum: 0 });
/** A user's tokens today against their role's daily limit. */
export const QuotaTokensSchema = Type.Object({
  used: Type.Integer({ minimum: 0, description: 'Minted today, in the Playground and in bulk' }),
  reserved: Type.Integer({ minimum: 0, description: 'Held by running bulk jobs for the rows they have not minted yet' }),
  limit: Type.Union([Count, Type.Null()], { description: "The role's daily limit; null: none" }),
  remaining: Type.Union([Count, Type.Null()]),
});

const Day = Type.String({ description: 'The UTC day counted, YYYY-MM-DD' });
const ResetsAt = Type.String({ format: 'date-time' });

/** GET /api/quota: what the Bulk panel shows, e.g. "Today 1,234 of 20,000 tokens · 1 of 2 jobs running". */
export const QuotaViewSchema = Type.Object({
  day: Day,
  resetsAt: ResetsAt,
  tokens: QuotaTokensSchema,
  jobs: Type.Object({ running: Count, limit: Type.Integer({ minimum: 1, description: 'Bulk jobs one user may run at once' }) }),
});
export type QuotaView = Static<typeof QuotaViewSchema>;

/** The quota's count for one user and day (UTC): QuotaView's tokens with their day. */
export const TokenUsageSchema = Type.Object({ day: Day, resetsAt: ResetsAt, ...QuotaTokensSchema.properties });
export type TokenUsage = Static<typeof TokenUsageSchema>;
