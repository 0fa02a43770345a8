// Frame entity levels and the token URI: the one place that knows the path shapes.

export const ENTITY_LEVELS = ['account', 'organization', 'customer'] as const;
export type EntityLevel = (typeof ENTITY_LEVELS)[number];

/** Path segment per level. Frame's Playground shows the British "organisations"; both are accepted on input. */
export const LEVEL_PATH_SEGMENT: Record<EntityLevel, string> = {
  account: 'accounts',
  organization: 'organizations',
  customer: 'customers',
};

export const PATH_SEGMENT_LEVEL: Record<string, EntityLevel> = {
  accounts: 'account',
  organizations: 'organization',
  organisations: 'organization',
  customers: 'customer',
};

/** A provider's Token Duration, in minutes, as Frame's console offers it. */
export const MIN_TOKEN_DURATION_MINUTES = 5;
export const MAX_TOKEN_DURATION_MINUTES = 480;

export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
export const PROVIDER_NAME_PATTERN = '^secure-anon-[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

const uuidRe = new RegExp(UUID_PATTERN);
const providerNameRe = new RegExp(PROVIDER_NAME_PATTERN);

export function isUuid(value: string): boolean {
  return uuidRe.test(value);
}

export function isProviderName(value: string): boolean {
  return providerNameRe.test(value);
}

export function isEntityLevel(value: string): value is EntityLevel {
  return (ENTITY_LEVELS as readonly string[]).includes(value);
}

export interface TokenTarget {
  level: EntityLevel;
  entityId: string;
  providerName: string;
}

/** Path of the token endpoint, without the base URL. */
export function tokenPath(target: TokenTarget): string {
  const segment = LEVEL_PATH_SEGMENT[target.level];
  return `/v1/${segment}/${encodeURIComponent(target.entityId)}/secure-anonymous/${encodeURIComponent(target.providerName)}/tokens`;
}

/** Full token URI on a base URL such as https://api.console.nutanix.com (a path prefix on the base is kept). */
export function tokenUri(baseUrl: string, target: TokenTarget): string {
  return `${baseUrl.replace(/\/+$/, '')}${tokenPath(target)}`;
}

const tokenPathRe = /\/v1\/(accounts|organizations|organisations|customers)\/([^/]+)\/secure-anonymous\/([^/]+)\/tokens\/?$/;

/**
 * Reads a full token URL as Frame's Playground shows it back into its parts.
 * Returns null when the text is not a token URL.
 */
export function parseTokenUri(text: string): (TokenTarget & { baseUrl: string }) | null {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return null;
  }
  const match = tokenPathRe.exec(url.pathname);
  if (!match) return null;
  const level = PATH_SEGMENT_LEVEL[match[1]!]!;
  const prefix = url.pathname.slice(0, match.index);
  return {
    baseUrl: `${url.origin}${prefix}`,
    level,
    entityId: decodeURIComponent(match[2]!),
    providerName: decodeURIComponent(match[3]!),
  };
}
