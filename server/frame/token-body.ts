// The token request body: Frame's optional fields and the rules we hold them to. One source of truth:
// validateTokenBody (emulator, SPA) and the TypeBox schema in token-body-schema.ts (console API, OpenAPI)
// both read TOKEN_FIELD_RULES. Frame does not document limits; ours are listed in docs/emulator.md.
// Browser-safe: no Node or schema-library imports.
import { MAX_JSON_DEPTH, nestedDeeperThan } from './json-depth.js';

export const TOKEN_FIELDS = ['first_name', 'last_name', 'email', 'email_domain', 'metadata'] as const;
export type TokenField = (typeof TOKEN_FIELDS)[number];

export const TOKEN_FIELD_RULES = {
  first_name: { maxLength: 256, description: 'First name of the anonymous user, e.g. "John".' },
  last_name: { maxLength: 256, description: 'Last name of the anonymous user, e.g. "Smith".' },
  email: {
    maxLength: 254,
    pattern: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$',
    description: 'Email of the anonymous user; the unique user identifier for Named-User subscriptions.',
  },
  email_domain: {
    maxLength: 253,
    pattern: '^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$',
    description: 'Domain used to build an anonymous email address when no email is given.',
  },
  metadata: {
    maxBytes: 16384,
    description: 'Free-form JSON object, retrievable later through /me/assertions.',
  },
} as const;

export interface TokenRequestBody {
  first_name?: string;
  last_name?: string;
  email?: string;
  email_domain?: string;
  metadata?: Record<string, unknown>;
}

export interface FieldIssue {
  field: string;
  message: string;
}

export type BodyCheck = { ok: true; value: TokenRequestBody } | { ok: false; issues: FieldIssue[] };

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function checkString(field: 'first_name' | 'last_name' | 'email' | 'email_domain', value: unknown): string | null {
  const rule = TOKEN_FIELD_RULES[field];
  if (typeof value !== 'string') return `${field} must be a string, got ${typeName(value)}`;
  if (value.length > rule.maxLength) return `${field} must be at most ${rule.maxLength} characters (got ${value.length})`;
  if ('pattern' in rule && !new RegExp(rule.pattern).test(value)) {
    return field === 'email'
      ? `email must look like name@example.com (got "${value.slice(0, 64)}")`
      : `email_domain must be a domain name such as example.com (got "${value.slice(0, 64)}")`;
  }
  return null;
}

function checkMetadata(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return `metadata must be a JSON object such as {"language": "EN"}, got ${typeName(value)}`;
  }
  const bytes = new TextEncoder().encode(JSON.stringify(value)).length;
  if (bytes > TOKEN_FIELD_RULES.metadata.maxBytes) {
    return `metadata must be at most ${TOKEN_FIELD_RULES.metadata.maxBytes} bytes as JSON (got ${bytes})`;
  }
  return null;
}

/** Said of a field that nests too deeply, before anything measures or copies it (both recurse). */
function tooDeep(field: string): string {
  return `${field} is nested too deeply: a token body may have at most ${MAX_JSON_DEPTH} levels of objects and arrays, the body itself being the first`;
}

/**
 * Checks a parsed JSON body against Frame's field list; every problem is reported, not just the first. A
 * body may come from anywhere (the emulator's own parser, a CSV cell, a form field), so nesting is checked
 * here too, first: a field nested too deeply is refused without being looked into further.
 */
export function validateTokenBody(input: unknown): BodyCheck {
  if (input === undefined || input === null) return { ok: true, value: {} };
  if (typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, issues: [{ field: '(body)', message: `the body must be a JSON object, got ${typeName(input)}` }] };
  }
  const issues: FieldIssue[] = [];
  const body = input as Record<string, unknown>;
  // The body is the first level, so each field may nest one level less.
  const deep = new Set(Object.keys(body).filter((key) => nestedDeeperThan(body[key], MAX_JSON_DEPTH - 1)));
  for (const key of Object.keys(body)) {
    if (!(TOKEN_FIELDS as readonly string[]).includes(key)) {
      issues.push({ field: key, message: `unknown field "${key}"; allowed fields are ${TOKEN_FIELDS.join(', ')}` });
    }
  }
  for (const field of TOKEN_FIELDS) {
    const value = body[field];
    if (value === undefined || deep.has(field)) continue;
    const problem = field === 'metadata' ? checkMetadata(value) : checkString(field, value);
    if (problem) issues.push({ field, message: problem });
  }
  for (const key of deep) issues.push({ field: key, message: tooDeep(key) });
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, value: body as TokenRequestBody };
}

/** Drops empty strings and absent metadata, so a form's blank inputs are not sent. */
export function compactTokenBody(body: TokenRequestBody): TokenRequestBody {
  const out: TokenRequestBody = {};
  for (const field of TOKEN_FIELDS) {
    const value = body[field];
    if (value === undefined || value === '') continue;
    (out as Record<string, unknown>)[field] = value;
  }
  return out;
}
