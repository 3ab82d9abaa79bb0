/**
 * Hand-written SVG bar charts (no chart library): each chart is an image with a title and a
 * description a screen reader announces, each bar has its own <title>, and the same figures are
 * one click away as a table. Colours meet WCAG contrast against white.
 */
import { useId } from 'react';
import { formatCount } from '../../components/format';

export interface Bar {
  label: string;
  value: number;
  /** A second, overlaid part of the bar (e.g. the PHI share of all events). */
  part?: number;
  /** Highlighted (e.g. a burst), with the reason for the table. */
  highlight?: string | null;
}

const WIDTH = 640;

interface ChartProps {
  title: string;
  bars: readonly Bar[];
  valueLabel: string;
  /** What `Bar.part` counts; without it the chart has no legend and its table no column for it. */
  partLabel?: string;
  testId: string;
}

export const ColumnChart = ({ title, bars, valueLabel, partLabel, testId }: ChartProps) => {
  const id = useId();
  const height = 160;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const step = bars.length === 0 ? WIDTH : WIDTH / bars.length;
  const barWidth = Math.max(1, step * 0.8);
  const total = bars.reduce((s, b) => s + b.value, 0);
  return (
    <figure className="chart" data-testid={testId}>
      <svg
        viewBox={`0 0 ${WIDTH} ${height + 20}`}
        role="img"
        aria-labelledby={`${id}-t ${id}-d`}
        className="chart-svg"
        preserveAspectRatio="none"
      >
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>
          {bars.length === 0
            ? 'No data.'
            : `${bars.length} bars from ${bars[0]?.label ?? ''} to ${bars.at(-1)?.label ?? ''}; ${formatCount(total)} ${valueLabel} in all; highest ${formatCount(max)}.`}
        </desc>
        <line x1={0} x2={WIDTH} y1={height} y2={height} className="chart-axis" />
        {bars.map((b, i) => {
          const h = (b.value / max) * (height - 10);
          const ph = ((b.part ?? 0) / max) * (height - 10);
          return (
            <g key={b.label} data-testid={`${testId}-bar`}>
              <title>
                {b.label}: {formatCount(b.value)} {valueLabel}
                {b.part !== undefined && partLabel ? `, ${formatCount(b.part)} ${partLabel}` : ''}
                {b.highlight ? ` (${b.highlight})` : ''}
              </title>
              <rect
                x={i * step}
                y={height - h}
                width={barWidth}
                height={h}
                className={b.highlight ? 'bar bar-highlight' : 'bar'}
              />
              {b.part !== undefined && (
                <rect x={i * step} y={height - ph} width={barWidth} height={ph} className="bar-part" />
              )}
            </g>
          );
        })}
        <text x={0} y={height + 16} className="chart-label">
          {bars[0]?.label ?? ''}
        </text>
        <text x={WIDTH} y={height + 16} textAnchor="end" className="chart-label">
          {bars.at(-1)?.label ?? ''}
        </text>
      </svg>
      <figcaption>
        {title}
        {partLabel && (
          <span className="legend">
            {' '}
            · <span className="swatch swatch-all" /> {valueLabel} <span className="swatch swatch-part" /> {partLabel}
          </span>
        )}
      </figcaption>
      <ChartTable bars={bars} valueLabel={valueLabel} {...(partLabel ? { partLabel } : {})} />
    </figure>
  );
};

export const RowChart = ({ title, bars, valueLabel, partLabel, testId }: ChartProps) => {
  const id = useId();
  const rowHeight = 22;
  const labelWidth = 220;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const height = Math.max(rowHeight, bars.length * rowHeight);
  return (
    <figure className="chart" data-testid={testId}>
      <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-labelledby={`${id}-t ${id}-d`} className="chart-svg">
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{bars.map((b) => `${b.label}: ${formatCount(b.value)}`).join('; ') || 'No data.'}</desc>
        {bars.map((b, i) => {
          const w = (b.value / max) * (WIDTH - labelWidth - 60);
          const pw = ((b.part ?? 0) / max) * (WIDTH - labelWidth - 60);
          return (
            <g key={b.label} data-testid={`${testId}-bar`}>
              <title>
                {b.label}: {formatCount(b.value)} {valueLabel}
                {b.part !== undefined && partLabel ? `, ${formatCount(b.part)} ${partLabel}` : ''}
              </title>
              <text x={labelWidth - 6} y={i * rowHeight + 15} textAnchor="end" className="chart-label">
                {b.label.length > 34 ? `${b.label.slice(0, 33)}…` : b.label}
              </text>
              <rect x={labelWidth} y={i * rowHeight + 4} width={w} height={rowHeight - 8} className="bar" />
              {b.part !== undefined && (
                <rect x={labelWidth} y={i * rowHeight + 4} width={pw} height={rowHeight - 8} className="bar-part" />
              )}
              <text x={labelWidth + w + 4} y={i * rowHeight + 15} className="chart-label">
                {formatCount(b.value)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>{title}</figcaption>
      <ChartTable bars={bars} valueLabel={valueLabel} {...(partLabel ? { partLabel } : {})} />
    </figure>
  );
};

const ChartTable = ({ bars, valueLabel, partLabel }: Pick<ChartProps, 'bars' | 'valueLabel' | 'partLabel'>) => (
  <details>
    <summary>Show as a table</summary>
    <table className="audit-table">
      <thead>
        <tr>
          <th scope="col">Label</th>
          <th scope="col">{valueLabel}</th>
          {partLabel && <th scope="col">{partLabel}</th>}
          <th scope="col">Note</th>
        </tr>
      </thead>
      <tbody>
        {bars.map((b) => (
          <tr key={b.label}>
            <td>{b.label}</td>
            <td>{formatCount(b.value)}</td>
            {partLabel && <td>{formatCount(b.part ?? 0)}</td>}
            <td>{b.highlight ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  </details>
);
