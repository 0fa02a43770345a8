// The Host header is checked on every request (DNS rebinding: a page on attacker.example whose name is made
// to resolve to 127.0.0.1 reaches a loopback console with "Host: attacker.example"). The console answers to
// the names in PUBLIC_URL and to this machine's own loopback names; without PUBLIC_URL, a console listening on
// loopback answers to loopback names only, and one listening on another address answers to any name (and
// says at start that PUBLIC_URL should be set).
import type { FastifyInstance } from 'fastify';
import type { ErrorCode } from '../contract/errors.js';
import { HTTP_STATUS } from './errors.js';

const BAD_HOST: ErrorCode = 'request/bad_host';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export interface HostPolicy {
  /** Host names (lower case, without port) the console answers to, or 'any'. */
  names: ReadonlySet<string> | 'any';
}

function isLoopbackListen(host: string): boolean {
  return LOOPBACK_NAMES.has(host.toLowerCase()) || /^127\./.test(host);
}

/** The policy for a console listening on `listenHost` with these public URLs. */
export function hostPolicy(publicUrls: readonly string[], listenHost: string): HostPolicy {
  if (publicUrls.length === 0 && !isLoopbackListen(listenHost)) return { names: 'any' };
  return { names: new Set([...LOOPBACK_NAMES, ...publicUrls.map((u) => new URL(u).hostname.toLowerCase())]) };
}

/** PUBLIC_URL: comma-separated http(s) URLs the console is reached at; throws a message naming the bad one. */
export function parsePublicUrls(raw: string | undefined): string[] {
  if (!raw?.trim()) return [];
  return raw.split(',').map((text) => {
    let url: URL;
    try {
      url = new URL(text.trim());
    } catch {
      throw new Error(`PUBLIC_URL: "${text.trim()}" is not a URL such as https://sat.example.com`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`PUBLIC_URL: "${text.trim()}" must be an http or https URL`);
    return url.origin;
  });
}

/** Whether a request's host (from Host, or X-Forwarded-Host behind a trusted proxy) may be served. */
export function hostAllowed(policy: HostPolicy, hostname: string): boolean {
  if (policy.names === 'any') return true;
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return policy.names.has(name) || /^127\.\d+\.\d+\.\d+$/.test(name);
}

export function installHostCheck(app: FastifyInstance, policy: HostPolicy): void {
  if (policy.names === 'any') return;
  // Answered here, before any route's own error handling (the emulator's answers in Frame's shape).
  // A callback hook, not an async one: it runs on every request, and most pass.
  app.addHook('onRequest', (request, reply, done) => {
    if (hostAllowed(policy, request.hostname)) return done();
    const message = `This console does not answer to "${request.hostname.slice(0, 100)}". If that is its address, add it to PUBLIC_URL.`;
    reply.errorCode = BAD_HOST;
    reply
      .status(HTTP_STATUS[BAD_HOST])
      .header('cache-control', 'no-store')
      .header('x-request-id', request.id)
      .send({ statusCode: HTTP_STATUS[BAD_HOST], error: BAD_HOST, message, requestId: String(request.id) });
  });
}
