import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { errorResponses } from '../http/errors.js';
import type { Services } from '../services/container.js';
import { IdParamsSchema, NoQuerySchema } from '../contract/common.js';
import {
  CreateCredentialBodySchema,
  CredentialListSchema,
  CredentialViewSchema,
  DeleteCredentialQuerySchema,
  DeleteCredentialResultSchema,
  ReplaceSecretBodySchema,
  UpdateCredentialBodySchema,
  VerifyCredentialBodySchema,
  VerifyResultSchema,
} from '../contract/credential-sets.js';

const TAGS = ['credential sets'];

/** What an audit row may say about a credential set being created: everything but the secret. */
function withoutSecret<T extends { clientSecret: unknown }>(body: T): Omit<T, 'clientSecret'> {
  const { clientSecret: _secret, ...rest } = body;
  return rest;
}

export async function credentialSetRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { credentials, mint, audit } = opts.services;

  api.get(
    '/api/credential-sets',
    {
      schema: {
        tags: TAGS,
        summary: 'List credential sets',
        querystring: NoQuerySchema,
        response: { 200: CredentialListSchema, ...errorResponses() },
      },
      config: { permission: 'credential:read' },
    },
    async () => credentials.list(),
  );

  api.get(
    '/api/credential-sets/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'One credential set',
        params: IdParamsSchema,
        querystring: NoQuerySchema,
        response: { 200: CredentialViewSchema, ...errorResponses(404) },
      },
      config: { permission: 'credential:read' },
    },
    async (request) => credentials.get(request.params.id),
  );

  api.post(
    '/api/credential-sets',
    {
      schema: {
        tags: TAGS,
        summary: 'Store a credential set (the secret is write-only)',
        querystring: NoQuerySchema,
        body: CreateCredentialBodySchema,
        response: { 201: CredentialViewSchema, ...errorResponses(409, 413, 415) },
      },
      config: { permission: 'credential:write' },
    },
    async (request, reply) =>
      reply.status(201).send(
        await audit.around(
          { action: 'credential.created', detail: { after: withoutSecret(request.body) } },
          () => credentials.create(request.body),
          (after) => ({ after }),
        ),
      ),
  );

  api.patch(
    '/api/credential-sets/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Change a credential set (not its secret)',
        params: IdParamsSchema,
        querystring: NoQuerySchema,
        body: UpdateCredentialBodySchema,
        response: { 200: CredentialViewSchema, ...errorResponses(404, 409, 413, 415) },
      },
      config: { permission: 'credential:write' },
    },
    async (request) => {
      const before = await credentials.get(request.params.id);
      return audit.around(
        { action: 'credential.updated', target: before.id, detail: { before, secretReplaced: request.body.clientSecret !== undefined } },
        () => credentials.update(request.params.id, request.body),
        (after) => ({ after }),
      );
    },
  );

  api.put(
    '/api/credential-sets/:id/secret',
    {
      schema: {
        tags: TAGS,
        summary: 'Replace the client secret (rotation); nothing else changes',
        params: IdParamsSchema,
        querystring: NoQuerySchema,
        body: ReplaceSecretBodySchema,
        response: { 200: CredentialViewSchema, ...errorResponses(404, 413, 415) },
      },
      config: { permission: 'credential:write' },
    },
    async (request) => {
      const before = await credentials.get(request.params.id);
      // The record says the secret changed and its fingerprints; never the secret.
      return audit.around(
        {
          action: 'credential.secret_replaced',
          target: before.id,
          detail: { name: before.name, before: { secretFingerprint: before.secretFingerprint } },
        },
        () => credentials.rotateSecret(request.params.id, request.body.clientSecret),
        (after) => ({ after: { secretFingerprint: after.secretFingerprint } }),
      );
    },
  );

  api.delete(
    '/api/credential-sets/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'Delete a credential set; with providers=move or delete, its providers in the same action',
        params: IdParamsSchema,
        querystring: DeleteCredentialQuerySchema,
        response: { 200: DeleteCredentialResultSchema, ...errorResponses(404, 409) },
      },
      config: { permission: 'credential:write' },
    },
    async (request) => {
      const { providers, moveTo } = request.query;
      const how = providers === 'move' ? { providers, moveTo: moveTo ?? '' } : providers === 'delete' ? { providers } : {};
      const before = await credentials.get(request.params.id);
      return audit.around(
        { action: 'credential.deleted', target: before.id, detail: { before, ...how } },
        () => credentials.remove(request.params.id, how),
        (result) => result,
      );
    },
  );

  api.post(
    '/api/credential-sets/:id/verify',
    {
      schema: {
        tags: TAGS,
        summary: 'Verify the credential with one signed call (mints a test token against a provider)',
        params: IdParamsSchema,
        querystring: NoQuerySchema,
        body: VerifyCredentialBodySchema,
        response: { 200: VerifyResultSchema, ...errorResponses(404, 413, 415, 503) },
      },
      config: { permission: 'credential:verify' },
    },
    async (request) =>
      audit.aroundCall(
        { action: 'credential.verified', target: request.params.id, providerId: request.body.providerId ?? null },
        () => mint.verify(request.params.id, request.body.providerId),
        (r) => ({ signature: r.signature, outcome: r.outcome, providerId: r.providerId }),
        (r) => `The credential set was verified with one signed call to the upstream (${r.outcome}, provider ${r.providerName})`,
      ),
  );
}
