// A real, throwaway PostgreSQL server on loopback for tests and benchmarks: initdb into a temp directory, the
// postmaster as a child of this process, gone with its directory on stop(), or when this process dies (a
// watchdog shell notices the pipe to us close). Plain ES module: scripts/test.mjs starts one cluster for a
// whole run with it before tsx is involved; test/helpers/postgres.ts gives tests the same server, typed.
// PostgreSQL refuses to run as root: as root, initdb and the postmaster run as the `postgres` system user
// (setpriv execs, so the pid we hold is the postmaster's own).
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** The superuser initdb creates; only the cluster's owner (tests, the runner) signs in as it. */
const ADMIN_ROLE = 'sat_admin';
/** The role test databases belong to: not a superuser, but CREATEDB (the migration tool's shadow database). */
const APP_ROLE = 'sat_test';

/**
 * @typedef {object} ClusterOptions
 * @property {boolean} [fsync] fsync on (the default) or off: commit cost is measured with it on.
 * @property {string} [timezone] the server's `timezone`; not UTC by default, so tests prove the console forces UTC.
 * @property {number} [maxConnections] two concurrent test files, each with consoles and pools: 200 by default.
 * @property {Readonly<Record<string, string>>} [settings] more `-c name=value` server settings.
 */

/**
 * @typedef {object} Cluster
 * @property {string} adminUrl superuser URL over 127.0.0.1 (password auth).
 * @property {number} port
 * @property {number} pid the postmaster's.
 * @property {string} dir the temp directory holding the data directory, socket and log (removed by stop()).
 * @property {() => Promise<void>} stop fast shutdown, then the directory goes; safe to call twice.
 */

/**
 * The directory holding initdb and postgres: `pg_config --bindir` when it has them, else the newest
 * /usr/lib/postgresql/N/bin (Debian puts the server binaries off PATH). Undefined when there is none.
 * @returns {string | undefined}
 */
export function findBinDir() {
  const fromConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const configured = fromConfig.status === 0 ? fromConfig.stdout.trim() : '';
  if (configured && existsSync(join(configured, 'postgres'))) return configured;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => /^\d+(\.\d+)?$/.test(v) && existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

/**
 * The uid and gid to run the server as when we are root (PostgreSQL will not run as root), else undefined.
 * @returns {{ uid: number, gid: number } | undefined}
 */
function serverUser() {
  if (process.getuid?.() !== 0) return undefined;
  const id = (/** @type {string} */ flag) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0 || gid.status !== 0)
    throw new Error('PostgreSQL refuses to run as root and there is no `postgres` user to run it as (install the postgresql package)');
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * The command line that runs `binary` as the server's user.
 * @param {string} binary
 * @param {readonly string[]} args
 * @param {{ uid: number, gid: number } | undefined} user
 * @returns {[string, string[]]}
 */
function asServerUser(binary, args, user) {
  if (!user) return [binary, [...args]];
  return ['setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--', binary, ...args]];
}

