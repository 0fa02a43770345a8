import { computed, ref } from 'vue';
import type { Permission } from '@server/contract/permissions';
import type { SessionView } from '@server/contract/auth';
import { setCsrfToken, whenSignedOut } from '../api/client';
import { getSession, signOut as endSession } from '../api/session';

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
    load: async () => adopt(await getSession()),
    adopt,
    can: (permission: Permission) => permissions.value.has(permission),
    signOut: async () => {
      // Signed out here whatever the server answers: the cookie is gone or will expire.
      await endSession().catch(() => undefined);
      adopt({ signedIn: false, needsSetup: false });
    },
  };
}
