// The Playground's calls on a provider: mint a test token, and the signature debugger ("compare with mine").
import { Type, type Static } from 'typebox';
import { SIGNATURE_PREFIX_LENGTH } from '../frame/signing-rules.js';
import { SIGNATURE_INPUTS, type SignatureComparison as FrameSignatureComparison } from '../frame/signature-diagnosis.js';
import { JsonObject, type SameShape } from './common.js';

export const MintQuerySchema = Type.Object(
  { keepToken: Type.Optional(Type.Enum(['true', 'false'], { description: 'Keep the token in the history until it expires' })) },
  { additionalProperties: false },
);
export type MintQuery = Static<typeof MintQuerySchema>;

/** What was signed; never the whole signature (a bearer credential for every provider of the key). */
export const SignedRequestSchema = Type.Object(
  {
    method: Type.String(),
    url: Type.String(),
    timestamp: Type.Integer({ description: 'X-Frame-Timestamp as sent' }),
    clientId: Type.String({ description: 'X-Frame-ClientId as sent' }),
    stringToSign: Type.String({ description: 'timestamp + clientId, exactly as signed' }),
    signaturePrefix: Type.String({
      description: `The first ${SIGNATURE_PREFIX_LENGTH} hex characters of X-Frame-Signature, to compare with your own`,
    }),
  },
  { additionalProperties: false },
);
export type SignedRequest = Static<typeof SignedRequestSchema>;

/** POST /api/providers/:id/tokens. */
export const MintResultSchema = Type.Object({
  token: Type.String({ description: 'The JWT as Frame returned it' }),
  header: JsonObject(),
  claims: JsonObject(),
  latencyMs: Type.Number(),
  clockOffsetSeconds: Type.Union([Type.Integer(), Type.Null()]),
  request: SignedRequestSchema,
  historyId: Type.Union([Type.String(), Type.Null()]),
});
export type MintResult = Static<typeof MintResultSchema>;

/** POST /api/providers/:id/signature-compare: what the developer's own code sent. */
export const SignatureCompareBodySchema = Type.Object(
  {
    timestamp: Type.String({ minLength: 1, maxLength: 20, description: 'The X-Frame-Timestamp your code sent' }),
    signature: Type.String({ minLength: 1, maxLength: 200, description: 'The X-Frame-Signature your code sent' }),
    clientId: Type.Optional(Type.String({ maxLength: 200, description: 'The client id your code used' })),
    stringToSign: Type.Optional(Type.String({ maxLength: 300, description: 'The exact string your code signed' })),
  },
  { additionalProperties: false },
);
export type SignatureCompareBody = Static<typeof SignatureCompareBodySchema>;

export const SignatureComparisonSchema = Type.Object({
  match: Type.Boolean({
    description: 'Your signature is the one the console would send for your timestamp, and the timestamp is in the window',
  }),
  problems: Type.Array(Type.Object({ input: Type.Enum([...SIGNATURE_INPUTS]), message: Type.String() })),
  expected: Type.Object({ clientId: Type.String(), stringToSign: Type.String(), signaturePrefix: Type.String() }),
});
export type SignatureComparison = Static<typeof SignatureComparisonSchema>;
// frame/signature-diagnosis.ts builds this answer (pure, shared with the SPA): a drift in either does not compile.
const _sameAsFrame: SameShape<SignatureComparison, FrameSignatureComparison> = true;
void _sameAsFrame;
