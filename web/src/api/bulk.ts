// Bulk mint jobs and the daily quota they count against.
import type { BulkJobListQuery, BulkJobSummary, BulkJobView, BulkResultsQuery, QuotaView, StartBulkBody } from '@server/contract/bulk';
import { call, path, withQuery } from './client';

export const getQuota = () => call<QuotaView>('GET', '/api/quota');
export const startBulkJob = (providerId: string, body: StartBulkBody) =>
  call<BulkJobView>('POST', path`/api/providers/${providerId}/bulk`, { body });
/** Your bulk jobs, newest first (everyone's for an audit reader), with whether their results are still kept. */
export const listBulkJobs = (query: BulkJobListQuery = {}) => call<BulkJobSummary[]>('GET', '/api/bulk-jobs', { query });
export const getBulkJob = (jobId: string) => call<BulkJobView>('GET', path`/api/bulk/${jobId}`);
export const cancelBulkJob = (jobId: string) => call<BulkJobView>('POST', path`/api/bulk/${jobId}/cancel`, { body: {} });
/** The link that downloads a job's results: the browser streams the file itself. */
export const bulkResultsUrl = (jobId: string, format: NonNullable<BulkResultsQuery['format']>) =>
  withQuery(path`/api/bulk/${jobId}/results`, { format });
