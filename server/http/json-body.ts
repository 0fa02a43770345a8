// Our JSON body parser: says where the JSON is broken, and refuses prototype-poisoning keys with a 400.
import type { FastifyInstance } from 'fastify';
import { AppError } from './errors.js';

const MAX_DEPTH = 32;

function findForbidden(value: unknown, depth: number): string | null {
  if (depth > MAX_DEPTH) return `nesting deeper than ${MAX_DEPTH} levels`;
  if (value === null || typeof value !== 'object') return null;
  for (const key of Object.keys(value)) {
    if (key === '__proto__') return 'a "__proto__" key';
    const child = (value as Record<string, unknown>)[key];
    if (key === 'constructor' && child && typeof child === 'object' && 'prototype' in child) return 'a "constructor.prototype" key';
    const found = findForbidden(child, depth + 1);
    if (found) return found;
  }
  return null;
}

export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new AppError('request/malformed_json', `The body is not valid JSON: ${(err as Error).message}. Send a JSON object such as {}.`);
  }
  return refuseForbiddenKeys(value);
}

/** The same refusal for a body read another way (the token broker's form bodies). */
export function refuseForbiddenKeys<T>(value: T): T {
  const forbidden = findForbidden(value, 0);
  if (forbidden) throw new AppError('request/invalid', `The body contains ${forbidden}, which is not allowed.`);
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
