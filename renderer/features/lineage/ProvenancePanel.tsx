import type { EntityLineageView } from '../../../shared/contract/lineage.views';
import { DateTime } from '../../components/DateTime';
import { formatConfidence } from './lineage-format';
import { entityHref } from './lineage-route';

/** Where the entity's data came from: sources, source systems, agents, and same_as merges. */
export const ProvenancePanel = ({ view }: { view: EntityLineageView }) => {
  const { provenance } = view;
  return (
    <section className="lineage-panel" aria-labelledby="lineage-provenance-heading">
      <h2 id="lineage-provenance-heading">Provenance</h2>
      <table className="data-table" data-testid="lineage-sources">
        <caption className="visually-hidden">Sources of the entity’s events</caption>
        <thead>
          <tr>
            <th scope="col">Source</th>
            <th scope="col">Source system</th>
            <th scope="col">Events</th>
            <th scope="col">First seen</th>
            <th scope="col">Last seen</th>
            <th scope="col">Agents</th>
          </tr>
        </thead>
        <tbody>
          {provenance.sources.map((s) => (
            <tr key={`${s.source}|${s.sourceSystem ?? ''}`} data-testid="provenance-source">
              <td>{s.source}</td>
              <td>{s.sourceSystem ?? '—'}</td>
              <td>{s.eventCount}</td>
              <td>{s.firstSeenAt ? <DateTime value={s.firstSeenAt} /> : '—'}</td>
              <td>{s.lastSeenAt ? <DateTime value={s.lastSeenAt} /> : '—'}</td>
              <td>{s.agents.length > 0 ? s.agents.join(', ') : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl className="facts-inline">
        <div>
          <dt>Source systems</dt>
          <dd data-testid="provenance-systems">{provenance.sourceSystems.join(', ') || '—'}</dd>
        </div>
        <div>
          <dt>Agents</dt>
          <dd data-testid="provenance-agents">{provenance.agents.join(', ') || '—'}</dd>
        </div>
      </dl>
      <h3>Merges (same_as)</h3>
      {provenance.merges.length === 0 ? (
        <p className="muted">No other record is linked to this entity.</p>
      ) : (
        <table className="data-table" data-testid="lineage-merges">
          <thead>
            <tr>
              <th scope="col">Linked entity</th>
              <th scope="col">Type</th>
              <th scope="col">Canonical id</th>
              <th scope="col">Confidence</th>
            </tr>
          </thead>
          <tbody>
            {provenance.merges.map((m) => (
              <tr key={m.entityId} data-testid="merge-row" data-entity-id={m.entityId}>
                <td dir="auto">
                  {m.held ? (
                    <a href={entityHref(m.entityId)}>{m.displayName ?? m.entityId}</a>
                  ) : (
                    (m.displayName ?? m.entityId)
                  )}
                  <div className="mono muted">{m.entityId}</div>
                </td>
                <td>{m.entityType ?? '—'}</td>
                <td className="mono">{m.canonicalId ?? '—'}</td>
                <td>{formatConfidence(m.confidence)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
};
