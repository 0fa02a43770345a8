// Bulk jobs in tests: waiting for one to stop, the same way in every file.
import { setTimeout as sleep } from 'node:timers/promises';
import { http } from './http.js';

/** Polls a bulk job (as `headers` say, the default session otherwise) until it is no longer running, 30 s at most. */
export async function finishedJob(origin: string, jobId: string, headers: Record<string, string> = {}): Promise<any> {
  for (let i = 0; i < 1200; i++) {
    const job = (await http<any>('GET', `${origin}/api/bulk/${jobId}`, undefined, headers)).json;
    if (job.state !== 'running') return job;
    await sleep(25);
  }
  throw new Error(`bulk job ${jobId} did not stop`);
}
