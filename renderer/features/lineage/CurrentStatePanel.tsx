import type { EntityLineageView } from '../../../shared/contract/lineage.views';
import { DateTime } from '../../components/DateTime';
import { EventLink } from './EventLink';
import { fieldLabel, formatConfidence, formatValue } from './lineage-format';

/** Each field's value now, with its confidence, its source and the event behind it. */
export const CurrentStatePanel = ({ view }: { view: EntityLineageView }) => (
  <section className="lineage-panel" aria-labelledby="lineage-current-heading">
    <h2 id="lineage-current-heading">Current state</h2>
    {view.currentState.length === 0 ? (
      <p className="muted">No field has a value.</p>
    ) : (
      <table className="data-table" data-testid="lineage-current-state">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Value</th>
            <th scope="col">Confidence</th>
            <th scope="col">Source</th>
            <th scope="col">Event</th>
            <th scope="col">Ingested</th>
          </tr>
        </thead>
        <tbody>
          {view.currentState.map((f) => (
            <tr key={f.field} data-testid="current-field" data-field={f.field}>
              <th scope="row">{fieldLabel(f.field)}</th>
              <td dir="auto" data-testid="current-value">
                {formatValue(f.value)}
                {f.projectionDiffers && (
                  <span className="notice-inline" data-testid="projection-differs">
                    {' '}
                    (the backend’s projection says {formatValue(f.projectionValue)})
                  </span>
                )}
              </td>
              <td data-testid="current-confidence">{formatConfidence(f.confidence)}</td>
              <td>
                {f.eventId === null ? (
                  <span className="muted">backend projection only</span>
                ) : (
                  <>
                    {f.source ?? '—'}
                    {f.sourceSystem ? <span className="muted"> · {f.sourceSystem}</span> : null}
                  </>
                )}
              </td>
              <td>{f.eventId === null ? '—' : <EventLink eventId={f.eventId} />}</td>
              <td>{f.ingestedAt ? <DateTime value={f.ingestedAt} /> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
  </section>
);
