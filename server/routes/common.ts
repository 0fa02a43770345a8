// Schema pieces shared by the console's routes.
import { Type } from 'typebox';
import { ENTITY_LEVELS, UUID_PATTERN } from '../frame/entity.js';

export const IdParams = Type.Object({ id: Type.String({ pattern: UUID_PATTERN, description: 'UUID' }) }, { additionalProperties: false });
export const NoQuery = Type.Object({}, { additionalProperties: false });
export const EntityLevelSchema = Type.Enum(ENTITY_LEVELS, { description: 'account, organization or customer' });
export const Uuid = (description?: string) => Type.String({ pattern: UUID_PATTERN, ...(description ? { description } : {}) });
