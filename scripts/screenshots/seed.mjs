// The demo data the screenshots show, made through the console's API as an owner would: two credential
// sets, four tagged providers, a support user and a pending invitation, an API key, a few mints (so the
// history and the audit log have rows) and one small bulk job.
import { randomBytes, randomUUID } from 'node:crypto';

/**
 * @typedef {{ cookie: string, csrfToken: string }} Session
 * @typedef {{
 *   session: Session,
 *   providers: { lobby: string, trial: string, support: string, partner: string },
 *   credentialName: string,
 *   inviteToken: string,
 *   resetToken: string,
 * }} Seeded
 */

/**
 * A JSON call to the console; throws with the answer when the status is not the one expected.
 * @param {string} base
 * @param {Session | null} session
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<{ json: any, headers: Headers }>}
 */
async function call(base, session, method, path, body) {
  /** @type {Record<string, string>} */
  const headers = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (session) {
    headers.cookie = session.cookie;
    if (method !== 'GET') headers['x-csrf-token'] = session.csrfToken;
  }
  const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return { json: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/**
 * @param {string} base
 * @param {string} email
 * @param {string} password
 * @returns {Promise<Session>}
 */
export async function signIn(base, email, password) {
  const { json, headers } = await call(base, null, 'POST', '/api/session', { email, password });
  const cookie = (headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  if (!cookie) throw new Error('sign-in answered without a session cookie');
  return { cookie, csrfToken: json.csrfToken };
}

/**
 * @param {string} base
 * @param {{ email: string, password: string }} owner
 * @returns {Promise<Seeded>}
 */
export async function seed(base, owner) {
  const session = await signIn(base, owner.email, owner.password);
  /** @type {(method: string, path: string, body?: unknown) => Promise<any>} */
  const api = async (method, path, body) => (await call(base, session, method, path, body)).json;
  const secret = () => randomBytes(20).toString('hex');

  const credentialName = 'Kiosk fleet (emulator)';
  const emulator = await api('POST', '/api/credential-sets', {
    name: credentialName,
    clientId: `${randomUUID()}.img.frame.emulator.local`,
    clientSecret: secret(),
    upstreamUrl: 'builtin:emulator',
    notes: 'Mints against the built-in emulator; safe for demos.',
  });
  // Creating a set does not call its upstream, so a staging one needs no network.
  const staging = await api('POST', '/api/credential-sets', {
    name: 'Partner portal (staging)',
    clientId: `${randomUUID()}.img.frame.nutanix.com`,
    clientSecret: secret(),
    upstreamUrl: 'https://api.staging.frame.nutanix.com',
    notes: 'Issued by Frame support for the partner pilot.',
  });

  /** @type {(description: string, entityLevel: string, tokenDurationMin: number, tags: string[], credentialSetId?: string) => Promise<string>} */
  const provider = async (description, entityLevel, tokenDurationMin, tags, credentialSetId = emulator.id) =>
    (await api('POST', '/api/providers', { description, entityLevel, entityId: randomUUID(), tokenDurationMin, tags, credentialSetId })).id;
  const providers = {
    lobby: await provider('Lobby kiosks', 'organization', 120, ['kiosk', 'lobby']),
    trial: await provider('Product trials, EMEA', 'account', 60, ['trial', 'emea']),
    support: await provider('Support sandbox', 'customer', 30, ['support']),
    partner: await provider('Partner pilot', 'account', 480, ['partner', 'pilot'], staging.id),
  };

  const invited = await api('POST', '/api/users/invites', {
    email: 'sam.rivera@example.com',
    role: 'support',
    providerIds: [providers.lobby, providers.trial],
  });
  const sam = await call(base, null, 'POST', '/api/invites/accept', {
    token: invited.token,
    password: `pw-${randomUUID()}`,
    name: 'Sam Rivera',
  });
  // An unused password-reset link for Sam, so the reset page can be shown.
  const reset = await api('POST', `/api/users/${sam.json.user.id}/password-reset`, {});
  // Left pending, so the Users page lists an open invitation and the invitation page can be shown.
  const pending = await api('POST', '/api/users/invites', { email: 'alex.chen@example.com', role: 'viewer' });

  await api('POST', '/api/api-keys', { name: 'CI pipeline', providerIds: [providers.lobby], rateLimitPerMinute: 60 });

  const people = [
    { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' },
    { first_name: 'Grace', last_name: 'Hopper', email: 'grace@example.com', metadata: { kiosk: 'hall-2' } },
    { first_name: 'Alan', last_name: 'Turing', email: 'alan@example.com' },
  ];
  for (const body of people) await api('POST', `/api/providers/${providers.lobby}/tokens`, body);
  await api('POST', `/api/providers/${providers.trial}/tokens`, { email_domain: 'example.org' });

  const job = await api('POST', `/api/providers/${providers.lobby}/bulk`, {
    count: 20,
    template: { first_name: 'Kiosk', last_name: '{n}', email: 'kiosk-{n}@example.com' },
  });
  for (let i = 0; i < 200; i++) {
    const view = await api('GET', `/api/bulk/${job.id}`);
    if (view.state !== 'running') break;
    await new Promise((r) => setTimeout(r, 50)); // the job runs in the console; ask again
  }

  return { session, providers, credentialName, inviteToken: pending.token, resetToken: reset.token };
}
