// What the emulator knows: API credentials (client id → secret and grants) and SAT providers.
// Secrets stay inside a closure: a credential record serialises without them.
import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../crypto/constant-time.js';
import { stringToSign } from '../frame/signing-rules.js';
import type { EntityLevel } from '../frame/entity.js';

export interface EntityRef {
  level: EntityLevel;
  entityId: string;
}

export interface EmulatorCredentialInput {
  clientId: string;
  clientSecret: string;
  /** "*" mints for every entity; otherwise only for the listed ones. */
  grants: '*' | EntityRef[];
}

export interface EmulatorProviderInput extends EntityRef {
  name: string;
  tokenDurationMinutes: number;
}

export interface EmulatorCredential {
  clientId: string;
  grants: '*' | EntityRef[];
  /** Constant-time check of a presented hex signature for a timestamp string. */
  verify(timestamp: string, signatureHex: string): boolean;
}

function makeCredential(input: EmulatorCredentialInput): EmulatorCredential {
  const { clientId, clientSecret } = input;
  return {
    clientId,
    grants: input.grants,
    verify(timestamp, signatureHex) {
      const expected = createHmac('sha256', clientSecret).update(stringToSign(clientId, timestamp), 'utf8').digest('hex');
      // Hex case is not documented by Frame; we accept either case (docs/emulator.md).
      return constantTimeEqual(expected, signatureHex.toLowerCase());
    },
  };
}

function providerKey(level: EntityLevel, entityId: string, name: string): string {
  return `${level}\u0000${entityId.toLowerCase()}\u0000${name.toLowerCase()}`;
}

export class EmulatorRegistry {
  private readonly credentials = new Map<string, EmulatorCredential>();
  private readonly providers = new Map<string, EmulatorProviderInput>();

  upsertCredential(input: EmulatorCredentialInput): void {
    this.credentials.set(input.clientId, makeCredential(input));
  }

  removeCredential(clientId: string): void {
    this.credentials.delete(clientId);
  }

  findCredential(clientId: string): EmulatorCredential | undefined {
    return this.credentials.get(clientId);
  }

  upsertProvider(input: EmulatorProviderInput): void {
    this.providers.set(providerKey(input.level, input.entityId, input.name), { ...input });
  }

  removeProvider(ref: EntityRef & { name: string }): void {
    this.providers.delete(providerKey(ref.level, ref.entityId, ref.name));
  }

  findProvider(level: EntityLevel, entityId: string, name: string): EmulatorProviderInput | undefined {
    return this.providers.get(providerKey(level, entityId, name));
  }

  /** Forgets every credential and provider (before they are registered again from the console's database). */
  clear(): void {
    this.credentials.clear();
    this.providers.clear();
  }

  counts(): { credentials: number; providers: number } {
    return { credentials: this.credentials.size, providers: this.providers.size };
  }
}

export function mayMint(credential: EmulatorCredential, target: EntityRef): boolean {
  if (credential.grants === '*') return true;
  return credential.grants.some((g) => g.level === target.level && g.entityId.toLowerCase() === target.entityId.toLowerCase());
}
