/**
 * Lineage routes over the local copy. Reading lineage needs only the `read` capability (auditors
 * are often viewers); every answer comes from the encrypted local database, never the network.
 * Recording that a person saw PHI is the renderer's call to `recordAccess`, so the same event is
 * written whichever screen shows it.
 */
import { LINEAGE_SEARCH_MAX } from '../../../../shared/contract/lineage.routes';
import type { SessionManager } from '../../auth/session-manager';
import type { HandlersFor } from '../../http/handlers-for';
import { entityLineage, lineageExportPage, pointInTime, searchEntities } from './lineage.service';

const DEFAULT_SEARCH_LIMIT = 20;

export function lineageRoutes(
  session: SessionManager,
): HandlersFor<'lineageSearch' | 'lineageEntity' | 'lineagePointInTime' | 'lineageExport'> {
  return {
    lineageSearch: async ({ query }) => {
      const { store } = session.requireCapability('read');
      return searchEntities(store.db.read, query.q, Math.min(query.limit ?? DEFAULT_SEARCH_LIMIT, LINEAGE_SEARCH_MAX));
    },
    lineageEntity: async ({ params }) => {
      const { store } = session.requireCapability('read');
      return entityLineage(store.db.read, params.id);
    },
    lineagePointInTime: async ({ params, query }) => {
      const { store } = session.requireCapability('read');
      return pointInTime(store.db.read, params.id, query.mode, query.at, query.compareTo);
    },
    lineageExport: async ({ params, query }) => {
      const { store, workspace } = session.requireCapability('read');
      return lineageExportPage(
        store.db.read,
        params.id,
        { id: workspace.id, region: workspace.region },
        new Date().toISOString(),
        query.page,
      );
    },
  };
}
