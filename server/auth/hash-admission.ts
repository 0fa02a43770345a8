// Taking a place in the argon2 line (hash-queue.ts) for a request: a ticket, or auth/busy (503 with
// Retry-After) at once when the line is full, without hashing. Refusals are on record like the sign-in
// throttle's, never a row each: the first refusal of a busy spell writes one row, and what the spell
// refused after it is summed up in one more once the spell is a minute old (on the next sign-in).
import { DomainError } from '../errors.js';
import type { AuditService } from '../services/audit.js';
import { runInContext } from './context.js';
import type { HashPriority, HashQueue, HashTicket } from './hash-queue.js';
import { hashing } from './passwords.js';

const SPELL_MS = 60_000;

export class HashAdmission {
  private spell: { since: number; refused: number } | null = null;

  constructor(
    private readonly audit: AuditService,
    private readonly now: () => number,
    private readonly queue: HashQueue = hashing,
  ) {}

  /** A ticket in the line of this priority, or auth/busy. `detail` (who is trying) goes on the spell's row. */
  async reserve(priority: HashPriority, detail: Record<string, unknown>): Promise<HashTicket> {
    const ticket = this.queue.reserve(priority);
    if (ticket) return ticket;
    const seconds = this.queue.retryAfterSeconds();
    const error = new DomainError(
      'auth/busy',
      `The console is busy checking other passwords; try again in ${seconds} second(s).`,
      undefined,
      { retryAfterSeconds: seconds },
    );
    if (this.spell) {
      this.spell.refused++;
      throw error;
    }
    this.spell = { since: this.now(), refused: 0 };
    const { running, waiting } = this.queue.stats();
    // The refusal stands whether or not its row could be written (it changes nothing).
    await this.audit
      .record({ action: 'auth.busy', outcome: 'auth/busy', detail: { ...detail, line: priority, running, waiting: waiting[priority] } })
      .catch(() => {});
    throw error;
  }

  /** Ends a busy spell a minute or more old: one row with the number of attempts it refused after its first. */
  async summariseIfDue(now: number): Promise<void> {
    if (!this.spell || now - this.spell.since < SPELL_MS) return;
    const { refused } = this.spell;
    this.spell = null;
    if (refused === 0) return;
    await runInContext({ principal: { kind: 'system', name: 'system' }, requestId: null, ip: null }, () =>
      this.audit.record({ action: 'auth.refused', outcome: 'auth/busy', detail: { scope: 'hashing', refused } }),
    );
  }
}
