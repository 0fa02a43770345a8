// The shell's pure parts: which sidebar links a role sees (the route's own title and permission decide), and
// the breadcrumb trail built from route meta (parent pages, the thing a page shows, the page).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RouteMeta } from 'vue-router';
import type { Permission } from '@server/contract/permissions';
import { NAV, visibleNav } from '../../web/src/shell/nav';
import { breadcrumbs } from '../../web/src/shell/breadcrumbs';

const ROUTES: Record<string, RouteMeta> = {
  '/providers': { title: 'Providers' },
  '/credentials': { title: 'Credentials', permission: 'credential:read' },
  '/bulk-jobs': { title: 'Bulk jobs', permission: 'token:mint' },
  '/users': { title: 'Users', permission: 'user:read' },
  '/api-keys': { title: 'API keys', permission: 'apikey:manage' },
  '/audit': { title: 'Audit log', permission: 'audit:read' },
  '/transfer': { title: 'Import / export', permission: 'config:export' },
  '/providers/p1/playground': { title: 'Playground', parent: '/providers' },
};
const meta = (path: string): RouteMeta => ROUTES[path] ?? {};
const labels = (can: (p: Permission) => boolean) => visibleNav(NAV, meta, can).map((s) => [s.title, s.links.map((l) => l.label)] as const);

test('the sidebar shows what a role may use, with the route titles, and drops a section left empty', () => {
  assert.deepEqual(
    labels(() => true),
    [
      ['Secure Anonymous', ['Providers', 'Credentials', 'Bulk jobs']],
      ['Administration', ['Users', 'API keys', 'Audit log', 'Import / export']],
      ['Help', ['API docs']],
    ],
  );
  assert.deepEqual(
    labels(() => false),
    [
      ['Secure Anonymous', ['Providers']],
      ['Help', ['API docs']],
    ],
  );
  const docs = visibleNav(NAV, meta, () => false).at(-1)!.links[0]!;
  assert.deepEqual([docs.to, docs.external], ['/docs', true], 'API docs is served by the server, not a route of the SPA');
});

test('a nav entry that points at no titled route is a mistake that shows at once', () => {
  assert.throws(() => visibleNav([{ title: 'X', entries: [{ path: '/nowhere', icon: {} }] }], meta, () => true), /\/nowhere/);
});

test('breadcrumbs: parents as links, then the thing the page shows, then the page itself', () => {
  assert.deepEqual(breadcrumbs(meta('/providers/p1/playground'), meta, 'Demo provider'), [
    { label: 'Providers', to: '/providers' },
    { label: 'Demo provider' },
    { label: 'Playground' },
  ]);
  assert.deepEqual(breadcrumbs(meta('/providers/p1/playground'), meta), [
    { label: 'Providers', to: '/providers' },
    { label: 'Playground' },
  ]);
  assert.deepEqual(breadcrumbs(meta('/users'), meta), [{ label: 'Users' }]);
});

test('a parent loop in the route table ends the trail instead of hanging', () => {
  const loop: Record<string, RouteMeta> = { '/a': { title: 'A', parent: '/b' }, '/b': { title: 'B', parent: '/a' } };
  const trail = breadcrumbs(loop['/a']!, (p) => loop[p] ?? {});
  assert.ok(trail.length <= 6, JSON.stringify(trail));
  assert.deepEqual(trail.at(-1), { label: 'A' });
});
