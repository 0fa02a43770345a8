import type { ProviderView } from '@server/contract/providers';
// Relative, not the @frame alias: test/web runs this module under tsx, which reads the root tsconfig (no aliases).
import { isEntityLevel, tokenUri } from '../../../server/frame/entity';

/** How a provider is named on screen: its description, else its Frame name. */
export function providerLabel(provider: Pick<ProviderView, 'description' | 'name'>): string {
  return provider.description || provider.name;
}

/** The label of the provider with this id among those loaded; the id itself when it is not among them. */
export function providerLabelOf(providers: readonly Pick<ProviderView, 'id' | 'description' | 'name'>[], id: string): string {
  const provider = providers.find((p) => p.id === id);
  return provider ? providerLabel(provider) : id;
}

/** Where a credential set points to reach the console's own emulator (server/services/upstreams.ts BUILTIN_EMULATOR). */
const BUILTIN_EMULATOR = 'builtin:emulator';

/**
 * A provider on the built-in emulator while the console runs without it (EMULATOR_ENABLED=false): the server
 * then gives it no token URI, and every mint, check or signature comparison is refused.
 */
export function emulatorOff(provider: Pick<ProviderView, 'upstreamUrl' | 'tokenUri'>): boolean {
  return provider.upstreamUrl === BUILTIN_EMULATOR && provider.tokenUri === null;
}

/**
 * The token URI the code shows: the server's, or, while the built-in emulator is off, where it answers on this
 * console once it is on (server/app.ts serves it under /emulator). The code never needs the emulator to be read.
 */
export function snippetTokenUri(
  provider: Pick<ProviderView, 'tokenUri' | 'entityLevel' | 'entityId' | 'name'>,
  origin: string,
): string | null {
  if (provider.tokenUri) return provider.tokenUri;
  if (!isEntityLevel(provider.entityLevel)) return null;
  return tokenUri(`${origin}/emulator`, { level: provider.entityLevel, entityId: provider.entityId, providerName: provider.name });
}
