// The token broker: Frame's own request, authorised by an API key instead of Frame's signature headers.
// Same body as Frame (JSON, or form-encoded as Frame's own snippets send it), same answer (the JWT as a
// JSON string), so a script changes only its URL and its auth header; the Frame secret never leaves the console.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { validateTokenBody } from '../frame/token-body.js';
import { FORM_CONTENT_TYPE, readFormTokenBody } from '../frame/form-body.js';
import { parseJsonBody, refuseForbiddenKeys } from '../http/json-body.js';
import { TokenRequestBodySchema } from '../contract/tokens.js';
import { BROKER_PATH, BrokerTokenSchema } from '../contract/broker.js';
import { DomainError } from '../errors.js';
import { errorResponses } from '../http/errors.js';
import type { Services } from '../services/container.js';
import { IdParamsSchema, NoQuerySchema } from '../contract/common.js';

/**
 * Form bodies, as Frame's own Python and Curl snippets send them (server/frame/form-body.ts), for this
 * plugin's routes only: Fastify keeps a parser added here out of every other route. The fields then meet
 * the same schema and wording as a JSON body. No CSRF opening: the broker takes only a Bearer key, which a
 * cross-site form cannot send.
 */
function acceptFormBodies(app: FastifyInstance): void {
  app.addContentTypeParser(FORM_CONTENT_TYPE, { parseAs: 'string' }, (_request, body, done) => {
    try {
      const form = readFormTokenBody(body as string);
      if (form.kind === 'json') return done(null, parseJsonBody(form.text));
      if (form.kind === 'invalid') throw new DomainError('request/invalid', form.issues.map((i) => i.message).join('; '), form.issues);
      done(null, refuseForbiddenKeys(form.value));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}

export async function brokerRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  acceptFormBodies(app);
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    BROKER_PATH,
    {
      schema: {
        tags: ['token broker'],
        summary: 'Mint a token with an API key (Authorization: Bearer <key>); answers the JWT as a JSON string, like Frame',
        description:
          "Body as Frame: optional first_name, last_name, email, email_domain and metadata (a JSON object); JSON, or form-encoded as Frame's own snippets send it (metadata as JSON text or metadata[key]=value).",
        security: [{ apiKey: [] }],
        params: IdParamsSchema,
        querystring: NoQuerySchema,
        body: TokenRequestBodySchema,
        response: { 200: BrokerTokenSchema, ...errorResponses(404, 413, 415, 422, 429, 502, 504) },
      },
      attachValidation: true,
      config: { permission: 'broker:mint' },
    },
    async (request, reply) => {
      if (request.validationError) {
        const check = validateTokenBody(request.body);
        if ((request.validationError as { validationContext?: string }).validationContext !== 'body' || check.ok)
          throw request.validationError;
        throw new DomainError('request/invalid', check.issues.map((i) => i.message).join('; '), check.issues);
      }
      const result = await opts.services.mint.mint(request.params.id, request.body ?? {}, { via: 'broker' });
      return reply.header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(result.token));
    },
  );
}
