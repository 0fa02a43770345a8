import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errorResponses } from '../http/errors.js';
import type { Services } from '../services/container.js';
import { NoQuerySchema } from '../contract/common.js';
import { ExportResponseSchema, ImportBodySchema, ImportReportSchema } from '../contract/transfer.js';

const TAGS = ['import and export'];
export const IMPORT_BODY_LIMIT = 8 * 1024 * 1024;

export async function transferRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { transfer, audit } = opts.services;

  api.get(
    '/api/export',
    {
      schema: {
        tags: TAGS,
        summary: 'Export providers and credential-set metadata as JSON (never secrets)',
        querystring: NoQuerySchema,
        response: { 200: ExportResponseSchema, ...errorResponses() },
      },
      config: { permission: 'config:export' },
    },
    async (_request, reply) => {
      const file = await audit.around(
        { action: 'config.exported' },
        () => transfer.exportAll(),
        (f) => ({ credentialSets: f.credentialSets.length, providers: f.providers.length }),
      );
      const stamp = file.exportedAt.slice(0, 19).replace(/[:T]/g, '-');
      return reply.header('content-disposition', `attachment; filename="sat-playground-${stamp}.json"`).send(file);
    },
  );

  api.post(
    '/api/import',
    {
      // Export files of a few thousand providers outgrow the default 64 KiB limit.
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags: TAGS,
        summary: 'Import an export file: every row is checked first, then all rows are applied or none',
        querystring: NoQuerySchema,
        body: ImportBodySchema,
        response: { 200: ImportReportSchema, ...errorResponses(413, 415, 422) },
      },
      config: { permission: 'config:import' },
    },
    async (request) => {
      const dryRun = request.body.dryRun ?? false;
      const run = () => transfer.importAll(request.body.file, request.body.secrets ?? {}, dryRun);
      // A dry run changes nothing and is not an action on record.
      return dryRun
        ? run()
        : audit.around({ action: 'config.imported' }, run, (r) => ({
            applied: r.applied,
            added: r.added,
            updated: r.updated,
            rejected: r.rejected,
          }));
    },
  );
}
