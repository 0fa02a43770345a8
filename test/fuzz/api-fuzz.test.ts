// Fuzzing every /api route from its schema with fast-check: 20,000+ requests over real HTTP, valid-shaped
// and hostile (wrong types, unknown fields, prototype keys, broken JSON, huge and odd strings, odd ids).
// No answer may be a 5xx, no error body may carry a stack trace or SQL, and memory must stay flat.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Agent, request } from 'undici';
import { OWNER, startWithDemo, type TestConsole } from '../helpers/console.js';
import { http, signIn, type SessionCredentials } from '../helpers/http.js';

// A real collection before each memory reading, so growth means retained memory, not garbage not yet swept.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;
const retainedMb = () => {
  collect();
  const m = process.memoryUsage();
  return (m.heapUsed + m.external + m.arrayBuffers) / 1024 / 1024;
};

const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 20_000);
const CONCURRENCY = 8;
const LEAKS = /\bat [\w$.<>]+ \(|node_modules|\.ts:\d+|\bSELECT\b|\bINSERT INTO\b|\bUPDATE "|\bDELETE FROM\b|SQLITE_|PrismaClient|prisma\./;

let app: TestConsole;
/**
 * The session the password route is fuzzed with: its wrong current passwords lock password changes and end
 * the session that tried (by design), which must not be the one every other route is fuzzed with.
 */
let guesser: SessionCredentials;
const known: string[] = [];
const agent = new Agent({ connections: CONCURRENCY, keepAliveTimeout: 10_000 });

before(async () => {
  let demo: { id: string };
  // Request logs are kept in memory by the test harness: only warnings, so memory readings are the console's.
  ({ app, demo } = await startWithDemo({ LOG_LEVEL: 'warn' }));
  const key = await http<{ apiKey: { id: string } }>('POST', `${app.url}/api/api-keys`, { name: 'fuzz', providerIds: [demo.id] });
  const preset = await http<{ id: string }>('POST', `${app.url}/api/providers/${demo.id}/presets`, { name: 'fuzz', params: {} });
  const creds = await http<{ id: string }[]>('GET', `${app.url}/api/credential-sets`);
  const users = await http<{ id: string }[]>('GET', `${app.url}/api/users`);
  known.push(demo.id, key.json.apiKey.id, preset.json.id, creds.json[0]!.id, users.json[0]!.id);
  guesser = await signIn(app.url, OWNER.email, OWNER.password);
});
after(async () => {
  app?.services.bulk.cancelAll();
  await agent.close();
  await app?.stop();
});

const oddStrings = fc.constantFrom(
  '',
  ' ',
  '../../etc/passwd',
  '%00',
  '\u0000',
  '\u202e',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '__proto__',
  'constructor',
  '😀'.repeat(50),
  'x'.repeat(5000),
  '-1',
  '1e309',
  'NaN',
  'null',
  'true',
);
const idLike = fc.oneof(
  fc.constantFrom(...[randomUUID(), randomUUID().toUpperCase()]),
  oddStrings,
  fc.string({ maxLength: 40 }),
  fc.uuid(),
);
const scalar = fc.oneof(fc.string({ maxLength: 60 }), oddStrings, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const hostileObject = fc.oneof(
  fc.dictionary(
    fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom('__proto__', 'constructor', 'prototype', 'email', 'name', 'metadata', 'clientSecret'),
    ),
    fc.oneof(scalar, fc.array(scalar, { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 8 }), scalar, { maxKeys: 4 })),
    { maxKeys: 8 },
  ),
  fc.constant({ __proto__: { admin: true } }),
);

interface Shape {
  properties?: Record<string, Shape>;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Shape[];
  items?: Shape;
}

