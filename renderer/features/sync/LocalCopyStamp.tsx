import { DateTime } from '../../components/DateTime';
import { useSync } from '../../stores/stores-context';

/** "Local copy as of …": the freshness of what offline screens show. */
export const LocalCopyStamp = () => {
  const at = useSync((s) => s.status?.lastCompleteSyncAt ?? null);
  return (
    <p className="muted" data-testid="local-copy-stamp">
      {at ? (
        <>
          Local copy as of <DateTime value={at} />.
        </>
      ) : (
        'The local copy is not complete yet: the first sync has not finished.'
      )}
    </p>
  );
};
