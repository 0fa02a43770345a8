import { shellSingle } from '../escape.js';
import { bodyJson, CLIENT_ID_ENV, clientIdComment, lines, OPTIONAL_FIELDS_COMMENT, SECRET_COMMENT, SECRET_ENV, type SnippetTarget } from '../request.js';

export const curl: SnippetTarget = {
  id: 'curl',
  title: 'Curl',
  extension: '.sh',
  runnable: true,
  render: (r) =>
    lines(
      '#!/usr/bin/env bash',
      '# Mint a Frame Secure Anonymous Token with curl and openssl.',
      'set -euo pipefail',
      '',
      `# ${clientIdComment(r)}`,
      r.clientId === null ? `client_id="\${${CLIENT_ID_ENV}:?set ${CLIENT_ID_ENV}}"` : `client_id=${shellSingle(r.clientId)}`,
      `# ${SECRET_COMMENT}`,
      `client_secret="\${${SECRET_ENV}:?set ${SECRET_ENV}}"`,
      '',
      `uri=${shellSingle(r.uri)}`,
      '',
      '# Signature: hex HMAC-SHA256 of timestamp + client id, keyed by the client secret.',
      'timestamp=$(date +%s)',
      'to_sign="$timestamp$client_id"',
      `signature=$(printf '%s' "$to_sign" | openssl dgst -sha256 -hmac "$client_secret" | sed 's/^.*= //')`,
      '',
      `# ${OPTIONAL_FIELDS_COMMENT}`,
      `data=${shellSingle(bodyJson(r))}`,
      '',
      '# The answer is the JWT as a JSON string; tr drops the quotes.',
      'curl -sS --fail-with-body -X POST "$uri" \\',
      '  -H "X-Frame-ClientId: $client_id" \\',
      '  -H "X-Frame-Timestamp: $timestamp" \\',
      '  -H "X-Frame-Signature: $signature" \\',
      "  -H 'Content-Type: application/json' \\",
      '  -d "$data" | tr -d \'"\'',
      'echo',
    ),
};
