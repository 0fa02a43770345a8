import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { validateTokenBody } from '../frame/token-body.js';
import { TokenRequestBodySchema } from '../frame/token-body-schema.js';
import { DomainError } from '../errors.js';
import { errorResponses } from '../http/errors.js';
import type { Services } from '../services/container.js';
import { IdParams, NoQuery } from './common.js';
import { SIGNATURE_PREFIX_LENGTH } from '../frame/signing-rules.js';
import { tokenIdentity } from '../frame/jwt.js';
import { SIGNATURE_INPUTS } from '../frame/signature-diagnosis.js';

/** What was signed; never the whole signature (a bearer credential for every provider of the key). */
export const SignedRequestSchema = Type.Object({
  method: Type.String(),
  url: Type.String(),
  timestamp: Type.Integer({ description: 'X-Frame-Timestamp as sent' }),
  clientId: Type.String({ description: 'X-Frame-ClientId as sent' }),
  stringToSign: Type.String({ description: 'timestamp + clientId, exactly as signed' }),
  signaturePrefix: Type.String({ description: `The first ${SIGNATURE_PREFIX_LENGTH} hex characters of X-Frame-Signature, to compare with your own` }),
}, { additionalProperties: false });

const CompareBody = Type.Object(
  {
    timestamp: Type.String({ minLength: 1, maxLength: 20, description: 'The X-Frame-Timestamp your code sent' }),
    signature: Type.String({ minLength: 1, maxLength: 200, description: 'The X-Frame-Signature your code sent' }),
    clientId: Type.Optional(Type.String({ maxLength: 200, description: 'The client id your code used' })),
    stringToSign: Type.Optional(Type.String({ maxLength: 300, description: 'The exact string your code signed' })),
  },
  { additionalProperties: false },
);

const CompareResponse = Type.Object({
  match: Type.Boolean({ description: 'Your signature is the one the console would send for your timestamp, and the timestamp is in the window' }),
  problems: Type.Array(Type.Object({ input: Type.Enum([...SIGNATURE_INPUTS]), message: Type.String() })),
  expected: Type.Object({ clientId: Type.String(), stringToSign: Type.String(), signaturePrefix: Type.String() }),
});

const MintResponse = Type.Object({
  token: Type.String({ description: 'The JWT as Frame returned it' }),
  header: Type.Object({}, { additionalProperties: true }),
  claims: Type.Object({}, { additionalProperties: true }),
  latencyMs: Type.Number(),
  clockOffsetSeconds: Type.Union([Type.Integer(), Type.Null()]),
  request: SignedRequestSchema,
  historyId: Type.Union([Type.String(), Type.Null()]),
});

export async function tokenRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().post('/api/providers/:id/tokens', {
    schema: {
      tags: ['tokens'],
      summary: "Mint a test token through the provider's upstream",
      description: 'Same body as Frame: optional first_name, last_name, email, email_domain and metadata (a JSON object).',
      params: IdParams,
      querystring: Type.Object({ keepToken: Type.Optional(Type.Enum(['true', 'false'], { description: 'Keep the token in the history until it expires' })) }, { additionalProperties: false }),
      body: TokenRequestBodySchema,
      response: { 200: MintResponse, ...errorResponses(404, 413, 415, 422, 429, 502, 503, 504) },
    },
    // Body problems are reported with the same wording as the emulator's, field by field.
    attachValidation: true,
    config: { permission: 'token:mint', providerScoped: true },
  }, async (request, reply) => {
    if (request.validationError) {
      const check = validateTokenBody(request.body);
      if ((request.validationError as { validationContext?: string }).validationContext !== 'body' || check.ok) throw request.validationError;
      throw new DomainError('request/invalid', check.issues.map((i) => i.message).join('; '), check.issues);
    }
    const providerId = request.params.id;
    try {
      const result = await opts.services.mint.mint(providerId, request.body ?? {}, { keepToken: request.query.keepToken === 'true' });
      request.log.info({ providerId, outcome: 'ok', jti: result.claims.jti, sub: result.claims.sub, latencyMs: result.latencyMs }, 'token minted');
      return reply.send(result);
    } catch (err) {
      if (err instanceof DomainError) request.log.info({ providerId, outcome: err.code }, 'token not minted');
      throw err;
    }
  });

  app.withTypeProvider<TypeBoxTypeProvider>().post('/api/providers/:id/signature-compare', {
    schema: {
      tags: ['tokens'],
      summary: 'Signature debugger: compare the timestamp and signature your own code made with what the console signs',
      description: 'Answers match or mismatch and, on a mismatch, which input differs (timestamp outside the window, client id, string to sign, signature). The comparison runs on the server in constant time; no signature is ever returned.',
      params: IdParams,
      querystring: NoQuery,
      body: CompareBody,
      response: { 200: CompareResponse, ...errorResponses(404, 413, 415, 503) },
    },
    config: { permission: 'token:mint', providerScoped: true },
  }, async (request) =>
    // The row never holds the pasted signature: it may be a valid one.
    opts.services.audit.aroundCall({ action: 'signature.compared', providerId: request.params.id, detail: { timestamp: request.body.timestamp } }, () => opts.services.signatures.compare(request.params.id, request.body), (r) => ({ match: r.match, problems: r.problems.map((p) => p.input) })),
  );

  const TokenBody = Type.Object({ token: Type.String({ minLength: 10, maxLength: 16384, pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$', description: 'A compact JWT' }) }, { additionalProperties: false });

  app.withTypeProvider<TypeBoxTypeProvider>().post('/api/providers/:id/signature-check', {
    schema: {
      tags: ['tokens'],
      summary: "Verify a token's signature against the upstream's published keys (JWKS)",
      params: IdParams,
      querystring: NoQuery,
      body: TokenBody,
      response: { 200: Type.Object({ status: Type.Enum(['valid', 'invalid', 'unavailable']), message: Type.String(), jwksUrl: Type.Union([Type.String(), Type.Null()]) }), ...errorResponses(404, 413, 415, 503) },
    },
    config: { permission: 'token:check', providerScoped: true },
  }, async (request) =>
    opts.services.audit.aroundCall(
      { action: 'token.signature_checked', providerId: request.params.id, detail: tokenIdentity(request.body.token) },
      () => opts.services.tokenCheck.verifySignature(request.params.id, request.body.token),
      (r) => ({ status: r.status }),
      (r) => `The token's signature was checked against the upstream's keys (${r.status})`,
    ),
  );

  app.withTypeProvider<TypeBoxTypeProvider>().post('/api/providers/:id/assertions', {
    schema: {
      tags: ['tokens'],
      summary: "Check token: call the upstream's /me/assertions with the token as Bearer",
      params: IdParams,
      querystring: NoQuery,
      body: TokenBody,
      response: {
        200: Type.Object({ accepted: Type.Boolean(), status: Type.Union([Type.Integer(), Type.Null()]), url: Type.String(), latencyMs: Type.Number(), message: Type.String(), assertions: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]) }),
        ...errorResponses(404, 413, 415, 503),
      },
    },
    config: { permission: 'token:check', providerScoped: true },
  }, async (request) =>
    opts.services.audit.aroundCall(
      { action: 'token.checked', providerId: request.params.id, detail: tokenIdentity(request.body.token) },
      () => opts.services.tokenCheck.assertions(request.params.id, request.body.token),
      (r) => ({ accepted: r.accepted, status: r.status }),
      (r) => `The token was sent to the upstream's /me/assertions (${r.accepted ? 'accepted' : 'refused'})`,
    ),
  );
}
