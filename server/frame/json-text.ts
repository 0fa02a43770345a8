// Reading a JSON object typed by a person: errors at line and column, and the flat key/value view.
// Pure and browser-safe.

export type JsonObjectCheck =
  | { ok: true; value: Record<string, unknown> | undefined }
  | { ok: false; reason: 'syntax' | 'not-object'; message: string; line: number | null; column: number | null };

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

class JsonSyntax extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/** Finds where JSON text first goes wrong (the engines' messages do not always say). */
function firstSyntaxError(text: string): JsonSyntax | null {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const fail = (what: string): never => {
    throw new JsonSyntax(
      i,
      i >= text.length ? `unexpected end of input, expected ${what}` : `unexpected ${JSON.stringify(text[i])}, expected ${what}`,
    );
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail(`a value`);
  };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('four hex digits after \\u');
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? '')) fail('an escape such as \\n or \\"');
      } else if (text.charCodeAt(i) < 0x20) fail('no raw control character inside a string');
      i++;
    }
    if (i >= text.length) fail('a closing "');
    i++;
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) fail('a number');
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail('a property name in double quotes');
        string();
        ws();
        if (text[i] !== ':') fail('":"');
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') return void i++;
        fail('"," or "}"');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') return void i++;
        fail('"," or "]"');
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    fail('a value');
  };
  try {
    value();
    ws();
    if (i < text.length) fail('the end of input');
    return null;
  } catch (err) {
    if (err instanceof JsonSyntax) return err;
    throw err;
  }
}

/** Parses text that should hold a JSON object (empty text means none). */
export function parseJsonObject(text: string): JsonObjectCheck {
  if (text.trim() === '') return { ok: true, value: undefined };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const found = firstSyntaxError(text);
    if (!found) return { ok: false, reason: 'syntax', message: (err as Error).message, line: null, column: null };
    const at = lineColumn(text, found.offset);
    return {
      ok: false,
      reason: 'syntax',
      message: `${found.message} at line ${at.line}, column ${at.column}`,
      line: at.line,
      column: at.column,
    };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, reason: 'not-object', message: 'must be a JSON object such as {"language": "EN"}', line: 1, column: 1 };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/**
 * What a person is told about a JSON object field that does not parse, e.g. "Metadata is not valid JSON:
 * unexpected "S", expected a value at line 1, column 10". One wording wherever such text is typed (the
 * Playground form, the bulk template).
 */
export function jsonObjectError(label: string, check: Extract<JsonObjectCheck, { ok: false }>): string {
  return check.reason === 'not-object' ? `${label} ${check.message}` : `${label} is not valid JSON: ${check.message}`;
}

export interface KeyValue {
  key: string;
  value: string;
}

/** Key/value rows of a flat object (values are strings, numbers, booleans or null); null when it is nested. */
export function toKeyValues(value: Record<string, unknown> | undefined): KeyValue[] | null {
  const rows: KeyValue[] = [];
  for (const [key, v] of Object.entries(value ?? {})) {
    if (v !== null && typeof v === 'object') return null;
    rows.push({ key, value: typeof v === 'string' ? v : JSON.stringify(v) });
  }
  return rows;
}

/** Back from rows: "true", "false", "null" and numbers keep their JSON type; everything else is a string. */
export function fromKeyValues(rows: readonly KeyValue[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of rows) {
    if (!key.trim()) continue;
    // Defined, not assigned: a key such as __proto__ is a key like any other, not the object's prototype.
    Object.defineProperty(out, key.trim(), {
      value: /^(true|false|null|-?\d+(\.\d+)?([eE][+-]?\d+)?)$/.test(value.trim()) ? JSON.parse(value.trim()) : value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
