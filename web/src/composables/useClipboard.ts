import { ref } from 'vue';

/** Copies text and says so for a moment. */
export function useClipboard() {
  const copied = ref(false);
  async function copy(text: string): Promise<void> {
    await navigator.clipboard.writeText(text);
    copied.value = true;
    setTimeout(() => (copied.value = false), 1500);
  }
  return { copied, copy };
}
