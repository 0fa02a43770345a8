// The sidebar as data, in Frame's sections. A page's title and permission are the route's own (router.ts):
// the nav only says where a page sits and which icon it wears, so a renamed or re-permissioned page cannot
// disagree with its link.
import type { Component } from 'vue';
import type { RouteMeta } from 'vue-router';
import type { Permission } from '@server/contract/permissions';
import { ArrowLeftRight, BookOpen, Boxes, KeyRound, KeySquare, Layers, ScrollText, Users } from '@lucide/vue';

/** A page of this SPA (label and permission from its route), or a page the server serves (API docs). */
export type NavEntry = { path: string; icon: Component } | { href: string; label: string; icon: Component };

export interface NavSection {
  title: string;
  entries: readonly NavEntry[];
}

export const NAV: readonly NavSection[] = [
  {
    title: 'Secure Anonymous',
    entries: [
      { path: '/providers', icon: Boxes },
      { path: '/credentials', icon: KeyRound },
      { path: '/bulk-jobs', icon: Layers },
    ],
  },
  {
    title: 'Administration',
    entries: [
      { path: '/users', icon: Users },
      { path: '/api-keys', icon: KeySquare },
      { path: '/audit', icon: ScrollText },
      { path: '/transfer', icon: ArrowLeftRight },
    ],
  },
  { title: 'Help', entries: [{ href: '/docs', label: 'API docs', icon: BookOpen }] },
];

export interface NavLink {
  label: string;
  icon: Component;
  /** A route of the SPA (RouterLink) or, with external, a plain link the server answers. */
  to: string;
  external: boolean;
}

/**
 * The sections and links this role may use, in order; a section with nothing left is dropped. `meta` looks a
 * path up in the router (router.resolve(path).meta), so tests can give a table instead of the real router.
 */
export function visibleNav(
  sections: readonly NavSection[],
  meta: (path: string) => RouteMeta,
  can: (permission: Permission) => boolean,
): { title: string; links: NavLink[] }[] {
  return sections
    .map((section) => ({
      title: section.title,
      links: section.entries.flatMap((entry): NavLink[] => {
        if ('href' in entry) return [{ label: entry.label, icon: entry.icon, to: entry.href, external: true }];
        const m = meta(entry.path);
        if (typeof m.title !== 'string') throw new Error(`nav: ${entry.path} is not a titled route`);
        if (m.permission && !can(m.permission)) return [];
        return [{ label: m.title, icon: entry.icon, to: entry.path, external: false }];
      }),
    }))
    .filter((section) => section.links.length > 0);
}
