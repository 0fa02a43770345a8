import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { validateTokenBody } from '../frame/token-body.js';
import { DomainError } from '../errors.js';
import { errorResponses } from '../http/errors.js';
import type { Services } from '../services/container.js';
import { tokenIdentity } from '../frame/jwt.js';
import { IdParamsSchema, NoQuerySchema } from '../contract/common.js';
import { AssertionsResultSchema, SignatureCheckSchema, TokenCheckBodySchema, TokenRequestBodySchema } from '../contract/tokens.js';
import { MintQuerySchema, MintResultSchema, SignatureCompareBodySchema, SignatureComparisonSchema } from '../contract/playground.js';

export async function tokenRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/api/providers/:id/tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: "Mint a test token through the provider's upstream",
        description: 'Same body as Frame: optional first_name, last_name, email, email_domain and metadata (a JSON object).',
        params: IdParamsSchema,
        querystring: MintQuerySchema,
        body: TokenRequestBodySchema,
        response: { 200: MintResultSchema, ...errorResponses(404, 413, 415, 422, 429, 502, 503, 504) },
      },
      // Body problems are reported with the same wording as the emulator's, field by field.
      attachValidation: true,
      config: { permission: 'token:mint', providerScoped: true },
    },
    async (request, reply) => {
      if (request.validationError) {
        const check = validateTokenBody(request.body);
        if ((request.validationError as { validationContext?: string }).validationContext !== 'body' || check.ok)
          throw request.validationError;
        throw new DomainError('request/invalid', check.issues.map((i) => i.message).join('; '), check.issues);
      }
      const providerId = request.params.id;
      try {
        const result = await opts.services.mint.mint(providerId, request.body ?? {}, { keepToken: request.query.keepToken === 'true' });
        request.log.info(
          { providerId, outcome: 'ok', jti: result.claims.jti, sub: result.claims.sub, latencyMs: result.latencyMs },
          'token minted',
        );
        return reply.send(result);
      } catch (err) {
        if (err instanceof DomainError) request.log.info({ providerId, outcome: err.code }, 'token not minted');
        throw err;
      }
    },
  );

  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/api/providers/:id/signature-compare',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Signature debugger: compare the timestamp and signature your own code made with what the console signs',
        description:
          'Answers match or mismatch and, on a mismatch, which input differs (timestamp outside the window, client id, string to sign, signature). The comparison runs on the server in constant time; no signature is ever returned.',
        params: IdParamsSchema,
        querystring: NoQuerySchema,
        body: SignatureCompareBodySchema,
        response: { 200: SignatureComparisonSchema, ...errorResponses(404, 413, 415, 503) },
      },
      config: { permission: 'token:mint', providerScoped: true },
    },
    async (request) =>
      // The row never holds the pasted signature: it may be a valid one.
      opts.services.audit.aroundCall(
        { action: 'signature.compared', providerId: request.params.id, detail: { timestamp: request.body.timestamp } },
        () => opts.services.signatures.compare(request.params.id, request.body),
        (r) => ({ match: r.match, problems: r.problems.map((p) => p.input) }),
      ),
  );

  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/api/providers/:id/signature-check',
    {
      schema: {
        tags: ['tokens'],
        summary: "Verify a token's signature against the upstream's published keys (JWKS)",
        params: IdParamsSchema,
        querystring: NoQuerySchema,
        body: TokenCheckBodySchema,
        response: { 200: SignatureCheckSchema, ...errorResponses(404, 413, 415, 503) },
      },
      config: { permission: 'token:check', providerScoped: true },
    },
    async (request) =>
      opts.services.audit.aroundCall(
        { action: 'token.signature_checked', providerId: request.params.id, detail: tokenIdentity(request.body.token) },
        () => opts.services.tokenCheck.verifySignature(request.params.id, request.body.token),
        (r) => ({ status: r.status }),
        (r) => `The token's signature was checked against the upstream's keys (${r.status})`,
      ),
  );

  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/api/providers/:id/assertions',
    {
      schema: {
        tags: ['tokens'],
        summary: "Check token: call the upstream's /me/assertions with the token as Bearer",
        params: IdParamsSchema,
        querystring: NoQuerySchema,
        body: TokenCheckBodySchema,
        response: { 200: AssertionsResultSchema, ...errorResponses(404, 413, 415, 503) },
      },
      config: { permission: 'token:check', providerScoped: true },
    },
    async (request) =>
      opts.services.audit.aroundCall(
        { action: 'token.checked', providerId: request.params.id, detail: tokenIdentity(request.body.token) },
        () => opts.services.tokenCheck.assertions(request.params.id, request.body.token),
        (r) => ({ accepted: r.accepted, status: r.status }),
        (r) => `The token was sent to the upstream's /me/assertions (${r.accepted ? 'accepted' : 'refused'})`,
      ),
  );
}
