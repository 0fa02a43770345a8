// String literals per language. Each returns a complete literal, quotes included, that holds none of the
// characters in RAW_UNSAFE: those are written as the language's escapes. Browser-safe.
//
// Why each character is kept out of every snippet, with the lexer that breaks on it:
// - C0 controls and DEL: NUL is refused by Python ("source code cannot contain null bytes"), Go ("invalid
//   NUL character") and bash ("cannot execute binary file"); CR and LF end a literal in nearly every
//   language; the rest are invisible in an editor and some act on a terminal that prints the file.
// - U+0085 (NEL), U+2028 (LS), U+2029 (PS): line terminators in C#, so a C# string literal holding one
//   does not compile (issue 13, F14); also in JavaScript before ES2019. The other C1 controls are invisible.
// - U+FEFF: Go refuses a byte order mark after the start of a file ("invalid BOM in the middle of the file").
// - bidirectional formatting controls (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069): the code
//   would be displayed in another order than it runs ("Trojan Source", CVE-2021-42574).
// - lone surrogates: UTF-8 source cannot hold them at all.
// Nothing here writes user text into a comment; the snippet tests check that no comment line carries it.

/** Every character a snippet must not hold raw (see above). Global: use with replace. */
export const RAW_UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function hasUnsafe(value: string): boolean {
  RAW_UNSAFE.lastIndex = 0;
  const found = RAW_UNSAFE.test(value);
  RAW_UNSAFE.lastIndex = 0;
  return found;
}

/** \uXXXX for one UTF-16 code unit (lower-case hex, as JSON.stringify writes). */
function u4(unit: number): string {
  return `\\u${unit.toString(16).padStart(4, '0')}`;
}

/** Byte-oriented languages (Go, PHP, Ruby, shell) cannot carry a lone surrogate: U+FFFD, as UTF-8 encoders send. */
function wellFormed(value: string): string {
  return value.replace(LONE_SURROGATE, '\ufffd');
}

/**
 * JSON text whose strings hold no RAW_UNSAFE character (JSON.stringify already escapes C0 controls and lone
 * surrogates; NEL, LS, PS, BOM, DEL, C1 and bidi controls become \u escapes). With ascii, every character
 * outside printable ASCII is escaped too (astral ones as surrogate pairs, valid JSON). The indentation's
 * own newlines stay: they are between values, never inside a string.
 */
export function jsonText(value: unknown, opts: { indent?: number; ascii?: boolean } = {}): string {
  const text = JSON.stringify(value, null, opts.indent) ?? 'null';
  const pattern = opts.ascii ? /[^\n\x20-\x7e]/g : RAW_UNSAFE;
  return text.replace(pattern, (c) => (c === '\n' ? c : u4(c.charCodeAt(0))));
}

/**
 * A double-quoted literal with JSON's escapes (\" \\ \b \f \n \r \t \uXXXX): valid in JavaScript,
 * TypeScript, Python, Java and C#. Java decodes \uXXXX before lexing, which is harmless here: \n and \r are
 * written as such, never as \u000a or \u000d, and a backslash is always doubled.
 */
export function cStyle(value: string): string {
  return jsonText(value);
}

/** Go: cStyle, but Go refuses \ud800-\udfff escapes, so a lone surrogate is written as U+FFFD. */
export function goString(value: string): string {
  return jsonText(wellFormed(value));
}

/** Single quotes when nothing needs escaping (no interpolation to think about); else the double-quoted form. */
function singleOrDouble(value: string, double: (v: string) => string): string {
  if (!hasUnsafe(value)) return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return double(wellFormed(value));
}

function escapeCodePoints(value: string, special: RegExp, escape: (c: string) => string): string {
  return value.replace(special, escape).replace(RAW_UNSAFE, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

/** PHP: single quotes (only \\ and \' are escapes); double quotes with \u{…} (PHP 7+) and \$ when a character must be escaped. */
export function phpString(value: string): string {
  return singleOrDouble(value, (v) => `"${escapeCodePoints(v, /[\\"$]/g, (c) => `\\${c}`)}"`);
}

/** Ruby: single quotes (only \\ and \' are escapes); double quotes with \u{…} and \# (no interpolation) when a character must be escaped. */
export function rubyString(value: string): string {
  return singleOrDouble(value, (v) => `"${escapeCodePoints(v, /[\\"#]/g, (c) => `\\${c}`)}"`);
}

/**
 * POSIX shell: single quotes, where nothing is special except the quote itself. A RAW_UNSAFE character is
 * spliced in as bash's $'\xHH' (its UTF-8 bytes, independent of the locale). A shell word cannot hold NUL;
 * neither can an HTTP header, so a NUL (only ever in a client id) is dropped as the shell itself would.
 */
export function shellSingle(value: string): string {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  if (!hasUnsafe(value)) return quote(value);
  const encoder = new TextEncoder();
  let out = '';
  let plain = '';
  for (const c of wellFormed(value)) {
    if (!hasUnsafe(c)) {
      plain += c;
      continue;
    }
    if (plain) out += quote(plain);
    plain = '';
    if (c !== '\u0000') out += `$'${[...encoder.encode(c)].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('')}'`;
  }
  if (plain) out += quote(plain);
  return out || "''";
}

/**
 * PowerShell: single quotes, where a quote is doubled (PowerShell treats the typographic quotes as quotes
 * too). Windows PowerShell 5.1 reads a script without a byte order mark in the ANSI code page, where the
 * UTF-8 bytes of, say, "ё" (D1 91) read as "Ñ‘", and ‘ is a quote: so the literal is kept to printable ASCII,
 * any other character joined in as [char]0xXXXX (one per UTF-16 unit). Carry JSON text as jsonText(…, {ascii}).
 */
export function powershellSingle(value: string): string {
  const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
  const parts: string[] = [];
  let plain = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (/[\x20-\x7e]/.test(c)) {
      plain += c;
      continue;
    }
    if (plain) parts.push(quote(plain));
    plain = '';
    parts.push(`[char]0x${value.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0')}`);
  }
  if (plain || parts.length === 0) parts.push(quote(plain));
  // [char] + [char] would add numbers; a string first makes every + a concatenation.
  if (parts.length > 1 && parts[0]!.startsWith('[')) parts.unshift("''");
  return parts.length === 1 ? parts[0]! : `(${parts.join(' + ')})`;
}

/** A Python literal for a JSON value (dict, list, str, int, float, True, False, None). */
export function pythonLiteral(value: unknown, indent = 0): string {
  const pad = ' '.repeat(indent + 4);
  const end = ' '.repeat(indent);
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'None';
  if (typeof value === 'string') return cStyle(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => `${pad}${pythonLiteral(v, indent + 4)},`).join('\n')}\n${end}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${pad}${cStyle(k)}: ${pythonLiteral(v, indent + 4)},`).join('\n')}\n${end}}`;
}
