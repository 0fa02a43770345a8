// Trusted browsers (OWASP "device cookies"): a browser that signed in successfully gets a long-lived
// HttpOnly cookie with 32 random bytes; only their SHA-256 is stored, bound to the user. Sign-ins that
// present it for that user are not held back by the locks strangers can cause (throttle.ts), only by
// their own failures. The cookie changes at every successful sign-in.
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../crypto/digest.js';
import type { Db } from '../db/client.js';
import { DEVICE_FAILURES, DEVICE_TTL_MS } from './throttle.js';

/** Trusted browsers kept per user; older ones are forgotten (a browser whose cookie was cleared never comes back). */
const MAX_DEVICES_PER_USER = 20;

export class TrustedDevices {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  /**
   * The id of the trusted browser this cookie token is for, when it is one of this user's, unexpired and
   * under its failure limit; null otherwise. The attempt counts as a failure until it succeeds, so
   * concurrent attempts cannot pass the limit.
   */
  async claim(token: string | undefined, userId: string | null): Promise<string | null> {
    if (!token) return null;
    const id = sha256Hex(token);
    // The same query for an email without an account (it matches nothing): the same work either way.
    const { count } = await this.db.trustedDevice.updateMany({
      where: { id, userId: userId ?? '', expiresAt: { gt: new Date(this.now()) }, failures: { lt: DEVICE_FAILURES } },
      data: { failures: { increment: 1 } },
    });
    return count === 1 ? id : null;
  }

  /** A claimed attempt failed. True when that was the browser's last allowed failure: it is trusted no more. */
  async failed(id: string): Promise<boolean> {
    const { count } = await this.db.trustedDevice.deleteMany({ where: { id, failures: { gte: DEVICE_FAILURES } } });
    return count === 1;
  }

  /** A claimed attempt could not be judged: it gives its failure back. */
  async release(id: string): Promise<void> {
    await this.db.trustedDevice.updateMany({ where: { id, failures: { gt: 0 } }, data: { failures: { decrement: 1 } } });
  }

  /** After a successful sign-in: a new cookie token for this browser (the one it presented, if any, ends). */
  async issue(userId: string, presented: string | undefined): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    await this.db.$transaction(async (tx) => {
      if (presented) await tx.trustedDevice.deleteMany({ where: { id: sha256Hex(presented) } });
      await tx.trustedDevice.create({
        data: { id: sha256Hex(token), userId, createdAt: new Date(now), expiresAt: new Date(now + DEVICE_TTL_MS) },
      });
      const older = await tx.trustedDevice.findMany({
        where: { userId },
        orderBy: { createdAt: 'desc' },
        skip: MAX_DEVICES_PER_USER,
        select: { id: true },
      });
      if (older.length) await tx.trustedDevice.deleteMany({ where: { id: { in: older.map((d) => d.id) } } });
    });
    return token;
  }

  async purge(): Promise<number> {
    return (await this.db.trustedDevice.deleteMany({ where: { expiresAt: { lte: new Date(this.now()) } } })).count;
  }
}
