/**
 * The backend's own audit export (POST /audit/export): NDJSON written by the backend behind a
 * presigned link. Its row count is compared with the local copy's, to spot a capped export.
 */
import { useEffect, useState } from 'react';
import { DateTime } from '../../components/DateTime';
import { formatCount } from '../../components/format';
import { DateRangeFields, Problem, RunForm } from './AuditParts';
import type { RangeInput } from './audit-store';
import { formatBytes } from './audit-format';
import { useAudit } from './use-audit';

export const BackendExportView = () => {
  const result = useAudit((s) => s.backendExport);
  const list = useAudit((s) => s.backendExports);
  const request = useAudit((s) => s.requestBackendExport);
  const loadList = useAudit((s) => s.loadBackendExports);
  const [range, setRange] = useState<RangeInput>({});
  const [phiOnly, setPhiOnly] = useState(false);

  useEffect(() => {
    void loadList();
  }, [loadList]);

  const from = range.from;
  const to = range.to;
  return (
    <section aria-labelledby="backend-export-heading">
      <h2 id="backend-export-heading">Backend audit export</h2>
      <p className="muted">
        The backend writes the audit log as NDJSON and answers a link that expires. It needs a connection.
      </p>
      <RunForm
        label="Ask the backend to export"
        testId="backend-export-run"
        disabled={from === undefined || to === undefined || result.status === 'loading'}
        onRun={() => {
          if (from !== undefined && to !== undefined) void request({ from, to, phiOnly });
        }}
      >
        <DateRangeFields idPrefix="backend-export" onChange={setRange} />
        <label className="field field-inline">
          <input type="checkbox" checked={phiOnly} onChange={(e) => setPhiOnly(e.target.checked)} />
          <span>PHI access only</span>
        </label>
      </RunForm>
      <Problem text={result.problem} testId="backend-export-problem" />
      {result.view && (
        <div className="notice notice-info" data-testid="backend-export-result">
          <p>
            {formatCount(result.view.rowCount)} rows exported (the local copy holds{' '}
            {formatCount(result.view.localRowCount)} for the same filters). Link:{' '}
            <code className="mono">{result.view.downloadUrl}</code>
          </p>
          {result.view.warning && <p role="alert">{result.view.warning}</p>}
        </div>
      )}
      <h3>Earlier exports</h3>
      <Problem text={list.problem} testId="backend-exports-problem" />
      <ul data-testid="backend-exports">
        {list.view?.exports.map((e) => (
          <li key={e.key}>
            <span className="mono">{e.key}</span> · {formatBytes(e.size)}
            {e.lastModified && (
              <>
                {' '}
                · <DateTime value={e.lastModified} />
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
};
