// What the SPA needs to build its forms: upstream presets, entity levels and limits.
import { Type, type Static } from 'typebox';

export const MetaSchema = Type.Object({
  upstreams: Type.Array(Type.Object({ id: Type.String(), label: Type.String(), url: Type.String(), environment: Type.String() })),
  entityLevels: Type.Array(Type.String()),
  tokenDuration: Type.Object({ min: Type.Integer(), max: Type.Integer() }),
  builtinEmulatorUrl: Type.Union([Type.String(), Type.Null()]),
});
export type Meta = Static<typeof MetaSchema>;
