/** The entity access log: every audit event about one entity, PHI or not. */
import { useState } from 'react';
import { formatCount } from '../../components/format';
import { ExportBar } from './AuditParts';
import { exportRange, ReportForm, ReportFrame, ReportStatus } from './ReportParts';
import { useAudit } from './use-audit';

export const EntityView = () => {
  const entity = useAudit((s) => s.entity);
  const run = useAudit((s) => s.runEntity);
  const more = useAudit((s) => s.moreEntity);
  const [entityId, setEntityId] = useState('');
  const view = entity.view;
  return (
    <section aria-labelledby="entity-heading">
      <h2 id="entity-heading">Entity access log</h2>
      <ReportForm
        idPrefix="entity"
        label="Show log"
        subject={entityId}
        running={entity.status === 'loading'}
        onRun={run}
      >
        <label className="field">
          <span>Entity id</span>
          <input value={entityId} onChange={(e) => setEntityId(e.target.value)} data-testid="entity-input" required />
        </label>
      </ReportForm>
      <ReportStatus idPrefix="entity" slot={entity} loading="Loading the log…" />
      {view && (
        <ReportFrame
          idPrefix="entity"
          view={view}
          loadingMore={entity.loadingMore}
          onMore={more}
          heading={
            <>
              <span dir="auto">{view.entity.displayName ?? 'Unnamed entity'}</span>{' '}
              <span className="mono muted">{view.entity.entityId}</span>
            </>
          }
        >
          <p>
            <strong data-testid="entity-total">{formatCount(view.totals.events)}</strong> events, of which{' '}
            {formatCount(view.totals.phi)} accessed PHI.
          </p>
          <ExportBar report={{ kind: 'entity', entityId: view.entity.entityId, ...exportRange(view) }} />
        </ReportFrame>
      )}
    </section>
  );
};
