// The Frame SAT emulator as a Fastify plugin: the token endpoint, /me/assertions, the JWKS and
// (optionally) a control API for fault knobs. Mount it with a prefix or at the root.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { PATH_SEGMENT_LEVEL } from '../frame/entity.js';
import { HEADER_CLIENT_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP, unixSeconds } from '../frame/signing-rules.js';
import { validateTokenBody } from '../frame/token-body.js';
import { isFormContentType, readFormTokenBody } from '../frame/form-body.js';
import { buildClaims } from './claims.js';
import { BODY_LIMIT_BYTES, DEFAULT_TIMESTAMP_WINDOW_SECONDS, EMULATOR_ERRORS, type EmulatorErrorCode } from './contract.js';
import { discardBeforeErrorAnswer } from '../http/discard-body.js';
import { FaultSwitch, FaultsSchema, type Faults } from './faults.js';
import type { JwtSigner } from './jwt-signer.js';
import { type EmulatorRegistry, mayMint } from './registry.js';

export interface EmulatorOptions {
  registry: EmulatorRegistry;
  signer: JwtSigner;
  faults?: FaultSwitch;
  timestampWindowSeconds?: number;
  /** Expose GET/PUT/DELETE /_emulator/faults. Off unless asked for. */
  control?: boolean;
  /** Real clock in ms; the fault switch's clock offset is applied on top. */
  now?: () => number;
}

const ErrorBody = Type.Object({
  error: Type.String(),
  message: Type.String(),
  details: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
});
const errorResponses = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, '5xx': ErrorBody };
const TAGS = ['emulator'];

