import { useMemo } from 'react';
import type { EntityLineageView, LineageEventView } from '../../../shared/contract/lineage.views';
import { DateTime } from '../../components/DateTime';
import { fieldsOf } from '../../../shared/lineage/replay';
import { ConfidenceChart, type EventPoint } from './ConfidenceChart';
import { EventLink } from './EventLink';
import { actionLabel, fieldLabel, formatConfidence, formatValue } from './lineage-format';

/** Each listed event's own confidence, per field: its initial value when ingested, then each verdict's. */
const pointsByField = (events: readonly LineageEventView[]): Map<string, EventPoint[]> => {
  const out = new Map<string, EventPoint[]>();
  for (const e of [...events].reverse()) {
    if (e.ingestedAt === null) continue;
    const start = e.confidenceChanges.length > 0 ? (e.initialConfidence ?? e.confidence) : e.confidence;
    const points = [
      { eventId: e.id, at: e.ingestedAt, confidence: start },
      ...e.confidenceChanges.map((c) => ({ eventId: e.id, at: c.at, confidence: c.confidence })),
    ];
    for (const field of e.fields) {
      const list = out.get(field);
      if (list) list.push(...points);
      else out.set(field, [...points]);
    }
  }
  return out;
};
const NO_POINTS: readonly EventPoint[] = [];

const valueOf = (event: LineageEventView | undefined, field: string): unknown =>
  event === undefined ? undefined : fieldsOf(event).find(([f]) => f === field)?.[1];

/**
 * Per field: the supersedes chain that led to its value (newest first), and its confidence over
 * time with the review decisions marked.
 */
export const FieldHistoryPanel = ({ view }: { view: EntityLineageView }) => {
  const byId = useMemo(() => new Map(view.events.map((e) => [e.id, e])), [view.events]);
  const points = useMemo(() => pointsByField(view.events), [view.events]);
  return (
    <section className="lineage-panel" aria-labelledby="lineage-fields-heading">
      <h2 id="lineage-fields-heading">Field histories</h2>
      {view.fields.length === 0 && <p className="muted">No event sets a field.</p>}
      {view.fields.map((history) => (
        <section
          key={history.field}
          className="field-history"
          aria-labelledby={`field-heading-${history.field}`}
          data-testid={`field-history-${history.field}`}
        >
          <h3 id={`field-heading-${history.field}`}>{fieldLabel(history.field)}</h3>
          <p className="label">Supersedes chain (newest first)</p>
          <ol className="supersedes-chain" data-testid={`field-chain-${history.field}`}>
            {history.chain.map((link) => {
              const event = byId.get(link.id);
              return (
                <li key={link.id} data-testid="chain-link" data-event-id={link.id}>
                  {link.held ? (
                    <>
                      <span dir="auto" className="chain-value">
                        {formatValue(valueOf(event, history.field))}
                      </span>{' '}
                      <span className="muted">
                        {formatConfidence(event?.confidence)} · {event?.source ?? '—'}
                        {event?.ingestedAt ? (
                          <>
                            {' · '}
                            <DateTime value={event.ingestedAt} />
                          </>
                        ) : null}
                      </span>{' '}
                      <EventLink eventId={link.id} />
                    </>
                  ) : (
                    <span className="muted">
                      event <span className="mono">{link.id}</span> (not in the local copy)
                    </span>
                  )}
                </li>
              );
            })}
          </ol>
          {history.chainLength > history.chain.length && (
            <p className="muted" data-testid={`field-chain-more-${history.field}`}>
              … and {history.chainLength - history.chain.length} older values (the JSON export lists every event).
            </p>
          )}
          {history.decisions.length > 0 && (
            <p className="muted" data-testid={`field-decisions-${history.field}`}>
              Review:{' '}
              {history.decisions.map((d, i) => (
                <span key={`${d.itemId}-${d.at}`}>
                  {i > 0 ? '; ' : ''}
                  {actionLabel(d.action)} <DateTime value={d.at} />
                </span>
              ))}
            </p>
          )}
          <ConfidenceChart history={history} points={points.get(history.field) ?? NO_POINTS} />
        </section>
      ))}
    </section>
  );
};
