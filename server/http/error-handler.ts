// One place maps errors to HTTP: DomainError as it says, validation and parser errors as 4xx with a message a
// person can act on, everything else as a generic 500 with the request id (details go to the log only).
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../errors.js';
import type { ErrorCode, FieldError } from '../contract/errors.js';
import { HTTP_STATUS } from './errors.js';
import { PROVIDER_NAME_PATTERN, UUID_PATTERN } from '../frame/entity.js';
import { discardBeforeErrorAnswer } from './discard-body.js';

declare module 'fastify' {
  interface FastifyReply {
    /** The error code this reply carries, for the metrics. */
    errorCode: string | null;
  }
}

function send(
  reply: FastifyReply,
  request: FastifyRequest,
  status: number,
  code: ErrorCode | string,
  message: string,
  fields?: FieldError[],
  extra?: Record<string, unknown>,
) {
  reply.errorCode = code;
  if (typeof extra?.retryAfterSeconds === 'number') reply.header('retry-after', String(extra.retryAfterSeconds));
  return reply
    .status(status)
    .send({ statusCode: status, error: code, message, requestId: String(request.id), ...(fields ? { fields } : {}), ...extra });
}

/** Patterns a person cannot read, said in words. */
const PATTERN_MESSAGES: Record<string, string> = {
  [UUID_PATTERN]: 'must be a UUID such as 123e4567-e89b-42d3-a456-426614174000',
  [PROVIDER_NAME_PATTERN]: 'must be secure-anon-<uuid>, as Frame names providers',
  '\\S': 'must not be blank',
  '^\\S+$': 'must not contain spaces',
  '^[\\x21-\\x7e]+$': 'must be printable ASCII without spaces (it is sent as an HTTP header)',
};

function fieldOf(instancePath: string, params: Record<string, unknown>): string {
  const path = instancePath.replace(/^\//, '').replace(/\//g, '.');
  const missing = typeof params.missingProperty === 'string' ? params.missingProperty : undefined;
  const extra = typeof params.additionalProperty === 'string' ? params.additionalProperty : undefined;
  return [path, missing ?? extra].filter(Boolean).join('.') || '(request)';
}

function describeValidation(error: FastifyError): FieldError[] {
  return (error.validation ?? []).map((v) => {
    const params = (v.params ?? {}) as Record<string, unknown>;
    const field = fieldOf(v.instancePath, params);
    let message = v.message ?? 'is invalid';
    if (v.keyword === 'additionalProperties') message = `unknown field "${String(params.additionalProperty)}"`;
    if (v.keyword === 'required') message = `${String(params.missingProperty)} is required`;
    if (v.keyword === 'pattern') message = PATTERN_MESSAGES[String(params.pattern)] ?? message;
    return { field, message: `${field === '(request)' ? '' : `${field}: `}${message}` };
  });
}

/** Paths the SPA owns: GETs that are not API, emulator or docs routes and do not name a file. */
export function isSpaPath(method: string, url: string): boolean {
  const path = url.split('?')[0] ?? '/';
  return method === 'GET' && !/^\/(api|emulator|docs)(\/|$)/.test(path) && !/\.[a-z0-9]+$/i.test(path);
}

export function installErrorHandling(app: FastifyInstance, opts: { spaFallback: boolean }): void {
  app.decorateReply('errorCode', null);
  // Every error answer, from here, a hook or a plugin's own handler, waits for the rest of the body to be
  // read (bounded), or a client still sending it may get a reset instead of the answer.
  app.addHook('onSend', discardBeforeErrorAnswer);
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof DomainError) {
      return send(reply, request, HTTP_STATUS[error.code], error.code, error.message, error.fields, error.extra);
    }
    if (error.validation) {
      const fields = describeValidation(error);
      const where = error.validationContext
        ? `Invalid ${error.validationContext === 'querystring' ? 'query string' : error.validationContext}: `
        : '';
      return send(reply, request, 400, 'request/invalid', `${where}${fields.map((f) => f.message).join('; ')}`, fields);
    }
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        // What is still arriving is read first (discardBeforeErrorAnswer), as for any error answer.
        return send(reply, request, 413, 'request/too_large', 'The body is too large.');
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return send(reply, request, 415, 'request/unsupported_media_type', 'Send the body as application/json.');
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return send(reply, request, error.statusCode, 'request/invalid', error.message);
    }
    request.log.error({ err: error }, 'unhandled error');
    return send(
      reply,
      request,
      500,
      'internal/error',
      `Something went wrong on our side; quote request id ${String(request.id)} when reporting it.`,
    );
  });

  app.setNotFoundHandler((request, reply) => {
    // Client-side routes get the SPA (served by @fastify/static); everything else a JSON 404.
    if (opts.spaFallback && isSpaPath(request.method, request.url)) return reply.type('text/html').sendFile('index.html');
    return send(reply, request, 404, 'route/not_found', `No route ${request.method} ${request.url.split('?')[0]}.`);
  });
}
