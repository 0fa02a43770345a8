// Export and import of providers and credential-set metadata (never secrets).
import { Type, type Static } from 'typebox';
import { Uuid } from './common.js';
import { CredentialFields, EntityLevelSchema, ProviderFields } from './fields.js';

export const EXPORT_FORMAT = 'sat-playground/export';
export const EXPORT_VERSION = 1;

/** One credential set of an export file; each row is checked with this on import. */
export const ExportedCredentialSchema = Type.Object(
  {
    name: CredentialFields.name,
    clientId: CredentialFields.clientId,
    upstreamUrl: CredentialFields.upstreamUrl,
    entityLevel: Type.Union([EntityLevelSchema, Type.Null()]),
    entityId: Type.Union([Uuid(), Type.Null()]),
    notes: CredentialFields.notes,
    secretFingerprint: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type ExportedCredential = Static<typeof ExportedCredentialSchema>;

export const ExportedProviderSchema = Type.Object(
  {
    name: ProviderFields.name,
    description: ProviderFields.description,
    tokenDurationMin: ProviderFields.tokenDurationMin,
    entityLevel: ProviderFields.entityLevel,
    entityId: ProviderFields.entityId,
    tags: ProviderFields.tags,
    credentialSet: Type.String({ ...CredentialFields.name, description: 'Name of the credential set' }),
  },
  { additionalProperties: false },
);
export type ExportedProvider = Static<typeof ExportedProviderSchema>;

// Rows stay unknown here: each is checked on its own, so one bad row is reported, not the whole file refused.
export const ExportFileSchema = Type.Object(
  {
    format: Type.Literal(EXPORT_FORMAT),
    version: Type.Literal(EXPORT_VERSION),
    exportedAt: Type.String(),
    credentialSets: Type.Array(Type.Unknown(), { maxItems: 1000 }),
    providers: Type.Array(Type.Unknown(), { maxItems: 10000 }),
  },
  { additionalProperties: false },
);
export type ExportFile = Static<typeof ExportFileSchema>;

/** GET /api/export, as the serializer writes it (a looser shape than the file an import accepts). */
export const ExportResponseSchema = Type.Object({
  format: Type.String(),
  version: Type.Integer(),
  exportedAt: Type.String(),
  credentialSets: Type.Array(Type.Unknown()),
  providers: Type.Array(Type.Unknown()),
});
export type ExportResponse = Static<typeof ExportResponseSchema>;

export const ImportBodySchema = Type.Object(
  {
    file: ExportFileSchema,
    secrets: Type.Optional(
      Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 512 }), {
        description: 'Client secret per credential set name (write-only)',
      }),
    ),
    dryRun: Type.Optional(Type.Boolean({ description: 'Check and report only' })),
  },
  { additionalProperties: false },
);
export type ImportBody = Static<typeof ImportBodySchema>;

export const ImportRowSchema = Type.Object({
  kind: Type.String(),
  key: Type.String(),
  action: Type.String(),
  reason: Type.Optional(Type.String()),
});
export type ImportRow = Static<typeof ImportRowSchema>;

/** POST /api/import; also the `report` of an import/rejected error. */
export const ImportReportSchema = Type.Object({
  applied: Type.Boolean(),
  added: Type.Integer(),
  updated: Type.Integer(),
  rejected: Type.Integer(),
  rows: Type.Array(ImportRowSchema),
});
export type ImportReport = Static<typeof ImportReportSchema>;
