// The token broker: Frame's own request, authorised by an API key; the body is tokens.ts's TokenRequestBody.
import { Type } from 'typebox';

export const BROKER_PATH = '/api/v1/providers/:id/tokens';

/** The JWT as a JSON string, as Frame answers. */
export const BrokerTokenSchema = Type.String({ description: 'The JWT' });
