// The rule a running bulk job's re-check applies to its provider: it goes on only with the provider and
// credential it opened its secret for; each kind of change is named in the stop reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindingChange, bindingOf, type MintBinding } from '../../server/services/bulk-access.js';
import type { ProviderRow } from '../../server/services/providers.js';

const row = {
  id: 'p1',
  name: 'secure-anon-1',
  description: 'd',
  tokenDurationMin: 30,
  entityLevel: 'account',
  entityId: 'e1',
  tags: '[]',
  credentialSetId: 'c1',
  createdAt: new Date(0),
  updatedAt: new Date(0),
  credentialSet: {
    id: 'c1',
    name: 'n',
    clientId: 'client',
    secretCiphertext: 'x',
    secretKeyId: 'k',
    secretFingerprint: 'fp1',
    secretSetAt: new Date(1000),
    secretSetBy: 'console',
    upstreamUrl: 'builtin:emulator',
    entityLevel: null,
    entityId: null,
    notes: '',
    createdAt: new Date(0),
    updatedAt: new Date(0),
  },
} as ProviderRow;

const started = bindingOf(row);
const changed = (patch: Partial<MintBinding>) => bindingChange(started, { ...started, ...patch });

test('nothing changed, or only what the job does not sign with: it goes on', () => {
  assert.equal(
    bindingChange(
      started,
      bindingOf({ ...row, description: 'other', tags: '["x"]', credentialSet: { ...row.credentialSet, name: 'renamed', notes: 'a note' } }),
    ),
    null,
  );
});

test('each change that matters stops it, with its reason', () => {
  assert.equal(bindingChange(started, null), 'the provider was deleted');
  assert.equal(changed({ credentialSetId: 'c2' }), 'the provider was moved to another credential set');
  assert.equal(changed({ upstreamUrl: 'https://api.frame.nutanix.com' }), 'its credential set changed (its upstream or client id)');
  assert.equal(changed({ clientId: 'other' }), 'its credential set changed (its upstream or client id)');
  assert.equal(changed({ secretFingerprint: 'fp2' }), 'its credential set changed (its secret was replaced)');
  // The same secret entered again is a replacement too: whoever did it meant the job to pick it up anew.
  assert.equal(changed({ secretSetAt: 2000 }), 'its credential set changed (its secret was replaced)');
  assert.equal(changed({ providerName: 'secure-anon-2' }), "the provider's token URI changed (its name or entity)");
  assert.equal(changed({ entityId: 'e2' }), "the provider's token URI changed (its name or entity)");
});
