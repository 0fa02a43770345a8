// A bulk job's results (one ResultLine per row): stored by the job's workers in batches (bulk-store.ts keeps
// them in the database), read back as the download.
import { Readable } from 'node:stream';
import { csvStream, type CsvColumn } from '../export/csv.js';
import type { ResultLine } from './bulk-job.js';

const RESULT_COLUMNS: readonly CsvColumn<ResultLine>[] = [
  { header: 'row', cell: (r) => r.row },
  { header: 'ok', cell: (r) => r.ok },
  { header: 'token', cell: (r) => r.token },
  { header: 'launch_link', cell: (r) => r.launchLink },
  { header: 'exp', cell: (r) => r.exp },
  { header: 'sub', cell: (r) => r.sub },
  { header: 'email', cell: (r) => r.email },
  { header: 'jti', cell: (r) => r.jti },
  { header: 'error', cell: (r) => r.error },
  { header: 'message', cell: (r) => r.message },
];

/** The download: CSV through the console's one CSV writer, or a JSON array, streamed either way. */
export function resultStream(lines: AsyncIterable<ResultLine>, format: 'csv' | 'json'): Readable {
  if (format === 'csv') return csvStream(RESULT_COLUMNS, lines);
  return Readable.from(
    (async function* () {
      let first = true;
      yield '[';
      for await (const line of lines) {
        yield `${first ? '' : ','}\n${JSON.stringify(line)}`;
        first = false;
      }
      yield '\n]\n';
    })(),
  );
}

/** Where a job's workers put its result lines. */
export interface ResultSink {
  /** Stores one line; rejects once the store has failed. */
  write(line: ResultLine): Promise<void>;
  /** Waits until every line written is stored (or the store has failed). */
  close(): Promise<void>;
  /** The first error the store raised (the database refused a write), if any. */
  readonly error: Error | null;
}

/**
 * A sink that stores the lines written in the same turn of the event loop together (one transaction), so a
 * job's workers do not each wait for a commit of their own. `append` is BulkStore.appendResults.
 */
export function batchingSink(append: (lines: ResultLine[]) => Promise<void>): ResultSink {
  let error: Error | null = null;
  let batch: { line: ResultLine; done: () => void; failed: (err: Error) => void }[] = [];
  let flushing: Promise<void> = Promise.resolve();
  const flush = async () => {
    const taken = batch;
    batch = [];
    if (!taken.length) return;
    try {
      if (error) throw error;
      await append(taken.map((t) => t.line));
      taken.forEach((t) => t.done());
    } catch (err) {
      error ??= err instanceof Error ? err : new Error(String(err));
      taken.forEach((t) => t.failed(error!));
    }
  };
  return {
    get error() {
      return error;
    },
    write(line) {
      if (error) return Promise.reject(error);
      return new Promise<void>((done, failed) => {
        batch.push({ line, done, failed });
        if (batch.length === 1) flushing = flushing.then(() => new Promise((r) => setImmediate(r))).then(flush);
      });
    },
    async close() {
      await flushing;
      await flush();
    },
  };
}

/** What a job says when its results could not be stored: the database's reason, what to check. */
export function resultsFailed(err: Error): string {
  return `its results could not be stored (${err.message}): check the database`;
}
