import { useId } from 'react';
import type { FieldHistoryView } from '../../../shared/contract/lineage.views';
import { DateTime } from '../../components/DateTime';
import { formatDateTime } from '../../components/format';
import { actionLabel, actionMark, fieldLabel, formatConfidence, formatValue } from './lineage-format';

const W = 640;
const H = 190;
const M = { left: 44, right: 14, top: 22, bottom: 30 };
const DAY = 86_400_000;
/** Beyond this many markers a chart stops being readable; the table below lists what is left out. */
const MAX_MARKERS = 400;
const MAX_TABLE_ROWS = 200;

const ms = (iso: string): number => Date.parse(iso);
const shortDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/**
 * The believed confidence of one field over time (a step line: the winning event's confidence),
 * each event's own confidence (dots), and review decisions (vertical marks). Hand-written SVG with
 * a title and description, and the same numbers as a table for anyone the picture does not serve.
 */
export interface EventPoint {
  eventId: string;
  at: string;
  confidence: number;
}

export const ConfidenceChart = ({ history, points }: { history: FieldHistoryView; points: readonly EventPoint[] }) => {
  const id = useId();
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  const label = fieldLabel(history.field);

  const times = [
    ...history.series.map((p) => ms(p.at)),
    ...points.map((p) => ms(p.at)),
    ...history.decisions.map((d) => ms(d.at)),
  ].filter(Number.isFinite);
  if (times.length === 0) {
    return <p className="muted">No dated confidence for {label}.</p>;
  }
  let min = Math.min(...times);
  let max = Math.max(...times);
  const span = Math.max(max - min, DAY);
  min -= span * 0.04;
  max += span * 0.08;
  const x = (t: number): number => M.left + ((t - min) / (max - min)) * (W - M.left - M.right);
  const y = (c: number): number => M.top + (1 - c) * (H - M.top - M.bottom);

  // Step path: a horizontal run for each point until the next one; a null point breaks the line.
  let path = '';
  history.series.forEach((p, i) => {
    const next = history.series[i + 1];
    const x0 = x(ms(p.at));
    const x1 = next ? x(ms(next.at)) : W - M.right;
    if (p.confidence === null) return;
    path += `M${x0.toFixed(1)},${y(p.confidence).toFixed(1)}H${x1.toFixed(1)}`;
    if (next !== undefined && next.confidence !== null) path += `V${y(next.confidence).toFixed(1)}`;
  });

  const first = history.series[0];
  const last = history.series.at(-1);
  const description =
    `${history.series.length} change${history.series.length === 1 ? '' : 's'} of the believed value` +
    (first && last
      ? `, from ${formatConfidence(first.confidence)} (${formatDateTime(first.at) ?? first.at}) to ${formatConfidence(last.confidence)} (${formatDateTime(last.at) ?? last.at})`
      : '') +
    `; ${history.decisions.length} review decision${history.decisions.length === 1 ? '' : 's'}` +
    (history.decisions.length > 0
      ? `: ${history.decisions.map((d) => actionLabel(d.action).toLowerCase()).join(', ')}`
      : '') +
    '.';

  const markers = points.slice(-MAX_MARKERS);
  return (
    <figure className="confidence-chart" data-testid={`confidence-chart-${history.field}`}>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby={`${titleId} ${descId}`}
        className="chart-svg"
        preserveAspectRatio="xMinYMin meet"
      >
        <title id={titleId}>Confidence of {label} over time</title>
        <desc id={descId}>{description}</desc>
        {[0, 0.5, 1].map((c) => (
          <g key={c} className="chart-grid">
            <line x1={M.left} x2={W - M.right} y1={y(c)} y2={y(c)} />
            <text x={M.left - 6} y={y(c) + 4} textAnchor="end">
              {c.toFixed(1)}
            </text>
          </g>
        ))}
        <text className="chart-axis" x={M.left} y={H - 8}>
          {shortDate.format(min)}
        </text>
        <text className="chart-axis" x={W - M.right} y={H - 8} textAnchor="end">
          {shortDate.format(max)}
        </text>
        {history.decisions.map((d) => (
          <g
            key={`${d.itemId}-${d.at}`}
            className={`chart-decision chart-decision-${d.action}`}
            data-testid="chart-decision"
          >
            <title>{`${actionLabel(d.action)} ${formatDateTime(d.at) ?? d.at}${d.reviewer ? ` by ${d.reviewer}` : ''}`}</title>
            <line x1={x(ms(d.at))} x2={x(ms(d.at))} y1={M.top - 6} y2={H - M.bottom} />
            <text x={x(ms(d.at))} y={M.top - 9} textAnchor="middle">
              {actionMark(d.action)}
            </text>
          </g>
        ))}
        <path className="chart-step" d={path} />
        {markers.map((p) => (
          <circle key={`${p.eventId}-${p.at}`} className="chart-point" cx={x(ms(p.at))} cy={y(p.confidence)} r={3.5}>
            <title>{`Event ${p.eventId}: ${formatConfidence(p.confidence)} at ${formatDateTime(p.at) ?? p.at}`}</title>
          </circle>
        ))}
      </svg>
      <figcaption className="chart-legend muted">
        Line: the believed value’s confidence. Dots: each event’s own confidence. A, C, R: approved, corrected, rejected
        by a reviewer.
      </figcaption>
      <details className="chart-table">
        <summary>Confidence of {label} as a table</summary>
        <table className="data-table" data-testid={`confidence-table-${history.field}`}>
          <caption className="visually-hidden">Believed value of {label} over time, and review decisions</caption>
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col">Believed value</th>
              <th scope="col">Confidence</th>
              <th scope="col">Event</th>
            </tr>
          </thead>
          <tbody>
            {history.series.slice(0, MAX_TABLE_ROWS).map((p) => (
              <tr key={`${p.at}-${p.eventId ?? 'none'}`}>
                <td>
                  <DateTime value={p.at} />
                </td>
                <td dir="auto">{p.eventId === null ? 'no value' : formatValue(p.value)}</td>
                <td>{formatConfidence(p.confidence)}</td>
                <td className="mono">{p.eventId ?? '—'}</td>
              </tr>
            ))}
            {history.decisions.map((d) => (
              <tr key={`decision-${d.itemId}-${d.at}`}>
                <td>
                  <DateTime value={d.at} />
                </td>
                <td colSpan={2}>
                  {actionLabel(d.action)} by a reviewer{d.reviewer ? ` (${d.reviewer})` : ''}
                </td>
                <td className="mono">item {d.itemId}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {history.series.length > MAX_TABLE_ROWS && (
          <p className="muted">
            The first {MAX_TABLE_ROWS} of {history.series.length} changes are listed; the JSON export holds them all.
          </p>
        )}
      </details>
    </figure>
  );
};
