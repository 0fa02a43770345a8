// How deeply a JSON value may nest objects and arrays: one limit for the console's JSON parser and for
// token bodies read any other way (emulator, CSV cells, form fields). Pure and browser-safe.

/** Levels of objects and arrays inside one another, the outermost being the first ({} is one level). */
export const MAX_JSON_DEPTH = 32;

/**
 * Whether a parsed JSON value nests objects and arrays more than `max` levels deep. Walks with its own
 * stack, never recursion, so a value 100,000 levels deep is answered like one 33 deep; it stops at the
 * first value found too deep. Run it before anything that recurses (JSON.stringify, a schema, a copy).
 */
export function nestedDeeperThan(value: unknown, max: number = MAX_JSON_DEPTH): boolean {
  const pending: { value: object; level: number }[] = [];
  if (value !== null && typeof value === 'object') pending.push({ value, level: 1 });
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (next.level > max) return true;
    for (const child of Object.values(next.value)) {
      if (child !== null && typeof child === 'object') pending.push({ value: child as object, level: next.level + 1 });
    }
  }
  return false;
}
