// F1 of issue 13: a Frame signature covers only timestamp + client id, so for its window it mints for every
// provider the key may reach. No answer, to any role, may carry one: the signature debugger shows its first
// 8 hex characters and compares a developer's own signature on the server instead.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { addUser, startTestConsole, type TestConsole } from '../helpers/console.js';
import { http, seenBodies, signIn, type SessionCredentials } from '../helpers/http.js';
import { providerName } from '../helpers/fixtures.js';

let app: TestConsole;
const clientId = `${randomUUID()}.img.frame.nutanix.com`;
const secret = randomBytes(20).toString('hex');
const accountId = randomUUID();
let providerA: { id: string; name: string };
let providerB: { id: string; name: string };
let support: SessionCredentials;
const startedAt = Math.floor(Date.now() / 1000);

const sign = (timestamp: number | string) => createHmac('sha256', secret).update(`${timestamp}${clientId}`).digest('hex');

/** Every signature this key could have made during the test, with the console's largest skew bound around it. */
function possibleSignatures(): Set<string> {
  const all = new Set<string>();
  for (let t = startedAt - 1000; t <= Math.floor(Date.now() / 1000) + 1000; t++) all.add(sign(t));
  return all;
}

/** 64-hex runs in a text that are real signatures of this key. */
function signaturesIn(text: string, real: Set<string>): string[] {
  return (text.match(/[0-9a-fA-F]{64}/g) ?? []).filter((run) => real.has(run.toLowerCase()));
}

/** What an attacker would look for in an answer: the three X-Frame-* headers, wherever they are. */
function liftHeaders(value: unknown, found: Record<string, string> = {}): Record<string, string> {
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (/^x-frame-/i.test(k) && typeof v === 'string') found[k.toLowerCase()] = v;
      else liftHeaders(v, found);
    }
  }
  return found;
}

before(async () => {
  app = await startTestConsole({ LOG_LEVEL: 'trace' });
  const cred = await http<{ id: string }>('POST', `${app.url}/api/credential-sets`, {
    name: 'Exposure',
    clientId,
    clientSecret: secret,
    upstreamUrl: 'builtin:emulator',
  });
  assert.equal(cred.status, 201, cred.text);
  const add = async () => {
    const res = await http<{ id: string; name: string }>('POST', `${app.url}/api/providers`, {
      name: providerName(),
      tokenDurationMin: 30,
      entityLevel: 'account',
      entityId: accountId,
      credentialSetId: cred.json.id,
    });
    assert.equal(res.status, 201, res.text);
    return res.json;
  };
  providerA = await add();
  providerB = await add();
  const user = await addUser(app, 'support', [providerA.id]);
  support = await signIn(app.url, user.email, user.password);
});
after(() => app?.stop());

const emulatorTokenUrl = (name: string) => `${app.url}/emulator/v1/accounts/${accountId}/secure-anonymous/${name}/tokens`;

test('a support user granted provider A finds no signed headers in its answers to replay against provider B', async () => {
  const asSupport = { cookie: support.cookie, 'x-csrf-token': support.csrfToken };
  const minted = await http('POST', `${app.url}/api/providers/${providerA.id}/tokens`, { email: 'a@example.com' }, asSupport);
  assert.equal(minted.status, 200, minted.text);
  app.emulator!.faults.set({ forceStatus: 500 });
  const failed = await http('POST', `${app.url}/api/providers/${providerA.id}/tokens`, {}, asSupport);
  app.emulator!.faults.clear();
  assert.equal(failed.status, 502, failed.text);

  for (const answer of [minted, failed]) {
    const lifted = liftHeaders(answer.json);
    assert.equal(lifted['x-frame-signature'], undefined, `the answer carries a signature: ${answer.text.slice(0, 300)}`);
    assert.deepEqual(signaturesIn(answer.text, possibleSignatures()), []);
  }
  // What the lifted headers would have done: the real signature of the moment mints for provider B.
  const timestamp = Math.floor(Date.now() / 1000);
  const replay = await http(
    'POST',
    emulatorTokenUrl(providerB.name),
    {},
    { cookie: '', 'x-frame-clientid': clientId, 'x-frame-timestamp': String(timestamp), 'x-frame-signature': sign(timestamp) },
  );
  assert.equal(replay.status, 200, 'a signature is a bearer credential for every provider of the key, which is why none may leave');
});

test('the signature debugger shows the string to sign and the first 8 hex characters, and they are right', async () => {
  const minted = await http<{ request: Record<string, unknown> }>('POST', `${app.url}/api/providers/${providerA.id}/tokens`, {});
  assert.equal(minted.status, 200, minted.text);
  const { request } = minted.json;
  const timestamp = request.timestamp as number;
  assert.equal(request.clientId, clientId);
  assert.equal(request.stringToSign, `${timestamp}${clientId}`);
  assert.equal(request.signaturePrefix, sign(timestamp).slice(0, 8));
  assert.equal('headers' in request, false);
});

