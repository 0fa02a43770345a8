// Bulk parameters: a template whose strings may hold {n} (1-based row number). Pure and browser-safe; rows
// from a CSV file are read by services/bulk-csv.ts.
import type { TokenRequestBody } from './token-body.js';

export const BULK_MAX = 10_000;

function fill(value: unknown, n: number): unknown {
  if (typeof value === 'string') return value.replace(/\{n\}/g, String(n));
  if (Array.isArray(value)) return value.map((v) => fill(v, n));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, n)]));
  return value;
}

/** The body of row n (1-based) from a template. */
export function bodyFromTemplate(template: TokenRequestBody, n: number): TokenRequestBody {
  return fill(template, n) as TokenRequestBody;
}
