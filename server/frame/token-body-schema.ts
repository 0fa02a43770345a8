// The TypeBox form of the token request body, for the console API's validation and OpenAPI.
import { Type } from 'typebox';
import { TOKEN_FIELD_RULES } from './token-body.js';

export const TokenRequestBodySchema = Type.Object(
  {
    first_name: Type.Optional(Type.String({ maxLength: TOKEN_FIELD_RULES.first_name.maxLength, description: TOKEN_FIELD_RULES.first_name.description })),
    last_name: Type.Optional(Type.String({ maxLength: TOKEN_FIELD_RULES.last_name.maxLength, description: TOKEN_FIELD_RULES.last_name.description })),
    email: Type.Optional(Type.String({ maxLength: TOKEN_FIELD_RULES.email.maxLength, pattern: TOKEN_FIELD_RULES.email.pattern, description: TOKEN_FIELD_RULES.email.description })),
    email_domain: Type.Optional(Type.String({ maxLength: TOKEN_FIELD_RULES.email_domain.maxLength, pattern: TOKEN_FIELD_RULES.email_domain.pattern, description: TOKEN_FIELD_RULES.email_domain.description })),
    metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: TOKEN_FIELD_RULES.metadata.description })),
  },
  { additionalProperties: false },
);

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
