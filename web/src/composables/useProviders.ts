import { ref } from 'vue';
import { api, ApiError } from '../api/client';
import type { Provider } from '../api/types';

export function useProviders() {
  const items = ref<Provider[]>([]);
  const loading = ref(false);
  const error = ref<string | null>(null);

  async function refresh(): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      items.value = await api.get<Provider[]>('/api/providers');
    } catch (err) {
      error.value = err instanceof ApiError ? err.message : String(err);
    } finally {
      loading.value = false;
    }
  }

  return { items, loading, error, refresh };
}
