// Units of work: an action's writes and its audit row commit together or not at all (issue 13, F7), on
// either backend.
//  - on SQLite, Prisma runs every query on one connection: its adapter is wrapped (sqlite-sql.ts) so a plain
//    query never joins another request's open transaction;
//  - the client services hold is a view (transactionalClient) that, inside a unit of work, is the unit's
//    transaction client: services keep writing `this.db.x…` and their queries run in the transaction (never
//    batched with another request's), and their own `this.db.$transaction(…)` joins it; the console's own
//    SQL (sql.ts) joins it too;
//  - in-memory side effects (caches, the built-in emulator's registry) run after the commit (afterCommit), or
//    now and again at the end whatever happened (nowAndAtEnd), never only on a rolled-back change.
// Inside a `db.$transaction(async (tx) => …)` that is not a unit of work, use `tx`: a query through the
// client would wait for that very transaction (until Prisma's timeout ends it).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Db } from './client.js';
import type { Prisma } from './models.js';

export type TxClient = Prisma.TransactionClient;

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

/** The unit of work's transaction client, inside one. */
export function currentTransaction(): TxClient | undefined {
  return scope.getStore()?.tx;
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
