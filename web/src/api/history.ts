// The Playground history: what the user minted, and the tokens they chose to keep.
import type { HistoryEntry, HistoryQuery, KeptToken } from '@server/contract/history';
import { call, path } from './client';

export const listHistory = (query: HistoryQuery = {}) => call<HistoryEntry[]>('GET', '/api/history', { query });
export const getKeptToken = (entryId: string) => call<KeptToken>('GET', path`/api/history/${entryId}/token`);
