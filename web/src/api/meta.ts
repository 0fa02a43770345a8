// What the forms need from the server: upstream presets, entity levels, token duration limits.
import type { Meta } from '@server/contract/meta';
import { call } from './client';

export const getMeta = () => call<Meta>('GET', '/api/meta');
