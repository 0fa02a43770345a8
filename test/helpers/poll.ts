// Waiting for a real system to get somewhere: a bulk job running in a console, a request in flight, a server
// that stops listening. Not a clock: a test that needs time to pass moves an injected clock instead
// (startTestConsole's `now`, the UpstreamClient's `now`), and a test that can wait for an event does.
import { setTimeout as pause } from 'node:timers/promises'; // the pause between two looks at a real system

type Maybe<T> = T | undefined | null | false;
export interface PollOptions {
  everyMs?: number;
  timeoutMs?: number;
}

/**
 * Calls `check` until it gives something other than undefined/false/null, pausing `everyMs` between calls;
 * fails naming `what` after `timeoutMs` (a bound on the wait, not a claim about how fast anything is).
 */
export async function pollUntil<T>(what: string, check: () => Maybe<T> | Promise<Maybe<T>>, opts: PollOptions = {}): Promise<T> {
  const { everyMs = 10, timeoutMs = 30_000 } = opts;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value;
    if (performance.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}`);
    await pause(everyMs); // the system under test is real (HTTP, sockets, a worker pool): give it a turn, then look again
  }
}
