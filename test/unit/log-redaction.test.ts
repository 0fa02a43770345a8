// The request log's URL redaction: tokens go, the shape of the URL and ordinary ids stay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { looksLikeToken, redactUrl, REDACTED } from '../../server/http/log-redaction.js';
import { tokenUrls } from '../helpers/token-urls.js';

const token = () => randomBytes(32).toString('base64url');

test('token-shaped path segments are redacted; ids, provider names and route words are kept', () => {
  const t = token();
  const id = randomUUID();
  const provider = `secure-anon-${randomUUID()}`;
  assert.equal(redactUrl(`/api/invites/${t}`), `/api/invites/${REDACTED}`);
  assert.equal(redactUrl(`/api/invites/${t}/accept`), `/api/invites/${REDACTED}/accept`);
  assert.equal(redactUrl(`/api/providers/${id}/tokens`), `/api/providers/${id}/tokens`);
  assert.equal(
    redactUrl(`/emulator/v1/accounts/${id}/secure-anonymous/${provider}/tokens`),
    `/emulator/v1/accounts/${id}/secure-anonymous/${provider}/tokens`,
  );
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
    fc
      .tuple(fc.uint8Array({ minLength: 6, maxLength: 6 }), fc.uint8Array({ minLength: 32, maxLength: 32 }))
      .map(([p, b]) => `satk_${Buffer.from(p).toString('hex')}_${Buffer.from(b).toString('base64url')}`),
  );
  const place = fc.constantFrom(
    (t: string) => `/api/invites/${t}`,
    (t: string) => `/api/invites/${t}/accept`,
    (t: string) => `/api/x?token=${t}`,
    (t: string) => `/api/x?a=1&b=${encodeURIComponent(t)}`,
    (t: string) => `/${t}?x=1`,
  );
  fc.assert(fc.property(issued, place, (t, at) => !redactUrl(at(t)).includes(t) && looksLikeToken(t)));
});

const jwt = () => `eyJhbGciOiJSUzI1NiJ9.${randomBytes(40).toString('base64url')}.${randomBytes(64).toString('base64url')}`;
const apiKey = () => `satk_${randomBytes(6).toString('hex')}_${token()}`;

test('a token anywhere in a URL goes: inside segments and values, after ; , : ~ . or %20, percent-encoded (even twice), behind a redirect or Bearer', () => {
  const secrets = { token: token(), key: apiKey(), session: token(), jwt: jwt(), providerId: randomUUID() };
  const leaks: string[] = [];
  for (const url of tokenUrls(secrets)) {
    const logged = redactUrl(url);
    for (const [name, value] of Object.entries({ ...secrets, tokenStart: secrets.token.slice(0, 21), tokenEnd: secrets.token.slice(21) })) {
      if (name !== 'providerId' && logged.includes(value)) leaks.push(`${name} in ${logged}`);
    }
    if (!logged.includes(REDACTED)) leaks.push(`nothing redacted in ${logged}`);
  }
  assert.deepEqual(leaks, []);
  assert.ok(
    redactUrl(`/api/v1/providers/${secrets.providerId}/tokens?key=${secrets.key}`).startsWith(
      `/api/v1/providers/${secrets.providerId}/tokens?key=`,
    ),
    'the provider id stays',
  );
});

test('what is left keeps its shape and its encoding: the route, ids, words and the other parameters', () => {
  const t = token();
  assert.equal(redactUrl(`/x?a=1;token=${t}`), `/x?a=1;token=${REDACTED}`);
  assert.equal(redactUrl(`/x;jsessionid=${t}`), `/x;jsessionid=${REDACTED}`);
  assert.equal(redactUrl(`/invite/${t}.`), `/invite/${REDACTED}.`);
  assert.equal(redactUrl(`/x?a=${t}%20&b=2`), `/x?a=${REDACTED}%20&b=2`);
  assert.equal(redactUrl(`/invite%23${t}`), `/invite%23${REDACTED}`);
  assert.equal(redactUrl(`/x?redirect=https://h/?token=${t}&page=2`), `/x?redirect=https://h/?token=${REDACTED}&page=2`);
  assert.equal(redactUrl(`/x?a[token]=short`), `/x?a[token]=${REDACTED}`, 'a credential name inside brackets');
  const id = randomUUID();
  for (const kept of [
    `/api/audit?from=2026-12-01T10%3A00%3A00.000Z&actor=owner%40example.test&action=auth.sign_in`,
    `/emulator/v1/organizations/${id}/secure-anonymous/secure-anon-${randomUUID()}/tokens`,
    `/api/credential-sets/${id}?providers=delete`,
    `/assets/index-B2x_9Qk1.css`,
    '/docs/static/swagger-ui-standalone-preset.js',
    `/x?upstream=https%3A%2F%2F${id}.img.frame.nutanix.com%2Fv1`,
    '/a/extraordinarily_long_route_words.and.more',
  ])
    assert.equal(redactUrl(kept), kept, kept);
});

test('no token survives redaction, percent-encoded in part or in whole, between any delimiters (property)', () => {
  const delimiter = fc.constantFrom(
    '/',
    '?',
    '&',
    '=',
    ';',
    ',',
    ':',
    '.',
    '~',
    '@',
    '!',
    '$',
    "'",
    '(',
    ')',
    '*',
    '+',
    '%20',
    '%00',
    '%22',
    '%23',
    '%2F',
    '%252F',
    '%3D',
    '[',
    ']',
    '|',
    '',
  );
  const issued = fc.oneof(
    fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('base64url')),
    fc
      .tuple(fc.uint8Array({ minLength: 6, maxLength: 6 }), fc.uint8Array({ minLength: 32, maxLength: 32 }))
      .map(([p, b]) => `satk_${Buffer.from(p).toString('hex')}_${Buffer.from(b).toString('base64url')}`),
  );
  const encode = (t: string, mask: number[]) =>
    [...t].map((c, i) => (mask[i % mask.length]! % 4 === 0 ? `%${c.charCodeAt(0).toString(16).padStart(2, '0')}` : c)).join('');
  fc.assert(
    fc.property(
      issued,
      delimiter,
      delimiter,
      fc.constantFrom('/x/', '/x?a=', '/x?', '/'),
      fc.array(fc.nat(7), { minLength: 1, maxLength: 8 }),
      fc.boolean(),
      (t, before, after, prefix, mask, enc) => {
        const placed = `${prefix}${before}${enc ? encode(t, mask) : t}${after}`;
        const logged = redactUrl(placed);
        const decodedLog = logged.replace(/%([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
        return !logged.includes(t) && !decodedLog.includes(t);
      },
    ),
    { numRuns: 2000 },
  );
});
