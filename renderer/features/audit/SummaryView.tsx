/** The audit summary (the API's four totals) and its charts over time, per service and per actor. */
import { useEffect, useState } from 'react';
import { formatCount } from '../../components/format';
import { DateRangeFields, ExportBar, Freshness, Problem, RunForm } from './AuditParts';
import type { RangeInput } from './audit-store';
import { ColumnChart, RowChart } from './BarChart';
import { useAudit } from './use-audit';

export const SummaryView = () => {
  const summary = useAudit((s) => s.summary);
  const run = useAudit((s) => s.runSummary);
  const timeZone = useAudit((s) => s.settings.timeZone);
  const [range, setRange] = useState<RangeInput>({});
  const view = summary.view;

  useEffect(() => {
    void run({});
  }, [run]);

  return (
    <section aria-labelledby="summary-heading">
      <h2 id="summary-heading">Audit summary</h2>
      <RunForm
        label="Show summary"
        testId="summary-run"
        disabled={summary.status === 'loading'}
        onRun={() => void run(range)}
      >
        <DateRangeFields idPrefix="summary" onChange={setRange} />
      </RunForm>
      <Problem text={summary.problem} testId="summary-problem" />
      {view && (
        <div data-testid="audit-summary">
          <Freshness asOf={view.asOf} />
          <dl className="stat-cards">
            <div>
              <dt>Events</dt>
              <dd data-testid="summary-total-events">{formatCount(view.totals.totalEvents)}</dd>
            </div>
            <div>
              <dt>PHI access events</dt>
              <dd data-testid="summary-phi-events">{formatCount(view.totals.phiAccessEvents)}</dd>
            </div>
            <div>
              <dt>Unique actors</dt>
              <dd data-testid="summary-unique-actors">{formatCount(view.totals.uniqueActors)}</dd>
            </div>
            <div>
              <dt>Services with events</dt>
              <dd data-testid="summary-services">{formatCount(view.totals.servicesWithEvents)}</dd>
            </div>
          </dl>
          {view.localPending > 0 && (
            <p className="notice notice-info" data-testid="summary-local-pending">
              {formatCount(view.localPending)} access events recorded on this device are not yet in the backend&apos;s
              log and not counted above.
            </p>
          )}
          <ExportBar
            report={{
              kind: 'summary',
              ...(view.from === null ? {} : { from: view.from }),
              ...(view.to === null ? {} : { to: view.to }),
              timeZone,
            }}
          />
          <ColumnChart
            title={`Events per day (${view.timeZone})`}
            testId="summary-per-day"
            valueLabel="events"
            partLabel="PHI access events"
            bars={view.perDay.map((d) => ({ label: d.day, value: d.total, part: d.phi }))}
          />
          <RowChart
            title="Events per service"
            testId="summary-per-service"
            valueLabel="events"
            partLabel="PHI access events"
            bars={view.perService.map((s) => ({ label: s.service, value: s.total, part: s.phi }))}
          />
          <RowChart
            title="Events per actor"
            testId="summary-per-actor"
            valueLabel="events"
            partLabel="PHI access events"
            bars={[
              ...view.perActor.map((a) => ({
                label: `${a.actorId ?? '(no actor: services)'}${a.isYou ? ' (you)' : ''}`,
                value: a.total,
                part: a.phi,
              })),
              ...(view.otherActors === null
                ? []
                : [
                    {
                      label: `${view.otherActors.actors} others`,
                      value: view.otherActors.total,
                      part: view.otherActors.phi,
                    },
                  ]),
            ]}
          />
        </div>
      )}
    </section>
  );
};
