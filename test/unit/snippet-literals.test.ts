// Every snippet language's literals, filled with the characters lexers treat specially (issue 13, F14: a
// C# literal held a raw U+2028 and did not compile). For each language: the whole snippet passes the real
// lexer where one is installed (python3, node/tsc, bash, php, ruby, gofmt), a client id and a body read
// back as what was typed, and no character from the list below is in the snippet raw unless the same
// snippet with plain text has it too (Go's tab indentation, the line ends). C#, PowerShell and Java are read
// with the readers in test/snippets/literal-decoders.ts, written from their specifications.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { SNIPPET_TARGETS, type SnippetRequest } from '../../server/snippets/targets.js';
import { BROKER_SNIPPET_TARGETS } from '../../server/snippets/broker.js';
import { cStyle, goString, jsonText, phpString, powershellSingle, rubyString, shellSingle } from '../../server/snippets/escape.js';
import type { TokenRequestBody } from '../../server/frame/token-body.js';
import { decodeCSharp, decodeJava, decodePowerShell } from '../snippets/literal-decoders.js';

/** Characters a lexer treats specially inside a literal, and which one. Kept apart from escape.ts on purpose. */
const SPECIAL: { char: string; why: string }[] = [
  { char: '\u0000', why: 'NUL: Python, Go and bash refuse the file' },
  { char: '\u0001', why: 'SOH, a control next to NUL' },
  { char: '\u0007', why: 'BEL, acts on a terminal' },
  { char: '\b', why: 'BS' },
  { char: '\t', why: 'TAB inside a literal is invisible' },
  { char: '\n', why: 'LF ends a literal' },
  { char: '\u000b', why: 'VT' },
  { char: '\f', why: 'FF: Python reads it as indentation at a line start' },
  { char: '\r', why: 'CR ends a literal (C#, Java) or is turned into LF (Python)' },
  { char: '\u001b', why: 'ESC, starts terminal sequences' },
  { char: '\u001f', why: 'US, the last C0 control' },
  { char: '\u007f', why: 'DEL' },
  { char: '\u0080', why: 'PAD, a C1 control' },
  { char: '\u0085', why: 'NEL: a line terminator in C#' },
  { char: '\u009f', why: 'APC, the last C1 control' },
  { char: '\u2028', why: 'LINE SEPARATOR: a line terminator in C# and pre-ES2019 JavaScript' },
  { char: '\u2029', why: 'PARAGRAPH SEPARATOR: a line terminator in C# and pre-ES2019 JavaScript' },
  { char: '\ufeff', why: 'BOM: Go refuses it after the start of a file' },
  { char: '\u202e', why: 'RIGHT-TO-LEFT OVERRIDE: Trojan Source' },
  { char: '\u2066', why: 'LEFT-TO-RIGHT ISOLATE: Trojan Source' },
  { char: '\u200f', why: 'RIGHT-TO-LEFT MARK' },
  { char: '\u061c', why: 'ARABIC LETTER MARK' },
];
const SPECIALS = SPECIAL.map((s) => s.char).join('');
/** Quotes, escapes and interpolation of every language, and text beyond the BMP. */
const TRICKY = `q' d" b\` $x $(id) #{1} {0} %s \\ \\u0041 \\n @' ‘’“” é 🚀`;
const HOSTILE_ID = `id-${SPECIALS}-${TRICKY}`;
const HOSTILE_BODY: TokenRequestBody = {
  first_name: `first ${SPECIALS}`,
  last_name: TRICKY,
  metadata: {
    [`key ${SPECIALS}`]: `value ${SPECIALS} ${TRICKY}`,
    lone: 'lone \ud800 surrogate',
    nested: { list: [SPECIALS, 1, true, null] },
  },
};
const PLAIN_BODY: TokenRequestBody = {
  first_name: 'first',
  last_name: 'last',
  metadata: { key: 'value', lone: 'lone', nested: { list: ['x', 1, true, null] } },
};
const URI =
  'https://api.console.nutanix.com/v1/accounts/3f1e2d4c-5b6a-4978-8a1b-2c3d4e5f6a7b/secure-anonymous/secure-anon-64930212-2062-48a4-971b-7998672a9d2e/tokens';
const hostile: SnippetRequest = { uri: URI, clientId: HOSTILE_ID, body: HOSTILE_BODY };
const plain: SnippetRequest = { uri: URI, clientId: 'plain-id', body: PLAIN_BODY };

