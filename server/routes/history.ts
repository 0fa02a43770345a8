// The Playground history: what the signed-in user minted, and the tokens they chose to keep.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errorResponses } from '../http/errors.js';
import type { Services } from '../services/container.js';
import { tokenIdentity } from '../frame/jwt.js';
import { actorLabel } from '../auth/context.js';
import { IdParamsSchema, NoQuerySchema } from '../contract/common.js';
import { HistoryListSchema, HistoryQuerySchema, KeptTokenSchema } from '../contract/history.js';

const TAGS = ['history'];

export async function historyRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { history, audit } = opts.services;

  api.get(
    '/api/history',
    {
      schema: {
        tags: TAGS,
        summary: 'What you minted through the Playground, newest first',
        querystring: HistoryQuerySchema,
        response: { 200: HistoryListSchema, ...errorResponses() },
      },
      config: { permission: 'history:read' },
    },
    async (request) => {
      const { providerId, limit, before } = request.query;
      return history.list({ actor: actorLabel(request.principal), providerId, limit: limit ? Number(limit) : undefined, before });
    },
  );

  api.get(
    '/api/history/:id/token',
    {
      schema: {
        tags: TAGS,
        summary: 'A kept token, while it is valid',
        params: IdParamsSchema,
        querystring: NoQuerySchema,
        response: { 200: KeptTokenSchema, ...errorResponses(404, 410) },
      },
      config: { permission: 'history:read' },
    },
    async (request, reply) => {
      // Reading a kept token is on record like minting it (the row never holds the token).
      const token = await audit.aroundCall(
        { action: 'history.token_read', target: request.params.id },
        () => history.token(request.params.id, actorLabel(request.principal)),
        (t) => tokenIdentity(t),
        () => 'The kept token was read',
      );
      return reply.send({ token });
    },
  );
}
