import { computed, ref } from 'vue';
import { ApiError, errorText } from '../api/client';

/**
 * The state of a form that sends one request: busy while it runs, the error as a sentence and the field
 * errors from the server, cleared at each new attempt. `run` resolves to undefined when the request failed.
 * `summary` is the error for forms that show field errors next to their fields: none when the server
 * placed the error on fields, since an error next to its field needs no second telling.
 */
export function useSubmit() {
  const busy = ref(false);
  const error = ref<string | null>(null);
  const fields = ref<Record<string, string>>({});
  async function run<T>(work: () => Promise<T>): Promise<T | undefined> {
    busy.value = true;
    error.value = null;
    fields.value = {};
    try {
      return await work();
    } catch (err) {
      error.value = errorText(err);
      if (err instanceof ApiError) fields.value = err.fieldMap();
      return undefined;
    } finally {
      busy.value = false;
    }
  }
  const summary = computed(() => (Object.keys(fields.value).length > 0 ? null : error.value));
  return { busy, error, fields, summary, run };
}