const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Each special character (and lone surrogates, and for PowerShell anything outside ASCII) occurs no more often than with plain values. */
function assertNoRawSpecials(id: string, withHostile: string, withPlain: string): void {
  const count = (text: string, c: string) => text.split(c).length - 1;
  for (const { char, why } of SPECIAL) {
    assert.equal(
      count(withHostile, char),
      count(withPlain, char),
      `${id}: raw U+${char.charCodeAt(0).toString(16).padStart(4, '0')} (${why}) in the snippet`,
    );
  }
  assert.equal(withHostile.split('\n').length, withPlain.split('\n').length, `${id}: user text added a line`);
  assert.doesNotMatch(withHostile, LONE, `${id}: a lone surrogate in the snippet`);
  if (id === 'powershell') {
    const nonAscii = (text: string) => text.replace(/[\x00-\x7f]/g, '').length;
    assert.equal(
      nonAscii(withHostile),
      nonAscii(withPlain),
      'PowerShell: a character outside ASCII in a literal (Windows PowerShell 5.1 reads the file in the ANSI code page)',
    );
  }
}

function line(source: string, re: RegExp): string {
  for (const l of source.split('\n')) {
    const m = re.exec(l);
    if (m) return m[1]!;
  }
  throw new Error(`no line matches ${re}`);
}

