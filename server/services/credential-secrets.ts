// Client secrets: the only place one is sealed or opened. A secret is bound (AES-GCM associated data) to
// its row, client id and upstream, so a ciphertext moved to another row, or a row whose client id or
// upstream was changed without the secret, does not open.
import type { Db } from '../db/client.js';
import type { CredentialSet } from '../db/models.js';
import { Secret } from '../crypto/secret.js';
import { aadFor, fingerprint, open, seal, SecretBoxError, type MasterKey } from '../crypto/secret-box.js';
import { DomainError } from '../errors.js';

const SECRET_FIELD = 'secret';
const TABLE = 'credential_set';
/** Set once every stored secret is bound to its client id and upstream; from then on no unbound one opens. */
const BINDING_SETTING = 'credential.secretBinding';
const BINDING_VERSION = 'client-id-and-upstream';

/** What a secret is sealed for: its row, and the client id and upstream it may be sent with. */
export type Binding = Pick<CredentialSet, 'id' | 'clientId' | 'upstreamUrl'>;

function secretAad(row: Binding): string {
  return aadFor(TABLE, row.id, SECRET_FIELD, { clientId: row.clientId, upstreamUrl: row.upstreamUrl });
}

/** Before secrets were bound (up to 2026-12): bound to the row only. Opened once, to re-seal. */
function legacyAad(row: Pick<CredentialSet, 'id'>): string {
  return aadFor(TABLE, row.id, SECRET_FIELD);
}

export class CredentialSecrets {
  constructor(
    private readonly db: Db,
    /** The current master key first; older ones after it, for opening only. */
    private readonly keys: readonly MasterKey[],
    /** Told after stored secrets are re-sealed, so cached provider rows never carry an old ciphertext. */
    private readonly changed: () => Promise<void> = async () => {},
  ) {}

  /** Seals a secret for a row and the client id and upstream it is for: ciphertext, key id, fingerprint. */
  sealFor(binding: Binding, secret: string) {
    const key = this.keys[0]!;
    return {
      secretCiphertext: seal(secret, key, secretAad(binding)),
      secretKeyId: key.id,
      secretFingerprint: fingerprint(secret, key),
    };
  }

  /**
   * The one place a secret is opened: only for the client id and upstream it was sealed for. A row whose
   * client id or upstream was changed without the secret (in the database) does not open.
   */
  openSecret(row: Binding & Pick<CredentialSet, 'secretCiphertext' | 'name'>): Secret {
    try {
      return this.openBound(row);
    } catch (err) {
      if (!(err instanceof SecretBoxError)) throw err;
      throw new DomainError(
        'credential/secret_unusable',
        `The stored secret of credential set "${row.name}" cannot be used: ${err.message}. Enter its client secret again (Replace secret).`,
      );
    }
  }

  private openBound(row: Binding & Pick<CredentialSet, 'secretCiphertext'>): Secret {
    try {
      return new Secret(open(row.secretCiphertext, this.keys, secretAad(row)));
    } catch (err) {
      if (err instanceof SecretBoxError && /failed authentication/.test(err.message)) {
        throw new SecretBoxError(`${err.message}, or its client id or upstream was changed without re-entering the secret`);
      }
      throw err;
    }
  }

  /**
   * Secrets stored before they were bound to their client id and upstream are re-sealed with the binding, once,
   * in one transaction; then a setting records it, and no unbound secret opens again (an old ciphertext put
   * back into a row cannot be re-bound to a client id or upstream someone changed).
   */
  async bindLegacySecrets(): Promise<number> {
    if ((await this.db.setting.findUnique({ where: { key: BINDING_SETTING } }))?.value === BINDING_VERSION) return 0;
    const rows = await this.db.credentialSet.findMany();
    const legacy = rows.flatMap((row) => {
      try {
        this.openBound(row);
        return [];
      } catch {
        try {
          return [{ row, secret: open(row.secretCiphertext, this.keys, legacyAad(row)) }];
        } catch {
          return []; // opens neither way: checkAllSecrets names it
        }
      }
    });
    await this.db.$transaction([
      ...legacy.map(({ row, secret }) =>
        this.db.credentialSet.update({
          where: { id: row.id },
          data: { secretCiphertext: seal(secret, this.keys[0]!, secretAad(row)), secretKeyId: this.keys[0]!.id },
        }),
      ),
      this.db.setting.upsert({
        where: { key: BINDING_SETTING },
        create: { key: BINDING_SETTING, value: BINDING_VERSION },
        update: { value: BINDING_VERSION },
      }),
    ]);
    if (legacy.length) await this.changed();
    return legacy.length;
  }

  /** Opens every stored secret once, so a missing or wrong master key stops the start with a clear message. */
  async checkAllSecrets(): Promise<number> {
    await this.bindLegacySecrets();
    const rows = await this.db.credentialSet.findMany({
      select: { id: true, name: true, clientId: true, upstreamUrl: true, secretCiphertext: true },
    });
    for (const row of rows) {
      try {
        this.openBound(row);
      } catch (err) {
        if (err instanceof SecretBoxError) throw new SecretBoxError(`credential set "${row.name}": ${err.message}`);
        throw err;
      }
    }
    return rows.length;
  }

  /** Re-seals every secret not under the current key (master key rotation), all or nothing. */
  async resealAll(): Promise<{ resealed: number; total: number }> {
    await this.bindLegacySecrets();
    const current = this.keys[0]!;
    const rows = await this.db.credentialSet.findMany();
    const stale = rows.filter((r) => r.secretKeyId !== current.id);
    // Open everything first: a single unreadable row stops the rotation before anything is written.
    const opened = stale.map((row) => ({ row, secret: this.openBound(row) }));
    await this.db.$transaction(
      opened.map(({ row, secret }) =>
        this.db.credentialSet.update({
          where: { id: row.id },
          data: { secretCiphertext: seal(secret.reveal(), current, secretAad(row)), secretKeyId: current.id },
        }),
      ),
    );
    await this.changed();
    return { resealed: stale.length, total: rows.length };
  }
}
