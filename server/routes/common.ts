// Schema pieces shared by the console's routes.
import { Type } from 'typebox';
import { Uuid } from '../field-schemas.js';

export const IdParams = Type.Object({ id: Uuid('UUID') }, { additionalProperties: false });
export const NoQuery = Type.Object({}, { additionalProperties: false });
export { EntityLevelSchema, Uuid } from '../field-schemas.js';