class EmulatorError extends Error {
  constructor(
    readonly code: EmulatorErrorCode | 'not_found',
    message?: string,
    readonly details?: { field: string; message: string }[],
  ) {
    super(message ?? (code === 'not_found' ? 'Not found.' : EMULATOR_ERRORS[code].message));
  }
  get status(): number {
    return this.code === 'not_found' ? 404 : EMULATOR_ERRORS[this.code].status;
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function describeSkew(deltaSeconds: number, serverNowMs: number, window: number): string {
  const direction = deltaSeconds > 0 ? 'ahead of' : 'behind';
  return `X-Frame-Timestamp is ${Math.abs(deltaSeconds)} s ${direction} the server clock (${new Date(serverNowMs).toISOString()}); the accepted window is ±${window} s. Check the caller's clock.`;
}

function parseJson(text: string): unknown {
  const raw = text.trim();
  if (raw === '') return {};
  try {
    return JSON.parse(raw);
  } catch (err) {
    throw new EmulatorError('invalid_json', `The body is not valid JSON: ${(err as Error).message}`);
  }
}

/** JSON whatever the content type says, except a form body, which may also be JSON text (see form-body.ts). */
function parseBody(request: FastifyRequest<{ Body: string | undefined }>): unknown {
  const text = typeof request.body === 'string' ? request.body : '';
  if (!isFormContentType(header(request, 'content-type'))) return parseJson(text);
  const form = readFormTokenBody(text);
  if (form.kind === 'json') return parseJson(form.text);
  if (form.kind === 'invalid') throw new EmulatorError('invalid_body', form.issues.map((i) => i.message).join('; '), form.issues);
  return form.value;
}

export async function frameEmulator(app: FastifyInstance, options: EmulatorOptions): Promise<void> {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const faults = options.faults ?? new FaultSwitch();
  const window = options.timestampWindowSeconds ?? DEFAULT_TIMESTAMP_WINDOW_SECONDS;
  const realNow = options.now ?? Date.now;
  const nowMs = () => faults.nowMs(realNow());
  const heldSockets = new Set<Socket>();

  app.addHook('onSend', async (_request, reply) => {
    reply.header('date', new Date(nowMs()).toUTCString());
  });
  // Standalone, the emulator has no console around it to add this; inside the console it runs once anyway.
  app.addHook('onSend', discardBeforeErrorAnswer);
  app.addHook('onClose', async () => {
    for (const socket of heldSockets) socket.destroy();
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      // What is still arriving is read first (discardBeforeErrorAnswer), or the client may see a reset.
      return reply.status(413).send({ error: 'body_too_large', message: EMULATOR_ERRORS.body_too_large.message });
    }
    if (error instanceof EmulatorError) {
      return reply
        .status(error.status)
        .send({ error: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) });
    }
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'emulator error');
    return reply
      .status(status)
      .send({ error: status === 500 ? 'internal' : 'bad_request', message: status === 500 ? 'Internal emulator error.' : error.message });
  });

  /** Applies latency, hang, reset and forced answers. Returns true when the reply is already settled. */
  async function applyFaults(request: FastifyRequest, reply: FastifyReply, current: Faults): Promise<boolean> {
    if (current.latencyMs) await sleep(current.latencyMs);
    if (current.hang || current.reset) {
      reply.hijack();
      const socket = request.raw.socket;
      if (current.reset) {
        socket.resetAndDestroy();
      } else {
        heldSockets.add(socket);
        socket.once('close', () => heldSockets.delete(socket));
      }
      return true;
    }
    if (current.forceStatus) {
      if (current.retryAfterSeconds !== undefined) reply.header('retry-after', String(current.retryAfterSeconds));
      reply
        .status(current.forceStatus)
        .send({ error: 'forced', message: `${EMULATOR_ERRORS.forced.message} (status ${current.forceStatus})` });
      return true;
    }
    if (current.garbageBody) {
      reply
        .status(200)
        .type('text/html')
        .serializer((x) => String(x))
        .send('<html><body>Gateway says hello</body></html>');
      return true;
    }
    return false;
  }

  function authenticate(request: FastifyRequest) {
    const clientId = header(request, HEADER_CLIENT_ID);
    const timestamp = header(request, HEADER_TIMESTAMP);
    const signature = header(request, HEADER_SIGNATURE);
    if (!clientId || !timestamp || !signature) {
      const missing = [
        [HEADER_CLIENT_ID, clientId],
        [HEADER_TIMESTAMP, timestamp],
        [HEADER_SIGNATURE, signature],
      ]
        .filter(([, v]) => !v)
        .map(([n]) => n);
      throw new EmulatorError('missing_headers', `Missing header(s): ${missing.join(', ')}. ${EMULATOR_ERRORS.missing_headers.message}`);
    }
    if (!/^\d{10}$/.test(timestamp)) {
      const hint = /^\d{13}$/.test(timestamp) ? ' It looks like milliseconds; divide by 1000.' : '';
      throw new EmulatorError('invalid_timestamp', `${EMULATOR_ERRORS.invalid_timestamp.message}${hint}`);
    }
    const credential = options.registry.findCredential(clientId);
    if (!credential) throw new EmulatorError('unknown_client');
    if (!credential.verify(timestamp, signature)) throw new EmulatorError('invalid_signature');
    const serverNow = nowMs();
    const delta = Number(timestamp) - unixSeconds(serverNow);
    if (Math.abs(delta) > window) throw new EmulatorError('stale_timestamp', describeSkew(delta, serverNow, window));
    return credential;
  }

  const tokenRouteSchema = {
    tags: TAGS,
    summary: 'Mint a Secure Anonymous Token (Frame-compatible)',
    description:
      "Signed with X-Frame-ClientId, X-Frame-Timestamp and X-Frame-Signature. JSON body with optional first_name, last_name, email, email_domain, metadata; also read form-encoded (metadata as JSON text or metadata[key]=value), as Frame's own Python and Curl snippets send it. Answers the JWT as a JSON string.",
    params: Type.Object({
      collection: Type.String(),
      entityId: Type.String({ maxLength: 100 }),
      provider: Type.String({ maxLength: 100 }),
    }),
    querystring: Type.Object({}),
    headers: Type.Object({
      'x-frame-clientid': Type.Optional(Type.String()),
      'x-frame-timestamp': Type.Optional(Type.String()),
      'x-frame-signature': Type.Optional(Type.String()),
    }),
    body: Type.Optional(Type.String({ description: 'JSON object (or form fields); parsed after the signature is checked.' })),
    response: { 200: Type.String({ description: 'The JWT' }), ...errorResponses, 413: ErrorBody, 429: ErrorBody },
  };

  type TokenRequest = FastifyRequest<{ Params: { collection: string; entityId: string; provider: string }; Body: string | undefined }>;

  async function mint(request: TokenRequest, reply: FastifyReply) {
    if (await applyFaults(request, reply, faults.get())) return reply;
    const { collection, entityId, provider: providerName } = request.params;
    const level = PATH_SEGMENT_LEVEL[collection];
    if (!level)
      throw new EmulatorError(
        'not_found',
        `Unknown entity collection "${collection}"; use accounts, organizations (or organisations) or customers.`,
      );
    const credential = authenticate(request);
    if (!mayMint(credential, { level, entityId })) {
      throw new EmulatorError(
        'forbidden',
        `This API credential may not generate tokens for ${level} ${entityId}. Give it the "Generate Anonymous Token" role on that ${level}.`,
      );
    }
    const provider = options.registry.findProvider(level, entityId, providerName);
    if (!provider)
      throw new EmulatorError('provider_not_found', `No Secure Anonymous provider "${providerName}" exists on ${level} ${entityId}.`);
    const check = validateTokenBody(parseBody(request));
    if (!check.ok) throw new EmulatorError('invalid_body', check.issues.map((i) => i.message).join('; '), check.issues);
    const token = options.signer.sign(buildClaims(provider, check.value, unixSeconds(nowMs())));
    // Frame answers the JWT as a JSON string literal (quotes included), not as {"token": ...}.
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(token));
  }

  // Token bodies are parsed after authentication, in the handler, so that auth errors come first.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    scope.post(
      '/v1/:collection/:entityId/secure-anonymous/:provider/tokens',
      { schema: tokenRouteSchema, bodyLimit: BODY_LIMIT_BYTES, config: { permission: 'public' } },
      mint,
    );
  });

  api.get(
    '/api/rest/v1/me/assertions',
    {
      schema: {
        tags: TAGS,
        summary: 'Metadata ("assertions") set when the token was minted',
        querystring: Type.Object({}),
        headers: Type.Object({ authorization: Type.Optional(Type.String()) }),
        response: { 200: Type.Object({}, { additionalProperties: true }), ...errorResponses },
      },
      config: { permission: 'public' },
    },
    async (request, reply) => {
      const current = faults.get();
      if (current.latencyMs) await sleep(current.latencyMs);
      const auth = header(request, 'authorization') ?? '';
      const match = /^Bearer\s+(\S+)$/i.exec(auth);
      if (!match) throw new EmulatorError('invalid_token', 'Send the token as "Authorization: Bearer <token>".');
      const result = await options.signer.verify(match[1]!, nowMs());
      if (!result.ok) throw new EmulatorError('invalid_token', `The token was rejected: ${result.message}.`);
      const metadata = result.claims.metadata;
      return reply.send(metadata && typeof metadata === 'object' ? metadata : {});
    },
  );

  api.get(
    '/.well-known/jwks.json',
    {
      schema: {
        tags: TAGS,
        summary: "The emulator's token signing keys (JWKS)",
        querystring: Type.Object({}),
        response: { 200: Type.Object({ keys: Type.Array(Type.Object({}, { additionalProperties: true })) }) },
      },
      config: { permission: 'public' },
    },
    async () => options.signer.jwks(),
  );

  if (options.control) {
    api.get(
      '/_emulator/faults',
      {
        schema: { tags: TAGS, summary: 'Current fault settings', querystring: Type.Object({}), response: { 200: FaultsSchema } },
        config: { permission: 'public' },
      },
      async () => faults.get(),
    );
    api.put(
      '/_emulator/faults',
      {
        schema: {
          tags: TAGS,
          summary: 'Replace the fault settings',
          querystring: Type.Object({}),
          body: FaultsSchema,
          response: { 200: FaultsSchema, 400: ErrorBody },
        },
        config: { permission: 'public' },
      },
      async (request) => {
        faults.set(request.body);
        return faults.get();
      },
    );
  }
}
