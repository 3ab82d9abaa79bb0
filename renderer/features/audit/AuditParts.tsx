/**
 * Pieces every audit view uses: date range fields, the review-aid flags, the app's own
 * not-yet-delivered access events, the rows table, and the export buttons with their outcome.
 * Everything from the audit log is rendered as text.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import type {
  AuditRowView,
  ExportFormat,
  ExportReport,
  LocalAccessView,
  ReportRowView,
  ReviewFlag,
} from '../../../shared/contract/audit.views';
import { DateTime } from '../../components/DateTime';
import { formatCount } from '../../components/format';
import { dayEnd, dayStart, formatBytes, shortId } from './audit-format';
import type { RangeInput } from './audit-store';
import { useAudit } from './use-audit';

export const DateRangeFields = ({ idPrefix, onChange }: { idPrefix: string; onChange(range: RangeInput): void }) => {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const update = (nextFrom: string, nextTo: string): void => onChange({ from: dayStart(nextFrom), to: dayEnd(nextTo) });
  return (
    <>
      <label className="field">
        <span>From</span>
        <input
          type="date"
          value={from}
          data-testid={`${idPrefix}-from`}
          onChange={(e) => {
            setFrom(e.target.value);
            update(e.target.value, to);
          }}
        />
      </label>
      <label className="field">
        <span>To</span>
        <input
          type="date"
          value={to}
          data-testid={`${idPrefix}-to`}
          onChange={(e) => {
            setTo(e.target.value);
            update(from, e.target.value);
          }}
        />
      </label>
    </>
  );
};

/** The person's working hours and zone: what "after hours" and "burst" are judged against. */
export const ReviewAidFields = () => {
  const settings = useAudit((s) => s.settings);
  const setSettings = useAudit((s) => s.setSettings);
  return (
    <details className="aid-settings">
      <summary>
        Review aids: working hours {settings.workStart}–{settings.workEnd}, days {settings.workDays},{' '}
        {settings.timeZone}; burst above {settings.burstFactor}× the usual day
      </summary>
      <div className="form-row">
        <label className="field">
          <span>Start</span>
          <input type="time" value={settings.workStart} onChange={(e) => setSettings({ workStart: e.target.value })} />
        </label>
        <label className="field">
          <span>End</span>
          <input type="time" value={settings.workEnd} onChange={(e) => setSettings({ workEnd: e.target.value })} />
        </label>
        <label className="field">
          <span>Working days (1 = Monday)</span>
          <input value={settings.workDays} onChange={(e) => setSettings({ workDays: e.target.value })} />
        </label>
        <label className="field">
          <span>Time zone</span>
          <input value={settings.timeZone} onChange={(e) => setSettings({ timeZone: e.target.value })} />
        </label>
        <label className="field">
          <span>Burst factor</span>
          <input
            type="number"
            min={1.5}
            max={50}
            step={0.5}
            value={settings.burstFactor}
            onChange={(e) => setSettings({ burstFactor: Number(e.target.value) })}
          />
        </label>
      </div>
    </details>
  );
};

const RULE_LABELS: Readonly<Record<ReviewFlag['rule'], string>> = {
  'outside-queue': 'Outside queue',
  'after-hours': 'After hours',
  burst: 'Burst',
};

export const FlagList = ({ flags }: { flags: readonly ReviewFlag[] }) =>
  flags.length === 0 ? null : (
    <ul className="flags">
      {flags.map((f) => (
        <li key={f.rule} className={`flag flag-${f.rule}`} data-testid="report-flag" data-rule={f.rule}>
          <strong>{RULE_LABELS[f.rule]}:</strong> {f.reason}
        </li>
      ))}
    </ul>
  );

export const LocalPending = ({ events }: { events: readonly LocalAccessView[] }) =>
  events.length === 0 ? null : (
    <section className="local-pending" aria-label="Access events recorded on this device" data-testid="local-pending">
      <h3>Recorded on this device ({formatCount(events.length)})</h3>
      <p className="muted">
        These accesses were recorded by Attest on this computer and are not in the backend&apos;s audit log yet.
      </p>
      <ul>
        {events.map((e) => (
          <li key={e.id} data-testid="local-pending-event" data-status={e.status}>
            <DateTime value={e.localTime} /> · {e.action} · {e.resourceType} {shortId(e.resourceId)} · by{' '}
            <span dir="auto">{e.actorName ?? e.actorId}</span> · {e.online ? 'online' : 'offline'} ·{' '}
            <span className="status-text">{e.statusText}</span>
          </li>
        ))}
      </ul>
    </section>
  );

