/**
 * What the paged reports (patient, person, entity) share around their own figures: the form that
 * picks a subject and a date range, the loading and problem lines, and the report's frame, which
 * ends in its rows, "Show more" and this device's own accesses. Each report's test ids derive
 * from one prefix, so they stay the ones the e2e specs look for.
 */
import { useState, type ReactNode } from 'react';
import type { AuditRowView, LocalAccessView, ReportRowView } from '../../../shared/contract/audit.views';
import { DateTime } from '../../components/DateTime';
import { formatCount } from '../../components/format';
import { DateRangeFields, Freshness, LocalPending, Problem, RowsTable, RunForm } from './AuditParts';
import type { LoadStatus, RangeInput, ReviewAidSettings } from './audit-store';

/** The report's form: the view's own subject field (a lookup may fill it), then the date range. */
export const ReportForm = ({
  idPrefix,
  label,
  subject,
  running,
  onRun,
  children,
}: {
  idPrefix: string;
  label: string;
  /** The subject as typed: a blank one cannot be run. */
  subject: string;
  running: boolean;
  onRun(subject: string, range: RangeInput): Promise<void>;
  children: ReactNode;
}) => {
  const [range, setRange] = useState<RangeInput>({});
  return (
    <RunForm
      label={label}
      testId={`${idPrefix}-run`}
      disabled={subject.trim() === '' || running}
      onRun={() => void onRun(subject.trim(), range)}
    >
      {children}
      <DateRangeFields idPrefix={idPrefix} onChange={setRange} />
    </RunForm>
  );
};

export const ReportStatus = ({
  idPrefix,
  slot,
  loading,
}: {
  idPrefix: string;
  slot: { status: LoadStatus; problem: string | null };
  loading: string;
}) => (
  <>
    {slot.status === 'loading' && <p role="status">{loading}</p>}
    <Problem text={slot.problem} testId={`${idPrefix}-problem`} />
  </>
);

/** A shown report: its heading and freshness, the view's own figures (children), then its rows. */
export const ReportFrame = ({
  idPrefix,
  view,
  heading,
  loadingMore,
  onMore,
  children,
}: {
  idPrefix: string;
  view: {
    asOf: string | null;
    rows: readonly (AuditRowView | ReportRowView)[];
    nextCursor: string | null;
    local: readonly LocalAccessView[];
  };
  heading: ReactNode;
  loadingMore: boolean;
  onMore(): Promise<void>;
  children: ReactNode;
}) => (
  <div data-testid={`${idPrefix}-report`}>
    <h3>{heading}</h3>
    <Freshness asOf={view.asOf} />
    {children}
    <RowsTable rows={view.rows} testId={`${idPrefix}-rows`} />
    {view.nextCursor !== null && (
      <button type="button" className="button" onClick={() => void onMore()} disabled={loadingMore}>
        Show more
      </button>
    )}
    <LocalPending events={view.local} />
  </div>
);

/**
 * Whom a report is about, one row per person or patient; `extra` is a column only one report
 * has, between the access times and the findings. Rows are the view's own (see AccessCells).
 */
export const SubjectTable = ({
  testId,
  subject,
  extra,
  children,
}: {
  testId: string;
  subject: string;
  extra?: string;
  children: ReactNode;
}) => (
  <div className="table-wrap">
    <table className="audit-table" data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">{subject}</th>
          <th scope="col">Accesses</th>
          <th scope="col">First</th>
          <th scope="col">Last</th>
          {extra !== undefined && <th scope="col">{extra}</th>}
          <th scope="col">Review aids</th>
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  </div>
);

/** The cells under SubjectTable's "Accesses", "First" and "Last". */
export const AccessCells = ({
  of,
  countTestId,
}: {
  of: { count: number; firstAt: string; lastAt: string };
  countTestId?: string;
}) => (
  <>
    <td data-testid={countTestId}>{formatCount(of.count)}</td>
    <td>
      <DateTime value={of.firstAt} />
    </td>
    <td>
      <DateTime value={of.lastAt} />
    </td>
  </>
);

/** The shown report's range as an export states it: an open end is left out, not sent as null. */
export const exportRange = (view: { from: string | null; to: string | null }): { from?: string; to?: string } => ({
  ...(view.from === null ? {} : { from: view.from }),
  ...(view.to === null ? {} : { to: view.to }),
});

/** The working hours an export's review aids judge by: the ones on screen when it is asked for. */
export const exportWorkingHours = (settings: ReviewAidSettings) => ({
  timeZone: settings.timeZone,
  workStart: settings.workStart,
  workEnd: settings.workEnd,
  workDays: settings.workDays,
});
