// Export of providers and credential metadata (never secrets), and import with the missing secrets.
import type { Static } from 'typebox';
import type { ExportResponseSchema, ImportBody, ImportReport } from '@server/contract/transfer';
import { call } from './client';

export const exportConfig = () => call<Static<typeof ExportResponseSchema>>('GET', '/api/export');
/** Checks (dryRun) or applies a file; a refused import is an ApiError import/rejected whose body has the report. */
export const importConfig = (body: ImportBody) => call<ImportReport>('POST', '/api/import', { body });
