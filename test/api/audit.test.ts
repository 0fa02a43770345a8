// The audit log: exactly one row per action in a scripted scenario, fail-closed when rows cannot be
// written (the action is refused and the upstream never called), and a hash chain that verifies, and
// stops verifying once a row is edited behind the console's back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { databaseEnv, OWNER, startTestConsole, type TestConsole } from '../helpers/console.js';
import { auditFault, rawSql } from '../helpers/databases.js';
import { http, signIn, useSession } from '../helpers/http.js';
import { scenario } from '../helpers/emulator.js';
import { buildEmulatorServer, type EmulatorServer } from '../../server/emulator/server.js';
import { parseEmulatorConfig } from '../../server/emulator/config.js';

interface Row {
  seq: number;
  actor: string;
  action: string;
  outcome: string;
  detail: Record<string, unknown>;
  providerId: string | null;
  chainIndex: number | null;
}

let app: TestConsole;
let emulator: EmulatorServer;
let emulatorUrl: string;
let upstreamCalls = 0;
const s = scenario();

before(async () => {
  emulator = await buildEmulatorServer(parseEmulatorConfig(s.config));
  emulator.app.addHook('onRequest', async () => {
    upstreamCalls++;
  });
  emulatorUrl = await emulator.app.listen({ port: 0, host: '127.0.0.1' });
  app = await startTestConsole({ SEED_DEMO: 'false', UPSTREAM_ALLOW_HOSTS: '127.0.0.1' });
});
after(async () => {
  await app?.stop();
  await emulator?.app.close();
});

async function rowsAfter(seq: number): Promise<Row[]> {
  const res = await http<Row[]>('GET', `${app.url}/api/audit?limit=500`);
  assert.equal(res.status, 200, res.text);
  return res.json.filter((r) => r.seq > seq).reverse();
}

async function lastSeq(): Promise<number> {
  return (await http<Row[]>('GET', `${app.url}/api/audit?limit=1`)).json[0]?.seq ?? 0;
}