test('compare with mine: match, and on a mismatch which input differs', async () => {
  const url = `${app.url}/api/providers/${providerA.id}/signature-compare`;
  const now = Math.floor(Date.now() / 1000);
  type Answer = {
    match: boolean;
    problems: { input: string; message: string }[];
    expected: { clientId: string; stringToSign: string; signaturePrefix: string };
  };
  const compare = (body: Record<string, unknown>) => http<Answer>('POST', url, body);

  const good = await compare({ timestamp: String(now), signature: sign(now) });
  assert.equal(good.status, 200, good.text);
  assert.equal(good.json.match, true);
  assert.deepEqual(good.json.problems, []);
  assert.equal(good.json.expected.stringToSign, `${now}${clientId}`);
  assert.equal(good.json.expected.signaturePrefix, sign(now).slice(0, 8));
  assert.equal((await compare({ timestamp: String(now), signature: sign(now).toUpperCase() })).json.match, true, 'hex in either case');

  const inputs = async (body: Record<string, unknown>) => {
    const res = await compare(body);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.match, false);
    return res.json.problems.map((p) => p.input);
  };
  const stale = now - 3600;
  assert.deepEqual(await inputs({ timestamp: String(stale), signature: sign(stale) }), ['timestamp'], 'right signature, but an hour old');
  const otherClient = `${randomUUID()}.img.frame.nutanix.com`;
  const withOtherClient = createHmac('sha256', secret).update(`${now}${otherClient}`).digest('hex');
  assert.deepEqual(await inputs({ timestamp: String(now), signature: withOtherClient, clientId: otherClient }), ['clientId']);
  const reversed = createHmac('sha256', secret).update(`${clientId}${now}`).digest('hex');
  assert.deepEqual(
    await inputs({ timestamp: String(now), signature: reversed }),
    ['stringToSign'],
    'client id + timestamp is the wrong order',
  );
  assert.deepEqual(await inputs({ timestamp: String(now), signature: sign(now), stringToSign: `${now}:${clientId}` }), ['stringToSign']);
  const wrongSecret = createHmac('sha256', 'not-the-secret').update(`${now}${clientId}`).digest('hex');
  assert.deepEqual(await inputs({ timestamp: String(now), signature: wrongSecret }), ['signature']);
  const base64 = createHmac('sha256', secret).update(`${now}${clientId}`).digest('base64');
  const b64 = await compare({ timestamp: String(now), signature: base64 });
  assert.equal(b64.json.match, false);
  assert.match(b64.json.problems[0]!.message, /base64/i);
  const ms = await compare({ timestamp: String(now * 1000), signature: sign(now * 1000) });
  assert.equal(ms.status, 200, ms.text);
  assert.match(ms.json.problems.map((p) => p.message).join(' '), /milliseconds/);

  // A support user without a grant on the provider may not use its key, even to compare.
  const stranger = await addUser(app, 'support', [providerB.id]);
  const session = await signIn(app.url, stranger.email, stranger.password);
  const refused = await http(
    'POST',
    url,
    { timestamp: String(now), signature: sign(now) },
    { cookie: session.cookie, 'x-csrf-token': session.csrfToken },
  );
  assert.equal(refused.status, 403);
});

test('no answer to any role or key, and no log line, carries a real signature of the key', async () => {
  const admin = await addUser(app, 'admin');
  const adminSession = await signIn(app.url, admin.email, admin.password);
  const key = await http<{ key: string }>('POST', `${app.url}/api/api-keys`, { name: 'exposure', providerIds: [providerA.id] });
  assert.equal(key.status, 201, key.text);
  const people: Record<string, string>[] = [
    {},
    { cookie: adminSession.cookie, 'x-csrf-token': adminSession.csrfToken },
    { cookie: support.cookie, 'x-csrf-token': support.csrfToken },
  ];
  for (const headers of people) {
    assert.equal((await http('POST', `${app.url}/api/providers/${providerA.id}/tokens`, { first_name: 'Ann' }, headers)).status, 200);
    app.emulator!.faults.set({ forceStatus: 401 });
    assert.equal((await http('POST', `${app.url}/api/providers/${providerA.id}/tokens`, {}, headers)).status, 422);
    app.emulator!.faults.clear();
  }
  assert.equal(
    (await http('POST', `${app.url}/api/v1/providers/${providerA.id}/tokens`, {}, { cookie: '', authorization: `Bearer ${key.json.key}` }))
      .status,
    200,
  );
  app.emulator!.faults.set({ forceStatus: 503 });
  assert.equal(
    (await http('POST', `${app.url}/api/v1/providers/${providerA.id}/tokens`, {}, { cookie: '', authorization: `Bearer ${key.json.key}` }))
      .status,
    502,
  );
  app.emulator!.faults.clear();
  const cred = (await http<{ id: string }[]>('GET', `${app.url}/api/credential-sets`)).json.find(
    (c) => (c as { name?: string }).name === 'Exposure',
  )!;
  assert.equal((await http('POST', `${app.url}/api/credential-sets/${cred.id}/verify`, { providerId: providerA.id })).status, 200);
  for (const path of ['/api/audit?limit=500', '/api/audit.csv', '/api/history', '/api/export', '/docs/json'])
    assert.equal((await http('GET', `${app.url}${path}`)).status, 200, path);

  const real = possibleSignatures();
  const leaks = seenBodies.flatMap((body) => signaturesIn(body, real));
  assert.deepEqual(leaks, [], 'an answer carried a real signature');
  assert.deepEqual(signaturesIn(app.logs(), real), [], 'a log line carried a real signature');
});