/** A value shaped by a schema (often valid), with a fair share of wrong types. */
function fromSchema(schema: Shape | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 3) return scalar;
  if (schema.enum) return fc.oneof(fc.constantFrom(...schema.enum), scalar);
  if (schema.const !== undefined) return fc.oneof(fc.constant(schema.const), scalar);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((s) => fromSchema(s, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'object' && schema.properties) {
    const props = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, fromSchema(v, depth + 1)]));
    return fc.oneof({ weight: 3, arbitrary: fc.record(props, { requiredKeys: [] }) }, { weight: 1, arbitrary: hostileObject });
  }
  if (type === 'array') return fc.oneof(fc.array(fromSchema(schema.items, depth + 1), { maxLength: 5 }), scalar);
  if (type === 'integer' || type === 'number') return fc.oneof(fc.integer({ min: -5, max: 200 }), scalar);
  if (type === 'boolean') return fc.oneof(fc.boolean(), scalar);
  if (type === 'string')
    return fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.uuid(),
      fc.constantFrom(...known),
      oddStrings,
      fc.emailAddress(),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    );
  return scalar;
}

/** Any generated value as text (objects without a prototype have no toString). */
function text(value: unknown): string {
  return value !== null && typeof value === 'object' ? (JSON.stringify(value) ?? '') : String(value);
}

/** One flat string shared by every case (a template literal per case would be copied as each is sent). */
const OVERSIZED = { kind: 'raw' as const, text: JSON.stringify({ name: 'x'.repeat(70_000) }), type: 'application/json' };

type Body = { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'raw'; text: string; type: string };

function bodyFor(schema: Shape | undefined): fc.Arbitrary<Body> {
  return fc.oneof(
    { weight: 4, arbitrary: fromSchema(schema).map((value) => ({ kind: 'json' as const, value })) },
    { weight: 1, arbitrary: fc.json().map((text) => ({ kind: 'raw' as const, text, type: 'application/json' })) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          '{"a":',
          '{"__proto__":{"x":1}}',
          '{"constructor":{"prototype":{"x":1}}}',
          '[',
          'null',
          '"str"',
          '{"metadata":{"__proto__":{}}}',
          '\u0000',
        )
        .map((text) => ({ kind: 'raw' as const, text, type: 'application/json' })),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 50 }).map((text) => ({ kind: 'raw' as const, text, type: 'text/plain' })) },
    { weight: 1, arbitrary: fc.constant(OVERSIZED) },
    { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
  );
}

/** Names that are keys of every JavaScript object, or otherwise odd: an import's secrets are keyed by name. */
const objectKeyNames = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  'Demo (built-in emulator)',
  'x'.repeat(100),
  '\u202e',
  '😀',
);
/**
 * Import files shaped like real exports (most rows valid) with hostile names and secrets maps: a secrets map
 * keyed by those names, sent as raw JSON text so a "__proto__" key really is in the body.
 */
const importBody: fc.Arbitrary<Body> = fc
  .record({
    names: fc.array(fc.oneof(objectKeyNames, fc.string({ minLength: 1, maxLength: 30 })), { minLength: 1, maxLength: 4 }),
    secretKeys: fc.array(fc.oneof(objectKeyNames, fc.string({ maxLength: 20 })), { maxLength: 4 }),
    secretValue: fc.oneof(fc.string({ minLength: 8, maxLength: 40 }), scalar),
    dryRun: fc.boolean(),
    secretsByName: fc.boolean(),
    upstream: fc.constantFrom('builtin:emulator', 'https://api.console.nutanix.com', 'http://127.0.0.1:9', 'https://169.254.169.254'),
  })
  .map(({ names, secretKeys, secretValue, dryRun, secretsByName, upstream }) => {
    const credentialSets = names.map((name) => ({
      name,
      clientId: `${randomUUID()}.img.frame.nutanix.com`,
      upstreamUrl: upstream,
      entityLevel: null,
      entityId: null,
      notes: '',
    }));
    const providers = names.map((name) => ({
      name: `secure-anon-${randomUUID()}`,
      description: '',
      tokenDurationMin: 30,
      entityLevel: 'account',
      entityId: randomUUID(),
      tags: [],
      credentialSet: name,
    }));
    const file = JSON.stringify({
      format: 'sat-playground/export',
      version: 1,
      exportedAt: new Date(0).toISOString(),
      credentialSets,
      providers,
    });
    const secrets = `{${[...(secretsByName ? names : []), ...secretKeys].map((k) => `${JSON.stringify(k)}:${JSON.stringify(secretValue) ?? 'null'}`).join(',')}}`;
    return { kind: 'raw' as const, text: `{"file":${file},"secrets":${secrets},"dryRun":${dryRun}}`, type: 'application/json' };
  });