test('a scripted scenario writes exactly one row per action, in order, without secrets', async () => {
  const canary = `CANARY-${randomUUID()}`;
  const start = await lastSeq();
  const owner = await signIn(app.url, OWNER.email, OWNER.password);
  useSession(app.url, owner);
  const cred = await http<{ id: string }>('POST', `${app.url}/api/credential-sets`, {
    name: 'Audit API',
    clientId: s.admin.clientId,
    clientSecret: canary,
    upstreamUrl: emulatorUrl,
  });
  assert.equal(cred.status, 201, cred.text);
  await http('PATCH', `${app.url}/api/credential-sets/${cred.json.id}`, { notes: 'for the audit test' });
  await http('PUT', `${app.url}/api/credential-sets/${cred.json.id}/secret`, { clientSecret: s.admin.clientSecret });
  const prov = await http<{ id: string }>('POST', `${app.url}/api/providers`, {
    name: s.provider.name,
    tokenDurationMin: 90,
    entityLevel: 'account',
    entityId: s.accountId,
    credentialSetId: cred.json.id,
  });
  assert.equal(prov.status, 201, prov.text);
  await http('PATCH', `${app.url}/api/providers/${prov.json.id}`, { description: 'Audited kiosks' });
  const minted = await http<{ claims: { jti: string; sub: string } }>('POST', `${app.url}/api/providers/${prov.json.id}/tokens`, {
    email: 'a@example.com',
  });
  assert.equal(minted.status, 200, minted.text);
  await http('POST', `${app.url}/api/providers/${prov.json.id}/presets`, { name: 'Kiosk', params: {} });
  const inv = await http<{ token: string }>('POST', `${app.url}/api/users/invites`, {
    email: 'sup@example.test',
    role: 'support',
    providerIds: [],
  });
  const accepted = await http<{ user: { id: string } }>(
    'POST',
    `${app.url}/api/invites/accept`,
    { token: inv.json.token, password: 'support pass phrase' },
    { cookie: '' },
  );
  await http('PATCH', `${app.url}/api/users/${accepted.json.user.id}`, { role: 'viewer' });
  await http('PUT', `${app.url}/api/users/${accepted.json.user.id}/grants`, { providerIds: [] });
  const key = await http<{ key: string; apiKey: { id: string } }>('POST', `${app.url}/api/api-keys`, {
    name: 'scenario',
    providerIds: [prov.json.id],
  });
  const brokered = await http(
    'POST',
    `${app.url}/api/v1/providers/${prov.json.id}/tokens`,
    {},
    { cookie: '', authorization: `Bearer ${key.json.key}` },
  );
  assert.equal(brokered.status, 200, brokered.text);
  await http('POST', `${app.url}/api/api-keys/${key.json.apiKey.id}/revoke`, {});
  // Refused by role before anything happens: not an action, no row.
  const viewer = await signIn(app.url, 'sup@example.test', 'support pass phrase');
  assert.equal(
    (await http('POST', `${app.url}/api/providers/${prov.json.id}/tokens`, {}, { cookie: viewer.cookie, 'x-csrf-token': viewer.csrfToken }))
      .status,
    403,
  );
  await http('GET', `${app.url}/api/export`);
  await http('DELETE', `${app.url}/api/providers/${prov.json.id}`);
  await http('DELETE', `${app.url}/api/session`);
  useSession(app.url, await signIn(app.url, OWNER.email, OWNER.password));

  const rows = await rowsAfter(start);
  assert.deepEqual(
    rows.map((r) => r.action),
    [
      'auth.sign_in',
      'credential.created',
      'credential.updated',
      'credential.secret_replaced',
      'provider.created',
      'provider.updated',
      'token.minted',
      'preset.saved',
      'user.invited',
      'user.created',
      'user.updated',
      'user.grants_changed',
      'apikey.created',
      'token.minted',
      'apikey.revoked',
      'auth.sign_in',
      'config.exported',
      'provider.deleted',
      'auth.sign_out',
      'auth.sign_in',
    ],
  );
  assert.ok(
    rows.every((r) => r.outcome === 'ok' && r.chainIndex !== null),
    JSON.stringify(rows.filter((r) => r.outcome !== 'ok')),
  );
  const [consoleMint, brokerMint] = rows.filter((r) => r.action === 'token.minted');
  assert.equal(consoleMint!.actor, OWNER.email);
  assert.equal(consoleMint!.detail.jti, minted.json.claims.jti);
  assert.equal(consoleMint!.detail.sub, minted.json.claims.sub);
  assert.equal(typeof consoleMint!.detail.exp, 'string');
  assert.equal(typeof consoleMint!.detail.latencyMs, 'number');
  assert.deepEqual(consoleMint!.detail.params, { email: 'a@example.com' });
  assert.equal(brokerMint!.actor, 'key:scenario');
  const updated = rows.find((r) => r.action === 'provider.updated')!;
  assert.deepEqual(
    [(updated.detail.before as { description: string }).description, (updated.detail.after as { description: string }).description],
    ['', 'Audited kiosks'],
  );
  const csv = await http('GET', `${app.url}/api/audit.csv`);
  assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
  assert.equal(JSON.stringify(rows).includes(canary) || csv.text.includes(canary), false, 'no secret in the audit log');
  assert.equal(csv.text.includes(s.admin.clientSecret), false);
});

