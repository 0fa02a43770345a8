// Bulk jobs in tests: waiting for one to stop or to get going, the same way in every file.
import { http } from './http.js';
import { pollUntil } from './poll.js';

type Job = { state: string; done: number } & Record<string, any>;

const read = async (origin: string, jobId: string, headers: Record<string, string>) =>
  (await http<Job>('GET', `${origin}/api/bulk/${jobId}`, undefined, headers)).json;

/** Polls a bulk job (as `headers` say, the default session otherwise) until it is no longer running, 30 s at most. */
export async function finishedJob(origin: string, jobId: string, headers: Record<string, string> = {}): Promise<any> {
  return pollUntil(
    `bulk job ${jobId} to stop`,
    async () => {
      const job = await read(origin, jobId, headers);
      return job.state !== 'running' && job;
    },
    { everyMs: 25 },
  );
}

/** Polls a bulk job until it has done at least `rows` rows (it may have stopped by then), 30 s at most. */
export async function jobProgress(origin: string, jobId: string, rows: number, headers: Record<string, string> = {}): Promise<any> {
  return pollUntil(`bulk job ${jobId} to reach ${rows} rows`, async () => {
    const job = await read(origin, jobId, headers);
    return job.done >= rows && job;
  });
}
