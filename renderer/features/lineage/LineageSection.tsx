import { EntityLineagePage } from './EntityLineagePage';
import { LineageSearch } from './LineageSearch';
import { useLineageEntityId } from './lineage-route';
import { LineageFreshnessStamp } from './LineageFreshnessStamp';

/**
 * Lineage: find an entity, then see where each value came from, how it changed, who reviewed it,
 * which systems received it, and what was believed at any instant. All from the local copy.
 */
export const LineageSection = () => {
  const entityId = useLineageEntityId();
  return (
    <div className="lineage">
      <h1 className="no-print">Lineage</h1>
      <LineageSearch />
      {entityId === null ? (
        <div className="empty-state" data-testid="lineage-empty">
          <p className="empty-title">Search for a patient or another entity to see its lineage.</p>
          <p>This works from the local copy on this computer, with or without a network connection.</p>
          <LineageFreshnessStamp />
        </div>
      ) : (
        <EntityLineagePage key={entityId} entityId={entityId} />
      )}
    </div>
  );
};
