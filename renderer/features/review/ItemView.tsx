import { useEffect, useLayoutEffect } from 'react';
import type { FieldView, ItemDetailView } from '../../../shared/contract/review.views';
import { DateTime } from '../../components/DateTime';
import { heldByOther } from '../../stores/review-queue-store';
import { useReviewDecisions } from '../../stores/stores-context';
import { EntityPanel, FieldsPane, JudgePanel } from './FieldsPane';
import { itemPainted } from './keypress-timing';
import { ENTITY_TYPE_LABELS, REASON_LABELS, isDecisionKind, labelOf, localStateText } from './review-format';
import { TranscriptPane } from './TranscriptPane';

/** The item a reviewer works: header with the decisions, transcript beside the extracted fields. */
export const ItemView = ({
  detail,
  selectedField,
  onSelectField,
  scrollNonce,
  confidenceHidden,
  onReveal,
  canDecide,
  onApprove,
  onCorrect,
  onReject,
  onPrint,
}: {
  detail: ItemDetailView;
  selectedField: FieldView | null;
  onSelectField(key: string): void;
  scrollNonce: number;
  confidenceHidden: boolean;
  onReveal(): void;
  canDecide: boolean;
  onApprove(): void;
  onCorrect(): void;
  onReject(): void;
  onPrint(): void;
}) => {
  const { item, call } = detail;
  const recordAccess = useReviewDecisions((s) => s.recordAccess);
  const decided = useReviewDecisions((s) => s.byItem.get(item.id));
  const local = decided ? { kind: decided.kind, state: decided.state } : item.local;
  const decidedLocally = local !== null && isDecisionKind(local.kind) && local.state !== 'withdrawn';
  const open = item.status === 'pending' || item.status === 'in_progress';
  // A claim stops concurrent reviews: the backend refuses (409) a verdict on an item another
  // reviewer holds, so the desk does not offer one.
  const held = heldByOther(item);

  useLayoutEffect(() => {
    itemPainted(item.id);
  }, [item.id]);

  // The app audits itself: showing this item, and its transcript, is a PHI access.
  const entityId = item.entityId ?? undefined;
  useEffect(() => {
    recordAccess({ action: 'review_item.open', resourceType: 'review_item', resourceId: item.id, entityId });
  }, [recordAccess, item.id, entityId]);
  const callId = call?.id ?? null;
  useEffect(() => {
    if (callId === null) return;
    recordAccess({
      action: 'transcript.view',
      resourceType: 'call',
      resourceId: callId,
      entityId,
      details: { reviewItemId: item.id },
    });
  }, [recordAccess, callId, entityId, item.id]);

  return (
    <article className="item-view" aria-labelledby="item-title" data-testid="item-view" data-item-id={item.id}>
      <header className="item-head">
        <div>
          <h2 id="item-title" dir="auto">
            {item.displayName ?? 'Unnamed entity'}
          </h2>
          <p className="muted item-meta">
            P{item.priority} · {labelOf(ENTITY_TYPE_LABELS, item.entityType)} · {labelOf(REASON_LABELS, item.reason)}
            {item.createdAt && (
              <>
                {' '}
                · flagged <DateTime value={item.createdAt} />
              </>
            )}
            {item.assignedTo && (item.assignedToMe ? ' · claimed by you' : ' · claimed by another reviewer')}
          </p>
          {local && (
            <p
              className={`local-state local-state-${local.state}`}
              data-testid="item-local-state"
              data-state={local.state}
            >
              {localStateText(local)}
              {(local.state === 'quarantined' || local.state === 'conflict') && (
                <>
                  {' '}
                  — see <a href="#sync-heading">Sync</a> for what the server said.
                </>
              )}
            </p>
          )}
        </div>
        <div className="item-actions" role="group" aria-label="Decision">
          {canDecide && open && !decidedLocally && held && (
            <p className="muted item-held" data-testid="item-held">
              Another reviewer is working on this item; it can be decided once they release it.
            </p>
          )}
          {canDecide && open && !decidedLocally && !held && (
            <>
              <button
                type="button"
                className="button button-primary"
                data-testid="decision-approve"
                onClick={onApprove}
              >
                Approve <kbd>a</kbd>
              </button>
              <button
                type="button"
                className="button button-secondary"
                data-testid="decision-correct"
                onClick={onCorrect}
              >
                Correct <kbd>c</kbd>
              </button>
              <button type="button" className="button button-danger" data-testid="decision-reject" onClick={onReject}>
                Reject <kbd>r</kbd>
              </button>
            </>
          )}
          <button type="button" className="button button-secondary" data-testid="print-item" onClick={onPrint}>
            Print <kbd>p</kbd>
          </button>
        </div>
      </header>
      <div className="item-columns">
        <TranscriptPane
          call={call}
          problem={detail.transcriptProblem}
          field={selectedField}
          scrollNonce={scrollNonce}
        />
        <div className="item-side">
          <FieldsPane
            fields={detail.fields}
            selectedKey={selectedField?.key ?? null}
            onSelect={onSelectField}
            confidenceHidden={confidenceHidden}
            onReveal={onReveal}
          />
          <JudgePanel judge={detail.judge} />
          <EntityPanel entity={detail.entity} />
        </div>
      </div>
    </article>
  );
};
