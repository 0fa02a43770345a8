// Readers for string literals as each language's lexer reads them: the value a literal stands for, or an
// error where the lexer would stop. Written from the language specifications for the languages without a
// runtime here (C#, PowerShell) and for Java (whose compiler is too slow to start per literal); the others
// are read by their real interpreters or parsers in the tests.

class LexError extends Error {}

/** C# regular string literal (ECMA-334 §6.4.5.6): a raw new-line character (CR, LF, NEL, LS, PS) ends it. */
export function decodeCSharp(literal: string): string {
  if (!literal.startsWith('"') || !literal.endsWith('"') || literal.length < 2) throw new LexError(`not a C# string literal: ${literal}`);
  const body = literal.slice(1, -1);
  const simple: Record<string, string> = {
    "'": "'",
    '"': '"',
    '\\': '\\',
    '0': '\0',
    a: '\x07',
    b: '\b',
    f: '\f',
    n: '\n',
    r: '\r',
    t: '\t',
    v: '\v',
    e: '\x1b',
  };
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if ('\r\n\u0085\u2028\u2029'.includes(c))
      throw new LexError(`C#: new-line character U+${c.charCodeAt(0).toString(16).padStart(4, '0')} inside a string literal (CS1010)`);
    if (c === '"') throw new LexError('C#: unescaped quote ends the literal early');
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === undefined) throw new LexError('C#: backslash at the end');
    if (e in simple) out += simple[e];
    else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 5), 16));
      i += 4;
    } else if (e === 'U' && /^[0-9a-fA-F]{8}$/.test(body.slice(i + 1, i + 9))) {
      out += String.fromCodePoint(parseInt(body.slice(i + 1, i + 9), 16));
      i += 8;
    } else if (e === 'x' && /^[0-9a-fA-F]/.test(body[i + 1] ?? '')) {
      const m = /^[0-9a-fA-F]{1,4}/.exec(body.slice(i + 1))![0];
      out += String.fromCharCode(parseInt(m, 16));
      i += m.length;
    } else throw new LexError(`C#: unrecognized escape sequence \\${e} (CS1009)`);
  }
  return out;
}

/** Java string literal (JLS §3.3 Unicode escapes first, then §3.10.5): a raw CR or LF, after translation, ends it. */
export function decodeJava(literal: string): string {
  // §3.3: a backslash preceded by an even number of backslashes, then u+ and four hex digits, is translated first.
  let translated = '';
  for (let i = 0; i < literal.length; i++) {
    const c = literal[i]!;
    if (c === '\\') {
      let run = 0;
      for (let j = i - 1; j >= 0 && literal[j] === '\\'; j--) run++;
      const m = /^u+([0-9a-fA-F]{4})/.exec(literal.slice(i + 1));
      if (run % 2 === 0 && m) {
        translated += String.fromCharCode(parseInt(m[1]!, 16));
        i += m[0].length;
        continue;
      }
    }
    translated += c;
  }
  if (!translated.startsWith('"') || !translated.endsWith('"') || translated.length < 2)
    throw new LexError(`not a Java string literal: ${literal}`);
  const body = translated.slice(1, -1);
  const simple: Record<string, string> = { b: '\b', s: ' ', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', "'": "'", '\\': '\\' };
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\r' || c === '\n') throw new LexError('Java: line terminator inside a string literal');
    if (c === '"') throw new LexError('Java: unescaped quote ends the literal early');
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i] ?? '';
    if (e in simple) out += simple[e];
    else if (/[0-7]/.test(e)) {
      const m = /^[0-3][0-7]{0,2}|^[0-7][0-7]?/.exec(body.slice(i))![0];
      out += String.fromCharCode(parseInt(m, 8));
      i += m.length - 1;
    } else throw new LexError(`Java: illegal escape character \\${e}`);
  }
  return out;
}

/**
 * A PowerShell value as the snippets write it: '…' (a quote doubled), or ('…' + [char]0xXXXX + …).
 * Refuses any character outside printable ASCII: Windows PowerShell 5.1 reads a script without a BOM in
 * the ANSI code page, where a UTF-8 continuation byte can read as a quote.
 */
export function decodePowerShell(expression: string): string {
  const nonAscii = /[^\x20-\x7e]/.exec(expression);
  if (nonAscii)
    throw new LexError(
      `PowerShell: U+${nonAscii[0].charCodeAt(0).toString(16).padStart(4, '0')} outside ASCII would be misread by Windows PowerShell 5.1`,
    );
  const inner = expression.startsWith('(') && expression.endsWith(')') ? expression.slice(1, -1) : expression;
  let out = '';
  let i = 0;
  const expect = (re: RegExp) => {
    const m = re.exec(inner.slice(i));
    if (!m) throw new LexError(`PowerShell: cannot read ${inner.slice(i, i + 20)}`);
    i += m[0].length;
    return m;
  };
  for (;;) {
    if (inner[i] === "'") {
      out += expect(/^'((?:[^']|'')*)'/)[1]!.replace(/''/g, "'");
    } else {
      out += String.fromCharCode(parseInt(expect(/^\[char\]0x([0-9A-Fa-f]{1,4})/)[1]!, 16));
    }
    if (i >= inner.length) return out;
    expect(/^ \+ /);
  }
}
