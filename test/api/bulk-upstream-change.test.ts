// A running bulk job signs with what its provider has now, or not at all (issue 13, red-team pass on F6):
// the re-check that looks at its owner's rights at least once a second (service clock) also confirms
// that its provider still exists and that its credential set (id, client id, upstream, secret) is the one
// the job opened at its start. A secret replaced, an upstream moved, a credential set or a provider
// deleted: the job stops as "revoked" with the reason, and no mint is begun after the check that saw it.
// The service clock is frozen; the test moves it, so the only re-check is the one the test asks for.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { startTestConsole, type TestConsole } from '../helpers/console.js';
import { http } from '../helpers/http.js';
import { providerName } from '../helpers/fixtures.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { RECHECK_MS } from '../../server/services/bulk.js';
import { finishedJob, jobProgress } from '../helpers/bulk.js';

interface Row {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  outcome: string;
  detail: Record<string, any>;
}
interface Setup {
  credentialId: string;
  clientId: string;
  providerId: string;
}

const T0 = Math.floor(Date.now() / 1000) * 1000;
const TOTAL = 500;
const CONCURRENCY = 2;

let app: TestConsole;
let fake: FakeUpstream;
let offsetMs = 0;
/** Signed token requests the built-in emulator received, in order, by client id. */
const arrivals: string[] = [];

before(async () => {
  fake = await startFakeUpstream();
  app = await startTestConsole({ LOG_LEVEL: 'warn', UPSTREAM_ALLOW_HOSTS: fake.host }, { now: () => T0 + offsetMs });
  // Every token request that reaches the emulator's signature check looks its client id up here.
  const registry = app.emulator!.registry;
  const find = registry.findCredential.bind(registry);
  registry.findCredential = (clientId: string) => {
    arrivals.push(clientId);
    return find(clientId);
  };
});
after(async () => {
  await app.stop();
  await fake.close();
});

async function auditRows(action: string): Promise<Row[]> {
  const res = await http<Row[]>('GET', `${app.url}/api/audit?limit=500&action=${action}`);
  assert.equal(res.status, 200, res.text);
  return res.json;
}

const job = async (id: string) => (await http<any>('GET', `${app.url}/api/bulk/${id}`)).json;

const finished = (id: string) => finishedJob(app.url, id);

/** A credential set of its own on the built-in emulator, and a provider on it. */
async function setUp(): Promise<Setup> {
  const clientId = `${randomUUID()}.img.frame.nutanix.com`;
  const cred = await http<{ id: string }>('POST', `${app.url}/api/credential-sets`, {
    name: `Bulk ${randomUUID().slice(0, 8)}`,
    clientId,
    clientSecret: randomBytes(20).toString('hex'),
    upstreamUrl: 'builtin:emulator',
  });
  assert.equal(cred.status, 201, cred.text);
  const prov = await http<{ id: string }>('POST', `${app.url}/api/providers`, {
    name: providerName(),
    tokenDurationMin: 30,
    entityLevel: 'account',
    entityId: randomUUID(),
    credentialSetId: cred.json.id,
  });
  assert.equal(prov.status, 201, prov.text);
  return { credentialId: cred.json.id, clientId, providerId: prov.json.id };
}

/** Starts a job of TOTAL rows as the owner and waits for its first few mints. */
async function startJob(s: Setup): Promise<string> {
  const start = await http<any>('POST', `${app.url}/api/providers/${s.providerId}/bulk`, { count: TOTAL, concurrency: CONCURRENCY });
  assert.equal(start.status, 202, start.text);
  await jobProgress(app.url, start.json.id, 4);
  return start.json.id;
}

