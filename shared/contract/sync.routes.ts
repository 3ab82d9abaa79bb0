/** Local API: sync status and "Sync now". */
import { route } from './define';
import { syncStatusView } from './views';

export const syncContract = {
  syncStatus: route({ method: 'GET', path: '/api/sync/status', access: 'session', response: syncStatusView }),
  syncNow: route({ method: 'POST', path: '/api/sync/now', access: 'session', response: syncStatusView }),
} as const;
