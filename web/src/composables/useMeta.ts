import { ref } from 'vue';
import type { Meta } from '@server/contract/meta';
import { errorText } from '../api/client';
import { getMeta } from '../api/meta';
import { useToasts } from './useToasts';

const meta = ref<Meta | null>(null);
let loading: Promise<Meta | null> | null = null;

/**
 * Presets and limits from the server, loaded once for the whole app. A failed load is told and forgotten, so
 * the next form that needs them asks again instead of showing empty lists until a reload. `ready` never
 * rejects: it holds null when the load failed.
 */
export function useMeta() {
  loading ??= getMeta().then(
    (m) => (meta.value = m),
    (err: unknown) => {
      loading = null;
      useToasts().error(`The console's presets and limits did not load: ${errorText(err)}`);
      return null;
    },
  );
  return { meta, ready: loading };
}
