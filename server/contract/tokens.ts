// Frame's token request body as the console API takes it (mint, broker, presets, bulk templates), and the
// checks of a minted token: its signature against the upstream's JWKS, and the upstream's /me/assertions.
import { Type, type Static } from 'typebox';
import { TOKEN_FIELD_RULES, type TokenRequestBody as FrameTokenRequestBody } from '../frame/token-body.js';
import { JsonObject, type SameShape } from './common.js';

// The field rules themselves are frame/token-body.ts's (shared with the emulator); this is their TypeBox form.
export const TokenRequestBodySchema = Type.Object(
  {
    first_name: Type.Optional(
      Type.String({ maxLength: TOKEN_FIELD_RULES.first_name.maxLength, description: TOKEN_FIELD_RULES.first_name.description }),
    ),
    last_name: Type.Optional(
      Type.String({ maxLength: TOKEN_FIELD_RULES.last_name.maxLength, description: TOKEN_FIELD_RULES.last_name.description }),
    ),
    email: Type.Optional(
      Type.String({
        maxLength: TOKEN_FIELD_RULES.email.maxLength,
        pattern: TOKEN_FIELD_RULES.email.pattern,
        description: TOKEN_FIELD_RULES.email.description,
      }),
    ),
    email_domain: Type.Optional(
      Type.String({
        maxLength: TOKEN_FIELD_RULES.email_domain.maxLength,
        pattern: TOKEN_FIELD_RULES.email_domain.pattern,
        description: TOKEN_FIELD_RULES.email_domain.description,
      }),
    ),
    metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: TOKEN_FIELD_RULES.metadata.description })),
  },
  { additionalProperties: false },
);
export type TokenRequestBody = Static<typeof TokenRequestBodySchema>;
// frame/token-body.ts writes the same shape by hand for the emulator's checks: a drift in either does not compile.
const _sameAsFrame: SameShape<Required<TokenRequestBody>, Required<FrameTokenRequestBody>> = true;
void _sameAsFrame;

/** A bulk template: the same fields, but strings may hold {n}, so shapes are checked per row once filled. */
export const TokenTemplateSchema = Type.Object(
  {
    first_name: Type.Optional(Type.String({ maxLength: 1024 })),
    last_name: Type.Optional(Type.String({ maxLength: 1024 })),
    email: Type.Optional(Type.String({ maxLength: 1024 })),
    email_domain: Type.Optional(Type.String({ maxLength: 1024 })),
    metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false, description: 'Token request fields; {n} in any string becomes the row number' },
);
export type TokenTemplate = Static<typeof TokenTemplateSchema>;

/** POST /api/providers/:id/signature-check and /assertions: the token to check. */
export const TokenCheckBodySchema = Type.Object(
  {
    token: Type.String({
      minLength: 10,
      maxLength: 16384,
      pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$',
      description: 'A compact JWT',
    }),
  },
  { additionalProperties: false },
);
export type TokenCheckBody = Static<typeof TokenCheckBodySchema>;

/** POST /api/providers/:id/signature-check. */
export const SignatureCheckSchema = Type.Object({
  status: Type.Enum(['valid', 'invalid', 'unavailable']),
  message: Type.String(),
  jwksUrl: Type.Union([Type.String(), Type.Null()]),
});
export type SignatureCheck = Static<typeof SignatureCheckSchema>;

/** POST /api/providers/:id/assertions: what the upstream's /me/assertions said of the token. */
export const AssertionsResultSchema = Type.Object({
  accepted: Type.Boolean(),
  status: Type.Union([Type.Integer(), Type.Null()]),
  url: Type.String(),
  latencyMs: Type.Number(),
  message: Type.String(),
  assertions: Type.Union([JsonObject(), Type.Null()]),
});
export type AssertionsResult = Static<typeof AssertionsResultSchema>;
