// The environment variables are one schema (server/env-schema.ts); README.md's "Configuration" table is
// what operators read. These keep the two saying the same, and the schema's reader strict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../server/paths.js';
import { ENV_NAMES, ENV_SCHEMA, readEnv } from '../../server/env-schema.js';

/** The rows of README's configuration table: the names in the first column, the second column as written. */
function readmeRows(): { names: string[]; dflt: string }[] {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Configuration\n');
  assert.ok(start >= 0, 'README.md has a "## Configuration" section');
  const end = readme.indexOf('\n## ', start + 1);
  const rows = readme
    .slice(start, end === -1 ? undefined : end)
    .split('\n')
    .filter((line) => line.startsWith('|'));
  return rows.slice(2).map((row) => {
    const [first = '', second = ''] = row
      .split('|')
      .slice(1)
      .map((cell) => cell.trim());
    return { names: [...first.matchAll(/`([^`]+)`/g)].map((m) => m[1]!), dflt: second };
  });
}

test("README's configuration table lists exactly the schema's variables, once each", () => {
  const listed = readmeRows().flatMap((r) => r.names);
  assert.equal(new Set(listed).size, listed.length, `a variable is listed twice: ${listed.join(', ')}`);
  assert.deepEqual([...listed].sort(), [...ENV_NAMES].sort());
});

test("README's default column says the schema's default wherever the schema has one", () => {
  const properties = ENV_SCHEMA.properties as Record<string, { default?: unknown }>;
  for (const { names, dflt } of readmeRows()) {
    for (const name of names) {
      const want = properties[name]?.default;
      if (want !== undefined) assert.equal(dflt, `\`${String(want)}\``, name);
    }
  }
});

test('every variable has a description, and unset or empty means its default', () => {
  const properties = ENV_SCHEMA.properties as Record<string, { description?: string; default?: unknown }>;
  for (const name of ENV_NAMES) assert.ok(properties[name]?.description, `${name} has a description`);
  const unset = readEnv({});
  assert.deepEqual(readEnv(Object.fromEntries(ENV_NAMES.map((n) => [n, '']))), unset);
  for (const name of ENV_NAMES) assert.equal((unset as Record<string, unknown>)[name], properties[name]?.default, name);
});

test('integers are checked against the bounds in the schema, booleans and levels against their words', () => {
  assert.equal(readEnv({ PORT: '0' }).PORT, 0);
  assert.equal(readEnv({ PORT: '65535' }).PORT, 65535);
  for (const bad of ['65536', '-1', '80.5', 'eighty', '0x50 ']) {
    assert.throws(() => readEnv({ PORT: bad }), { message: `PORT must be an integer from 0 to 65535, got "${bad}"` });
  }
  assert.throws(() => readEnv({ UPSTREAM_TOTAL_TIMEOUT_MS: '49' }), {
    message: 'UPSTREAM_TOTAL_TIMEOUT_MS must be an integer from 50 to 300000, got "49"',
  });
  assert.throws(() => readEnv({ BULK_MAX_CONCURRENT_CALLS: '1001' }), {
    message: 'BULK_MAX_CONCURRENT_CALLS must be an integer from 1 to 1000, got "1001"',
  });
  for (const [raw, want] of [
    ['yes', true],
    ['OFF', false],
    ['1', true],
    ['0', false],
  ] as const)
    assert.equal(readEnv({ SEED_DEMO: raw }).SEED_DEMO, want);
  assert.throws(() => readEnv({ SEED_DEMO: 'maybe' }), { message: 'SEED_DEMO must be true or false, got "maybe"' });
  assert.throws(() => readEnv({ LOG_LEVEL: 'loud' }), {
    message: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
  });
});