test('with audit writes failing, actions are refused, nothing changes and the upstream gets no call', async () => {
  const cred = {
    json: (await http<{ id: string; name: string }[]>('GET', `${app.url}/api/credential-sets`)).json.find((c) => c.name === 'Audit API')!,
  };
  const prov = await http<{ id: string }>('POST', `${app.url}/api/providers`, {
    name: s.provider.name,
    tokenDurationMin: 90,
    entityLevel: 'account',
    entityId: s.accountId,
    credentialSetId: cred.json.id,
  });
  const key = await http<{ key: string }>('POST', `${app.url}/api/api-keys`, { name: 'fail-closed', providerIds: [prov.json.id] });
  const restore = await auditFault(app, 'insert');
  try {
    upstreamCalls = 0;
    const attempts = [
      await http<{ error: string }>('POST', `${app.url}/api/providers/${prov.json.id}/tokens`, {}),
      await http<{ error: string }>(
        'POST',
        `${app.url}/api/v1/providers/${prov.json.id}/tokens`,
        {},
        { cookie: '', authorization: `Bearer ${key.json.key}` },
      ),
      await http<{ error: string }>('POST', `${app.url}/api/providers/${prov.json.id}/bulk`, { count: 5 }),
      await http<{ error: string }>('POST', `${app.url}/api/credential-sets/${cred.json.id}/verify`, { providerId: prov.json.id }),
      await http<{ error: string }>('POST', `${app.url}/api/credential-sets`, {
        name: 'Not created',
        clientId: 'x.y',
        clientSecret: 'secret-secret',
        upstreamUrl: emulatorUrl,
      }),
      await http<{ error: string }>('DELETE', `${app.url}/api/providers/${prov.json.id}`),
      await http<{ error: string }>('POST', `${app.url}/api/session`, OWNER, { cookie: '' }),
    ];
    for (const res of attempts) {
      assert.equal(res.status, 503, res.text);
      assert.equal(res.json.error, 'audit/unavailable');
      assert.match(res.text, /nothing was done/);
    }
    assert.equal(upstreamCalls, 0, 'the emulator received no call');
    const names = (await http<{ name: string }[]>('GET', `${app.url}/api/credential-sets`)).json.map((c) => c.name);
    assert.equal(names.includes('Not created'), false);
    assert.equal((await http('GET', `${app.url}/api/providers/${prov.json.id}`)).status, 200, 'the provider was not deleted');
  } finally {
    await restore();
  }
  assert.equal(
    (await http('POST', `${app.url}/api/providers/${prov.json.id}/tokens`, {})).status,
    200,
    'works again once the log can be written',
  );
  assert.equal(upstreamCalls, 1);
});

test('a row completed without its own sync (bulk mints) is complete and chained, and syncNow syncs the WAL', async () => {
  const audit = app.services.audit;
  const seq = await audit.begin({ action: 'test.deferred_sync' });
  await audit.finish(seq, 'ok', { note: 'synced later' }, { durable: false });
  await audit.syncNow();
  const [row] = await rawSql<{ outcome: string; hash: string | null; chainIndex: number | null }>(
    app.database,
    'SELECT "outcome", "hash", "chainIndex" FROM "AuditEvent" WHERE "seq" = ?',
    [seq],
  );
  assert.ok(row, 'the row is there');
  assert.equal(row.outcome, 'ok');
  assert.ok(row.hash && row.chainIndex, 'linked into the chain');
});

test('the chain verifies (API and npm run audit:verify), and an edited row breaks it', async () => {
  const report = await http<{ ok: boolean; checked: number; brokenAt: number | null }>('GET', `${app.url}/api/audit/verify`);
  assert.equal(report.json.ok, true);
  assert.ok(report.json.checked >= 25);
  const env = { ...process.env, DATA_DIR: app.dataDir, ...(await databaseEnv(app.dataDir)) };
  const cli = () =>
    spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/verify-audit.ts'], {
      env,
      encoding: 'utf8',
    });
  const good = cli();
  assert.equal(good.status, 0, good.stderr);
  assert.match(good.stdout, /intact, \d+ row\(s\) checked/);

  // Completed rows cannot be updated through SQL either...
  const edit = `UPDATE "AuditEvent" SET "actor" = 'someone else' WHERE "chainIndex" = 3`;
  await assert.rejects(rawSql(app.database, edit), /append-only/);
  // ...unless someone with the database drops the guard: the chain then gives them away.
  const guard = '"AuditEvent_completed_rows_are_immutable"';
  await rawSql(app.database, app.database.backend === 'sqlite' ? `DROP TRIGGER ${guard}` : `DROP TRIGGER ${guard} ON "AuditEvent"`);
  await rawSql(app.database, edit);
  const broken = await http<{ ok: boolean; brokenAt: number; problem: string }>('GET', `${app.url}/api/audit/verify`);
  assert.deepEqual([broken.json.ok, broken.json.brokenAt], [false, 3]);
  assert.match(broken.json.problem, /changed after it was written/);
  const bad = cli();
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /BROKEN at chain row 3/);
});
