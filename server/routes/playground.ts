import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses } from '../http/errors.js';
import type { Services } from '../services/container.js';
import { TokenRequestBodySchema } from '../frame/token-body-schema.js';
import { IdParams, NoQuery, Uuid } from './common.js';
import { tokenIdentity } from '../frame/jwt.js';
import { actorLabel } from '../auth/context.js';

const HistoryEntrySchema = Type.Object({
  id: Type.String(),
  providerId: Type.Union([Type.String(), Type.Null()]),
  providerName: Type.String(),
  actor: Type.String(),
  params: Type.Object({}, { additionalProperties: true }),
  jti: Type.Union([Type.String(), Type.Null()]),
  sub: Type.Union([Type.String(), Type.Null()]),
  exp: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.String(),
  latencyMs: Type.Number(),
  tokenKept: Type.Boolean(),
  createdAt: Type.String(),
});

const PresetSchema = Type.Object({ id: Type.String(), providerId: Type.String(), name: Type.String(), params: Type.Object({}, { additionalProperties: true }), updatedAt: Type.String() });

export async function playgroundRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { history, presets, audit } = opts.services;

  api.get('/api/history', {
    schema: {
      tags: ['history'],
      summary: 'What you minted through the Playground, newest first',
      querystring: Type.Object(
        {
          providerId: Type.Optional(Uuid()),
          limit: Type.Optional(Type.String({ pattern: '^(?:[1-9]\\d?|1\\d\\d|200)$', description: '1 to 200 (default 50)' })),
          before: Type.Optional(Type.String({ format: 'date-time', description: 'Page: entries older than this createdAt' })),
        },
        { additionalProperties: false },
      ),
      response: { 200: Type.Array(HistoryEntrySchema), ...errorResponses() },
    },
    config: { permission: 'history:read' },
  }, async (request) => history.list({ actor: actorLabel(request.principal), providerId: request.query.providerId, limit: request.query.limit ? Number(request.query.limit) : undefined, before: request.query.before }));

  api.get('/api/history/:id/token', {
    schema: { tags: ['history'], summary: 'A kept token, while it is valid', params: IdParams, querystring: NoQuery, response: { 200: Type.Object({ token: Type.String() }), ...errorResponses(404, 410) } },
    config: { permission: 'history:read' },
  }, async (request, reply) => {
    // Reading a kept token is on record like minting it (the row never holds the token).
    const token = await audit.aroundCall({ action: 'history.token_read', target: request.params.id }, () => history.token(request.params.id, actorLabel(request.principal)), (t) => tokenIdentity(t), () => 'The kept token was read');
    return reply.send({ token });
  });

  api.get('/api/providers/:id/presets', {
    schema: { tags: ['presets'], summary: "A provider's saved Playground parameters", params: IdParams, querystring: NoQuery, response: { 200: Type.Array(PresetSchema), ...errorResponses(404) } },
    config: { permission: 'preset:read', providerScoped: true },
  }, async (request) => presets.list(request.params.id));

  api.post('/api/providers/:id/presets', {
    schema: {
      tags: ['presets'],
      summary: 'Save Playground parameters as a named preset (shared with the team)',
      params: IdParams,
      querystring: NoQuery,
      body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 60, pattern: '\\S' }), params: TokenRequestBodySchema, replace: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      response: { 201: PresetSchema, ...errorResponses(404, 409, 413, 415) },
    },
    config: { permission: 'preset:write', providerScoped: true },
  }, async (request, reply) => reply.status(201).send(await audit.around({ action: 'preset.saved', providerId: request.params.id, detail: { name: request.body.name, params: request.body.params } }, () => presets.save(request.params.id, request.body.name, request.body.params, request.body.replace ?? false), (p) => ({ presetId: p.id }))));

  api.delete('/api/presets/:id', {
    schema: { tags: ['presets'], summary: 'Delete a preset', params: IdParams, querystring: NoQuery, response: { 204: Type.Null(), ...errorResponses(404) } },
    config: { permission: 'preset:write' },
  }, async (request, reply) => {
    await audit.around({ action: 'preset.deleted', target: request.params.id }, () => presets.remove(request.params.id));
    return reply.status(204).send(null);
  });
}
