/**
 * Session routes: who is signed in, to which workspace and region; sign-in (browser or device
 * code), the workspace picker, activity for the idle lock, lock and sign-out.
 */
import type { SessionManager } from '../../auth/session-manager';
import type { HandlersFor } from '../../http/handlers-for';

export const APP_VERSION = '0.1.0';

export function sessionRoutes(
  session: SessionManager,
): HandlersFor<
  | 'health'
  | 'session'
  | 'signInStart'
  | 'deviceSignInStart'
  | 'signInCancel'
  | 'signOut'
  | 'chooseWorkspace'
  | 'sessionActivity'
  | 'lockNow'
> {
  return {
    health: async () => ({ ok: true as const, version: APP_VERSION }),
    session: async () => session.view(),
    signInStart: async ({ body }) => ({ authorizationUrl: await session.startBrowserSignIn(body) }),
    deviceSignInStart: async ({ body }) => {
      await session.startDeviceSignIn(body);
      return session.view();
    },
    signInCancel: async () => {
      session.cancelSignIn();
      return session.view();
    },
    signOut: async () => {
      await session.signOut();
      return session.view();
    },
    chooseWorkspace: async ({ body }) => {
      await session.chooseWorkspace(body.workspaceId);
      return session.view();
    },
    sessionActivity: async () => ({ idleLockAt: session.recordActivity() }),
    lockNow: async () => {
      session.lock('manual');
      return session.view();
    },
  };
}
