// Helpers `npm run bench` (scripts/bench.mjs) and its PostgreSQL part (scripts/bench/postgres.mjs) share:
// HTTP calls to a console, percentiles, RSS, alternated rounds and load slices, and a bulk job timed to done.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { request } from 'undici';

export const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 30);
export const LOAD_CONNECTIONS = 50;
/** Slices of an alternated load comparison (each side LOAD_SECONDS / LOAD_SLICES seconds per slice). */
export const LOAD_SLICES = 10;
export const BULK = 10_000;

/**
 * @param {readonly number[]} values
 * @param {number} p
 * @returns {number}
 */
export function pct(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
}

/** @param {number | undefined} pid */
export function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024);
}

/**
 * @typedef {{ status: number, headers: import('undici').Dispatcher.ResponseData['headers'], json: any }} CallResult
 * @typedef {(method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<CallResult>} Call
 */

/**
 * A JSON request to origin + path over the agent's keep-alive pool.
 * @param {import('undici').Agent} agent
 * @param {string} origin
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @param {Record<string, string>} [headers]
 * @returns {Promise<CallResult>}
 */
export async function httpCall(agent, origin, method, path, body, headers = {}) {
  const res = await request(`${origin}${path}`, {
    method,
    dispatcher: agent,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}

/**
 * Polls origin + path until it answers 200 (a child process starting up), or throws after timeoutMs.
 * @param {import('undici').Agent} agent
 * @param {string} origin
 * @param {string} path
 * @param {import('node:child_process').ChildProcess} [proc] given: its exit ends the wait with an error.
 */
export async function waitFor200(agent, origin, path, proc, timeoutMs = 30_000) {
  const started = performance.now();
  for (;;) {
    const ok = await request(`${origin}${path}`, { dispatcher: agent }).then(
      async (r) => (await r.body.text(), r.statusCode === 200),
      () => false,
    );
    if (ok) return performance.now() - started;
    if (proc && proc.exitCode !== null) throw new Error(`${origin} exited with ${proc.exitCode} before ${path} answered 200`);
    if (performance.now() - started > timeoutMs) throw new Error(`${origin}${path} not 200 within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Signs the owner in on a console and sets up a credential set for the emulator and a provider on it.
 * Returns the session headers (cookie and CSRF token, as a signed-in browser sends them) and the provider.
 * @param {import('undici').Agent} agent
 * @param {string} origin
 * @param {{ email: string, password: string }} owner
 * @param {{ emulatorBase: string, clientId: string, secret: string, entityId: string, providerName: string }} upstream
 */
export async function setUpConsole(agent, origin, owner, upstream) {
  const signedIn = await httpCall(agent, origin, 'POST', '/api/session', owner);
  if (signedIn.status !== 200) throw new Error(`sign-in on ${origin}: ${signedIn.status}`);
  /** @type {Record<string, string>} */
  const session = { cookie: String(String(signedIn.headers['set-cookie']).split(';')[0]), 'x-csrf-token': signedIn.json.csrfToken };
  const as = /** @type {Call} */ (
    (method, path, body, headers = {}) => httpCall(agent, origin, method, path, body, { ...session, ...headers })
  );
  const cred = await as('POST', '/api/credential-sets', {
    name: 'bench',
    clientId: upstream.clientId,
    clientSecret: upstream.secret,
    upstreamUrl: upstream.emulatorBase,
  });
  if (cred.status !== 201) throw new Error(`credential set on ${origin}: ${cred.status} ${JSON.stringify(cred.json)}`);
  const prov = await as('POST', '/api/providers', {
    name: upstream.providerName,
    tokenDurationMin: 60,
    entityLevel: 'account',
    entityId: upstream.entityId,
    credentialSetId: cred.json.id,
  });
  if (prov.status !== 201) throw new Error(`provider on ${origin}: ${prov.status} ${JSON.stringify(prov.json)}`);
  return { session, call: as, providerId: /** @type {string} */ (prov.json.id), tokenPath: new URL(prov.json.tokenUri).pathname };
}

/** The body of every bench mint. */
export const MINT_BODY = { email: 'bench@example.com', first_name: 'Bench' };

/**
 * A function that mints once through a console and throws on anything but a 200.
 * @param {Call} call
 * @param {string} providerId
 */
export function minter(call, providerId) {
  return async () => {
    const r = await call('POST', `/api/providers/${providerId}/tokens`, MINT_BODY);
    if (r.status !== 200) throw new Error(`console mint ${r.status} ${JSON.stringify(r.json)}`);
  };
}

/**
 * Runs each call once per round, in turn, for n rounds, so that all of them see the same warm-up, garbage
 * collection and machine noise. Returns each call's times in milliseconds, in the order given.
 * @param {Array<() => Promise<void>>} calls
 * @param {number} n
 */
export async function alternatedTimes(calls, n) {
  const times = calls.map(() => /** @type {number[]} */ ([]));
  for (let i = 0; i < n; i++) {
    for (const [k, run] of calls.entries()) {
      const t = performance.now();
      await run();
      times[k]?.push(performance.now() - t);
    }
  }
  return times;
}

/**
 * A bulk job of BULK tokens (concurrency 32) through a console, timed from the request to its end, with
 * the RSS of the process serving it before, at its peak (polled every 20 ms) and after.
 * @param {Call} call
 * @param {string} providerId
 * @param {number | undefined} pid
 */
export async function timedBulk(call, providerId, pid) {
  const rssBefore = rssMb(pid);
  const started = performance.now();
  const job = await call('POST', `/api/providers/${providerId}/bulk`, {
    count: BULK,
    concurrency: 32,
    template: { email: 'kiosk-{n}@example.com', first_name: 'Kiosk {n}' },
  });
  if (job.status >= 300) throw new Error(`bulk start ${job.status} ${JSON.stringify(job.json)}`);
  let view = job.json;
  let rssPeak = rssBefore;
  while (view.state === 'running') {
    await new Promise((r) => setTimeout(r, 20));
    view = (await call('GET', `/api/bulk/${job.json.id}`)).json;
    rssPeak = Math.max(rssPeak, rssMb(pid));
  }
  const seconds = (performance.now() - started) / 1000;
  if (view.ok !== BULK) throw new Error(`bulk minted ${view.ok} of ${BULK}: ${JSON.stringify(view.failures?.slice(0, 3))}`);
  return { seconds, rssBefore, rssPeak, rssAfter: rssMb(pid) };
}

/**
 * @typedef {{ rps: number, p50: number, p99: number, errors: number, total: number, seconds: number }} LoadResult
 * @typedef {{ url: string | string[], opts: Partial<autocannon.Options> }} LoadTarget
 */

/**
 * autocannon on loopback; given several URLs, its connections are spread evenly over them.
 * @param {string | string[]} url
 * @param {Partial<autocannon.Options>} [opts]
 * @returns {Promise<LoadResult>}
 */
export async function load(url, opts = {}, seconds = LOAD_SECONDS) {
  // autocannon takes an array of URLs, though its types say one string.
  const r = await autocannon({
    url: /** @type {string} */ (/** @type {unknown} */ (url)),
    connections: LOAD_CONNECTIONS,
    duration: seconds,
    ...opts,
  });
  return {
    rps: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts + r.non2xx,
    total: r.requests.total,
    seconds: r.duration,
  };
}

/** @param {LoadResult[]} rs */
function merged(rs) {
  return {
    rps: Math.round(rs.reduce((n, r) => n + r.total, 0) / rs.reduce((n, r) => n + r.seconds, 0)),
    p50: pct(
      rs.map((r) => r.p50),
      0.5,
    ),
    p99: Math.max(...rs.map((r) => r.p99)),
    errors: rs.reduce((n, r) => n + r.errors, 0),
    total: rs.reduce((n, r) => n + r.total, 0),
  };
}

/**
 * Loads compared as ratios, run in alternating slices (A B C A B C ...) so that all see the same machine: on
 * a shared virtual machine throughput drifts by ±30 % from one minute to the next, which back-to-back runs
 * would read as a difference between them. Each target gets LOAD_SECONDS in total. Returns each target's
 * merged figures, and ratio(i, j): target i's req/s ÷ target j's in each slice, so that the spread shows
 * (one slice that another engineer's job shared the machine with moves the merged ratio; the median of the
 * slices does not follow it).
 * @param {LoadTarget[]} targets
 */
export async function alternating(targets, slices = LOAD_SLICES) {
  const runs = targets.map(() => /** @type {LoadResult[]} */ ([]));
  for (let i = 0; i < slices; i++) for (const [k, t] of targets.entries()) runs[k]?.push(await load(t.url, t.opts, LOAD_SECONDS / slices));
  const rate = (/** @type {LoadResult | undefined} */ r) => (r ? r.total / r.seconds : NaN);
  return {
    merged: runs.map(merged),
    /** @param {number} i @param {number} j */
    ratio: (i, j) => (runs[i] ?? []).map((r, s) => rate(r) / rate(runs[j]?.[s])),
  };
}

/** @param {number} r */
export const ratioPct = (r) => `${Math.round(100 * r)} %`;

/**
 * The median and range of slice ratios, as "46 % (23 %–59 %)".
 * @param {number[]} ratios
 */
export function spread(ratios) {
  return {
    median: pct(ratios, 0.5),
    text: `${ratioPct(pct(ratios, 0.5))} (${ratioPct(Math.min(...ratios))}–${ratioPct(Math.max(...ratios))})`,
  };
}

/**
 * Starts a helper script that prints a line once it listens.
 * @param {string} root
 * @param {string[]} args
 * @param {Record<string, string>} [env]
 */
export async function startHelper(root, args, env = {}) {
  const proc = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    proc.stdout.once('data', resolve);
    proc.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}`)));
  });
  return proc;
}

