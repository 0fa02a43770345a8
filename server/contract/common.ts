// Schema pieces every resource of the console API uses: ids in the path, no query, no body, no content.
import { Type, type Static } from 'typebox';
import { UUID_PATTERN } from '../frame/entity.js';
import { ROLES } from './permissions.js';

export const Uuid = (description?: string) => Type.String({ pattern: UUID_PATTERN, ...(description ? { description } : {}) });

export const IdParamsSchema = Type.Object({ id: Uuid('UUID') }, { additionalProperties: false });
export type IdParams = Static<typeof IdParamsSchema>;

/** Routes that take no query string refuse one, so a typo in a parameter name is a 400, not ignored. */
export const NoQuerySchema = Type.Object({}, { additionalProperties: false });

/** The body of an action without input (revoke, cancel, unlock): absent or `{}`. */
export const EmptyBodySchema = Type.Optional(Type.Object({}, { additionalProperties: false }));

/** 204 No Content. */
export const NoContentSchema = Type.Null();

/** Any JSON object (claims, audit detail, metadata): `Record<string, unknown>` to TypeScript. */
export const JsonObject = () => Type.Unsafe<Record<string, unknown>>(Type.Object({}, { additionalProperties: true }));

export const RoleSchema = Type.Enum([...ROLES]);

/** Providers granted to a support user, an invitation or an API key. */
export const ProviderIdsSchema = Type.Array(Uuid('Provider id'), { maxItems: 1000, uniqueItems: true });

/**
 * A one-time link token (invitation, password reset). It travels in request bodies, never in a URL: URLs end up
 * in logs, history and referrers.
 */
export const LinkTokenSchema = Type.String({ minLength: 20, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' });

/** True when two types are the same shape (a hand-written frame/ type and its contract schema): else `never`. */
export type SameShape<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : never;
