// Security headers computed once at start-up and set on every response: helmet's set, with our CSP, for
// pages; a shorter, stricter set for JSON answers.
// @fastify/helmet rebuilds helmet's middleware, and re-parses the policy, on every request; the headers
// never change, so we ask helmet for them once and copy them onto each reply.
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The headers helmet would set with these options, as a plain object. */
export function securityHeaders(options: Readonly<HelmetOptions>): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: unknown;
  helmet(options)({} as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => {
    failure = err;
  });
  if (failure) throw failure as Error;
  return headers;
}

/**
 * JSON answers (the console API and the emulator) carry the headers the OWASP REST Security Cheat Sheet
 * lists for APIs, with a policy under which nothing in them may load, run or be framed. helmet's other
 * headers (DNS prefetch, download options, XSS auditor, origin-agent-cluster, ...) only concern pages.
 */
export function apiSecurityHeaders(pageHeaders: Readonly<Record<string, string>>): Record<string, string> {
  const headers: Record<string, string> = {
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
  };
  const hsts = pageHeaders['strict-transport-security'];
  if (hsts) headers['strict-transport-security'] = hsts;
  return headers;
}

/** Paths whose answers are JSON for programs, not pages. */
const API_PREFIXES = ['/api/', '/emulator/'];

export function installSecurityHeaders(app: FastifyInstance, options: Readonly<HelmetOptions>): void {
  const page = securityHeaders(options);
  const api = apiSecurityHeaders(page);
  app.addHook('onRequest', (request, reply, done) => {
    const url = request.url;
    reply.headers(API_PREFIXES.some((prefix) => url.startsWith(prefix)) ? api : page);
    done();
  });
}
