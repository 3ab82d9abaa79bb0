/**
 * Patient-centred PHI access report: who accessed patient X, when, and from where (IP address,
 * user agent, device), with the review aids' findings, and the app's own accesses not yet in
 * the backend's log.
 */
import { useState } from 'react';
import { formatCount } from '../../components/format';
import { ExportBar, FlagList, ReviewAidFields } from './AuditParts';
import { auditViewHref } from './audit-route';
import { shownRange } from './audit-store';
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

export const PatientView = () => {
  const patient = useAudit((s) => s.patient);
  const run = useAudit((s) => s.runPatient);
  const more = useAudit((s) => s.morePatient);
  const runPerson = useAudit((s) => s.runPerson);
  const lookup = useAudit((s) => s.lookup);
  const findPatients = useAudit((s) => s.lookupPatients);
  const settings = useAudit((s) => s.settings);
  const [entityId, setEntityId] = useState('');
  const [name, setName] = useState('');
  const view = patient.view;

  return (
    <section aria-labelledby="patient-heading">
      <h2 id="patient-heading">Patient access report</h2>
      <p className="muted">Who accessed a patient&apos;s data, when, and from where.</p>
      <div className="form-row">
        <label className="field">
          <span>Find a patient by name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} data-testid="patient-lookup-input" />
        </label>
        <button
          type="button"
          className="button"
          disabled={name.trim() === ''}
          onClick={() => void findPatients(name.trim())}
          data-testid="patient-lookup-run"
        >
          Find
        </button>
      </div>
      {lookup.view && (
        <ul className="lookup" data-testid="patient-lookup-results">
          {lookup.view.patients.length === 0 && <li className="muted">No patient in the local copy matches.</li>}
          {lookup.view.patients.map((p) => (
            <li key={p.entityId}>
              <button type="button" className="link-button" onClick={() => setEntityId(p.entityId)}>
                <span dir="auto">{p.displayName ?? p.entityId}</span>
              </button>{' '}
              <span className="mono muted">{p.entityId}</span>
            </li>
          ))}
        </ul>
      )}
      <ReportForm
        idPrefix="patient"
        label="Show report"
        subject={entityId}
        running={patient.status === 'loading'}
        onRun={run}
      >
        <label className="field">
          <span>Patient (entity id)</span>
          <input
            value={entityId}
            onChange={(e) => setEntityId(e.target.value)}
            data-testid="patient-entity-input"
            required
          />
        </label>
      </ReportForm>
      <ReviewAidFields />
      <ReportStatus idPrefix="patient" slot={patient} loading="Loading the report…" />
      {view && (
        <ReportFrame
          idPrefix="patient"
          view={view}
          loadingMore={patient.loadingMore}
          onMore={more}
          heading={
            <>
              <span dir="auto" data-testid="patient-name">
                {view.patient.displayName ?? 'Unnamed entity'}
              </span>{' '}
              <span className="mono muted">{view.patient.entityId}</span>
            </>
          }
        >
          <p>
            <strong data-testid="patient-total-accesses">{formatCount(view.totals.accesses)}</strong> PHI accesses by{' '}
            <strong data-testid="patient-total-actors">{formatCount(view.totals.actors)}</strong> people; times in{' '}
            {view.timeZone} for the review aids.
          </p>
          <ExportBar
            report={{
              kind: 'patient',
              entityId: view.patient.entityId,
              ...exportRange(view),
              ...exportWorkingHours(settings),
            }}
          />
          <h3>Who</h3>
          <SubjectTable testId="patient-actors" subject="Person" extra="From">
            {view.actors.map((a) => (
              <tr key={a.actorId} data-testid="patient-actor" data-actor={a.actorId}>
                <td>
                  {a.actorId === '' ? (
                    '(service)'
                  ) : (
                    <a
                      href={auditViewHref('person')}
                      className="mono"
                      onClick={() => void runPerson(a.actorId, shownRange(view))}
                    >
                      {a.actorId}
                    </a>
                  )}
                  {a.isYou && <span className="muted"> (you)</span>}
                </td>
                <AccessCells of={a} countTestId="patient-actor-count" />
                <td className="small">
                  {a.ipAddresses.join(', ')}
                  <div className="muted">{a.userAgents.join('; ')}</div>
                </td>
                <td>
                  <FlagList flags={a.flags} />
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
