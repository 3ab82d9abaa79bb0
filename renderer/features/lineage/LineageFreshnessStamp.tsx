import { DateTime } from '../../components/DateTime';
import { useSync } from '../../stores/stores-context';

/**
 * "As of last sync <time>": what every lineage screen is stamped with, since it shows the local
 * copy. Online or offline is said too, so an auditor knows whether newer data could exist.
 */
export const LineageFreshnessStamp = ({
  lastSyncAt,
  entityPulledAt,
}: {
  lastSyncAt?: string | null;
  entityPulledAt?: string | null;
}) => {
  const fromStatus = useSync((s) => s.status?.lastCompleteSyncAt ?? null);
  const online = useSync((s) => s.status?.online ?? null);
  const at = lastSyncAt ?? fromStatus;
  return (
    <p
      className="lineage-freshness"
      data-testid="lineage-as-of"
      data-online={online === null ? 'unknown' : String(online)}
    >
      {at ? (
        <>
          As of last sync <DateTime value={at} testId="lineage-as-of-time" />
        </>
      ) : (
        'Not synced completely yet: the local copy may be partial'
      )}
      {entityPulledAt ? (
        <>
          {' '}
          (this entity pulled <DateTime value={entityPulledAt} />)
        </>
      ) : null}
      {online === false ? <strong className="offline-note"> · Offline: showing the local copy</strong> : null}
    </p>
  );
};
