// Keeps the in-process emulator's registry in step with the console's data: a credential set whose
// upstream is the built-in emulator is registered there (with its secret), and so are its providers.
import type { EntityLevel } from '../frame/entity.js';
import type { EmulatorRegistry } from '../emulator/registry.js';
import type { Secret } from '../crypto/secret.js';

export interface BuiltinEmulatorLink {
  /** Base URL of the emulator once the server listens, e.g. http://127.0.0.1:8080/emulator */
  baseUrl(): string | undefined;
  syncCredential(c: { clientId: string; entityLevel: string | null; entityId: string | null }, secret: Secret): void;
  removeCredential(clientId: string): void;
  syncProvider(p: { entityLevel: string; entityId: string; name: string; tokenDurationMin: number }): void;
  removeProvider(p: { entityLevel: string; entityId: string; name: string }): void;
  /** Forgets every credential and provider registered. */
  clear(): void;
}

export function linkBuiltinEmulator(registry: EmulatorRegistry | undefined, baseUrl: () => string | undefined): BuiltinEmulatorLink {
  return {
    baseUrl,
    syncCredential(c, secret) {
      registry?.upsertCredential({
        clientId: c.clientId,
        clientSecret: secret.reveal(),
        grants: c.entityLevel && c.entityId ? [{ level: c.entityLevel as EntityLevel, entityId: c.entityId }] : '*',
      });
    },
    removeCredential(clientId) {
      registry?.removeCredential(clientId);
    },
    syncProvider(p) {
      registry?.upsertProvider({
        level: p.entityLevel as EntityLevel,
        entityId: p.entityId,
        name: p.name,
        tokenDurationMinutes: p.tokenDurationMin,
      });
    },
    removeProvider(p) {
      registry?.removeProvider({ level: p.entityLevel as EntityLevel, entityId: p.entityId, name: p.name });
    },
    clear() {
      registry?.clear();
    },
  };
}
