import { computed, readonly, ref } from 'vue';
import type { Permission } from '@server/contract/permissions';
import type { SessionView } from '@server/contract/auth';
import { setCsrfToken, whenSignedOut } from '../api/client';
import { getSession, signOut as endSession } from '../api/session';

const session = ref<SessionView | null>(null);
/**
 * Set when the server says the session is gone (expired, revoked, signed out elsewhere) while the user was
 * signed in: who it was. The page stays mounted under the session-ended dialog, so every form keeps its input
 * in memory (nothing is written to storage); signing in again as the same user carries on where they were.
 */
const ended = ref<{ userId: string; email: string } | null>(null);

function adopt(view: SessionView): SessionView {
  session.value = view;
  setCsrfToken(view.csrfToken ?? null);
  return view;
}

whenSignedOut(() => {
  const user = session.value?.signedIn ? session.value.user : undefined;
  if (!user) return;
  setCsrfToken(null);
  ended.value ??= { userId: user.id, email: user.email };
});

/**
 * After signing in again from the session-ended dialog: the same user carries on with the page as it is;
 * anyone else starts afresh from the start page, so one user's page data is never shown to another.
 */
function resume(view: SessionView): void {
  const previous = ended.value;
  ended.value = null;
  if (previous && view.user?.id === previous.userId) {
    adopt(view);
    return;
  }
  adopt({ signedIn: false, needsSetup: false });
  window.location.replace('/');
}

/**
 * Who is signed in and what their role may do. The SPA hides what a role cannot do; the server refuses
 * it anyway.
 */
export function useSession() {
  const permissions = computed(() => new Set(session.value?.permissions ?? []));
  return {
    session,
    sessionEnded: readonly(ended),
    load: async () => adopt(await getSession()),
    adopt,
    resume,
    can: (permission: Permission) => permissions.value.has(permission),
    signOut: async () => {
      // Signed out here whatever the server answers: the cookie is gone or will expire. A session that had
      // ended already answers 401, which marks it ended again: signing out on purpose clears that after.
      await endSession().catch(() => undefined);
      ended.value = null;
      adopt({ signedIn: false, needsSetup: false });
    },
  };
}
