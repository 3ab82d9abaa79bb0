import './audit.css';
import { AUDIT_VIEW_LABELS, AUDIT_VIEWS, auditViewHref, useAuditView } from './audit-route';
import { BackendExportView } from './BackendExportView';
import { ComplianceView } from './ComplianceView';
import { EntityView } from './EntityView';
import { EventsView } from './EventsView';
import { PatientView } from './PatientView';
import { PersonView } from './PersonView';
import { SummaryView } from './SummaryView';

/**
 * Audit and PHI access reports (admin and owner only: the shell hides this section from other
 * roles and the server refuses their calls). Everything reads the local copy, so it works
 * offline, stamped with the audit log's last complete sync.
 */
export const AuditSection = () => {
  const view = useAuditView();
  return (
    <>
      <h1>Audit</h1>
      <nav className="audit-nav" aria-label="Audit reports">
        <ul>
          {AUDIT_VIEWS.map((v) => (
            <li key={v}>
              <a href={auditViewHref(v)} aria-current={v === view ? 'page' : undefined} data-testid={`audit-nav-${v}`}>
                {AUDIT_VIEW_LABELS[v]}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div data-testid={`audit-view-${view}`}>
        {view === 'events' && <EventsView />}
        {view === 'patient' && <PatientView />}
        {view === 'person' && <PersonView />}
        {view === 'entity' && <EntityView />}
        {view === 'summary' && <SummaryView />}
        {view === 'compliance' && <ComplianceView />}
        {view === 'backend-export' && <BackendExportView />}
      </div>
    </>
  );
};
