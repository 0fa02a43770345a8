import { reactive } from 'vue';

export interface Toast {
  id: number;
  kind: 'success' | 'error';
  text: string;
}

const toasts = reactive<Toast[]>([]);
let next = 1;

/** Success and failure notices, shared by the whole app. */
export function useToasts() {
  function dismiss(id: number): void {
    const i = toasts.findIndex((t) => t.id === id);
    if (i >= 0) toasts.splice(i, 1);
  }
  function push(kind: Toast['kind'], text: string): void {
    const id = next++;
    toasts.push({ id, kind, text });
    setTimeout(() => dismiss(id), kind === 'error' ? 8000 : 4000);
  }
  return { toasts, dismiss, success: (t: string) => push('success', t), error: (t: string) => push('error', t) };
}
