import { useId, useState, type FormEvent } from 'react';
import type { EntityLineageView, ReplayFieldView } from '../../../shared/contract/lineage.views';
import { DateTime } from '../../components/DateTime';
import { EventLink } from './EventLink';
import { fieldLabel, formatConfidence, formatValue, isoToLocalInput, localInputToIso } from './lineage-format';
import { useLineage } from './use-lineage';

const MODE_TEXT = {
  believed: 'As believed then: the events ingested by that instant',
  true: 'As true then: the events effective by that instant, as known today',
} as const;

const StateTable = ({ state, testId }: { state: readonly ReplayFieldView[]; testId: string }) =>
  state.length === 0 ? (
    <p className="muted" data-testid={`${testId}-empty`}>
      No field had a value.
    </p>
  ) : (
    <table className="data-table" data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Value</th>
          <th scope="col">Confidence</th>
          <th scope="col">Event</th>
        </tr>
      </thead>
      <tbody>
        {state.map((f) => (
          <tr key={f.field} data-testid="pit-field" data-field={f.field}>
            <th scope="row">{fieldLabel(f.field)}</th>
            <td dir="auto" data-testid="pit-value">
              {formatValue(f.value)}
            </td>
            <td data-testid="pit-confidence">{formatConfidence(f.confidence)}</td>
            <td>
              <EventLink eventId={f.eventId} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );

const CHANGE_TEXT = { added: 'added', removed: 'removed', changed: 'changed', unchanged: 'unchanged' } as const;

/**
 * Point in time: the entity as believed at an instant (or as true then), replayed from the local
 * events, and optionally compared with a second instant. Times are entered in the person's own
 * clock and sent as UTC.
 */
export const PointInTimePanel = ({ view }: { view: EntityLineageView }) => {
  const pit = useLineage((s) => s.pointInTime);
  const ask = useLineage((s) => s.askPointInTime);
  const formId = useId();
  const defaultAt = isoToLocalInput(view.timeRange.last ?? new Date().toISOString());
  const [mode, setMode] = useState<'believed' | 'true'>('believed');
  const [at, setAt] = useState(defaultAt);
  const [compare, setCompare] = useState(false);
  const [compareAt, setCompareAt] = useState(defaultAt);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const first = localInputToIso(at);
    const second = compare ? localInputToIso(compareAt) : null;
    if (first === null || (compare && second === null)) {
      setProblem('Enter a date and a time (to the second) for each instant.');
      return;
    }
    setProblem(null);
    void ask({ at: first, mode, ...(second === null ? {} : { compareTo: second }) });
  };

  const result = pit.view;
  return (
    <section className="lineage-panel" aria-labelledby={`${formId}-heading`} data-testid="lineage-pit">
      <h2 id={`${formId}-heading`}>Point in time</h2>
      <form className="pit-form no-print" onSubmit={submit} aria-describedby={`${formId}-help`}>
        <p id={`${formId}-help`} className="muted">
          Replays the local copy of the entity’s events: per field the highest confidence wins, ties go to the latest
          ingestion; rejected events take no part.
        </p>
        <fieldset>
          <legend>Replay</legend>
          {(['believed', 'true'] as const).map((m) => (
            <label key={m} className="radio">
              <input
                type="radio"
                name={`${formId}-mode`}
                value={m}
                checked={mode === m}
                onChange={() => setMode(m)}
                data-testid={`pit-mode-${m}`}
              />{' '}
              {MODE_TEXT[m]}
            </label>
          ))}
        </fieldset>
        <div className="pit-row">
          <label htmlFor={`${formId}-at`}>Instant</label>
          <input
            id={`${formId}-at`}
            type="datetime-local"
            step={1}
            value={at}
            onChange={(e) => setAt(e.target.value)}
            required
            data-testid="pit-at"
          />
        </div>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={compare}
            onChange={(e) => setCompare(e.target.checked)}
            data-testid="pit-compare-toggle"
          />{' '}
          Compare with a second instant
        </label>
        {compare && (
          <div className="pit-row">
            <label htmlFor={`${formId}-compare`}>Second instant</label>
            <input
              id={`${formId}-compare`}
              type="datetime-local"
              step={1}
              value={compareAt}
              onChange={(e) => setCompareAt(e.target.value)}
              required
              data-testid="pit-compare-at"
            />
          </div>
        )}
        <button
          type="submit"
          className="button button-primary"
          disabled={pit.status === 'loading'}
          data-testid="pit-submit"
        >
          Replay
        </button>
      </form>
      {(problem ?? pit.problem) && (
        <p role="alert" className="notice notice-error" data-testid="pit-problem">
          {problem ?? pit.problem}
        </p>
      )}
      {pit.status === 'loading' && <p role="status">Replaying…</p>}
      {result && pit.status === 'ready' && (
        <div className="pit-result" data-testid="pit-result" data-mode={result.mode} data-at={result.at}>
          <h3>
            {result.mode === 'believed' ? 'As believed at' : 'As true at'} <DateTime value={result.at} />{' '}
            <span className="mono muted">({result.at})</span>
          </h3>
          <StateTable state={result.state} testId="pit-state" />
          {result.compare && (
            <>
              <h3>
                Compared with <DateTime value={result.compare.at} />{' '}
                <span className="mono muted">({result.compare.at})</span>
              </h3>
              <table className="data-table" data-testid="pit-diff">
                <thead>
                  <tr>
                    <th scope="col">Field</th>
                    <th scope="col">Change</th>
                    <th scope="col">First instant</th>
                    <th scope="col">Second instant</th>
                  </tr>
                </thead>
                <tbody>
                  {result.compare.diff.map((d) => (
                    <tr
                      key={d.field}
                      data-testid="pit-diff-row"
                      data-field={d.field}
                      data-change={d.change}
                      className={`diff-${d.change}`}
                    >
                      <th scope="row">{fieldLabel(d.field)}</th>
                      <td>{CHANGE_TEXT[d.change]}</td>
                      <td dir="auto">
                        {d.before ? `${formatValue(d.before.value)} (${formatConfidence(d.before.confidence)})` : '—'}
                      </td>
                      <td dir="auto">
                        {d.after ? `${formatValue(d.after.value)} (${formatConfidence(d.after.confidence)})` : '—'}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </div>
      )}
    </section>
  );
};
