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
      metadata: { "key with 'quotes' and \"dq\"": '$env:PATH @\' \'@', dollar: '$HOME', percent: '100%' },
    },
  },
];
