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
