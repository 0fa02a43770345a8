// A small syntax highlighter: splits code into tokens (comment, string, keyword, number, text) that the
// template renders as spans, so nothing is ever inserted as HTML.

export interface Token {
  kind: 'comment' | 'string' | 'keyword' | 'number' | 'text';
  text: string;
}

const KEYWORDS: Record<string, string[]> = {
  python3: ['import', 'from', 'def', 'if', 'not', 'return', 'True', 'False', 'None', 'print'],
  node: ['import', 'from', 'const', 'await', 'async', 'if', 'new', 'return', 'function'],
  typescript: [
    'import',
    'from',
    'const',
    'await',
    'async',
    'if',
    'new',
    'return',
    'function',
    'interface',
    'throw',
    'string',
    'void',
    'as',
  ],
  curl: ['set', 'curl', 'echo', 'printf', 'date', 'openssl', 'sed', 'tr'],
  powershell: ['New-Object', 'Invoke-RestMethod', 'Write-Output', 'ForEach-Object'],
  php: ['echo', 'if', 'exit', 'true', 'false', 'function'],
  go: ['package', 'import', 'func', 'if', 'var', 'return', 'defer', 'string'],
  java: ['import', 'public', 'class', 'static', 'void', 'throws', 'new', 'if', 'String'],
  csharp: ['using', 'var', 'new', 'if', 'return', 'await'],
  ruby: ['require', 'puts', 'unless', 'do', 'end', 'abort'],
};

const HASH_COMMENTS = new Set(['python3', 'curl', 'powershell', 'ruby']);

export function highlight(code: string, language: string): Token[] {
  const comment = HASH_COMMENTS.has(language) ? String.raw`#[^\n]*` : String.raw`\/\/[^\n]*`;
  const strings = String.raw`"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|\x60(?:\\.|[^\x60\\])*\x60`;
  const words = KEYWORDS[language] ?? [];
  const keyword = words.length ? `\\b(?:${words.map((w) => w.replace(/[-]/g, '\\-')).join('|')})\\b` : '(?!)';
  const re = new RegExp(`(${comment})|(${strings})|(${keyword})|(\\b\\d+(?:\\.\\d+)?\\b)`, 'g');
  const out: Token[] = [];
  let last = 0;
  for (const m of code.matchAll(re)) {
    if (m.index > last) out.push({ kind: 'text', text: code.slice(last, m.index) });
    const kind: Token['kind'] = m[1] ? 'comment' : m[2] ? 'string' : m[3] ? 'keyword' : 'number';
    out.push({ kind, text: m[0] });
    last = m.index + m[0].length;
  }
  if (last < code.length) out.push({ kind: 'text', text: code.slice(last) });
  return out;
}
