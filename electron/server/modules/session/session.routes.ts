/** Session routes: who is signed in, to which workspace and region; sign-in and sign-out. */
import type { SessionManager } from '../../auth/session-manager';
import type { HandlersFor } from '../../http/handlers-for';

export const APP_VERSION = '0.1.0';

export function sessionRoutes(session: SessionManager): HandlersFor<'health' | 'session' | 'signInStart' | 'signOut'> {
  return {
    health: async () => ({ ok: true as const, version: APP_VERSION }),
    session: async () => session.view(),
    signInStart: async () => ({ authorizationUrl: await session.startBrowserSignIn() }),
    signOut: async () => {
      await session.signOut();
      return session.view();
    },
  };
}
