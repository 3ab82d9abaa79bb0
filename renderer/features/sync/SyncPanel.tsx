import type { StreamStatus } from '../../../shared/contract';
import { DateTime } from '../../components/DateTime';
import { formatCount, plural } from '../../components/format';
import { useSync } from '../../stores/stores-context';
import { streamLabel } from './stream-labels';
import { OutboxPanel } from '../outbox/OutboxPanel';

/** Sync status a person can trust (product.md, sign-in/session/sync §5): what is here, what is not sent yet. */
export const SyncPanel = () => {
  const loaded = useSync((s) => s.status !== null);
  const problem = useSync((s) => s.problem);

  return (
    <section className="sync-panel" aria-labelledby="sync-heading" data-testid="sync-panel">
      <h2 id="sync-heading">Sync</h2>
      {loaded ? (
        <>
          <LastCompleteSync />
          <Streams />
          <Outbox />
          <OutboxPanel />
        </>
      ) : (
        !problem && (
          <p className="muted" role="status">
            Reading sync status…
          </p>
        )
      )}
      {problem && (
        <p role="alert" className="notice notice-error" data-testid="sync-problem">
          {problem}
        </p>
      )}
      <SyncNowButton />
    </section>
  );
};

const LastCompleteSync = () => {
  const at = useSync((s) => s.status?.lastCompleteSyncAt ?? null);
  return (
    <p className="last-sync" data-testid="last-complete-sync">
      <span className="label">Last complete sync</span>
      {at ? <DateTime value={at} /> : <span className="muted">Not yet: the first sync is still running.</span>}
    </p>
  );
};

const NO_STREAMS: readonly StreamStatus[] = [];

const Streams = () => {
  const streams = useSync((s) => s.status?.streams ?? NO_STREAMS);
  if (streams.length === 0) return null;
  return (
    <ul className="streams" aria-label="Data streams">
      {streams.map((stream) => (
        <StreamRow key={stream.stream} stream={stream} />
      ))}
    </ul>
  );
};

const StreamRow = ({ stream }: { stream: StreamStatus }) => {
  const { total } = stream;
  const progress =
    total === null ? `${formatCount(stream.count)}` : `${formatCount(stream.count)} of ${formatCount(total)}`;
  return (
    <li className="stream" data-testid="sync-stream" data-stream={stream.stream}>
      <div className="stream-head">
        <span className="stream-name">{streamLabel(stream.stream)}</span>
        <span className="stream-count" data-testid="sync-stream-count">
          {progress}
        </span>
      </div>
      {stream.running &&
        (total !== null && total > 0 ? (
          <progress
            className="stream-progress"
            data-testid="sync-stream-progress"
            max={total}
            value={Math.min(stream.count, total)}
            aria-label={`${streamLabel(stream.stream)}: ${progress}`}
          />
        ) : (
          // No total from the API (yet): an indeterminate bar still says "working on it".
          <progress
            className="stream-progress"
            data-testid="sync-stream-progress"
            aria-label={`${streamLabel(stream.stream)}: ${progress}`}
          />
        ))}
      {(stream.running || stream.lastSuccessAt) && (
        <p className="stream-meta muted">
          {stream.running && 'Syncing now'}
          {stream.running && stream.lastSuccessAt && ' · '}
          {stream.lastSuccessAt && (
            <>
              {stream.running ? 'last updated' : 'Updated'} <DateTime value={stream.lastSuccessAt} />
            </>
          )}
        </p>
      )}
      {stream.lastError && (
        <p className="stream-error" data-testid="sync-stream-error">
          {stream.lastError}
        </p>
      )}
    </li>
  );
};

const NO_PENDING: Readonly<Record<string, number>> = {};

const Outbox = () => {
  // Select the stored object (stable between polls) and derive in render: a selector that builds
  // new arrays would re-render forever.
  const pendingByKind = useSync((s) => s.status?.outbox.pendingByKind ?? NO_PENDING);
  const pending = Object.entries(pendingByKind).filter(([, n]) => n > 0);
  const quarantined = useSync((s) => s.status?.outbox.quarantined ?? 0);
  return (
    <div className="outbox">
      <h3>Waiting to send</h3>
      {pending.length === 0 ? (
        <p className="muted" data-testid="outbox-pending">
          Nothing waiting to send.
        </p>
      ) : (
        <ul className="outbox-kinds" data-testid="outbox-pending">
          {pending.map(([kind, n]) => (
            <li key={kind} data-kind={kind}>
              <span>{kind}</span> <strong>{formatCount(n)}</strong>
            </li>
          ))}
        </ul>
      )}
      {quarantined > 0 ? (
        <p className="notice notice-warning" data-testid="outbox-quarantined" data-count={quarantined}>
          {formatCount(quarantined)} {plural(quarantined, 'change was', 'changes were')} refused by the server and kept
          with its reason.
        </p>
      ) : (
        <p className="muted" data-testid="outbox-quarantined" data-count={0}>
          No changes refused by the server.
        </p>
      )}
    </div>
  );
};

const SyncNowButton = () => {
  const syncNow = useSync((s) => s.syncNow);
  const syncing = useSync((s) => s.syncing);
  return (
    <button
      type="button"
      className="button"
      data-testid="sync-now"
      onClick={() => void syncNow()}
      disabled={syncing}
      aria-busy={syncing}
    >
      {syncing ? 'Starting sync…' : 'Sync now'}
    </button>
  );
};