/**
 * Resolves once the process has exited (at once if it already has).
 * @param {import('node:child_process').ChildProcess} proc
 */
export function exited(proc) {
  return new Promise((/** @type {(v?: unknown) => void} */ r) =>
    proc.exitCode !== null || proc.signalCode !== null ? r() : proc.once('exit', r),
  );
}

/**
 * A console's audit transactions so far, from /api/metrics: total seconds and count, synced or not.
 * @param {import('undici').Agent} agent
 * @param {string} origin
 * @param {string} opsToken
 */
export async function auditCommits(agent, origin, opsToken) {
  const res = await request(`${origin}/api/metrics`, { dispatcher: agent, headers: { authorization: `Bearer ${opsToken}` } });
  const text = await res.body.text();
  const read = (/** @type {string} */ series, /** @type {string} */ synced) =>
    Number(new RegExp(`^sat_audit_commit_seconds_${series}\\{synced="${synced}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return {
    synced: { sum: read('sum', 'true'), count: read('count', 'true') },
    unsynced: { sum: read('sum', 'false'), count: read('count', 'false') },
  };
}

/**
 * Mean milliseconds per transaction between two auditCommits() readings.
 * @param {{ sum: number, count: number }} before
 * @param {{ sum: number, count: number }} after
 */
export function meanMs(before, after) {
  const count = after.count - before.count;
  return count > 0 ? ((after.sum - before.sum) * 1000) / count : 0;
}

/**
 * Mean milliseconds of each kind of audit transaction between readings of several consoles, all counted.
 * @param {Array<Awaited<ReturnType<typeof auditCommits>>>} before
 * @param {Array<Awaited<ReturnType<typeof auditCommits>>>} after
 */
export function auditMeans(before, after) {
  const sum = (/** @type {typeof before} */ rs, /** @type {'synced' | 'unsynced'} */ k) => ({
    sum: rs.reduce((n, r) => n + r[k].sum, 0),
    count: rs.reduce((n, r) => n + r[k].count, 0),
  });
  return {
    synced: meanMs(sum(before, 'synced'), sum(after, 'synced')),
    unsynced: meanMs(sum(before, 'unsynced'), sum(after, 'unsynced')),
  };
}