function run(cmd: string, args: string[], input: string): Buffer {
  const r = spawnSync(cmd, args, { input, maxBuffer: 1 << 20 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr?.toString()}`);
  return r.stdout;
}

function withFile<T>(name: string, text: string, fn: (path: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'sat-literals-'));
  try {
    const path = join(dir, name);
    writeFileSync(path, text);
    return fn(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The TypeScript compiler's own scanner and parser (they follow the ECMAScript grammar for .mjs too). */
function tsParse(source: string, file: string): ts.SourceFile {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const diagnostics = (sf as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
  assert.deepEqual(
    diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
    [],
    `${file} does not parse`,
  );
  return sf;
}

function tsStringOf(sf: ts.SourceFile, variable: string): unknown {
  let found: unknown;
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && node.name.getText(sf) === variable && node.initializer) {
      found = evalLiteral(node.initializer);
    }
    ts.forEachChild(node, visit);
  };
  const evalLiteral = (n: ts.Expression): unknown => {
    if (ts.isStringLiteral(n)) return n.text;
    if (ts.isNumericLiteral(n)) return Number(n.text);
    if (n.kind === ts.SyntaxKind.TrueKeyword) return true;
    if (n.kind === ts.SyntaxKind.FalseKeyword) return false;
    if (n.kind === ts.SyntaxKind.NullKeyword) return null;
    if (ts.isArrayLiteralExpression(n)) return n.elements.map((e) => evalLiteral(e));
    if (ts.isObjectLiteralExpression(n)) {
      return Object.fromEntries(
        n.properties.map((p) => {
          assert.ok(ts.isPropertyAssignment(p) && ts.isStringLiteral(p.name));
          return [p.name.text, evalLiteral(p.initializer)];
        }),
      );
    }
    throw new Error(`unexpected ${ts.SyntaxKind[n.kind]}`);
  };
  visit(sf);
  return found;
}

const utf8 = (s: string) => Buffer.from(s, 'utf8');

/** Per language: check the whole snippet with a real lexer where one exists, and return [client id, body] as the language reads them. */
const READERS: Record<string, (source: string) => { clientId: Buffer; body: unknown }> = {
  python3: (source) => {
    withFile('snippet.py', source, (p) =>
      run('python3', ['-c', 'import sys; compile(open(sys.argv[1], encoding="utf-8").read(), sys.argv[1], "exec")', p], ''),
    );
    const read = (lit: string) =>
      run('python3', ['-c', 'import ast, sys; sys.stdout.buffer.write(ast.literal_eval(sys.stdin.read()).encode("utf-8"))'], lit);
    const bodyText = source.slice(source.indexOf('body = ') + 'body = '.length, source.indexOf('\n}\n', source.indexOf('body = ')) + 2);
    const body = JSON.parse(
      run('python3', ['-c', 'import ast, json, sys; print(json.dumps(ast.literal_eval(sys.stdin.read())))'], bodyText).toString('utf8'),
    );
    return { clientId: read(line(source, /^client_id = (.*)$/)), body };
  },
  node: (source) => {
    const sf = tsParse(source, 'snippet.mjs');
    withFile('snippet.mjs', source, (p) => run(process.execPath, ['--check', p], ''));
    return { clientId: utf8(tsStringOf(sf, 'clientId') as string), body: tsStringOf(sf, 'body') };
  },
  typescript: (source) => {
    const sf = tsParse(source, 'snippet.ts');
    return { clientId: utf8(tsStringOf(sf, 'clientId') as string), body: tsStringOf(sf, 'body') };
  },
  curl: (source) => {
    withFile('snippet.sh', source, (p) => run('bash', ['-n', p], ''));
    const read = (lit: string) => run('bash', [], `printf '%s' ${lit}`);
    return { clientId: read(line(source, /^client_id=(.*)$/)), body: JSON.parse(read(line(source, /^data=(.*)$/)).toString('utf8')) };
  },
  php: (source) => {
    withFile('snippet.php', source, (p) => run('php', ['-l', p], ''));
    const read = (lit: string) => run('php', ['-r', 'echo eval("return " . file_get_contents("php://stdin") . ";");'], lit);
    return {
      clientId: read(line(source, /^\$clientId = (.*);$/)),
      body: JSON.parse(read(line(source, /^\$body = (.*);$/)).toString('utf8')),
    };
  },
  ruby: (source) => {
    withFile('snippet.rb', source, (p) => run('ruby', ['-c', p], ''));
    const read = (lit: string) => run('ruby', ['-e', '$stdout.write(eval($stdin.read))'], lit);
    return { clientId: read(line(source, /^client_id = (.*)$/)), body: JSON.parse(read(line(source, /^body = (.*)$/)).toString('utf8')) };
  },
  go: (source) => {
    // gofmt -e runs Go's own scanner and parser over the file (NUL, a BOM, a bad escape all fail it).
    withFile('snippet.go', source, (p) => run('gofmt', ['-e', '-l', p], ''));
    // What goString writes is JSON's escape syntax, which Go reads the same way.
    const read = (lit: string) => JSON.parse(lit) as string;
    return { clientId: utf8(read(line(source, /^\tclientID := (.*)$/))), body: JSON.parse(read(line(source, /^\tbody := (.*)$/))) };
  },
  java: (source) => ({
    clientId: utf8(decodeJava(line(source, /^\s+String clientId = (.*);$/))),
    body: JSON.parse(decodeJava(line(source, /^\s+String body = (.*);$/))),
  }),
  csharp: (source) => ({
    clientId: utf8(decodeCSharp(line(source, /^var clientId = (.*);$/))),
    body: JSON.parse(decodeCSharp(line(source, /^var body = (.*);$/))),
  }),
  powershell: (source) => ({
    clientId: utf8(decodePowerShell(line(source, /^\$clientId = (.*)$/))),
    body: JSON.parse(decodePowerShell(line(source, /^\$body = (.*)$/))),
  }),
};

describe('Frame snippets: literals hold no raw character a lexer breaks on, and read back as typed', () => {
  for (const target of SNIPPET_TARGETS) {
    test(`${target.title}`, () => {
      const withHostile = target.render(hostile);
      assertNoRawSpecials(target.id, withHostile, target.render(plain));
      const read = READERS[target.id]!(withHostile);
      // A shell word cannot hold NUL (nor can an HTTP header): the shell drops it.
      const expectedId = target.id === 'curl' ? HOSTILE_ID.replace(/\0/g, '') : HOSTILE_ID;
      assert.equal(read.clientId.toString('hex'), utf8(expectedId).toString('hex'), `${target.id}: the client id reads back as typed`);
      // The lone surrogate too: JSON text carries it as a \ud800 escape, Python and JavaScript as such.
      assert.deepEqual(read.body, HOSTILE_BODY, `${target.id}: the body reads back as typed`);
    });
  }
});

describe('token-broker snippets: the same checks on their body literal', () => {
  const bodyLine: Record<string, RegExp> = {
    python3: /^body = (.*)$/,
    node: /^const body = (.*)$/,
    curl: /^data=(.*)$/,
    powershell: /^\$body = (.*)$/,
    php: /^\$body = (.*);$/,
  };
  for (const target of BROKER_SNIPPET_TARGETS) {
    test(`${target.title}`, () => {
      const withHostile = target.render({ uri: 'http://127.0.0.1:8080/api/v1/providers/p1/tokens', body: HOSTILE_BODY });
      assertNoRawSpecials(
        target.id,
        withHostile,
        target.render({ uri: 'http://127.0.0.1:8080/api/v1/providers/p1/tokens', body: PLAIN_BODY }),
      );
      assert.ok(line(withHostile, bodyLine[target.id]!));
      if (target.id === 'powershell') assert.deepEqual(JSON.parse(decodePowerShell(line(withHostile, /^\$body = (.*)$/))), HOSTILE_BODY);
      if (target.id === 'node') assert.deepEqual(tsStringOf(tsParse(withHostile, 'broker.mjs'), 'body'), HOSTILE_BODY);
      if (target.id === 'curl') withFile('broker.sh', withHostile, (p) => run('bash', ['-n', p], ''));
      if (target.id === 'php') withFile('broker.php', withHostile, (p) => run('php', ['-l', p], ''));
      if (target.id === 'python3')
        withFile('broker.py', withHostile, (p) =>
          run('python3', ['-c', 'import sys; compile(open(sys.argv[1], encoding="utf-8").read(), sys.argv[1], "exec")', p], ''),
        );
    });
  }
});

test('no comment line in any snippet carries user text', () => {
  const marker = 'USERTEXT';
  const request: SnippetRequest = {
    uri: `https://${marker}.example/v1/accounts/${marker}/tokens`,
    clientId: `${marker}-id`,
    body: {
      first_name: marker,
      last_name: marker,
      email: `${marker}@example.com`,
      email_domain: `${marker}.example`,
      metadata: { [marker]: marker },
    },
  };
  const sources = [
    ...SNIPPET_TARGETS.map((t) => [t.id, t.render(request)] as const),
    ...BROKER_SNIPPET_TARGETS.map((t) => [`broker ${t.id}`, t.render({ uri: request.uri, body: request.body })] as const),
  ];
  for (const [id, source] of sources) {
    assert.ok(source.includes(marker), id);
    for (const l of source.split('\n')) {
      if (/^\s*(#|\/\/)/.test(l)) assert.ok(!l.includes(marker), `${id}: user text in a comment: ${l}`);
    }
  }
});

describe('each escaper on its own', () => {
  const every = `${SPECIALS}${TRICKY}`;
  test('jsonText is JSON with the same value, escaping what lexers break on; ascii keeps it to printable ASCII', () => {
    const value = { [every]: [every, 1, null] };
    for (const text of [jsonText(value), jsonText(value, { indent: 2 }), jsonText(value, { ascii: true })]) {
      assert.deepEqual(JSON.parse(text), value);
      for (const { char } of SPECIAL) if (char !== '\n') assert.ok(!text.includes(char), `raw U+${char.charCodeAt(0).toString(16)}`);
    }
    assert.match(jsonText(value, { ascii: true }), /^[\x20-\x7e]*$/);
    assert.equal(jsonText('\u2028\u0085\ufeff'), '"\\u2028\\u0085\\ufeff"');
  });
  test('C# and Java literals from cStyle read back as typed', () => {
    assert.equal(decodeCSharp(cStyle(every)), every);
    assert.equal(decodeJava(cStyle(every)), every);
    assert.throws(
      () => decodeCSharp(JSON.stringify('a\u2028b')),
      /new-line character U\+2028/,
      'the reader itself refuses what broke (F14)',
    );
  });
  test('Go refuses a \\ud800 escape, so goString writes a lone surrogate as U+FFFD', () => {
    assert.equal(goString('a\ud800b'), '"a\ufffdb"');
    assert.equal(goString('🚀'), '"🚀"');
  });
  test('PHP and Ruby stay in single quotes unless a character must be escaped', () => {
    assert.equal(phpString("O'Neil $x"), "'O\\'Neil $x'");
    assert.equal(rubyString("O'Neil #{x}"), "'O\\'Neil #{x}'");
    assert.equal(phpString('a\u2028$b'), '"a\\u{2028}\\$b"');
    assert.equal(rubyString('a\u2028#{b}'), '"a\\u{2028}\\#{b}"');
  });
  test("shell words splice special characters as $'\\xHH' bytes", () => {
    assert.equal(shellSingle("it's"), "'it'\\''s'");
    assert.equal(shellSingle('a\u2028b'), "'a'$'\\xe2\\x80\\xa8''b'");
    assert.equal(run('bash', [], `printf '%s' ${shellSingle(every)}`).toString('utf8'), every.replace(/\0/g, ''));
  });
  test('PowerShell values are printable ASCII, other characters joined in as [char]', () => {
    assert.equal(powershellSingle("it's"), "'it''s'");
    assert.equal(powershellSingle('\u2028x'), "('' + [char]0x2028 + 'x')");
    assert.equal(decodePowerShell(powershellSingle(every)), every);
    assert.equal(powershellSingle(''), "''");
  });
});
