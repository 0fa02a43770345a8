// Bodies every snippet language is rendered and run with.
import type { TokenRequestBody } from '../../server/frame/token-body.js';

export const SNIPPET_BODIES: { id: string; body: TokenRequestBody }[] = [
  { id: 'empty', body: {} },
  {
    id: 'all-fields',
    body: {
      first_name: 'Ann',
      last_name: "O'Neil",
      email: 'ann.oneil@example.com',
      email_domain: 'example.com',
      metadata: { should_accept_tos: false, frame_logout_url: 'https://example.com/bye?x=1&y=2', seat: 7, ratio: 0.5, nothing: null },
    },
  },
  {
    id: 'nested-unicode',
    body: {
      first_name: 'Zoë “Q”',
      metadata: {
        nested: { deep: { list: [1, 'two', { three: true }] } },
        unicode: 'Ünïcødé ✓ 日本語 🚀',
        quotes: `single ' double " back \` typographic ‘’ “”`,
        backslashes: 'C:\\temp\\new \\u0041 \\n',
        newlines: 'line one\nline two\r\n\ttabbed',
      },
    },
  },
  {
    id: 'injection',
    body: {
      last_name: '$(touch /tmp/pwned) `id` ${HOME} #{1+1} %s %d {0}',
      metadata: { 'key with \'quotes\' and "dq"': "$env:PATH @' '@", dollar: '$HOME', percent: '100%' },
    },
  },
  {
    // Characters some lexer treats specially inside a literal: line terminators (C# ends a string at NEL,
    // LS and PS), CR, VT, FF, NUL and its neighbours, DEL and C1 controls, a byte order mark (Go refuses it
    // after the start of a file), bidirectional controls, and astral characters (surrogate pairs in UTF-16).
    id: 'line-terminators',
    body: {
      first_name: 'A\u2028B\u2029C\u0085D',
      last_name: 'cr\rvt\vff\f',
      metadata: {
        terminators: 'LS\u2028PS\u2029NEL\u0085CR\rLF\nCRLF\r\nVT\vFF\f',
        controls: 'nul\u0000soh\u0001stx\u0002esc\u001bus\u001fdel\u007fpad\u0080apc\u009f',
        emoji: '🚀 astral 𝄞 family 👨‍👩‍👧',
        invisible: 'bom\ufeffrlo\u202elri\u2066pdi\u2069lrm\u200e',
        'key\u2028with\u0085terminators': true,
      },
    },
  },
];
