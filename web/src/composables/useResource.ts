import { ref, type Ref } from 'vue';
import { errorText } from '../api/client';

/** A list (or value) loaded from the API, with loading and error state. */
export function useResource<T>(load: () => Promise<T>, initial: T) {
  const data = ref(initial) as Ref<T>;
  const loading = ref(false);
  const error = ref<string | null>(null);
  async function refresh(): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      data.value = await load();
    } catch (err) {
      error.value = errorText(err);
    } finally {
      loading.value = false;
    }
  }
  return { data, loading, error, refresh };
}
