/**
 * Person-centred PHI access report: which patients a person accessed over a date range, their
 * daily volume against their usual day (bursts), after-hours accesses and patients outside
 * their review queue, each finding said in words.
 */
import { useEffect, useState } from 'react';
import { formatCount } from '../../components/format';
import { ExportBar, FlagList, ReviewAidFields } from './AuditParts';
import { auditViewHref } from './audit-route';
import { shownRange } from './audit-store';
import { ColumnChart } from './BarChart';
import {
  AccessCells,
  exportRange,
  exportWorkingHours,
  ReportForm,
  ReportFrame,
  ReportStatus,
  SubjectTable,
} from './ReportParts';
import { useAudit } from './use-audit';

export const PersonView = () => {
  const person = useAudit((s) => s.person);
  const run = useAudit((s) => s.runPerson);
  const more = useAudit((s) => s.morePerson);
  const runPatient = useAudit((s) => s.runPatient);
  const facets = useAudit((s) => s.facets.view);
  const loadFacets = useAudit((s) => s.loadFacets);
  const settings = useAudit((s) => s.settings);
  const [actorId, setActorId] = useState('');
  const view = person.view;

  useEffect(() => {
    void loadFacets();
  }, [loadFacets]);

  return (
    <section aria-labelledby="person-heading">
      <h2 id="person-heading">Person access report</h2>
      <p className="muted">Which patients a person accessed, and what stands out.</p>
      <ReportForm
        idPrefix="person"
        label="Show report"
        subject={actorId}
        running={person.status === 'loading'}
        onRun={run}
      >
        <label className="field">
          <span>Person (actor id)</span>
          <input
            list="audit-actor-ids"
            value={actorId}
            onChange={(e) => setActorId(e.target.value)}
            data-testid="person-actor-input"
            required
          />
          <datalist id="audit-actor-ids">
            {facets?.actors.map((a) => (
              <option key={a.actorId} value={a.actorId}>
                {a.isYou ? 'you' : ''}
              </option>
            ))}
          </datalist>
        </label>
      </ReportForm>
      <ReviewAidFields />
      <ReportStatus idPrefix="person" slot={person} loading="Loading the report…" />
      {view && (
        <ReportFrame
          idPrefix="person"
          view={view}
          loadingMore={person.loadingMore}
          onMore={more}
          heading={
            <>
              <span className="mono">{view.actorId}</span>
              {view.isYou && <span className="muted"> (you)</span>}
            </>
          }
        >
          <ul className="totals">
            <li>
              <strong data-testid="person-total-accesses">{formatCount(view.totals.accesses)}</strong> PHI accesses
            </li>
            <li>
              <strong data-testid="person-total-patients">{formatCount(view.totals.patients)}</strong> patients
            </li>
            <li>
              <strong data-testid="person-after-hours">{formatCount(view.totals.afterHours)}</strong> after hours
            </li>
            <li>
              <strong data-testid="person-outside-queue">{formatCount(view.totals.outsideQueuePatients)}</strong>{' '}
              patients outside their review queue
            </li>
            <li>
              <strong data-testid="person-burst-days">{formatCount(view.totals.burstDays)}</strong> burst days
            </li>
          </ul>
          <p className="muted small">
            {view.medianDaily === null
              ? `Too few active days (${view.activeDays}) to know this person's usual daily volume.`
              : `Usual daily volume: median ${view.medianDaily} over ${view.activeDays} active days (days in ${view.timeZone}).`}
          </p>
          <ExportBar
            report={{
              kind: 'person',
              actorId: view.actorId,
              ...exportRange(view),
              ...exportWorkingHours(settings),
              burstFactor: settings.burstFactor,
            }}
          />
          <ColumnChart
            title="PHI accesses per day"
            testId="person-daily-chart"
            valueLabel="accesses"
            bars={view.days.map((d) => ({ label: d.day, value: d.count, highlight: d.burst?.reason ?? null }))}
          />
          <FlagList flags={view.days.flatMap((d) => (d.burst ? [d.burst] : []))} />
          <h3>Patients</h3>
          {view.patientsTruncated && (
            <p className="muted">The {view.patients.length} most recent are listed; exports hold every access.</p>
          )}
          <SubjectTable testId="person-patients" subject="Patient">
            {view.patients.map((p) => (
              <tr key={p.entityId} data-testid="person-patient" data-entity={p.entityId}>
                <td>
                  <a href={auditViewHref('patient')} onClick={() => void runPatient(p.entityId, shownRange(view))}>
                    <span dir="auto">{p.name ?? p.entityId}</span>
                  </a>
                </td>
                <AccessCells of={p} />
                <td>
                  <FlagList flags={p.flags} />
                </td>
              </tr>
            ))}
          </SubjectTable>
          <h3>Accesses</h3>
        </ReportFrame>
      )}
    </section>
  );
};
