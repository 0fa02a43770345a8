import { ref } from 'vue';
import { useToasts } from './useToasts';

/**
 * Copies text and says so for a moment. `copy` resolves to whether it worked and never rejects: a browser that
 * refuses (no permission, or a plain-http page where navigator.clipboard does not exist) is told in a toast.
 */
export function useClipboard() {
  const copied = ref(false);
  const toast = useToasts();
  async function copy(text: string): Promise<boolean> {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      toast.error('The browser did not let the console copy: select the text and copy it yourself.');
      return false;
    }
    copied.value = true;
    setTimeout(() => (copied.value = false), 1500);
    return true;
  }
  return { copied, copy };
}
