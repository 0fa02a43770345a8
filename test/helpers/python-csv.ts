// Reads CSV back with Python's csv module (a real, independent parser, as a spreadsheet import would),
// bytes in and no newline translation, so a \r inside a quoted cell survives.
import { spawnSync } from 'node:child_process';

const READER =
  'import csv, io, json, sys; print(json.dumps(list(csv.reader(io.StringIO(sys.stdin.buffer.read().decode("utf-8"), newline="")))))';

export function readCsvWithPython(text: string): string[][] {
  const r = spawnSync('python3', ['-c', READER], { input: Buffer.from(text, 'utf8'), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`python3 csv reader failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as string[][];
}

/** Rows as objects keyed by the header row. */
export function csvRecords(text: string): Record<string, string>[] {
  const [header, ...rows] = readCsvWithPython(text);
  return rows.map((cells) => Object.fromEntries(header!.map((name, i) => [name, cells[i] ?? ''])));
}
