// The field rules of credential sets and providers, once: the API routes and the import file use them alike.
import { Type } from 'typebox';
import { ENTITY_LEVELS, MAX_TOKEN_DURATION_MINUTES, MIN_TOKEN_DURATION_MINUTES, PROVIDER_NAME_PATTERN } from '../frame/entity.js';
import { Uuid } from './common.js';

export const EntityLevelSchema = Type.Enum(ENTITY_LEVELS, { description: 'account, organization or customer' });

export const CredentialFields = {
  name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
  // Sent as the X-Frame-ClientId header: visible ASCII only (control or bidi characters could never be sent).
  clientId: Type.String({
    minLength: 1,
    maxLength: 200,
    pattern: '^[\\x21-\\x7e]+$',
    description: 'Frame API client id, e.g. <uuid>.img.frame.nutanix.com',
  }),
  clientSecret: Type.String({ minLength: 8, maxLength: 512, writeOnly: true, description: 'Write-only: stored encrypted, never returned' }),
  upstreamUrl: Type.String({ minLength: 1, maxLength: 500, description: 'https base URL of the Frame API, or builtin:emulator' }),
  notes: Type.String({ maxLength: 1000 }),
};

export const ProviderFields = {
  name: Type.String({ pattern: PROVIDER_NAME_PATTERN, description: 'secure-anon-<uuid>; generated when absent' }),
  description: Type.String({ maxLength: 200 }),
  tokenDurationMin: Type.Integer({
    minimum: MIN_TOKEN_DURATION_MINUTES,
    maximum: MAX_TOKEN_DURATION_MINUTES,
    description: 'Token Duration in minutes (5-480)',
  }),
  entityLevel: EntityLevelSchema,
  entityId: Uuid('UUID of the account, organization or customer'),
  credentialSetId: Uuid('Credential set that mints for this provider'),
  tags: Type.Array(Type.String({ minLength: 1, maxLength: 40, pattern: '^[^,]+$' }), {
    maxItems: 20,
    description: 'Short labels, e.g. kiosk, trial',
  }),
};

/** Names that mean something in a JavaScript object; refused where user text becomes a key (an import's secrets by name). */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