test(`fuzz: ${TOTAL} requests over every /api route, no 5xx, no stack or SQL in errors, flat memory`, { timeout: 600_000 }, async () => {
  // Signing out would end the fuzzer's own session (sign-in is rate limited per address): every other route.
  const routes = app.app.registeredRoutes.filter((r) => r.url.startsWith('/api/') && !(r.method === 'DELETE' && r.url === '/api/session'));
  const cases = fc.sample(
    fc.constantFrom(...routes).chain((route) => {
      const schema = route.schema as { params?: Shape; querystring?: Shape; body?: Shape } | undefined;
      const names = [...route.url.matchAll(/:(\w+)/g)].map((m) => m[1]!);
      return fc.record({
        route: fc.constant(route),
        params: fc.tuple(...names.map(() => fc.oneof(fc.constantFrom(...known), idLike))),
        query: fc.oneof(
          fromSchema(schema?.querystring),
          fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 }), { maxKeys: 3 }),
        ),
        body: route.url === '/api/import' ? fc.oneof(bodyFor(schema?.body), importBody) : bodyFor(schema?.body),
        asKey: fc.boolean(),
      });
    }),
    { numRuns: TOTAL, seed: 20261125 },
  );
  const failures: string[] = [];
  const statuses = new Map<number, number>();
  let done = 0;
  const before = retainedMb();
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const c = cases[next++]!;
      let i = 0;
      const path = c.route.url.replace(/:(\w+)/g, () => encodeURIComponent(text(c.params[i++] ?? '')));
      const query =
        c.query && typeof c.query === 'object' && !Array.isArray(c.query)
          ? new URLSearchParams(Object.entries(c.query as Record<string, unknown>).map(([k, v]) => [k, text(v)])).toString()
          : '';
      const session = c.route.url === '/api/session/password' ? guesser : app.owner;
      const headers: Record<string, string> = { cookie: session.cookie, 'x-csrf-token': session.csrfToken };
      let body: string | undefined;
      if (c.route.method !== 'GET' && c.body.kind !== 'none') {
        body = c.body.kind === 'json' ? (JSON.stringify(c.body.value) ?? 'null') : c.body.text;
        headers['content-type'] = c.body.kind === 'json' ? 'application/json' : c.body.type;
      }
      if (c.asKey) headers.authorization = `Bearer satk_${'0'.repeat(12)}_fuzz`;
      const res = await request(`${app.url}${path}${query ? `?${query}` : ''}`, {
        method: c.route.method as 'GET',
        headers,
        body,
        dispatcher: agent,
      });
      const answer = await res.body.text();
      done++;
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      // No answer of 500 or more is tolerated, whatever its code.
      if (res.statusCode >= 500) {
        failures.push(`${c.route.method} ${path}?${query} ${body?.slice(0, 200)} → ${res.statusCode} ${answer.slice(0, 300)}`);
      }
      if (res.statusCode >= 400 && LEAKS.test(answer)) failures.push(`leak in ${c.route.method} ${path}: ${answer.slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  app.services.bulk.cancelAll();
  await app.services.history.flush();
  const growthMb = retainedMb() - before;
  assert.deepEqual(failures.slice(0, 20), [], `${failures.length} problem(s)`);
  assert.equal(done, TOTAL);
  assert.ok(growthMb < 50, `memory grew ${growthMb.toFixed(1)} MB`);
  const summary = [...statuses]
    .sort(([a], [b]) => a - b)
    .map(([s, n]) => `${s}: ${n}`)
    .join(', ');
  console.log(`fuzz: ${done} requests over ${routes.length} routes; statuses ${summary}; retained memory growth ${growthMb.toFixed(1)} MB`);
});
