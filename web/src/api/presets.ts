// Presets: named Playground parameters of a provider, shared with the team.
import type { PresetView, SavePresetBody } from '@server/contract/presets';
import { call, path } from './client';

export const listPresets = (providerId: string) => call<PresetView[]>('GET', path`/api/providers/${providerId}/presets`);
export const savePreset = (providerId: string, body: SavePresetBody) =>
  call<PresetView>('POST', path`/api/providers/${providerId}/presets`, { body });
export const deletePreset = (id: string) => call<void>('DELETE', path`/api/presets/${id}`);