/** Audit rows as a table; `onOpen` makes each row open its detail. */
export const RowsTable = ({
  rows,
  testId,
  onOpen,
  header,
}: {
  rows: readonly (AuditRowView | ReportRowView)[];
  testId: string;
  onOpen?: (id: string) => void;
  header?: ReactNode;
}) => (
  <div className="table-wrap">
    <table className="audit-table" data-testid={testId}>
      <thead>
        {header ?? (
          <tr>
            <th scope="col">When</th>
            <th scope="col">Action</th>
            <th scope="col">Who</th>
            <th scope="col">Resource</th>
            <th scope="col">From where</th>
            <th scope="col">PHI</th>
          </tr>
        )}
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id} data-testid="report-row" data-id={r.id}>
            <td>
              {onOpen ? (
                <button type="button" className="link-button" onClick={() => onOpen(r.id)} data-testid="open-event">
                  <DateTime value={r.timestamp} />
                </button>
              ) : (
                <DateTime value={r.timestamp} />
              )}
            </td>
            <td>
              {r.action}
              <div className="muted small">{r.service}</div>
            </td>
            <td className="mono">{r.actorId ?? '(service)'}</td>
            <td>
              {r.resourceType} <span className="mono">{shortId(r.resourceId)}</span>
              {r.resourceName !== null && (
                <div dir="auto" className="small">
                  {r.resourceName}
                </div>
              )}
            </td>
            <td className="small">
              {r.ipAddress ?? '—'}
              {r.device !== null && <div>{r.device}</div>}
              {r.userAgent !== null && <div className="muted">{r.userAgent}</div>}
            </td>
            <td>
              {r.phi ? 'Yes' : 'No'}
              {'flags' in r && <FlagList flags={r.flags} />}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  </div>
);

/** CSV, NDJSON and PDF of the report on screen, with the last export's hash. */
export const ExportBar = ({ report }: { report: ExportReport | null }) => {
  const state = useAudit((s) => s.export);
  const run = useAudit((s) => s.exportReport);
  const go = (format: ExportFormat) => {
    if (report !== null) void run(report, format);
  };
  return (
    <div className="export-bar" data-testid="export-bar">
      <span className="label">Export</span>
      {(['csv', 'ndjson', 'pdf'] as const).map((f) => (
        <button
          key={f}
          type="button"
          className="button button-small"
          disabled={report === null || state.busy}
          onClick={() => go(f)}
          data-testid={`export-${f}`}
        >
          {f.toUpperCase()}
        </button>
      ))}
      <span aria-live="polite" className="export-status">
        {state.busy && state.progress && (
          <span data-testid="export-progress">
            Exporting… {formatCount(state.progress.rows)} rows, {formatBytes(state.progress.bytes)}
          </span>
        )}
        {state.result && (
          <span data-testid="export-result">
            Saved {state.result.fileName}: {formatCount(state.result.rowCount)} rows, {formatBytes(state.result.bytes)},
            SHA-256 <code data-testid="export-sha256">{state.result.sha256}</code>. The export was recorded as an access
            event.
          </span>
        )}
        {state.problem && (
          <span role="alert" className="notice notice-error" data-testid="export-problem">
            {state.problem}
          </span>
        )}
      </span>
    </div>
  );
};

export const Problem = ({ text, testId }: { text: string | null; testId: string }) =>
  text === null ? null : (
    <p role="alert" className="notice notice-error" data-testid={testId}>
      {text}
    </p>
  );

export const Freshness = ({ asOf }: { asOf: string | null }) => (
  <p className="muted small" data-testid="audit-as-of">
    {asOf === null ? (
      'The audit log has not been synced completely yet: these figures may be incomplete.'
    ) : (
      <>
        Audit log as of <DateTime value={asOf} /> (local copy).
      </>
    )}
  </p>
);

/** A small form with one submit button, used by the report pickers. */
export const RunForm = ({
  label,
  testId,
  disabled,
  onRun,
  children,
}: {
  label: string;
  testId: string;
  disabled: boolean;
  onRun(): void;
  children: ReactNode;
}) => {
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onRun();
  };
  return (
    <form className="report-form" onSubmit={submit}>
      <div className="form-row">{children}</div>
      <button type="submit" className="button button-primary" disabled={disabled} data-testid={testId}>
        {label}
      </button>
    </form>
  );
};
