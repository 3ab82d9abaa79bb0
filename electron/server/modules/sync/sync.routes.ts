/** Sync status and "Sync now". */
import type { SessionManager } from '../../auth/session-manager';
import type { HandlersFor } from '../../http/handlers-for';

export function syncRoutes(session: SessionManager): HandlersFor<'syncStatus' | 'syncNow'> {
  return {
    syncStatus: async () => session.requireWorkspace().sync.status(),
    syncNow: async () => {
      const { sync } = session.requireWorkspace();
      await sync.syncNow();
      return sync.status();
    },
  };
}
