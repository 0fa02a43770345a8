// Presets: named Playground parameters of a provider, shared with the team.
import { Type, type Static } from 'typebox';
import { TokenRequestBodySchema, type TokenRequestBody } from './tokens.js';

export const PresetViewSchema = Type.Object({
  id: Type.String(),
  providerId: Type.String(),
  name: Type.String(),
  params: Type.Unsafe<TokenRequestBody>(Type.Object({}, { additionalProperties: true })),
  updatedAt: Type.String(),
});
export type PresetView = Static<typeof PresetViewSchema>;
export const PresetListSchema = Type.Array(PresetViewSchema);

export const SavePresetBodySchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 60, pattern: '\\S' }),
    params: TokenRequestBodySchema,
    replace: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type SavePresetBody = Static<typeof SavePresetBodySchema>;
