import type { EntityLineageView, LineageEventView } from '../../../shared/contract/lineage.views';
import { DateTime } from '../../components/DateTime';
import { EventLink, timelineRowId } from './EventLink';
import { actionLabel, fieldLabel, formatConfidence, formatValue, originLabel, shortId } from './lineage-format';

export const TIMELINE_PAGE = 100;

const stateOf = (e: LineageEventView): 'rejected' | 'superseded' | 'current' =>
  e.confidence === 0 ? 'rejected' : !e.isCurrent || e.supersededBy.length > 0 ? 'superseded' : 'current';

/** Where the local copy learned of the event, and where its values came from, when not the timeline. */
const provenanceNote = (e: LineageEventView): string => {
  if (e.valuesFrom === null) return `known from the ${originLabel(e.origin)}; its values are not in the local copy`;
  if (e.valuesFrom === e.origin) return `from the ${originLabel(e.origin)}`;
  return `known from the ${originLabel(e.origin)}; values from the ${originLabel(e.valuesFrom)}`;
};

const Values = ({ event }: { event: LineageEventView }) => {
  if (event.data === null) return <span className="muted">values not in the local copy</span>;
  const pairs =
    event.eventType === 'entity.enriched' && typeof event.data['key'] === 'string'
      ? [[event.data['key'], event.data['value']] as const]
      : Object.entries(event.data);
  return (
    <dl className="event-values">
      {pairs.map(([field, value]) => (
        <div key={field}>
          <dt>{fieldLabel(field)}</dt>
          <dd dir="auto">{formatValue(value)}</dd>
        </div>
      ))}
    </dl>
  );
};

/**
 * Every event, newest ingestion first, with both of its times: when the fact became true
 * (effective) and when the world model learned it (ingested). Superseded events stay, linked to
 * what replaced them; rejected ones say so.
 */
export const TimelinePanel = ({
  view,
  shown,
  onShowAll,
}: {
  view: EntityLineageView;
  shown: number;
  onShowAll: () => void;
}) => (
  <section className="lineage-panel" aria-labelledby="lineage-timeline-heading">
    <h2 id="lineage-timeline-heading">Timeline ({view.eventsTotal} events)</h2>
    {view.eventsTotal > view.events.length && (
      <p className="notice notice-info" data-testid="timeline-partial">
        The newest events and every older one this page refers to are listed here ({view.events.length} of{' '}
        {view.eventsTotal}). The point-in-time replay, the confidence series and the JSON export use all of them.
      </p>
    )}
    <table className="data-table timeline" data-testid="lineage-timeline">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Event, status and source</th>
          <th scope="col">Values</th>
          <th scope="col">Confidence</th>
        </tr>
      </thead>
      <tbody>
        {view.events.slice(0, shown).map((e) => {
          const state = stateOf(e);
          return (
            <tr
              key={e.id}
              id={timelineRowId(e.id)}
              tabIndex={-1}
              className={`event-${state}`}
              data-testid="timeline-event"
              data-event-id={e.id}
              data-state={state}
            >
              <td className="event-when">
                <div>
                  <span className="label">Ingested</span> {e.ingestedAt ? <DateTime value={e.ingestedAt} /> : '—'}
                </div>
                <div>
                  <span className="label">Effective</span> {e.effectiveAt ? <DateTime value={e.effectiveAt} /> : '—'}
                </div>
              </td>
              <td>
                <span className="event-type">{e.eventType}</span>
                {e.eventSubtype ? <span className="muted"> · {e.eventSubtype}</span> : null}
                <div>
                  <span className={`badge badge-${state}`} data-testid="event-state">
                    {state === 'current' ? 'Current' : state === 'superseded' ? 'Superseded' : 'Rejected'}
                  </span>
                </div>
                {e.supersededBy.map((id) => (
                  <div key={id} data-testid="superseded-by">
                    replaced by <EventLink eventId={id} />
                  </div>
                ))}
                {e.supersedes ? (
                  <div data-testid="supersedes">
                    replaces <EventLink eventId={e.supersedes} />
                  </div>
                ) : null}
                <div className="mono muted" title={e.id}>
                  {shortId(e.id)}
                </div>
                <div>
                  {e.source}
                  {e.sourceSystem ? <span className="muted"> · {e.sourceSystem}</span> : null}
                </div>
                {e.producedByAgent ? <div className="muted">{e.producedByAgent}</div> : null}
                {e.callId ? (
                  <div className="muted">
                    call{' '}
                    <span className="mono" title={e.callId}>
                      {shortId(e.callId)}
                    </span>
                  </div>
                ) : null}
                {e.origin !== 'timeline' || e.valuesFrom !== 'timeline' ? (
                  <div className="muted">{provenanceNote(e)}</div>
                ) : null}
              </td>
              <td>
                <Values event={e} />
              </td>
              <td data-testid="event-confidence">
                {e.confidenceChanges.length > 0 ? (
                  <>
                    {formatConfidence(e.initialConfidence)}
                    {e.confidenceChanges.map((c) => (
                      <span key={`${c.itemId}-${c.at}`}>
                        {' → '}
                        {formatConfidence(c.confidence)}{' '}
                        <span className="muted">
                          ({actionLabel(c.action).toLowerCase()} <DateTime value={c.at} />)
                        </span>
                      </span>
                    ))}
                  </>
                ) : (
                  formatConfidence(e.confidence)
                )}
                {e.reviewStatus ? <div className="muted">review: {e.reviewStatus.replace(/_/g, ' ')}</div> : null}
                {e.syncStatus ? (
                  <div className="muted">
                    outbound: {e.syncStatus.replace(/_/g, ' ')}
                    {e.syncError ? ` (${e.syncError})` : ''}
                  </div>
                ) : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
    {view.events.length > shown && (
      <p>
        <button type="button" className="button" onClick={onShowAll} data-testid="timeline-show-all">
          Show all {view.events.length} events
        </button>
      </p>
    )}
  </section>
);
