// Breadcrumbs from the route's meta: each `parent` (a path) adds its title as a link, then a page may name the
// thing it shows (the provider of a Playground), then the page's own title ends the trail.
import type { RouteMeta } from 'vue-router';

export interface Crumb {
  label: string;
  /** Where the crumb leads; the last crumb (the page itself) and a named thing without a page of its own have none. */
  to?: string;
}

/** Deep enough for any trail this console has; a parent loop in router.ts stops here instead of hanging. */
const MAX_DEPTH = 5;

export function breadcrumbs(page: RouteMeta, meta: (path: string) => RouteMeta, detail?: string): Crumb[] {
  const trail: Crumb[] = [];
  let parent = page.parent;
  for (let depth = 0; parent && depth < MAX_DEPTH; depth++) {
    const m = meta(parent);
    trail.unshift({ label: String(m.title ?? parent), to: parent });
    parent = m.parent;
  }
  if (detail) trail.push({ label: detail });
  trail.push({ label: String(page.title ?? 'Console') });
  return trail;
}
