// Comparing a presented secret value (CSRF token, set-up code, request signature) with the expected one
// without leaking, through timing, how much of it matched. Only the lengths may differ observably: every
// value compared here has a fixed, public length.
import { timingSafeEqual } from 'node:crypto';

export function constantTimeEqual(expected: string, presented: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(presented, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
