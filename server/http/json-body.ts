// Our JSON body parser: says where the JSON is broken, and refuses prototype-poisoning keys and nesting
// deeper than MAX_JSON_DEPTH (the token bodies' limit too) with a 400.
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../errors.js';
import { MAX_JSON_DEPTH, nestedDeeperThan } from '../frame/json-depth.js';

/** Recursive, so called only on a value already known to nest at most MAX_JSON_DEPTH levels. */
function findForbiddenKey(value: unknown): string | null {
  if (value === null || typeof value !== 'object') return null;
  for (const key of Object.keys(value)) {
    if (key === '__proto__') return 'a "__proto__" key';
    const child = (value as Record<string, unknown>)[key];
    if (key === 'constructor' && child && typeof child === 'object' && 'prototype' in child) return 'a "constructor.prototype" key';
    const found = findForbiddenKey(child);
    if (found) return found;
  }
  return null;
}

function findForbidden(value: unknown): string | null {
  if (nestedDeeperThan(value, MAX_JSON_DEPTH)) return `nesting deeper than ${MAX_JSON_DEPTH} levels of objects and arrays`;
  return findForbiddenKey(value);
}

export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new DomainError(
      'request/malformed_json',
      `The body is not valid JSON: ${(err as Error).message}. Send a JSON object such as {}.`,
    );
  }
  return refuseForbiddenKeys(value);
}

/** The same refusal for a body read another way (the token broker's form bodies). */
export function refuseForbiddenKeys<T>(value: T): T {
  const forbidden = findForbidden(value);
  if (forbidden) throw new DomainError('request/invalid', `The body contains ${forbidden}, which is not allowed.`);
  return value;
}

export function installJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}
