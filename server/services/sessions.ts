// Server-side sessions: the cookie carries 32 random bytes; the database keeps only their SHA-256, so a
// copy of the database opens no session. Idle and absolute timeouts; revocable one by one or per user.
// Lookups are served from memory; lastSeenAt reaches the database at most once a minute per session.
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../crypto/digest.js';
import type { Db } from '../db/client.js';
import type { Role } from '../contract/permissions.js';
import type { UserStatus } from './user-status.js';
import type { Generations } from '../db/generations.js';

export interface SessionTimeouts {
  idleMs: number;
  absoluteMs: number;
}

export interface ActiveSession {
  id: string;
  userId: string;
  email: string;
  role: Role;
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
  grants: ReadonlySet<string> | 'all';
}

const TOUCH_EVERY_MS = 60_000;

export function sessionIdOf(token: string): string {
  return sha256Hex(token);
}

export class SessionService {
  private readonly cache = new Map<string, ActiveSession & { storedSeenAt: number }>();

  constructor(
    private readonly db: Db,
    readonly timeouts: SessionTimeouts,
    private readonly loadUser: (userId: string) => Promise<UserStatus | null>,
    private readonly now: () => number = Date.now,
    /** Sessions ended and users changed are told to the other replicas (server/db/generations.ts). */
    private readonly generations?: Generations,
  ) {}

  /** A new session (new id at every sign-in); returns the cookie token, shown nowhere else. */
  async create(userId: string, meta: { ip: string; userAgent: string }): Promise<{ token: string; session: ActiveSession }> {
    const token = randomBytes(32).toString('base64url');
    const id = sessionIdOf(token);
    const at = new Date(this.now());
    const csrfToken = randomBytes(32).toString('base64url');
    await this.db.session.create({
      data: { id, userId, csrfToken, createdAt: at, lastSeenAt: at, ip: meta.ip.slice(0, 64), userAgent: meta.userAgent.slice(0, 200) },
    });
    const session = await this.resolve(token);
    if (!session) throw new Error('a session just created could not be read back');
    return { token, session };
  }

  /** The live session for a cookie token, or null (unknown, expired, or its user disabled). */
  async resolve(token: string): Promise<ActiveSession | null> {
    const id = sessionIdOf(token);
    const cached = this.cache.get(id);
    // Another replica may have served this session since this one last did (its lastSeenAt reaches the
    // database at most once a minute): a session idle by this process's count is read again before it ends.
    if (cached && this.now() - cached.lastSeenAt > this.timeouts.idleMs) this.cache.delete(id);
    return this.resolveById(id);
  }

  private async resolveById(id: string): Promise<ActiveSession | null> {
    const now = this.now();
    let session = this.cache.get(id);
    if (!session) {
      const row = await this.db.session.findUnique({ where: { id } });
      if (!row) return null;
      const user = await this.loadUser(row.userId);
      if (!user || user.disabled) {
        await this.revoke(id);
        return null;
      }
      session = {
        id,
        userId: row.userId,
        email: user.email,
        role: user.role,
        grants: user.grants,
        csrfToken: row.csrfToken,
        createdAt: row.createdAt.getTime(),
        lastSeenAt: row.lastSeenAt.getTime(),
        storedSeenAt: row.lastSeenAt.getTime(),
      };
      this.cache.set(id, session);
    }
    if (now - session.lastSeenAt > this.timeouts.idleMs || now - session.createdAt > this.timeouts.absoluteMs) {
      await this.revoke(id);
      return null;
    }
    session.lastSeenAt = now;
    if (now - session.storedSeenAt > TOUCH_EVERY_MS) {
      session.storedSeenAt = now;
      await this.db.session.updateMany({ where: { id }, data: { lastSeenAt: new Date(now) } });
    }
    return session;
  }

  async revoke(id: string): Promise<void> {
    this.cache.delete(id);
    await this.db.session.deleteMany({ where: { id } });
    await this.generations?.bump('sessions');
  }

  /** Every session of a user ends now (disable, password change, role change). */
  async revokeUser(userId: string, exceptId?: string): Promise<number> {
    for (const [id, s] of this.cache) if (s.userId === userId && id !== exceptId) this.cache.delete(id);
    const result = await this.db.session.deleteMany({ where: { userId, ...(exceptId ? { id: { not: exceptId } } : {}) } });
    await this.generations?.bump('sessions');
    return result.count;
  }

  /** Sessions of a user read the user's role and grants again on their next request, on every replica. */
  async forgetUser(userId: string): Promise<void> {
    for (const [id, s] of this.cache) if (s.userId === userId) this.cache.delete(id);
    await this.generations?.bump('sessions');
  }

  /** Another replica ended sessions or changed users: every session is read again from the database. */
  forgetAll(): void {
    this.cache.clear();
  }

  async purgeExpired(): Promise<number> {
    const now = this.now();
    const result = await this.db.session.deleteMany({
      where: {
        OR: [{ lastSeenAt: { lt: new Date(now - this.timeouts.idleMs) } }, { createdAt: { lt: new Date(now - this.timeouts.absoluteMs) } }],
      },
    });
    return result.count;
  }
}
