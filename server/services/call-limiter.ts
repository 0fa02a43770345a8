// One cap on the upstream calls of all bulk jobs together. A free slot goes to the jobs in turn (round
// robin by key), not to whichever has the most workers waiting, so a job of 32 workers cannot starve a job
// of 1. Interactive mints never come here: they do not queue behind bulk work.
export type Release = () => void;

export class CallLimiter {
  private active = 0;
  /** Waiters by key (a job id), in the order the keys get their next turn. */
  private readonly waiting = new Map<string, ((release: Release | null) => void)[]>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`a call limiter needs a capacity of 1 or more, got ${capacity}`);
  }

  /** Calls in flight now. */
  get inFlight(): number {
    return this.active;
  }

  /** A slot, once one is free and it is this key's turn; null if the key was dropped while waiting. */
  acquire(key: string): Promise<Release | null> {
    if (this.active < this.capacity) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve) => {
      const queue = this.waiting.get(key);
      if (queue) queue.push(resolve);
      else this.waiting.set(key, [resolve]);
    });
  }

  /** Sends every waiter of this key away with null (its job stopped); slots in use stay until released. */
  drop(key: string): void {
    const queue = this.waiting.get(key);
    this.waiting.delete(key);
    for (const resolve of queue ?? []) resolve(null);
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.handOn();
    };
  }

  /** A released slot goes straight to the next key in turn (it stays counted as in flight), or is freed. */
  private handOn(): void {
    const next = this.waiting.entries().next();
    if (next.done) {
      this.active--;
      return;
    }
    const [key, queue] = next.value;
    const resolve = queue.shift()!;
    // The key goes to the back of the round, if it still has waiters.
    this.waiting.delete(key);
    if (queue.length > 0) this.waiting.set(key, queue);
    resolve(this.releaser());
  }
}
