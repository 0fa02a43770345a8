// The request log's URL redaction: tokens go, the shape of the URL and ordinary ids stay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { looksLikeToken, redactUrl, REDACTED } from '../../server/http/log-redaction.js';

const token = () => randomBytes(32).toString('base64url');

test('token-shaped path segments are redacted; ids, provider names and route words are kept', () => {
  const t = token();
  const id = randomUUID();
  const provider = `secure-anon-${randomUUID()}`;
  assert.equal(redactUrl(`/api/invites/${t}`), `/api/invites/${REDACTED}`);
  assert.equal(redactUrl(`/api/invites/${t}/accept`), `/api/invites/${REDACTED}/accept`);
  assert.equal(redactUrl(`/api/providers/${id}/tokens`), `/api/providers/${id}/tokens`);
  assert.equal(redactUrl(`/emulator/v1/accounts/${id}/secure-anonymous/${provider}/tokens`), `/emulator/v1/accounts/${id}/secure-anonymous/${provider}/tokens`);
  assert.equal(redactUrl('/api/credential-sets/verify'), '/api/credential-sets/verify');
  assert.equal(redactUrl('/assets/AcceptInviteView-CkQ3r8Zp.js'), '/assets/AcceptInviteView-CkQ3r8Zp.js');
  assert.equal(redactUrl('/a/extraordinarily-long-route-words'), '/a/extraordinarily-long-route-words');
});

test('API keys, JWTs and percent-encoded tokens are redacted wherever they are', () => {
  const key = `satk_${randomBytes(6).toString('hex')}_${token()}`;
  const jwt = `eyJhbGciOiJSUzI1NiJ9.${randomBytes(40).toString('base64url')}.${randomBytes(64).toString('base64url')}`;
  assert.equal(redactUrl(`/api/v1/${key}`), `/api/v1/${REDACTED}`);
  assert.equal(redactUrl(`/x/${jwt}`), `/x/${REDACTED}`);
  assert.equal(redactUrl(`/x?q=${encodeURIComponent(key)}`), `/x?q=${REDACTED}`);
  assert.equal(redactUrl(`/x/${encodeURIComponent(jwt)}`), `/x/${REDACTED}`);
  assert.equal(redactUrl('/x/satk_short'), `/x/${REDACTED}`);
});

test('query values: known credential names always, other values when token-shaped; other parameters stay', () => {
  assert.equal(redactUrl('/api/audit?limit=10&action=auth.sign_in'), '/api/audit?limit=10&action=auth.sign_in');
  assert.equal(redactUrl('/x?token=abc&page=2'), `/x?token=${REDACTED}&page=2`);
  assert.equal(redactUrl('/x?Password=hunter2'), `/x?Password=${REDACTED}`);
  assert.equal(redactUrl('/x?api%5Fkey=abc'), `/x?api%5Fkey=${REDACTED}`);
  assert.equal(redactUrl(`/x?next=${token()}`), `/x?next=${REDACTED}`);
  assert.equal(redactUrl(`/x?${token()}`), `/x?${REDACTED}`);
  assert.equal(redactUrl(`/x?id=${randomUUID()}`).includes(REDACTED), false);
  assert.equal(redactUrl('/x?token='), '/x?token=', 'an empty value has nothing to hide');
  assert.equal(redactUrl('/x#frag'), `/x#${REDACTED}`);
});

test('no token the console issues survives redaction, wherever in a URL it is put (property)', () => {
  const issued = fc.oneof(
    fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('base64url')),
    fc.tuple(fc.uint8Array({ minLength: 6, maxLength: 6 }), fc.uint8Array({ minLength: 32, maxLength: 32 })).map(([p, b]) => `satk_${Buffer.from(p).toString('hex')}_${Buffer.from(b).toString('base64url')}`),
  );
  const place = fc.constantFrom((t: string) => `/api/invites/${t}`, (t: string) => `/api/invites/${t}/accept`, (t: string) => `/api/x?token=${t}`, (t: string) => `/api/x?a=1&b=${encodeURIComponent(t)}`, (t: string) => `/${t}?x=1`);
  fc.assert(fc.property(issued, place, (t, at) => !redactUrl(at(t)).includes(t) && looksLikeToken(t)));
});
