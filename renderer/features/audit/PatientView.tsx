/**
 * Patient-centred PHI access report: who accessed patient X, when, and from where (IP address,
 * user agent, device), with the review aids' findings, and the app's own accesses not yet in
 * the backend's log.
 */
import { useState } from 'react';
import { DateTime } from '../../components/DateTime';
import { formatCount } from '../../components/format';
import {
  ExportBar,
  FlagList,
  Freshness,
  LocalPending,
  Problem,
  ReviewAidFields,
  RowsTable,
  RunForm,
  DateRangeFields,
} from './AuditParts';
import { auditViewHref } from './audit-route';
import type { RangeInput } from './audit-store';
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
  const [range, setRange] = useState<RangeInput>({});
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
      <RunForm
        label="Show report"
        testId="patient-run"
        disabled={entityId.trim() === '' || patient.status === 'loading'}
        onRun={() => void run(entityId.trim(), range)}
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
        <DateRangeFields idPrefix="patient" onChange={setRange} />
      </RunForm>
      <ReviewAidFields />
      {patient.status === 'loading' && <p role="status">Loading the report…</p>}
      <Problem text={patient.problem} testId="patient-problem" />
      {view && (
        <div data-testid="patient-report">
          <h3>
            <span dir="auto" data-testid="patient-name">
              {view.patient.displayName ?? 'Unnamed entity'}
            </span>{' '}
            <span className="mono muted">{view.patient.entityId}</span>
          </h3>
          <Freshness asOf={view.asOf} />
          <p>
            <strong data-testid="patient-total-accesses">{formatCount(view.totals.accesses)}</strong> PHI accesses by{' '}
            <strong data-testid="patient-total-actors">{formatCount(view.totals.actors)}</strong> people; times in{' '}
            {view.timeZone} for the review aids.
          </p>
          <ExportBar
            report={{
              kind: 'patient',
              entityId: view.patient.entityId,
              ...(view.from === null ? {} : { from: view.from }),
              ...(view.to === null ? {} : { to: view.to }),
              timeZone: settings.timeZone,
              workStart: settings.workStart,
              workEnd: settings.workEnd,
              workDays: settings.workDays,
            }}
          />
          <h3>Who</h3>
          <div className="table-wrap">
            <table className="audit-table" data-testid="patient-actors">
              <thead>
                <tr>
                  <th scope="col">Person</th>
                  <th scope="col">Accesses</th>
                  <th scope="col">First</th>
                  <th scope="col">Last</th>
                  <th scope="col">From</th>
                  <th scope="col">Review aids</th>
                </tr>
              </thead>
              <tbody>
                {view.actors.map((a) => (
                  <tr key={a.actorId} data-testid="patient-actor" data-actor={a.actorId}>
                    <td>
                      {a.actorId === '' ? (
                        '(service)'
                      ) : (
                        <a
                          href={auditViewHref('person')}
                          className="mono"
                          onClick={() =>
                            void runPerson(a.actorId, { from: view.from ?? undefined, to: view.to ?? undefined })
                          }
                        >
                          {a.actorId}
                        </a>
                      )}
                      {a.isYou && <span className="muted"> (you)</span>}
                    </td>
                    <td data-testid="patient-actor-count">{formatCount(a.count)}</td>
                    <td>
                      <DateTime value={a.firstAt} />
                    </td>
                    <td>
                      <DateTime value={a.lastAt} />
                    </td>
                    <td className="small">
                      {a.ipAddresses.join(', ')}
                      <div className="muted">{a.userAgents.join('; ')}</div>
                    </td>
                    <td>
                      <FlagList flags={a.flags} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h3>Accesses</h3>
          <RowsTable rows={view.rows} testId="patient-rows" />
          {view.nextCursor !== null && (
            <button type="button" className="button" onClick={() => void more()} disabled={patient.loadingMore}>
              Show more
            </button>
          )}
          <LocalPending events={view.local} />
        </div>
      )}
    </section>
  );
};
