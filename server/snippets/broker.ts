// Snippets for the console's token broker: the same request as Frame's, with an API key as a bearer
// token instead of the signature headers. Frame's five languages; browser-safe like the others.
import type { TokenRequestBody } from '../frame/token-body.js';
import { cStyle, jsonText, phpString, powershellSingle, pythonLiteral, shellSingle } from './escape.js';
import { lines, OPTIONAL_FIELDS_COMMENT, type SnippetTarget } from './request.js';
import { python as pythonFrame } from './targets/python.js';
import { node as nodeFrame } from './targets/node.js';
import { curl as curlFrame } from './targets/curl.js';
import { powershell as powershellFrame } from './targets/powershell.js';
import { php as phpFrame } from './targets/php.js';

export interface BrokerSnippetRequest {
  /** The console's broker URL for the provider: <origin>/api/v1/providers/<id>/tokens */
  uri: string;
  body: TokenRequestBody;
}

export interface BrokerSnippetTarget {
  id: string;
  title: string;
  extension: string;
  runnable: boolean;
  render(request: BrokerSnippetRequest): string;
}

export const API_KEY_ENV = 'SAT_API_KEY';
const KEY_COMMENT = `The console API key is read from the ${API_KEY_ENV} environment variable: never write it into code.`;
const INTRO = 'Mint a Frame Secure Anonymous Token through the sat-playground token broker (no Frame secret needed).';

/** The language of a Frame snippet (id, tab title, file extension, whether CI runs it), shared by its broker twin. */
function languageOf(frame: SnippetTarget): Omit<BrokerSnippetTarget, 'render'> {
  return { id: frame.id, title: frame.title, extension: frame.extension, runnable: frame.runnable };
}

export function brokerUri(origin: string, providerId: string): string {
  return `${origin.replace(/\/+$/, '')}/api/v1/providers/${providerId}/tokens`;
}

const python: BrokerSnippetTarget = {
  ...languageOf(pythonFrame),
  render: (r) =>
    lines(
      '#!/usr/bin/env python3',
      `# ${INTRO} Needs: pip install requests`,
      'import os',
      'import sys',
      '',
      'import requests',
      '',
      `# ${KEY_COMMENT}`,
      `api_key = os.environ["${API_KEY_ENV}"]`,
      `uri = ${cStyle(r.uri)}`,
      '',
      `# ${OPTIONAL_FIELDS_COMMENT}`,
      `body = ${pythonLiteral(r.body)}`,
      '',
      'response = requests.post(uri, headers={"Authorization": f"Bearer {api_key}"}, json=body, timeout=10)',
      'if not response.ok:',
      '    sys.exit(f"The console answered {response.status_code}: {response.text}")',
      '',
      '# The answer is the JWT as a JSON string, as from Frame.',
      'print(response.json())',
    ),
};

const node: BrokerSnippetTarget = {
  ...languageOf(nodeFrame),
  render: (r) =>
    lines(
      `// ${INTRO} Node.js 18 or later.`,
      `// ${KEY_COMMENT}`,
      `const apiKey = process.env.${API_KEY_ENV};`,
      `const uri = ${cStyle(r.uri)};`,
      '',
      `// ${OPTIONAL_FIELDS_COMMENT}`,
      `const body = ${jsonText(r.body, { indent: 2 })};`,
      '',
      'const response = await fetch(uri, {',
      "  method: 'POST',",
      "  headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },",
      '  body: JSON.stringify(body),',
      '});',
      'if (!response.ok) {',
      '  console.error(`The console answered ${response.status}: ${await response.text()}`);',
      '  process.exit(1);',
      '}',
      '',
      '// The answer is the JWT as a JSON string, as from Frame.',
      'console.log(await response.json());',
    ),
};

const curl: BrokerSnippetTarget = {
  ...languageOf(curlFrame),
  render: (r) =>
    lines(
      '#!/usr/bin/env bash',
      `# ${INTRO}`,
      'set -euo pipefail',
      '',
      `# ${KEY_COMMENT}`,
      `api_key="\${${API_KEY_ENV}:?set ${API_KEY_ENV}}"`,
      `uri=${shellSingle(r.uri)}`,
      '',
      `# ${OPTIONAL_FIELDS_COMMENT}`,
      `data=${shellSingle(jsonText(r.body))}`,
      '',
      '# The answer is the JWT as a JSON string; tr drops the quotes.',
      'curl -sS --fail-with-body -X POST "$uri" \\',
      '  -H "Authorization: Bearer $api_key" \\',
      "  -H 'Content-Type: application/json' \\",
      '  -d "$data" | tr -d \'"\'',
      'echo',
    ),
};

const powershell: BrokerSnippetTarget = {
  ...languageOf(powershellFrame),
  render: (r) =>
    lines(
      `# ${INTRO} PowerShell 5.1 or 7+.`,
      "$ErrorActionPreference = 'Stop'",
      '',
      `# ${KEY_COMMENT}`,
      `$headers = @{ Authorization = "Bearer $env:${API_KEY_ENV}" }`,
      `$uri = ${powershellSingle(r.uri)}`,
      '',
      `# ${OPTIONAL_FIELDS_COMMENT}`,
      `$body = ${powershellSingle(jsonText(r.body, { ascii: true }))}`,
      '',
      '# The answer is the JWT as a JSON string; Invoke-RestMethod parses it.',
      "$token = Invoke-RestMethod -Method Post -Uri $uri -Headers $headers -ContentType 'application/json; charset=utf-8' -Body ([Text.Encoding]::UTF8.GetBytes($body))",
      'Write-Output $token',
    ),
};

const php: BrokerSnippetTarget = {
  ...languageOf(phpFrame),
  render: (r) =>
    lines(
      '<?php',
      `// ${INTRO} Needs the curl extension (php-curl).`,
      '',
      `// ${KEY_COMMENT}`,
      `$apiKey = getenv('${API_KEY_ENV}');`,
      `$uri = ${phpString(r.uri)};`,
      '',
      `// ${OPTIONAL_FIELDS_COMMENT}`,
      `$body = ${phpString(jsonText(r.body))};`,
      '',
      '$ch = curl_init($uri);',
      'curl_setopt_array($ch, [',
      '    CURLOPT_POST => true,',
      '    CURLOPT_RETURNTRANSFER => true,',
      '    CURLOPT_TIMEOUT => 10,',
      '    CURLOPT_POSTFIELDS => $body,',
      "    CURLOPT_HTTPHEADER => ['Authorization: Bearer ' . $apiKey, 'Content-Type: application/json'],",
      ']);',
      '$response = curl_exec($ch);',
      '$status = curl_getinfo($ch, CURLINFO_HTTP_CODE);',
      'if ($response === false || $status >= 300) {',
      "    fwrite(STDERR, 'The console answered ' . $status . ': ' . ($response === false ? curl_error($ch) : $response) . PHP_EOL);",
      '    exit(1);',
      '}',
      '',
      '// The answer is the JWT as a JSON string, as from Frame.',
      'echo json_decode($response), PHP_EOL;',
    ),
};

/** In the order of Frame's Playground tabs. */
export const BROKER_SNIPPET_TARGETS: readonly BrokerSnippetTarget[] = [python, node, curl, powershell, php];