const CHANGES: { what: string; change: (s: Setup) => Promise<{ status: number; text: string }>; reason: RegExp }[] = [
  {
    what: 'its secret is replaced',
    change: (s) =>
      http('PUT', `${app.url}/api/credential-sets/${s.credentialId}/secret`, { clientSecret: randomBytes(20).toString('hex') }),
    reason: /credential set changed.*secret/,
  },
  {
    what: 'its credential set is moved to another upstream (with a new secret)',
    change: (s) =>
      http('PATCH', `${app.url}/api/credential-sets/${s.credentialId}`, {
        upstreamUrl: fake.url,
        clientSecret: randomBytes(20).toString('hex'),
      }),
    reason: /credential set changed.*upstream/,
  },
  {
    what: 'its credential set is deleted with its providers',
    change: (s) => http('DELETE', `${app.url}/api/credential-sets/${s.credentialId}?providers=delete`),
    reason: /provider was deleted/,
  },
  {
    what: 'its provider is deleted',
    change: (s) => http('DELETE', `${app.url}/api/providers/${s.providerId}`),
    reason: /provider was deleted/,
  },
  {
    what: 'its provider is moved to another credential set',
    change: async (s) => http('PATCH', `${app.url}/api/providers/${s.providerId}`, { credentialSetId: (await setUp()).credentialId }),
    reason: /moved to another credential set/,
  },
  {
    what: 'its provider is renamed (another token URI)',
    change: (s) => http('PATCH', `${app.url}/api/providers/${s.providerId}`, { name: providerName() }),
    reason: /token URI changed/,
  },
];

for (const { what, change, reason } of CHANGES) {
  test(`an owner's running job stops as "revoked" when ${what}; nothing is begun after the check`, async (t) => {
    const s = await setUp();
    app.emulator!.faults.set({ latencyMs: 40 });
    const seenByFake = fake.seen.length;
    let id: string;
    let atChange: number;
    let movedTo: number;
    try {
      id = await startJob(s);
      const res = await change(s);
      assert.ok(res.status < 300, `${res.status} ${res.text}`);
      atChange = arrivals.length;
      // One re-check interval later by the service clock, the job must look again before its next call.
      offsetMs += RECHECK_MS;
      movedTo = T0 + offsetMs;
      const stopped = await finished(id);
      assert.equal(stopped.state, 'revoked', `state ${stopped.state} after ${stopped.done} of ${TOTAL}: ${stopped.stopReason}`);
      assert.match(stopped.stopReason, reason);
      assert.ok(stopped.done < TOTAL);
    } finally {
      app.emulator!.faults.clear();
    }
    const rows = (await auditRows('token.minted')).filter((r) => r.detail.jobId === id);
    const stopped = await job(id);
    assert.equal(rows.length, stopped.done, 'every row the job attempted has its audit row, and no other');
    const [stop] = (await auditRows('bulk.revoked')).filter((r) => r.detail.jobId === id);
    assert.ok(stop, 'the stop is in the audit log');
    assert.equal(stop.actor, 'system');
    assert.match(stop.detail.reason, reason);
    assert.ok(
      rows.every((r) => r.seq < stop.seq),
      'no mint of the job was begun after the check that stopped it',
    );
    // A worker that passed its check just before the clock moved begins that one call; none begins another.
    const afterCheck = rows.filter((r) => Date.parse(r.at) >= movedTo).length;
    assert.ok(afterCheck <= CONCURRENCY, `${afterCheck} mints begun after the clock passed the re-check interval`);
    const late = arrivals.slice(atChange).filter((c) => c === s.clientId).length;
    assert.ok(late <= rows.length, 'every request the emulator received has its audit row');
    assert.equal(fake.seen.length, seenByFake, 'the job did not follow its credential set to another upstream');
    t.diagnostic(
      `${late} signed requests reached the emulator after the change (${afterCheck} begun after the re-check time), ${stopped.done} of ${TOTAL} rows done`,
    );
  });
}

test('changes that do not touch what the job signs with (a note, a name, a description) do not stop it', async () => {
  const s = await setUp();
  app.emulator!.faults.set({ latencyMs: 20 });
  let done: any;
  try {
    const start = await http<any>('POST', `${app.url}/api/providers/${s.providerId}/bulk`, { count: 40, concurrency: CONCURRENCY });
    assert.equal(start.status, 202, start.text);
    assert.equal(
      (
        await http('PATCH', `${app.url}/api/credential-sets/${s.credentialId}`, {
          notes: 'a note',
          name: `Renamed ${randomUUID().slice(0, 8)}`,
        })
      ).status,
      200,
    );
    assert.equal(
      (await http('PATCH', `${app.url}/api/providers/${s.providerId}`, { description: 'described', tags: ['bulk'] })).status,
      200,
    );
    offsetMs += RECHECK_MS;
    done = await finished(start.json.id);
  } finally {
    app.emulator!.faults.clear();
  }
  assert.equal(done.state, 'done', done.stopReason);
  assert.equal(done.ok, 40);
});
