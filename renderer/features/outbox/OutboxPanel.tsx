import './outbox.css';
import { useEffect } from 'react';
import { OUTBOX_STREAM, type OutboxEntryView } from '../../../shared/contract';
import { DateTime } from '../../components/DateTime';
import { formatCount } from '../../components/format';
import { entryLabel } from '../../stores/outbox-store';
import { useOutbox, useSync } from '../../stores/stores-context';

/**
 * The changes the backend has not accepted: those waiting to be sent (with why, when a try
 * failed), and those that need the person: refused with the backend's reason, or in conflict
 * with a decision someone else made first (both kept). Resubmit queues the same change again
 * as a new entry linked to the old one; Withdraw gives it up, on the record. Nothing is dropped.
 */
export const OutboxPanel = () => {
  const startPolling = useOutbox((s) => s.startPolling);
  useEffect(() => startPolling(), [startPolling]);
  const loaded = useOutbox((s) => s.loaded);
  const attention = useOutbox((s) => s.attention);
  const waiting = useOutbox((s) => s.waiting);
  const notice = useOutbox((s) => s.notice);
  const problem = useOutbox((s) => s.problem);
  // Why changes still wait: the push's own line in the sync status (offline, slowed down…).
  const why = useSync((s) => s.status?.streams.find((st) => st.stream === OUTBOX_STREAM)?.lastError ?? null);

  return (
    <section className="outbox-panel" aria-labelledby="outbox-refused-heading" data-testid="outbox-panel">
      <h3 id="outbox-refused-heading">Needs your attention</h3>
      {!loaded ? (
        !problem && <p className="muted">Reading the changes waiting for the server…</p>
      ) : attention.length === 0 ? (
        <p className="muted" data-testid="outbox-refused-none">
          The server has refused none of your changes.
        </p>
      ) : (
        <ul className="outbox-entries" data-testid="outbox-refused-list">
          {attention.map((entry) => (
            <RefusedEntry key={entry.id} entry={entry} />
          ))}
        </ul>
      )}
      {waiting.length > 0 && (
        <>
          <h3 id="outbox-waiting-heading">Waiting to send ({formatCount(waiting.length)})</h3>
          <ul className="outbox-entries" aria-labelledby="outbox-waiting-heading" data-testid="outbox-waiting-list">
            {waiting.map((entry) => (
              <WaitingEntry key={entry.id} entry={entry} />
            ))}
          </ul>
          {why && (
            <p className="outbox-entry-reason" data-testid="outbox-waiting-why">
              {why}
            </p>
          )}
        </>
      )}
      <p role="status" className="outbox-notice" data-testid="outbox-notice">
        {notice}
      </p>
      {problem && (
        <p role="alert" className="notice notice-error" data-testid="outbox-problem">
          {problem}
        </p>
      )}
    </section>
  );
};

const itemsText = (entry: OutboxEntryView): string =>
  entry.itemIds.length === 1 ? `item ${entry.itemIds[0] ?? ''}` : `${formatCount(entry.itemIds.length)} items`;

/** What the person decided, in words (the backend's reason is shown beside it). */
const yourDecision = (entry: OutboxEntryView): string | null => {
  const request = entry.payload['request'];
  if (typeof request !== 'object' || request === null) return null;
  const reason = 'reason' in request && typeof request.reason === 'string' ? request.reason : null;
  return reason === null ? entryLabel(entry) : `${entryLabel(entry)}: ${reason}`;
};

const RefusedEntry = ({ entry }: { entry: OutboxEntryView }) => {
  const acting = useOutbox((s) => s.acting.has(entry.id));
  const resubmit = useOutbox((s) => s.resubmit);
  const withdraw = useOutbox((s) => s.withdraw);
  const conflict = entry.state === 'conflict';
  const label = entryLabel(entry);
  return (
    <li className="outbox-entry" data-testid="outbox-entry" data-entry-id={entry.id} data-state={entry.state}>
      <div className="outbox-entry-head">
        <span className={`badge ${conflict ? 'badge-conflict' : 'badge-refused'}`}>
          {conflict ? 'Conflict' : 'Refused'}
        </span>{' '}
        <strong>{label}</strong> <span className="muted">{itemsText(entry)}</span>
      </div>
      <p className="outbox-entry-reason" data-testid="outbox-entry-reason">
        <span className="label">{conflict ? 'On the server: ' : 'The server said: '}</span>
        {entry.serverReason ?? 'No reason given.'}
      </p>
      {conflict && <p className="muted">Your decision, kept: {yourDecision(entry)}</p>}
      <p className="muted">
        Made <DateTime value={entry.createdAt} />
        {entry.resubmitOf && ' · a resubmission'}
      </p>
      <div className="outbox-entry-actions">
        <button
          type="button"
          className="button button-small"
          data-testid="outbox-resubmit"
          disabled={acting}
          onClick={() => void resubmit(entry.id)}
          aria-label={`Resubmit: ${label}, ${itemsText(entry)}`}
        >
          Resubmit
        </button>{' '}
        <button
          type="button"
          className="button button-small"
          data-testid="outbox-withdraw"
          disabled={acting}
          onClick={() => void withdraw(entry.id)}
          aria-label={`Withdraw: ${label}, ${itemsText(entry)}`}
        >
          Withdraw
        </button>
      </div>
    </li>
  );
};

const WaitingEntry = ({ entry }: { entry: OutboxEntryView }) => (
  <li className="outbox-entry" data-testid="outbox-waiting-entry" data-entry-id={entry.id} data-state={entry.state}>
    <strong>{entryLabel(entry)}</strong> <span className="muted">{itemsText(entry)}</span>
    <span className="muted">
      {' · '}
      {entry.state === 'sending' ? 'being sent' : 'waiting'}, made <DateTime value={entry.createdAt} />
    </span>
    {entry.lastError && (
      <p className="outbox-entry-reason" data-testid="outbox-waiting-error">
        {entry.lastError}
      </p>
    )}
  </li>
);
