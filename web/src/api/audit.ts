// The audit log: filtered pages, the CSV export, the hash-chain check and retention.
import type { AuditCsvQuery, AuditEntry, AuditListQuery, AuditRetention, AuditVerification } from '@server/contract/audit';
import { call, withQuery } from './client';

export const listAudit = (query: AuditListQuery = {}) => call<AuditEntry[]>('GET', '/api/audit', { query });
/** The link that downloads every matching row as CSV. */
export const auditCsvUrl = (query: AuditCsvQuery = {}) => withQuery('/api/audit.csv', query);
export const verifyAuditChain = () => call<AuditVerification>('GET', '/api/audit/verify');
export const getAuditRetention = () => call<AuditRetention>('GET', '/api/audit/settings');
export const setAuditRetention = (body: AuditRetention) => call<AuditRetention>('PUT', '/api/audit/settings', { body });
