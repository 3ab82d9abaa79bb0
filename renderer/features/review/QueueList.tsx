import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type MouseEvent } from 'react';
import type { QueueRowView } from '../../../shared/contract/review.views';
import { CONFIDENCE_BAND_LABELS, confidenceBand } from '../../../shared/review/review-risk';
import { formatCount, plural } from '../../components/format';
import { heldByOther } from '../../stores/review-queue-store';
import { useReviewDecisions, useReviewQueue } from '../../stores/stores-context';
import { ENTITY_TYPE_LABELS, REASON_LABELS, labelOf, localStateText } from './review-format';

const ROW_HEIGHT = 64;

/**
 * The queue as a virtualized listbox over its full total: only the visible rows exist in the DOM,
 * and windows of rows are fetched as the visible range reaches them. Selection follows j/k; the
 * selected row is kept in view. Checkboxes pick items for a batch decision.
 */
export const QueueList = () => {
  const total = useReviewQueue((s) => s.total);
  const rows = useReviewQueue((s) => s.rows);
  const selectedIndex = useReviewQueue((s) => s.selectedIndex);
  const ensureRange = useReviewQueue((s) => s.ensureRange);
  const asOf = useReviewQueue((s) => s.asOf);
  const parentRef = useRef<HTMLDivElement>(null);

  // TanStack Virtual hands out a mutable instance: React Compiler must not memoize around it,
  // and does not (the rule says so); the list re-renders on its own scroll events.
  // eslint-disable-next-line react-hooks/incompatible-library -- see above
  const virtualizer = useVirtualizer({
    count: total ?? 0,
    getScrollElement: () => parentRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;

  useEffect(() => {
    void ensureRange(first, last);
  }, [first, last, rows, ensureRange]);

  useEffect(() => {
    // Scrolling reads the list's layout (a forced reflow on every j); while the selected row is
    // already in full view, the virtualizer's cached offset and size say so without a read.
    const top = virtualizer.scrollOffset ?? 0;
    const height = virtualizer.scrollRect?.height ?? 0;
    const start = selectedIndex * ROW_HEIGHT;
    if (height > 0 && start >= top && start + ROW_HEIGHT <= top + height) return;
    virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  if (total === null) {
    return (
      <p className="muted" role="status" data-testid="queue-loading">
        Loading the queue…
      </p>
    );
  }
  return (
    <div className="queue">
      <p className="queue-total" data-testid="queue-total" data-total={total} role="status">
        {formatCount(total)} {plural(total, 'item', 'items')}
        {asOf === null && <span className="muted"> · first sync still running</span>}
      </p>
      {total === 0 ? (
        <div className="empty-state" data-testid="queue-empty">
          <p className="empty-title">Nothing matches.</p>
          <p>Change the filters or the search to see more items.</p>
        </div>
      ) : (
        <div
          ref={parentRef}
          className="queue-scroll"
          role="region"
          aria-label="Review queue items"
          tabIndex={0}
          data-testid="queue-list"
        >
          <ul style={{ height: virtualizer.getTotalSize() }} className="queue-inner">
            {items.map((v) => (
              <QueueRow
                key={v.key}
                index={v.index}
                top={v.start}
                row={rows.get(v.index)}
                selected={v.index === selectedIndex}
              />
            ))}
          </ul>
        </div>
      )}
    </div>
  );
};

const QueueRow = ({
  index,
  top,
  row,
  selected,
}: {
  index: number;
  top: number;
  row: QueueRowView | undefined;
  selected: boolean;
}) => {
  const select = useReviewQueue((s) => s.select);
  const picked = useReviewQueue((s) => (row ? s.picked.has(row.id) : false));
  const togglePick = useReviewQueue((s) => s.togglePick);
  const pickRange = useReviewQueue((s) => s.pickRange);
  const selectedIndex = useReviewQueue((s) => s.selectedIndex);
  const decided = useReviewDecisions((s) => (row ? s.byItem.get(row.id) : undefined));
  const local = decided ? { kind: decided.kind, state: decided.state } : (row?.local ?? null);

  const onClick = (e: MouseEvent<HTMLButtonElement>): void => {
    if (e.shiftKey && row) pickRange(selectedIndex, index);
    select(index);
  };
  const style = { transform: `translateY(${top}px)` };
  if (!row) {
    return (
      <li className="queue-row queue-row-placeholder" style={style}>
        <span className="muted">Loading…</span>
      </li>
    );
  }
  const held = heldByOther(row);
  const band = row.minConfidence === null ? null : confidenceBand(row.minConfidence);
  const title = row.displayName ?? 'Unnamed entity';
  return (
    <li
      className={`queue-row${selected ? ' is-selected' : ''}${local ? ` local-${local.state}` : ''}`}
      style={style}
      data-testid="queue-row"
      data-item-id={row.id}
      data-index={index}
      data-selected={selected}
    >
      <input
        type="checkbox"
        className="queue-pick"
        aria-label={`Pick ${title} for a batch decision`}
        data-testid="queue-row-pick"
        checked={picked}
        disabled={!picked && held}
        title={held ? 'Another reviewer is working on this item' : undefined}
        onChange={() => togglePick(row.id)}
      />
      {/* Keys act on the desk (j/k, a, c, r…); a click selects, shift-click picks a range. */}
      <button type="button" className="queue-row-main" aria-current={selected ? 'true' : undefined} onClick={onClick}>
        <span className="queue-row-title" dir="auto">
          {title}
        </span>
        <span className="queue-row-meta">
          <span className={`priority priority-${row.priority}`}>P{row.priority}</span>
          <span>{labelOf(ENTITY_TYPE_LABELS, row.entityType)}</span>
          <span>{labelOf(REASON_LABELS, row.reason)}</span>
          {band && <span className={`band band-${band}`}>{CONFIDENCE_BAND_LABELS[band]}</span>}
          {row.assignedToMe && <span className="tag">Mine</span>}
          {held && (
            <span className="tag" data-testid="queue-row-held">
              Held
            </span>
          )}
          {local && (
            <span
              className={`local-state local-state-${local.state}`}
              data-testid="queue-row-local"
              data-state={local.state}
            >
              {localStateText(local)}
            </span>
          )}
        </span>
      </button>
    </li>
  );
};
