// The line for argon2: a few hashes at once (each holds 19 MiB and a core for tens of milliseconds), a
// bounded number waiting, and two lines, trusted first. An unbounded first-come line let a sign-in flood
// hold a trusted owner back for as long as the flood lasted; now what the line cannot hold is refused at
// once (the caller answers auth/busy without hashing), and work with a reason to be trusted (a browser
// that signed in before, a signed-in session, an invitation or set-up code) is served before any
// untrusted sign-in, whatever their number.
// A caller takes a ticket (reserve) before its slow preparations (an audit row), so the place it was
// promised is not taken meanwhile, then runs its hash with it (run), or gives it back (release).

export type HashPriority = 'trusted' | 'untrusted';

export interface HashTicket {
  /** Runs the work in its turn; a ticket runs once. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Gives the place back if the work never ran (safe to call always, e.g. in a finally). */
  release(): void;
}

export interface HashQueueStats {
  running: number;
  /** Tickets held and not running yet, per line. */
  waiting: Record<HashPriority, number>;
}

/** How a hash's duration is averaged (EWMA weight of the newest), for Retry-After. */
const DURATION_WEIGHT = 0.2;

export class HashQueue {
  private running = 0;
  private readonly held: Record<HashPriority, number> = { trusted: 0, untrusted: 0 };
  private readonly lines: Record<HashPriority, (() => void)[]> = { trusted: [], untrusted: [] };
  private averageMs = 50;

  constructor(
    /** Hashes at once. */
    readonly slots: number,
    /** Tickets that may wait (held and not running) in each line. */
    readonly waitingPerLine: number,
  ) {}

  /** A place in the line of this priority, or null when that line is full. */
  reserve(priority: HashPriority): HashTicket | null {
    if (this.held[priority] >= this.waitingPerLine + this.slots - this.running) return null;
    return this.reserveBeyondBound(priority);
  }

  /** A place even when the line is full: for the console's own one-off work, never for a request. */
  reserveBeyondBound(priority: HashPriority): HashTicket {
    this.held[priority]++;
    let state: 'held' | 'queued' | 'done' = 'held';
    const leave = () => {
      if (state !== 'done') this.held[priority]--;
      state = 'done';
    };
    return {
      run: async <T>(work: () => Promise<T>): Promise<T> => {
        if (state !== 'held') throw new Error('a hash ticket runs once');
        state = 'queued';
        const ahead = this.lines.trusted.length + (priority === 'untrusted' ? this.lines.untrusted.length : 0);
        if (this.running < this.slots && ahead === 0) this.running++;
        // next() counts the slot as taken before it lets a waiting ticket go.
        else await new Promise<void>((resolve) => this.lines[priority].push(resolve));
        leave();
        const started = performance.now();
        try {
          return await work();
        } finally {
          this.averageMs += DURATION_WEIGHT * (performance.now() - started - this.averageMs);
          this.running--;
          this.next();
        }
      },
      release: () => {
        if (state === 'held') leave();
      },
    };
  }

  private next(): void {
    while (this.running < this.slots) {
      const start = this.lines.trusted.shift() ?? this.lines.untrusted.shift();
      if (!start) return;
      this.running++;
      start();
    }
  }

  /** Seconds until the untrusted line has likely moved by its own length: for Retry-After. */
  retryAfterSeconds(): number {
    const ahead = this.running + this.held.trusted + this.held.untrusted;
    return Math.max(1, Math.ceil(((ahead / this.slots) * this.averageMs) / 1000));
  }

  stats(): HashQueueStats {
    return { running: this.running, waiting: { ...this.held } };
  }
}
