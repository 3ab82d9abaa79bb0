import './lineage.css';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { flushSync } from 'react-dom';
import type { EntityLineageView } from '../../../shared/contract/lineage.views';
import { CurrentStatePanel } from './CurrentStatePanel';
import { RevealEventContext, timelineRowId } from './EventLink';
import { FieldHistoryPanel } from './FieldHistoryPanel';
import { exportFileName, formatConfidence } from './lineage-format';
import { LINEAGE_HOME } from './lineage-route';
import { LineageFreshnessStamp } from './LineageFreshnessStamp';
import { PointInTimePanel } from './PointInTimePanel';
import { ProvenancePanel } from './ProvenancePanel';
import { RawJsonPanel } from './RawJsonPanel';
import { ReviewHistoryPanel } from './ReviewHistoryPanel';
import { SinksPanel } from './SinksPanel';
import { TIMELINE_PAGE, TimelinePanel } from './TimelinePanel';
import { useLineage, useLineageStore } from './use-lineage';

/** Saves the export through a Blob URL that lives only as long as the download needs it. */
const download = (text: string, fileName: string): void => {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked after the click has handed the data to the download: nothing PHI-bearing lingers.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
};

const Header = ({ view }: { view: EntityLineageView }) => {
  const e = view.entity;
  return (
    <header className="lineage-header">
      <h2 className="lineage-title" dir="auto" data-testid="lineage-entity-name">
        {e.displayName ?? e.name ?? e.id}
      </h2>
      <dl className="facts-inline">
        <div>
          <dt>Type</dt>
          <dd>{e.entityType}</dd>
        </div>
        <div>
          <dt>Entity id</dt>
          <dd className="mono" data-testid="lineage-entity-id">
            {e.id}
          </dd>
        </div>
        {e.mrn ? (
          <div>
            <dt>MRN</dt>
            <dd data-testid="lineage-entity-mrn">{e.mrn}</dd>
          </div>
        ) : null}
        {e.phone ? (
          <div>
            <dt>Phone</dt>
            <dd>{e.phone}</dd>
          </div>
        ) : null}
        {e.birthDate ? (
          <div>
            <dt>Born</dt>
            <dd>{e.birthDate}</dd>
          </div>
        ) : null}
        {e.canonicalId ? (
          <div>
            <dt>Canonical id</dt>
            <dd className="mono">{e.canonicalId}</dd>
          </div>
        ) : null}
        <div>
          <dt>Projection confidence</dt>
          <dd>{formatConfidence(e.confidence)}</dd>
        </div>
      </dl>
      <LineageFreshnessStamp lastSyncAt={view.freshness.lastSyncAt} entityPulledAt={view.freshness.entityPulledAt} />
    </header>
  );
};

/** One entity's lineage, from the local copy; the view is shown only once it is recorded as seen. */
export const EntityLineagePage = ({ entityId }: { entityId: string }) => {
  const store = useLineageStore();
  const entity = useLineage((s) => s.entity);
  const output = useLineage((s) => s.output);
  const [shown, setShown] = useState(TIMELINE_PAGE);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    void store.getState().open(entityId);
    return () => store.getState().close();
  }, [store, entityId]);

  const reveal = useCallback((eventId: string) => {
    // Render every row first (the event may be past the first page), then move focus to it.
    flushSync(() => setShown(Number.POSITIVE_INFINITY));
    const row = document.getElementById(timelineRowId(eventId));
    if (row) {
      row.scrollIntoView({ block: 'center' });
      row.focus();
    }
  }, []);
  const listedEvents = entity.view?.events;
  const eventReveal = useMemo(() => {
    const ids = new Set((listedEvents ?? []).map((e) => e.id));
    return { listed: (eventId: string) => ids.has(eventId), reveal };
  }, [listedEvents, reveal]);

  const exportJson = async (): Promise<void> => {
    setNotice(null);
    const doc = await store.getState().exportJson();
    if (doc === null) return;
    const name = exportFileName(doc.lineage.entity.id, new Date(doc.exportedAt));
    download(JSON.stringify(doc, null, 2), name);
    setNotice(`Exported ${name}. The export is recorded in the access log.`);
  };

  const print = async (): Promise<void> => {
    setNotice(null);
    if (!(await store.getState().recordPrint())) return;
    // Collapsed sections print open, then close again.
    const closed = [...document.querySelectorAll<HTMLDetailsElement>('.lineage-page details:not([open])')];
    for (const d of closed) d.open = true;
    try {
      window.print();
    } finally {
      for (const d of closed) d.open = false;
    }
  };

  if (entity.id !== entityId || entity.status === 'loading' || entity.status === 'idle') {
    return (
      <p role="status" data-testid="lineage-loading">
        Loading the lineage from the local copy…
      </p>
    );
  }
  if (entity.status === 'error' || entity.view === null) {
    return (
      <div role="alert" className="notice notice-error" data-testid="lineage-error">
        <p>{entity.problem ?? 'The lineage could not be read.'}</p>
        <p>
          <a href={LINEAGE_HOME}>Back to search</a>
        </p>
      </div>
    );
  }
  const view = entity.view;
  return (
    <RevealEventContext value={eventReveal}>
      <article
        className="lineage-page"
        data-testid="lineage-page"
        data-entity-id={view.entity.id}
        aria-label="Entity lineage"
      >
        <Header view={view} />
        <div className="lineage-actions no-print">
          <button
            type="button"
            className="button"
            onClick={() => void exportJson()}
            disabled={output.busy}
            data-testid="lineage-export-json"
          >
            Export JSON
          </button>
          <button
            type="button"
            className="button"
            onClick={() => void print()}
            disabled={output.busy}
            data-testid="lineage-print"
          >
            Print or save as PDF
          </button>
          {output.problem && (
            <p role="alert" className="notice notice-error" data-testid="lineage-output-problem">
              {output.problem}
            </p>
          )}
          {notice && (
            <p role="status" className="muted" data-testid="lineage-output-notice">
              {notice}
            </p>
          )}
        </div>
        <CurrentStatePanel view={view} />
        <PointInTimePanel view={view} />
        <TimelinePanel view={view} shown={shown} onShowAll={() => setShown(Number.POSITIVE_INFINITY)} />
        <FieldHistoryPanel view={view} />
        <ProvenancePanel view={view} />
        <SinksPanel view={view} />
        <ReviewHistoryPanel view={view} />
        <RawJsonPanel view={view} />
      </article>
    </RevealEventContext>
  );
};
