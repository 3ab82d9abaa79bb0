/** The entity access log: every audit event about one entity, PHI or not. */
import { useState } from 'react';
import { formatCount } from '../../components/format';
import { DateRangeFields, ExportBar, Freshness, LocalPending, Problem, RowsTable, RunForm } from './AuditParts';
import type { RangeInput } from './audit-store';
import { useAudit } from './use-audit';

export const EntityView = () => {
  const entity = useAudit((s) => s.entity);
  const run = useAudit((s) => s.runEntity);
  const more = useAudit((s) => s.moreEntity);
  const [entityId, setEntityId] = useState('');
  const [range, setRange] = useState<RangeInput>({});
  const view = entity.view;
  return (
    <section aria-labelledby="entity-heading">
      <h2 id="entity-heading">Entity access log</h2>
      <RunForm
        label="Show log"
        testId="entity-run"
        disabled={entityId.trim() === '' || entity.status === 'loading'}
        onRun={() => void run(entityId.trim(), range)}
      >
        <label className="field">
          <span>Entity id</span>
          <input value={entityId} onChange={(e) => setEntityId(e.target.value)} data-testid="entity-input" required />
        </label>
        <DateRangeFields idPrefix="entity" onChange={setRange} />
      </RunForm>
      {entity.status === 'loading' && <p role="status">Loading the log…</p>}
      <Problem text={entity.problem} testId="entity-problem" />
      {view && (
        <div data-testid="entity-report">
          <h3>
            <span dir="auto">{view.entity.displayName ?? 'Unnamed entity'}</span>{' '}
            <span className="mono muted">{view.entity.entityId}</span>
          </h3>
          <Freshness asOf={view.asOf} />
          <p>
            <strong data-testid="entity-total">{formatCount(view.totals.events)}</strong> events, of which{' '}
            {formatCount(view.totals.phi)} accessed PHI.
          </p>
          <ExportBar
            report={{
              kind: 'entity',
              entityId: view.entity.entityId,
              ...(view.from === null ? {} : { from: view.from }),
              ...(view.to === null ? {} : { to: view.to }),
            }}
          />
          <RowsTable rows={view.rows} testId="entity-rows" />
          {view.nextCursor !== null && (
            <button type="button" className="button" onClick={() => void more()} disabled={entity.loadingMore}>
              Show more
            </button>
          )}
          <LocalPending events={view.local} />
        </div>
      )}
    </section>
  );
};
