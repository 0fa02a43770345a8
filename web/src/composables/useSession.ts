import { computed, ref } from 'vue';
import { api, setCsrfToken, whenSignedOut } from '../api/client';
import type { SessionView } from '../api/types';

const session = ref<SessionView | null>(null);

function adopt(view: SessionView): SessionView {
  session.value = view;
  setCsrfToken(view.csrfToken ?? null);
  return view;
}

whenSignedOut(() => {
  if (session.value?.signedIn) adopt({ signedIn: false, needsSetup: false });
});

/**
 * Who is signed in and what their role may do. The SPA hides what a role cannot do; the server refuses
 * it anyway.
 */
export function useSession() {
  const permissions = computed(() => new Set(session.value?.permissions ?? []));
  return {
    session,
    load: async () => adopt(await api.get<SessionView>('/api/session')),
    adopt,
    can: (permission: string) => permissions.value.has(permission),
    signOut: async () => {
      await api.delete('/api/session').catch(() => undefined);
      adopt({ signedIn: false, needsSetup: false });
    },
  };
}
