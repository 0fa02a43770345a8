// String literals per language. Each returns a complete literal, quotes included.

/** A double-quoted literal with JSON escapes: valid in JavaScript, TypeScript, Python, Go, Java and C#. */
export function cStyle(value: string): string {
  return JSON.stringify(value);
}

/** POSIX shell single quotes: nothing inside is special except the quote itself. */
export function shellSingle(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** PHP and Ruby single quotes: only \\ and \' are escapes; no interpolation. */
export function backslashSingle(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** PowerShell single quotes: a quote is doubled; PowerShell treats the typographic quotes as quotes too. */
export function powershellSingle(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, (q) => q + q)}'`;
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
