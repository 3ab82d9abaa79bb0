/**
 * Compliance views, read-only: the HIPAA evidence report for a chosen period, the compliance
 * dashboard, and the retention policy with its legal hold. Online they come fresh from the
 * backend; offline the last copy is shown with the time it was fetched.
 */
import { useEffect, useState } from 'react';
import { DateTime } from '../../components/DateTime';
import { Problem } from './AuditParts';
import { useAudit } from './use-audit';

const PERIODS = [30, 90, 180, 365] as const;

const Source = ({
  source,
  fetchedAt,
  problem,
  testId,
}: {
  source: string;
  fetchedAt: string | null;
  problem: string | null;
  testId: string;
}) => (
  <p className={source === 'online' ? 'muted small' : 'notice notice-warning'} data-testid={testId}>
    {source === 'online' && fetchedAt !== null && (
      <>
        Fresh from the backend at <DateTime value={fetchedAt} />.
      </>
    )}
    {source === 'cache' && (
      <>
        Offline copy fetched <DateTime value={fetchedAt ?? ''} />. {problem}
      </>
    )}
    {source === 'none' && <>Not available: {problem} No copy was saved on this computer yet.</>}
  </p>
);

/** An untyped report object rendered as name/value text. */
const Facts = ({ value, testId }: { value: Record<string, unknown>; testId: string }) => (
  <dl className="facts" data-testid={testId}>
    {Object.entries(value).map(([k, v]) => (
      <div key={k}>
        <dt>{k.replace(/_/g, ' ')}</dt>
        <dd>
          {v === null ? 'not reported (pending integration)' : typeof v === 'object' ? JSON.stringify(v) : String(v)}
        </dd>
      </div>
    ))}
  </dl>
);

export const ComplianceView = () => {
  const hipaa = useAudit((s) => s.hipaa);
  const dashboard = useAudit((s) => s.dashboard);
  const retention = useAudit((s) => s.retention);
  const loadHipaa = useAudit((s) => s.loadHipaa);
  const loadDashboard = useAudit((s) => s.loadDashboard);
  const loadRetention = useAudit((s) => s.loadRetention);
  const [period, setPeriod] = useState(90);

  useEffect(() => {
    void loadHipaa(90);
    void loadDashboard();
    void loadRetention();
  }, [loadHipaa, loadDashboard, loadRetention]);

  const report = hipaa.view?.report ?? null;
  const policy = retention.view?.policy ?? null;
  const board = dashboard.view?.dashboard ?? null;
  return (
    <section aria-labelledby="compliance-heading">
      <h2 id="compliance-heading">Compliance</h2>
      <section aria-labelledby="retention-heading" data-testid="retention-view">
        <h3 id="retention-heading">Retention policy and legal hold</h3>
        <Problem text={retention.problem} testId="retention-problem" />
        {retention.view && (
          <Source
            source={retention.view.source}
            fetchedAt={retention.view.fetchedAt}
            problem={retention.view.problem}
            testId="retention-source"
          />
        )}
        {policy && (
          <>
            <p className={policy.legal_hold ? 'notice notice-warning' : 'muted'} data-testid="retention-legal-hold">
              {policy.legal_hold ? (
                <>
                  <strong>Legal hold is on</strong>: it overrides every retention period.{' '}
                  <span data-testid="retention-legal-hold-reason">
                    Reason: {policy.legal_hold_reason ?? '(none given)'}
                  </span>
                </>
              ) : (
                'No legal hold.'
              )}
            </p>
            <Facts
              testId="retention-days"
              value={{
                call_recordings_days: policy.call_recordings_days,
                call_transcripts_days: policy.call_transcripts_days,
                audit_log_days: policy.audit_log_days,
                world_events_days: policy.world_events_days,
                phi_data_days: policy.phi_data_days,
              }}
            />
            <p className="muted small">Retention is advisory in this API version: nothing is deleted automatically.</p>
          </>
        )}
      </section>
      <section aria-labelledby="dashboard-heading" data-testid="compliance-dashboard">
        <h3 id="dashboard-heading">Compliance dashboard</h3>
        <Problem text={dashboard.problem} testId="dashboard-problem" />
        {dashboard.view && (
          <Source
            source={dashboard.view.source}
            fetchedAt={dashboard.view.fetchedAt}
            problem={dashboard.view.problem}
            testId="dashboard-source"
          />
        )}
        {board && <Facts value={board} testId="dashboard-facts" />}
      </section>
      <section aria-labelledby="hipaa-heading" data-testid="compliance-hipaa">
        <h3 id="hipaa-heading">HIPAA evidence report</h3>
        <label className="field">
          <span>Period</span>
          <select
            value={period}
            data-testid="hipaa-period"
            onChange={(e) => {
              const days = Number(e.target.value);
              setPeriod(days);
              void loadHipaa(days);
            }}
          >
            {PERIODS.map((d) => (
              <option key={d} value={d}>
                Last {d} days
              </option>
            ))}
          </select>
        </label>
        <Problem text={hipaa.problem} testId="hipaa-problem" />
        {hipaa.view && (
          <Source
            source={hipaa.view.source}
            fetchedAt={hipaa.view.fetchedAt}
            problem={hipaa.view.problem}
            testId="hipaa-source"
          />
        )}
        {report && (
          <>
            <p>
              Status: <strong data-testid="hipaa-status">{report.compliance_status}</strong> · period{' '}
              <span data-testid="hipaa-period-days">{report.report_period_days}</span> days · generated{' '}
              <DateTime value={report.generated_at} />
            </p>
            <h4>Audit summary</h4>
            <Facts value={report.audit_summary} testId="hipaa-audit-summary" />
            <h4>Encryption</h4>
            <Facts value={report.encryption} testId="hipaa-encryption" />
            <h4>Access controls</h4>
            <Facts value={report.access_controls} testId="hipaa-access-controls" />
            <h4>API keys</h4>
            <Facts value={report.api_key_summary} testId="hipaa-api-keys" />
          </>
        )}
      </section>
    </section>
  );
};
