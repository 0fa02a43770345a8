// The standalone emulator's JSON config file (documented in docs/emulator.md).
import { readFileSync } from 'node:fs';
import { Type, type Static } from 'typebox';
import { ENTITY_LEVELS, PROVIDER_NAME_PATTERN } from '../frame/entity.js';
import { checkOrThrow } from '../schema-check.js';
import { DEFAULT_TIMESTAMP_WINDOW_SECONDS } from './contract.js';
import { MAX_TOKEN_DURATION_MINUTES, MIN_TOKEN_DURATION_MINUTES } from '../frame/entity.js';
import { FaultsSchema } from './faults.js';

const Level = Type.Enum(ENTITY_LEVELS);
const EntityRefSchema = Type.Object({ level: Level, entityId: Type.String({ minLength: 1 }) }, { additionalProperties: false });

export const EmulatorConfigSchema = Type.Object(
  {
    host: Type.Optional(Type.String({ default: '127.0.0.1' })),
    port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
    timestampWindowSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
    signingKeyFile: Type.Optional(Type.String({ description: 'PEM file with an EC P-256 private key; a new key per start when absent.' })),
    control: Type.Optional(Type.Boolean({ description: 'Expose the /_emulator/faults control API.' })),
    credentials: Type.Array(
      Type.Object(
        {
          clientId: Type.String({ minLength: 1 }),
          clientSecret: Type.String({ minLength: 1 }),
          grants: Type.Union([Type.Literal('*'), Type.Array(EntityRefSchema)]),
        },
        { additionalProperties: false },
      ),
    ),
    providers: Type.Array(
      Type.Object(
        {
          level: Level,
          entityId: Type.String({ minLength: 1 }),
          name: Type.String({ pattern: PROVIDER_NAME_PATTERN }),
          tokenDurationMinutes: Type.Integer({ minimum: MIN_TOKEN_DURATION_MINUTES, maximum: MAX_TOKEN_DURATION_MINUTES }),
        },
        { additionalProperties: false },
      ),
    ),
    faults: Type.Optional(FaultsSchema),
  },
  { additionalProperties: false },
);
export type EmulatorConfig = Static<typeof EmulatorConfigSchema>;

export function parseEmulatorConfig(value: unknown): EmulatorConfig {
  return checkOrThrow(EmulatorConfigSchema, value, 'emulator config');
}

export function loadEmulatorConfig(path: string): EmulatorConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`Cannot read the emulator config file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`The emulator config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return parseEmulatorConfig(json);
}

export { DEFAULT_TIMESTAMP_WINDOW_SECONDS };
