// The PostgreSQL the tests run against (test/helpers/postgres.ts): a real server on loopback, databases
// that are really separate, owned by a role that may create databases (the migration tool's shadow database)
// but is no superuser, a time zone that is not UTC, and nothing left behind when it stops or its owner dies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import pg from 'pg';
import { sharedPostgres, startPostgres } from '../helpers/postgres.js';

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function setting(url: string, name: string): Promise<string> {
  const [row] = await query<Record<string, string>>(url, `SHOW ${name}`);
  return String(row?.[name]);
}

/** pid → [parent pid, start time] of every process, from /proc (start time tells a reused pid apart). */
function processTable(): Map<number, { ppid: number; start: string }> {
  const table = new Map<number, { ppid: number; start: string }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name (field 2) may hold spaces and parentheses: the fields that follow start after its ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      table.set(Number(entry), { ppid: Number(fields[1]), start: String(fields[19]) });
    } catch {
      // gone between readdir and read
    }
  }
  return table;
}

/** This process's descendants (children, their children…), each as "pid@start". */
function descendants(): Set<string> {
  const table = processTable();
  const found = new Set<string>();
  const parents = [process.pid];
  while (parents.length > 0) {
    const parent = parents.pop();
    for (const [pid, { ppid, start }] of table)
      if (ppid === parent) {
        found.add(`${pid}@${start}`);
        parents.push(pid);
      }
  }
  return found;
}

function alive(pidAtStart: string): boolean {
  const [pid, start] = pidAtStart.split('@');
  return processTable().get(Number(pid))?.start === start;
}

async function refused(url: string): Promise<boolean> {
  try {
    await query(url, 'SELECT 1');
    return false;
  } catch {
    return true;
  }
}

test('a server of its own: two separate databases, a CREATEDB role, loopback only, not UTC; stop() leaves no process or file', async (t) => {
  const before = descendants();
  const server = await startPostgres({ fsync: false });
  t.after(() => server.stop());
  const a = await server.createDatabase('alpha');
  const b = await server.createDatabase('alpha');
  assert.notEqual(a, b);
  assert.match(a, /^postgresql:\/\/sat_test:[^@]+@127\.0\.0\.1:\d+\/alpha_[0-9a-f]+$/);

  await query(a, 'CREATE TABLE only_in_a (x int); INSERT INTO only_in_a VALUES (1)');
  const [inA] = await query<{ n: string }>(a, 'SELECT count(*) AS n FROM only_in_a');
  assert.equal(inA?.n, '1');
  const [inB] = await query<{ t: string | null }>(b, "SELECT to_regclass('only_in_a') AS t");
  assert.equal(inB?.t, null);

  // What DATABASE_URL gets: no superuser, but allowed to create (and drop) a shadow database.
  const [role] = await query<{ rolsuper: boolean; rolcreatedb: boolean }>(
    a,
    'SELECT rolsuper, rolcreatedb FROM pg_roles WHERE rolname = current_user',
  );
  assert.deepEqual(role, { rolsuper: false, rolcreatedb: true });
  await query(a, 'CREATE DATABASE shadow_probe');
  await query(a, 'DROP DATABASE shadow_probe');

  assert.notEqual((await setting(a, 'timezone')).toUpperCase(), 'UTC');
  assert.equal(await setting(a, 'listen_addresses'), '127.0.0.1');
  assert.equal(await setting(server.adminUrl, 'fsync'), 'off');
  // Password authentication on 127.0.0.1, not trust.
  const wrong = new URL(a);
  wrong.password = 'not-the-password';
  assert.ok(await refused(wrong.toString()));

  const ours = [...descendants()].filter((p) => !before.has(p));
  // The postmaster, its watchdog and the server's own workers (checkpointer, background writer…).
  assert.ok(ours.length >= 4, `expected the server's processes among this process's children, found ${ours.length}`);
  assert.ok(existsSync(server.dir));
  await server.stop();
  await server.stop();
  assert.deepEqual(
    ours.filter((p) => alive(p)),
    [],
  );
  assert.ok(await refused(a));
  assert.equal(existsSync(server.dir), false);
});

test('the run shares one server (SAT_TEST_PG_URL when npm test set it), not UTC either', async () => {
  const first = sharedPostgres();
  assert.equal(sharedPostgres(), first);
  const server = await first;
  if (process.env.SAT_TEST_PG_URL) assert.equal(server.adminUrl, process.env.SAT_TEST_PG_URL);
  const url = await server.createDatabase();
  assert.match(url, /\/sat_test_[0-9a-f]+$/);
  assert.notEqual((await setting(url, 'timezone')).toUpperCase(), 'UTC');
  // Not this file's to stop: the next test file still uses it.
  await server.stop();
  assert.equal(await refused(url), false);
});

test('a process that dies without stopping its server leaves neither the server nor its files behind', async () => {
  const cluster = new URL('../../scripts/postgres-cluster.mjs', import.meta.url).href;
  const owner = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const c = await (await import(${JSON.stringify(cluster)})).startCluster();
       console.log(JSON.stringify({ pid: c.pid, dir: c.dir, url: c.adminUrl }));
       process.stdin.resume().once('end', () => process.exit(0));`,
    ],
    // Its stdin is a pipe from this process: should this test die first, the owner ends too, and its watchdog cleans up.
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  let out = '';
  owner.stdout.setEncoding('utf8');
  const line = await new Promise<string>((resolve, reject) => {
    owner.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
    });
    owner.once('exit', (code) => reject(new Error(`the owner exited (${code}) before its server was up`)));
  });
  const { pid, dir, url } = JSON.parse(line) as { pid: number; dir: string; url: string };
  const postmaster = `${pid}@${processTable().get(pid)?.start}`;
  assert.ok(alive(postmaster));
  assert.equal(await refused(url), false);

  owner.kill('SIGKILL');
  const deadline = Date.now() + 60_000;
  // Waiting on another process's shutdown (the watchdog's), bounded; no clock is being stood in for.
  while ((alive(postmaster) || existsSync(dir)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.equal(alive(postmaster), false, 'the postmaster outlived its owner');
  assert.equal(existsSync(dir), false, 'its directory outlived its owner');
});