/** A port nobody on 127.0.0.1 listens on right now (the server may still lose it to a race: start retries). */
async function freePort() {
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  const address = server.address();
  await new Promise((resolve) => server.close(() => resolve(undefined)));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * The last lines of a file, for error messages.
 * @param {string} path
 */
function tail(path) {
  try {
    return readFileSync(path, 'utf8').trim().split('\n').slice(-15).join('\n');
  } catch {
    return '';
  }
}

/**
 * Removes the directory, and first stops the postmaster whose pid it was last sent (one line each), when the
 * process holding the other end of its stdin dies without calling stop() (a test file killed, the runner
 * killed with SIGKILL or interrupted during initdb). Started before initdb, so nothing outlives us from then
 * on; stop() kills it first, so it never signals a pid that may since have been reused.
 * @param {string} dir
 */
function startWatchdog(dir) {
  const script = [
    "trap '' INT TERM HUP",
    // A builtin, not cat: killing the shell then ends the whole watchdog, with no child left reading.
    'pid=; while read -r line; do pid=$line; done',
    'if [ -n "$pid" ]; then',
    '  kill -INT "$pid" 2>/dev/null',
    '  i=0; while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 300 ]; do sleep 0.1; i=$((i+1)); done',
    '  kill -QUIT "$pid" 2>/dev/null',
    'fi',
    'rm -rf "$1"',
  ].join('\n');
  const watchdog = spawn('sh', ['-c', script, 'sat-pg-watchdog', dir], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  watchdog.unref();
  // The pipe must not keep this process alive: its end closing is the signal.
  /** @type {{ unref?: () => void }} */ (/** @type {unknown} */ (watchdog.stdin)).unref?.();
  // A watchdog gone early (killed from outside) must not take this process with it through an unhandled EPIPE.
  watchdog.stdin?.on('error', () => {});
  return {
    /** @param {number} pid */
    watch: (pid) => watchdog.stdin?.write(`${pid}\n`),
    stop: () => stopped(watchdog, 'SIGKILL'),
  };
}

/**
 * Waits until the server takes a password sign-in over TCP, or throws with its log when it exits first.
 * @param {string} url
 * @param {import('node:child_process').ChildProcess} child
 * @param {string} logPath
 */
async function waitReady(url, child, logPath) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`postgres exited at start:\n${tail(logPath)}`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (err) {
      await client.end().catch(() => {});
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections within 60 s (${String(err)}):\n${tail(logPath)}`);
    }
    // Polling an external process's start-up, not standing in for a clock.
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * initdb into a fresh temp directory and start the server on a free loopback port.
 * @param {ClusterOptions} [opts]
 * @returns {Promise<Cluster>}
 */
export async function startCluster(opts = {}) {
  const binDir = findBinDir();
  if (!binDir)
    throw new Error('PostgreSQL server binaries not found (pg_config --bindir, /usr/lib/postgresql/*/bin): apt-get install postgresql');
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'sat-pg-'));
  const watchdog = startWatchdog(dir);
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let child;
  const stopAll = async () => {
    await watchdog.stop();
    if (child) await stopServer(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const password = initCluster(binDir, dir, user);
    const settings = {
      listen_addresses: '127.0.0.1',
      unix_socket_directories: join(dir, 'socket'),
      timezone: opts.timezone ?? 'America/New_York',
      fsync: opts.fsync === false ? 'off' : 'on',
      max_connections: String(opts.maxConnections ?? 200),
      ...opts.settings,
    };
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const logPath = join(dir, `postgres-${attempt}.log`);
      child = launch(binDir, dir, user, logPath, { ...settings, port: String(port) });
      if (child.pid === undefined) throw new Error('could not start postgres');
      watchdog.watch(child.pid);
      const adminUrl = `postgresql://${ADMIN_ROLE}:${password}@127.0.0.1:${port}/postgres`;
      try {
        await waitReady(adminUrl, child, logPath);
      } catch (err) {
        await stopServer(child);
        // Another process took the port between freePort() and the server's bind: try another one.
        if (attempt < 5 && /could not bind|already in use/i.test(tail(logPath))) continue;
        throw err;
      }
      /** @type {Promise<void> | undefined} */
      let stopping;
      return { adminUrl, port, pid: child.pid, dir, stop: () => (stopping ??= stopAll()) };
    }
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/**
 * initdb (as the server's user) into dir/data, with a socket directory beside it; returns the superuser's password.
 * @param {string} binDir
 * @param {string} dir
 * @param {{ uid: number, gid: number } | undefined} user
 */
function initCluster(binDir, dir, user) {
  const socketDir = join(dir, 'socket');
  mkdirSync(socketDir);
  const password = randomBytes(18).toString('base64url');
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (user) for (const path of [dir, socketDir, pwfile]) chownSync(path, user.uid, user.gid);
  const args = ['-D', join(dir, 'data'), '-U', ADMIN_ROLE, `--pwfile=${pwfile}`, '--auth-host=scram-sha-256', '--auth-local=trust'];
  // --no-sync: a cluster thrown away after the run needs no durable initdb; the server's fsync is an option.
  args.push('-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions');
  const [cmd, argv] = asServerUser(join(binDir, 'initdb'), args, user);
  const init = spawnSync(cmd, argv, { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C' } });
  rmSync(pwfile);
  if (init.status !== 0) throw new Error(`initdb failed:\n${init.stdout}${init.stderr}`);
  return password;
}

/**
 * The postmaster as a child of this process (not waited for: waitReady does that), its output in logPath.
 * @param {string} binDir
 * @param {string} dir
 * @param {{ uid: number, gid: number } | undefined} user
 * @param {string} logPath
 * @param {Readonly<Record<string, string>>} settings
 */
function launch(binDir, dir, user, logPath, settings) {
  const log = openSync(logPath, 'a');
  if (user) chownSync(logPath, user.uid, user.gid);
  const args = ['-D', join(dir, 'data'), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  const [cmd, argv] = asServerUser(join(binDir, 'postgres'), args, user);
  // Its own process group: a Ctrl-C in the terminal reaches the runner, which stops the server in order.
  const child = spawn(cmd, argv, {
    stdio: ['ignore', log, log],
    detached: true,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C' },
  });
  closeSync(log);
  child.unref();
  return child;
}

/**
 * Fast shutdown (SIGINT: sessions ended, a checkpoint written), escalated to immediate (SIGQUIT) after 30 s.
 * @param {import('node:child_process').ChildProcess} child
 */
async function stopServer(child) {
  const escalate = setTimeout(() => child.kill('SIGQUIT'), 30_000);
  await stopped(child, 'SIGINT');
  clearTimeout(escalate);
}

/**
 * Sends the signal and resolves once the process has exited and been reaped.
 * @param {import('node:child_process').ChildProcess} child
 * @param {NodeJS.Signals} signal
 */
async function stopped(child, signal) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.ref();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

/**
 * The test role's password on a server: derived from its admin URL, so every process of one test run (each
 * test file is one) arrives at the same password without talking to the others.
 * @param {string} adminUrl
 */
function appPassword(adminUrl) {
  return createHash('sha256').update(`sat-test-role:${adminUrl}`).digest('base64url').slice(0, 32);
}

/**
 * @param {string} name
 */
function quoteIdent(name) {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * A fresh, empty database owned by the test role (created on first use: LOGIN CREATEDB, not a superuser), and
 * the URL the console would be given for it. The admin URL must be a superuser's.
 * @param {string} adminUrl
 * @param {string} [prefix]
 * @returns {Promise<string>}
 */
export async function createDatabase(adminUrl, prefix = 'sat_test') {
  const base = prefix
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .replace(/^[^a-z_]/, '_')
    .slice(0, 40);
  const name = `${base}_${randomBytes(5).toString('hex')}`;
  const password = appPassword(adminUrl);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    // Concurrent test files race to create the role: the loser's CREATE ROLE fails with one of these two.
    await client.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN
        CREATE ROLE ${APP_ROLE} LOGIN CREATEDB PASSWORD '${password}';
      END IF;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END $$`);
    await client.query(`CREATE DATABASE ${quoteIdent(name)} OWNER ${APP_ROLE}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.username = APP_ROLE;
  url.password = password;
  url.pathname = `/${name}`;
  return url.toString();
}
