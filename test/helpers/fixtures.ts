// Identities used across tests. The research vector's client id and secret are public test values.
import { randomUUID } from 'node:crypto';

export const VECTOR = {
  clientId: '00000000-0000-4000-8000-000000000000.img.frame.nutanix.com',
  secret: '0123456789abcdef0123456789abcdef01234567',
  timestamp: 1700000000,
  signature: 'afd3b76a7b87825093c2846e2fabb408b0021f4df7eb7e79d49a461082bbca39',
};

export function providerName(): string {
  return `secure-anon-${randomUUID()}`;
}
