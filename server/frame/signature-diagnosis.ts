// "Compare with mine": a developer pastes the timestamp and signature their own code made, and learns whether
// it matches what the console would send and, when it does not, which input differs. The console never shows
// a whole signature (it is a bearer credential for the key's window), so the comparison runs where the secret
// is. Pure: the HMAC under the secret and the constant-time comparison come from the caller.
import { SIGNATURE_PREFIX_LENGTH, stringToSign } from './signing-rules.js';

export interface TheirSignature {
  timestamp: string;
  signature: string;
  /** The client id their code used, when they say. */
  clientId?: string | undefined;
  /** The exact string their code signed, when they say. */
  stringToSign?: string | undefined;
}

export const SIGNATURE_INPUTS = ['timestamp', 'clientId', 'stringToSign', 'signature'] as const;
export type SignatureInput = (typeof SIGNATURE_INPUTS)[number];

export interface SignatureProblem {
  input: SignatureInput;
  message: string;
}

export interface SignatureComparison {
  match: boolean;
  problems: SignatureProblem[];
  /** What the console would sign with their timestamp: never more of the signature than its prefix. */
  expected: { clientId: string; stringToSign: string; signaturePrefix: string };
}

export interface SigningOracle {
  /** Hex HMAC-SHA256 of a message, keyed by the secret (or, for `trailingNewline`, the secret + "\n"). */
  hmacHex(message: string, key?: 'secret' | 'trailingNewline'): string;
  /** Base64 of the same HMAC, to recognise a signature sent in the wrong encoding. */
  hmacBase64(message: string): string;
  /** Constant-time equality of two strings. */
  equal(expected: string, presented: string): boolean;
}

/** Messages people sign by mistake instead of timestamp + client id, with what to tell them. */
function misorderedMessages(timestamp: string, clientId: string): { message: string; explain: string }[] {
  return [
    {
      message: `${clientId}${timestamp}`,
      explain: 'You signed client id + timestamp: Frame signs the timestamp first, then the client id.',
    },
    ...[':', ' ', '\n', '.', '|'].map((sep) => ({
      message: `${timestamp}${sep}${clientId}`,
      explain: `You signed the timestamp and the client id with ${JSON.stringify(sep)} between them: Frame signs them with nothing in between.`,
    })),
  ];
}

function describeSkew(delta: number, windowSeconds: number): string {
  const direction = delta > 0 ? 'ahead of' : 'behind';
  return `Your timestamp is ${Math.abs(delta)} s ${direction} the upstream's clock; Frame accepts ±${windowSeconds} s. Sign with the current unix time in seconds (and check your clock).`;
}

/** Where two strings first differ, for a message a person can act on. */
function firstDifference(theirs: string, expected: string): string {
  let i = 0;
  while (i < theirs.length && i < expected.length && theirs[i] === expected[i]) i++;
  if (i === theirs.length && i === expected.length) return '';
  const show = (s: string) => JSON.stringify(s.slice(i, i + 12));
  return ` They differ from character ${i + 1}: yours has ${i < theirs.length ? show(theirs) : 'nothing more'}, Frame's has ${i < expected.length ? show(expected) : 'nothing more'}.`;
}

export function compareSignature(input: {
  clientId: string;
  theirs: TheirSignature;
  upstreamNowSeconds: number;
  windowSeconds: number;
  oracle: SigningOracle;
}): SignatureComparison {
  const { clientId, theirs, oracle } = input;
  const problems: SignatureProblem[] = [];
  const timestamp = theirs.timestamp.trim();
  const expectedString = stringToSign(clientId, timestamp);
  const expectedSignature = oracle.hmacHex(expectedString);
  const expected = { clientId, stringToSign: expectedString, signaturePrefix: expectedSignature.slice(0, SIGNATURE_PREFIX_LENGTH) };

  if (!/^\d{1,16}$/.test(timestamp)) {
    problems.push({
      input: 'timestamp',
      message: 'The timestamp must be unix time in seconds: digits only (e.g. the output of `date +%s`).',
    });
  } else if (timestamp.length === 13) {
    problems.push({
      input: 'timestamp',
      message: 'The timestamp has 13 digits: it looks like milliseconds. Frame wants seconds: divide by 1000.',
    });
  } else {
    const delta = Number(timestamp) - input.upstreamNowSeconds;
    if (Math.abs(delta) > input.windowSeconds) problems.push({ input: 'timestamp', message: describeSkew(delta, input.windowSeconds) });
  }
  const theirClientId = theirs.clientId?.trim();
  if (theirClientId !== undefined && theirClientId !== '' && theirClientId !== clientId) {
    problems.push({
      input: 'clientId',
      message: `Your client id is not this credential set's (${clientId}).${firstDifference(theirClientId, clientId)}`,
    });
  }
  if (theirs.stringToSign !== undefined && theirs.stringToSign !== '' && theirs.stringToSign !== expectedString) {
    problems.push({
      input: 'stringToSign',
      message: `Your string to sign differs from Frame's (timestamp + client id, nothing between).${firstDifference(theirs.stringToSign, expectedString)}`,
    });
  }

  const signature = theirs.signature.trim();
  const isHex = /^[0-9a-fA-F]{64}$/.test(signature);
  const matches = (message: string, key: 'secret' | 'trailingNewline' = 'secret') =>
    isHex && oracle.equal(oracle.hmacHex(message, key), signature.toLowerCase());
  if (matches(expectedString)) return { match: problems.length === 0, problems, expected };

  // The signature is not the console's: say why, if a usual mistake explains it.
  if (problems.some((p) => p.input === 'clientId') && theirClientId && matches(stringToSign(theirClientId, timestamp)))
    return { match: false, problems, expected };
  if (problems.some((p) => p.input === 'stringToSign') && matches(theirs.stringToSign!)) return { match: false, problems, expected };
  const misordered = misorderedMessages(timestamp, clientId).find((m) => matches(m.message));
  if (misordered) {
    problems.push({ input: 'stringToSign', message: misordered.explain });
  } else if (matches(expectedString, 'trailingNewline')) {
    problems.push({
      input: 'signature',
      message:
        'You signed with the secret followed by a newline (read from a file, or `echo` without -n): remove the newline from the key.',
    });
  } else if (
    !isHex &&
    [oracle.hmacBase64(expectedString), oracle.hmacBase64(expectedString).replace(/=+$/, '')].some((b64) => oracle.equal(b64, signature))
  ) {
    problems.push({
      input: 'signature',
      message: 'Your signature is the right HMAC, but in base64: Frame wants it as 64 lowercase hexadecimal characters.',
    });
  } else if (!isHex) {
    problems.push({
      input: 'signature',
      message: `A signature is 64 hexadecimal characters (hex of HMAC-SHA256); yours has ${signature.length} characters${/[^0-9a-fA-F]/.test(signature) ? ' and some are not hexadecimal' : ''}.`,
    });
  } else if (!problems.some((p) => p.input === 'clientId' || p.input === 'stringToSign')) {
    problems.push({
      input: 'signature',
      message:
        "Timestamp, client id and string are right, but the signature differs: the secret your code signs with is not this credential set's, or the HMAC is not SHA-256 over the UTF-8 bytes of the string.",
    });
  }
  return { match: false, problems, expected };
}
