// The one request description every snippet is rendered from. Browser-safe: the SPA renders snippets
// live as the form changes.
import type { TokenRequestBody } from '../frame/token-body.js';
import { jsonText } from './escape.js';

export interface SnippetRequest {
  /** Full token URI, e.g. https://api.console.nutanix.com/v1/accounts/<id>/secure-anonymous/<name>/tokens */
  uri: string;
  /** The client id to write into the snippet, or null to read it from FRAME_CLIENT_ID. */
  clientId: string | null;
  /** The JSON body, as the form has it (already compacted). */
  body: TokenRequestBody;
}

export interface SnippetTarget {
  id: string;
  title: string;
  /** File extension, with the dot. */
  extension: string;
  /** Can our test suite run it here (PowerShell and .NET are not available)? */
  runnable: boolean;
  render(request: SnippetRequest): string;
}

export const SECRET_ENV = 'FRAME_CLIENT_SECRET';
export const CLIENT_ID_ENV = 'FRAME_CLIENT_ID';

/** One line that says where the secret comes from, in every language. */
export const SECRET_COMMENT = `The client secret is read from the ${SECRET_ENV} environment variable: never write it into code.`;

export function clientIdComment(request: SnippetRequest): string {
  return request.clientId === null
    ? `The client id is read from the ${CLIENT_ID_ENV} environment variable.`
    : 'The API client id (Frame: Users → Authentication → API).';
}

export const OPTIONAL_FIELDS_COMMENT = 'Optional fields: first_name, last_name, email, email_domain, metadata (a JSON object).';

/** Compact JSON text of the body, for languages that carry it as a string (no raw line terminators: see escape.ts). */
export function bodyJson(request: SnippetRequest): string {
  return jsonText(request.body);
}

/** Lines joined with \n, ending with a newline. */
export function lines(...parts: (string | false | null | undefined)[]): string {
  return `${parts.filter((p): p is string => typeof p === 'string').join('\n')}\n`;
}
