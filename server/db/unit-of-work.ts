// Units of work on the console's one SQLite connection: an action's writes and its audit row commit together
// or not at all (issue 13, F7).
//
// Prisma's SQLite adapter runs every query on one connection, and only its transactions take a lock: a plain
// query from another request made while a transaction is open would join it (and be rolled back with it, or
// read what is not committed). So:
//  - the adapter is wrapped (isolatingAdapter): a plain query waits until no transaction is open; its check
//    and its statement run in one synchronous step, so no BEGIN can slip in between;
//  - the client services hold is a view (transactionalClient) that, inside a unit of work, is the unit's
//    transaction client: services keep writing `this.db.x…` and their queries run in the transaction (never
//    batched with another request's), and their own `this.db.$transaction(…)` joins it;
//  - in-memory side effects (caches, the built-in emulator's registry) run after the commit (afterCommit), or
//    now and again at the end whatever happened (nowAndAtEnd), never only on a rolled-back change.
// Inside a `db.$transaction(async (tx) => …)` that is not a unit of work, use `tx`: a query through the
// client would wait for that very transaction (until Prisma's timeout ends it).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import type { Connection, Db } from './client.js';
import type { Prisma } from './generated/client.js';

type TxClient = Prisma.TransactionClient;

interface Work {
  tx: TxClient;
  afterCommit: (() => void | Promise<void>)[];
  atEnd: (() => void)[];
}

const scope = new AsyncLocalStorage<Work>();
const BASE = Symbol('the client outside any unit of work');

/** Whether the caller runs inside a unit of work. */
export function inUnitOfWork(): boolean {
  return scope.getStore() !== undefined;
}

/**
 * Runs fn after the unit of work commits (at once outside one, and the caller may await it); never after a
 * rollback. The unit of work awaits it before it returns.
 */
export async function afterCommit(fn: () => void | Promise<void>): Promise<void> {
  const work = scope.getStore();
  if (work) work.afterCommit.push(fn);
  else await fn();
}

/** Runs fn now and again when the unit of work ends, committed or not (cache invalidation). */
export function nowAndAtEnd(fn: () => void): void {
  fn();
  scope.getStore()?.atEnd.push(fn);
}

/**
 * Runs fn in one transaction: every query it makes through the client, and the statements it runs on the
 * connection, commit together or not at all. Nested calls join the outer one.
 */
export async function unitOfWork<T>(db: Db, fn: () => Promise<T>): Promise<T> {
  if (scope.getStore()) return fn();
  const base = (db as unknown as { [BASE]?: Db })[BASE] ?? db;
  const work: Omit<Work, 'tx'> = { afterCommit: [], atEnd: [] };
  try {
    const result = await base.$transaction((tx) => scope.run({ ...work, tx } as Work, fn), { maxWait: 30_000, timeout: 60_000 });
    for (const f of work.afterCommit) await f();
    return result;
  } finally {
    for (const f of work.atEnd) f();
  }
}

/** `$transaction` inside a unit of work: the callback or the batch runs in the unit's transaction. */
function joined(tx: TxClient) {
  return async (arg: unknown) => {
    if (typeof arg === 'function') return (arg as (t: TxClient) => unknown)(tx);
    const results: unknown[] = [];
    for (const op of arg as PromiseLike<unknown>[]) results.push(await op);
    return results;
  };
}

/** The client services hold: the unit of work's transaction inside one, the client itself outside. */
export function transactionalClient(base: Db): Db {
  return new Proxy(base, {
    get(target, prop, receiver): unknown {
      if (prop === BASE) return target;
      const work = scope.getStore();
      if (!work) return Reflect.get(target, prop, receiver);
      if (prop === '$transaction') return joined(work.tx);
      const value: unknown = Reflect.get(work.tx as object, prop);
      return value === undefined ? Reflect.get(target, prop, receiver) : value;
    },
  });
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

/** The adapter as Prisma sees it: a plain query never runs inside an open transaction (see the header). */
export function isolatingAdapter(inner: SqlDriverAdapter, connection: Connection): SqlDriverAdapter {
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    // No await between the last check and the statement, which better-sqlite3 runs synchronously: no BEGIN
    // of another flow can come in between.
    async queryRaw(query) {
      while (connection.inTransaction) await tick();
      return inner.queryRaw(query);
    },
    async executeRaw(query) {
      while (connection.inTransaction) await tick();
      return inner.executeRaw(query);
    },
    async executeScript(script) {
      while (connection.inTransaction) await tick();
      return inner.executeScript(script);
    },
    startTransaction: (isolationLevel) => inner.startTransaction(isolationLevel),
    ...(inner.getConnectionInfo ? { getConnectionInfo: () => inner.getConnectionInfo!() } : {}),
    dispose: () => inner.dispose(),
  };
}
