import type { EntityLineageView } from '../../../shared/contract/lineage.views';
import { DateTime } from '../../components/DateTime';
import { EventLink } from './EventLink';
import { fieldLabel } from './lineage-format';

/**
 * Which downstream systems received the entity's data, and how each delivery went. Flags first:
 * a corrected value that has not reached every system, a system still holding a replaced value,
 * a rejected value that was delivered.
 */
export const SinksPanel = ({ view }: { view: EntityLineageView }) => {
  const { sinks } = view;
  return (
    <section className="lineage-panel" aria-labelledby="lineage-sinks-heading">
      <h2 id="lineage-sinks-heading">Outbound systems</h2>
      {sinks.flags.length > 0 && (
        <ul className="sink-flags" data-testid="sink-flags">
          {sinks.flags.map((f) => (
            <li
              key={`${f.kind}-${f.eventId}-${f.dataSourceId}`}
              className="notice notice-warning"
              data-testid="sink-flag"
              data-kind={f.kind}
              data-sink={f.dataSourceId}
            >
              <strong>{f.message}</strong>{' '}
              <span className="muted">
                Fields: {f.fields.map(fieldLabel).join(', ') || '—'}. Event <EventLink eventId={f.eventId} />
                {f.error ? `. Error: ${f.error}` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
      {sinks.deliveries.length === 0 ? (
        <p className="muted" data-testid="sinks-none">
          No delivery of this entity’s data to another system is recorded in the local copy.
        </p>
      ) : (
        <table className="data-table" data-testid="lineage-deliveries">
          <thead>
            <tr>
              <th scope="col">System</th>
              <th scope="col">Event</th>
              <th scope="col">Fields</th>
              <th scope="col">Status</th>
              <th scope="col">Error</th>
              <th scope="col">Synced at</th>
            </tr>
          </thead>
          <tbody>
            {sinks.deliveries.map((d) => (
              <tr
                key={`${d.eventId}-${d.dataSourceId}`}
                data-testid="sink-delivery"
                data-event-id={d.eventId}
                data-sink={d.dataSourceId}
                data-status={d.status}
              >
                <td>
                  {d.sinkName ?? d.dataSourceId}
                  {d.sinkType ? <span className="muted"> · {d.sinkType}</span> : null}
                </td>
                <td>
                  <EventLink eventId={d.eventId} />
                  {d.eventIsCurrent === false ? <span className="muted"> (replaced)</span> : null}
                </td>
                <td>{d.fields.map(fieldLabel).join(', ') || '—'}</td>
                <td>
                  <span className={`badge badge-sync-${d.status}`}>{d.status.replace(/_/g, ' ')}</span>
                </td>
                <td dir="auto">{d.error ?? '—'}</td>
                <td>{d.syncedAt ? <DateTime value={d.syncedAt} /> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
};
