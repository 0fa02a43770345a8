import type { ProviderView } from '@server/contract/providers';

/** How a provider is named on screen: its description, else its Frame name. */
export function providerLabel(provider: Pick<ProviderView, 'description' | 'name'>): string {
  return provider.description || provider.name;
}

/** The label of the provider with this id among those loaded; the id itself when it is not among them. */
export function providerLabelOf(providers: readonly Pick<ProviderView, 'id' | 'description' | 'name'>[], id: string): string {
  const provider = providers.find((p) => p.id === id);
  return provider ? providerLabel(provider) : id;
}
