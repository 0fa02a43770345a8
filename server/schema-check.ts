// Validates plain data (config files, env) against a TypeBox schema with messages a person can act on.
import type { TSchema, Static } from 'typebox';
import { Value } from 'typebox/value';

export function describeErrors(schema: TSchema, value: unknown, label: string): string[] {
  return [...Value.Errors(schema, value)]
    .filter((e) => e.keyword !== 'boolean')
    .map((e) => {
      const where = e.instancePath ? `${label}${e.instancePath.replace(/\//g, '.')}` : label;
      const extra =
        e.keyword === 'additionalProperties'
          ? ` (${JSON.stringify((e.params as { additionalProperties?: unknown }).additionalProperties)})`
          : '';
      return `${where}: ${e.message}${extra}`;
    });
}

export function checkOrThrow<T extends TSchema>(schema: T, value: unknown, label: string): Static<T> {
  if (Value.Check(schema, value)) return value as Static<T>;
  throw new Error(`Invalid ${label}:\n  - ${describeErrors(schema, value, label).join('\n  - ')}`);
}
