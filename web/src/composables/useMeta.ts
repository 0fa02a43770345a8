import { ref } from 'vue';
import { api } from '../api/client';
import type { Meta } from '../api/types';

const meta = ref<Meta | null>(null);
let loading: Promise<Meta> | null = null;

/** Presets and limits from the server, loaded once. */
export function useMeta() {
  loading ??= api.get<Meta>('/api/meta').then((m) => (meta.value = m));
  return { meta, ready: loading };
}
