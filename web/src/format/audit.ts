// How an audit row reads on screen: its one-line summary, its details as label/value pairs, a bulk group's line.
import type { AuditEntry } from '@server/contract/audit';

const SUMMARY_KEYS = ['email', 'name', 'role', 'jti', 'sub', 'via', 'latencyMs'] as const;
const number = new Intl.NumberFormat('en-US');

const text = (value: unknown): string =>
  typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value as string | number | boolean);

/** "email: a@b.c · via: bulk": the few detail fields that tell rows apart at a glance. */
export function auditSummary(row: AuditEntry): string {
  const bits: string[] = [];
  for (const key of SUMMARY_KEYS)
    if (row.detail[key] !== undefined && row.detail[key] !== null) bits.push(`${key}: ${text(row.detail[key])}`);
  return bits.join(' · ');
}

export interface DetailItem {
  label: string;
  value: string;
  /** Shown as preformatted JSON (mint parameters, before/after). */
  json: boolean;
}

/**
 * Everything stored with a row that a reader may want: the request it came from and its detail fields (the
 * server never stores secrets in them). Objects are pretty-printed JSON.
 */
export function auditDetails(row: AuditEntry, providerName: string): DetailItem[] {
  const items: DetailItem[] = [];
  const add = (label: string, value: unknown) => {
    if (value === undefined || value === null || value === '') return;
    const json = typeof value === 'object';
    items.push({ label, value: json ? JSON.stringify(value, null, 2) : text(value), json });
  };
  add('Time (UTC)', row.at);
  add('Target', row.target);
  add('Provider', providerName || row.providerId);
  add('IP address', row.ip);
  add('Request id', row.requestId);
  for (const [key, value] of Object.entries(row.detail)) add(key, value);
  add('Row', row.seq);
  add('Chain position', row.chainIndex);
  return items;
}

/** "Bulk mint: 1,000 tokens, 998 ok, 2 failed" (and how many are still waiting for their answer). */
export function bulkGroupText(group: NonNullable<AuditEntry['bulkGroup']>): string {
  const pending = group.pending ? `, ${number.format(group.pending)} pending` : '';
  const tokens = `${number.format(group.rows)} token${group.rows === 1 ? '' : 's'}`;
  return `Bulk mint: ${tokens}, ${number.format(group.ok)} ok, ${number.format(group.failed)} failed${pending}`;
}
