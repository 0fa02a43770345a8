import { onBeforeUnmount, ref, watchEffect } from 'vue';
import { useRoute } from 'vue-router';

/** What the current page calls the thing it shows, for the breadcrumb; tied to the path it was set on. */
const detail = ref<{ path: string; label: string } | null>(null);

/**
 * A page names the thing it shows ("Demo provider"), which the breadcrumb puts before the page's title:
 * Providers › Demo provider › Playground. The name is dropped when the page goes, and ignored on another path.
 */
export function useBreadcrumb(label: () => string | undefined): void {
  const route = useRoute();
  const path = route.path;
  watchEffect(() => {
    const text = label();
    detail.value = text ? { path, label: text } : null;
  });
  onBeforeUnmount(() => {
    if (detail.value?.path === path) detail.value = null;
  });
}

/** The shell's side: the name the page on `path` gave, if any. */
export function breadcrumbDetail(path: string): string | undefined {
  return detail.value?.path === path ? detail.value.label : undefined;
}
