// Token request bodies sent form-encoded, for fidelity with Frame's own snippets: the seed's Python posts
// `requests.post(uri, headers=headers, data=body)`, which form-encodes a filled `body` dict, and the
// Playground's Curl sends `-d $data` without a content type, so curl labels the JSON text
// application/x-www-form-urlencoded. Whether Frame reads form fields is not documented; that its own
// snippets would fail when used as told is unlikely, so we read them (an inferred choice, docs/emulator.md).
// The result goes through validateTokenBody like a JSON body, so the rules and wording are the same.
// Pure and browser-safe: no Node imports.
import { TOKEN_FIELDS, type FieldIssue } from './token-body.js';

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

/** metadata[key]=value: one level only, the key is anything but brackets. */
const METADATA_KEY = /^metadata\[([^[\]]*)\]$/;

export type FormBodyRead =
  /** JSON text under a form content type (Frame's Curl snippet): parse it as a JSON body. */
  | { kind: 'json'; text: string }
  /** The fields as an object, for validateTokenBody (unknown names are kept so that it names them). */
  | { kind: 'fields'; value: Record<string, unknown> }
  | { kind: 'invalid'; issues: FieldIssue[] };

/** Whether a Content-Type header names a form body (parameters such as charset are ignored). */
export function isFormContentType(header: string | undefined): boolean {
  return (header ?? '').split(';')[0]!.trim().toLowerCase() === FORM_CONTENT_TYPE;
}

function decode(part: string): string | null {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/**
 * Reads a form-encoded token body: the flat fields first_name, last_name, email, email_domain; metadata
 * as JSON text (metadata={"language":"EN"}) or as metadata[key]=value pairs (values stay strings). A name
 * given twice, metadata given both ways, nested metadata[a][b] and bad percent-encoding are refused.
 * Text that starts with "{" or "[" is JSON sent with a form content type: no form field starts so.
 */
export function readFormTokenBody(text: string): FormBodyRead {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return { kind: 'json', text: trimmed };
  const issues: FieldIssue[] = [];
  const fields = new Map<string, unknown>();
  const metadataPairs = new Map<string, string>();
  let metadataText: string | undefined;
  for (const piece of trimmed.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const name = decode(eq < 0 ? piece : piece.slice(0, eq));
    const value = decode(eq < 0 ? '' : piece.slice(eq + 1));
    if (name === null || value === null) {
      issues.push({
        field: '(body)',
        message: `"${piece.slice(0, 64)}" is not valid form encoding (a % must be followed by two hex digits of UTF-8)`,
      });
      continue;
    }
    const metadataKey = METADATA_KEY.exec(name);
    if (name === '__proto__' || metadataKey?.[1] === '__proto__') {
      // As the console's JSON parser says (Maps and fromEntries would be safe; the answer should not differ).
      issues.push({ field: name, message: 'The body contains a "__proto__" key, which is not allowed.' });
      continue;
    }
    if (metadataKey) {
      const key = metadataKey[1]!;
      if (key === '') issues.push({ field: 'metadata', message: 'metadata[]= needs a key: send metadata[language]=EN' });
      else if (metadataPairs.has(key)) issues.push({ field: `metadata.${key}`, message: `metadata[${key}] is given more than once` });
      else metadataPairs.set(key, value);
      continue;
    }
    if (name.startsWith('metadata[')) {
      issues.push({
        field: 'metadata',
        message: `${name.slice(0, 64)}: a form reads one level, metadata[key]=value; send nested metadata as JSON text in the metadata field`,
      });
      continue;
    }
    if (name === 'metadata') {
      if (metadataText !== undefined) issues.push({ field: 'metadata', message: 'metadata is given more than once' });
      metadataText = value;
      continue;
    }
    if (fields.has(name)) {
      issues.push({ field: name, message: `${name} is given more than once` });
      continue;
    }
    fields.set(name, value);
  }
  if (metadataText !== undefined && metadataPairs.size > 0) {
    issues.push({ field: 'metadata', message: 'metadata is given both as JSON text and as metadata[key]=value fields; use one of them' });
  } else if (metadataText !== undefined) {
    try {
      fields.set('metadata', JSON.parse(metadataText));
    } catch (err) {
      issues.push({
        field: 'metadata',
        message: `metadata must be a JSON object such as {"language": "EN"}; in a form, send it as JSON text (Python: json.dumps(...)) or as metadata[key]=value fields (${(err as Error).message})`,
      });
    }
  } else if (metadataPairs.size > 0) {
    fields.set('metadata', Object.fromEntries(metadataPairs));
  }
  if (issues.length > 0) return { kind: 'invalid', issues };
  // Known fields first, in Frame's order, then the unknown ones for validateTokenBody to name.
  const ordered = [
    ...TOKEN_FIELDS.filter((f) => fields.has(f)),
    ...[...fields.keys()].filter((k) => !(TOKEN_FIELDS as readonly string[]).includes(k)),
  ];
  return { kind: 'fields', value: Object.fromEntries(ordered.map((k) => [k, fields.get(k)])) };
}
