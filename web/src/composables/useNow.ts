import { onScopeDispose, ref } from 'vue';

/** The current time in ms, updated every second while the component (or effect scope) lives. */
export function useNow() {
  const now = ref(Date.now());
  const timer = setInterval(() => (now.value = Date.now()), 1000);
  onScopeDispose(() => clearInterval(timer));
  return now;
}
