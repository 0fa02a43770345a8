import { ref, watch } from 'vue';

// Whether the wide-screen sidebar shows icons only: a preference of this browser, not a secret.
const KEY = 'sat-playground.sidebar';

function stored(): boolean {
  try {
    return localStorage.getItem(KEY) === 'collapsed';
  } catch {
    return false; // storage blocked (privacy mode): the sidebar just starts expanded
  }
}

const collapsed = ref(stored());
watch(collapsed, (value) => {
  try {
    localStorage.setItem(KEY, value ? 'collapsed' : 'expanded');
  } catch {
    // not remembered; the choice still holds for this page's life
  }
});

export function useSidebar() {
  return { collapsed, toggle: () => (collapsed.value = !collapsed.value) };
}
