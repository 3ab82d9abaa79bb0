import { useCallback, useEffect, useEffectEvent, useState } from 'react';
import { canDecideReviews } from '../../../shared/amigo/roles';
import type { RejectReasonCode } from '../../../shared/contract';
import type { FieldView } from '../../../shared/contract/review.views';
import { formatCount, plural } from '../../components/format';
import { heldByOther } from '../../stores/review-queue-store';
import {
  useReviewDecisions,
  useReviewQueue,
  useReviewStores,
  useReviewSummary,
  useSession,
} from '../../stores/stores-context';
import { BatchApproveDialog, CorrectDialog, RejectDialog, ShortcutSheet } from './DeskDialogs';
import { ItemView } from './ItemView';
import { startNavigationTiming } from './keypress-timing';
import { QueueList } from './QueueList';
import { QueueToolbar } from './QueueToolbar';
import { isDecisionKind } from './review-format';
import './review-desk.css';

type Dialog = 'correct' | 'reject' | 'batch-approve' | 'batch-reject' | 'shortcuts' | null;

const HIDE_CONFIDENCE_KEY = 'attest.review.hideConfidence';
/** An item opened for this long is claimed, so skimming with j/k does not claim every item passed. */
export const CLAIM_DWELL_MS = 600;

const isTyping = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) &&
  !(target instanceof HTMLInputElement && target.type === 'checkbox');

const firstStated = (fields: readonly FieldView[]): FieldView | null =>
  fields.find((f) => f.stated) ?? fields[0] ?? null;

/**
 * The reviewer's desk: the queue (filters, search, virtualized list) beside the item view, with
 * every decision one key away. Keys act on the desk unless a text field or a dialog has focus.
 */
export const ReviewSection = () => {
  const { reviewQueue, reviewDecisions } = useReviewStores();
  const role = useSession((s) => s.session?.workspace?.role ?? null);
  const canDecide = role !== null && canDecideReviews(role);
  const summaryProblem = useReviewSummary((s) => s.problem);
  const problem = useReviewQueue((s) => s.problem);
  const selectedId = useReviewQueue((s) => s.selectedId);
  const detail = useReviewQueue((s) => (s.selectedId === null ? undefined : s.details.get(s.selectedId)));
  const detailProblem = useReviewQueue((s) => s.detailProblem);
  const total = useReviewQueue((s) => s.total);
  const picked = useReviewQueue((s) => s.picked);
  const notice = useReviewDecisions((s) => s.notice);
  const decisionProblem = useReviewDecisions((s) => s.problem);
  const last = useReviewDecisions((s) => s.last);

  const [dialog, setDialog] = useState<Dialog>(null);
  // The field picked on the current item and how often the reviewer jumped to evidence there;
  // both belong to one item, so a new item starts afresh at its first stated field.
  const [fieldPick, setFieldPick] = useState<{ itemId: string | null; key: string | null; nonce: number }>({
    itemId: null,
    key: null,
    nonce: 0,
  });
  const fieldKey = fieldPick.itemId === selectedId ? fieldPick.key : null;
  const scrollNonce = fieldPick.itemId === selectedId ? fieldPick.nonce : 0;
  const pickField = (key: string): void => setFieldPick({ itemId: selectedId, key, nonce: scrollNonce + 1 });
  const [hideConfidence, setHideConfidence] = useState(() => localStorage.getItem(HIDE_CONFIDENCE_KEY) === '1');
  const [revealed, setRevealed] = useState<ReadonlySet<string>>(new Set());

  useEffect(() => {
    void reviewQueue.getState().reload({ keepSelection: true });
    void reviewDecisions.getState().refreshOutbox();
    return reviewDecisions.getState().startPolling();
  }, [reviewQueue, reviewDecisions]);

  // The field whose evidence is shown: the one picked on this item, else its first stated field.
  const fields = detail?.fields ?? [];
  const selectedField = fields.find((f) => f.key === fieldKey) ?? firstStated(fields);
  const confidenceHidden = hideConfidence && selectedId !== null && !revealed.has(selectedId);

  // Claim when an item is opened (after a short dwell); release it when left without a decision.
  useEffect(() => {
    if (selectedId === null || !canDecide) return;
    const decisions = reviewDecisions.getState();
    const row = [...reviewQueue.getState().rows.values()].find((r) => r.id === selectedId);
    const claimable =
      row !== undefined && row.status === 'pending' && !row.assignedTo && !decisions.byItem.has(selectedId);
    const timer = claimable
      ? setTimeout(() => void reviewDecisions.getState().claim(selectedId), CLAIM_DWELL_MS)
      : null;
    return () => {
      if (timer !== null) clearTimeout(timer);
      void reviewDecisions.getState().unclaim(selectedId);
    };
  }, [selectedId, canDecide, reviewQueue, reviewDecisions]);

  const reveal = useCallback(() => {
    const detailNow = selectedId === null ? undefined : reviewQueue.getState().details.get(selectedId);
    if (!detailNow || revealed.has(detailNow.item.id)) return;
    setRevealed(new Set(revealed).add(detailNow.item.id));
    reviewDecisions.getState().recordAccess({
      action: 'confidence.reveal',
      resourceType: 'review_item',
      resourceId: detailNow.item.id,
      entityId: detailNow.item.entityId ?? undefined,
    });
  }, [selectedId, revealed, reviewQueue, reviewDecisions]);

  const decidable = (): string | null => {
    const id = reviewQueue.getState().selectedId;
    if (id === null || !canDecide) return null;
    // Another reviewer's claim: the backend would refuse the verdict (the item view says why).
    const queue = reviewQueue.getState();
    if (heldByOther(queue.details.get(id)?.item ?? queue.rows.get(queue.selectedIndex))) return null;
    const local = reviewDecisions.getState().byItem.get(id);
    return local && isDecisionKind(local.kind) && local.state !== 'withdrawn' ? null : id;
  };

  const approve = (): void => {
    const id = decidable();
    if (id === null) return;
    void reviewDecisions.getState().decide(id, { kind: 'approve' });
    reviewQueue.getState().move(1);
  };

  const submitCorrection = (correctedData: Record<string, unknown>): void => {
    const id = decidable();
    setDialog(null);
    if (id === null) return;
    void reviewDecisions.getState().decide(id, { kind: 'correct', correctedData });
    reviewQueue.getState().move(1);
  };

  const submitRejection = (reasonCode: RejectReasonCode, reasonText: string | undefined): void => {
    if (dialog === 'batch-reject') {
      const itemIds = [...reviewQueue.getState().picked];
      setDialog(null);
      reviewQueue.getState().clearPicks();
      void reviewDecisions
        .getState()
        .batchDecide({ kind: 'reject', itemIds, reasonCode, ...(reasonText ? { reasonText } : {}) });
      return;
    }
    const id = decidable();
    setDialog(null);
    if (id === null) return;
    void reviewDecisions.getState().decide(id, { kind: 'reject', reasonCode, ...(reasonText ? { reasonText } : {}) });
    reviewQueue.getState().move(1);
  };

  const confirmBatchApprove = (): void => {
    const itemIds = [...reviewQueue.getState().picked];
    setDialog(null);
    reviewQueue.getState().clearPicks();
    void reviewDecisions.getState().batchDecide({ kind: 'approve', itemIds });
  };

  const undo = async (): Promise<void> => {
    const returned = await reviewDecisions.getState().undo();
    const back = returned[0];
    if (back === undefined) return;
    // Back to the item the decision was about, so it can be decided again.
    const at = [...reviewQueue.getState().rows.entries()].find(([, r]) => r.id === back)?.[0];
    if (at !== undefined) reviewQueue.getState().select(at);
  };

  const print = (): void => {
    const d = selectedId === null ? undefined : reviewQueue.getState().details.get(selectedId);
    if (!d) return;
    reviewDecisions.getState().recordAccess({
      action: 'print',
      resourceType: 'review_item',
      resourceId: d.item.id,
      entityId: d.item.entityId ?? undefined,
    });
    window.print();
  };

  const jumpToEvidence = (): void => {
    const stated = fields.filter((f) => f.stated);
    const list = stated.length > 0 ? stated : fields;
    if (list.length === 0) return;
    const at = list.findIndex((f) => f.key === selectedField?.key);
    // The first press shows the current field's evidence; later presses step to the next field.
    const next = scrollNonce === 0 && at >= 0 ? list[at] : list[(at + 1) % list.length];
    if (next) pickField(next.key);
    reveal();
  };

  const onKey = useEffectEvent((e: KeyboardEvent): void => {
    if (dialog !== null || e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
    const queue = reviewQueue.getState();
    const handled = (): void => e.preventDefault();
    switch (e.key) {
      case 'j':
      case 'ArrowDown':
        handled();
        startNavigationTiming(e.timeStamp, queue.selectedId);
        queue.move(1);
        return;
      case 'k':
      case 'ArrowUp':
        handled();
        startNavigationTiming(e.timeStamp, queue.selectedId);
        queue.move(-1);
        return;
      case 'a':
        handled();
        startNavigationTiming(e.timeStamp, queue.selectedId);
        approve();
        return;
      case 'c':
        if (decidable() === null) return;
        handled();
        setDialog('correct');
        return;
      case 'r':
        if (decidable() === null) return;
        handled();
        setDialog('reject');
        return;
      case 'u':
        handled();
        void undo();
        return;
      case 'e':
        handled();
        jumpToEvidence();
        return;
      case 'v':
        handled();
        reveal();
        return;
      case 'x':
        if (queue.selectedId === null) return;
        handled();
        queue.togglePick(queue.selectedId);
        return;
      case 'A':
        if (queue.picked.size === 0 || !canDecide) return;
        handled();
        setDialog('batch-approve');
        return;
      case 'R':
        if (queue.picked.size === 0 || !canDecide) return;
        handled();
        setDialog('batch-reject');
        return;
      case 'p':
        handled();
        print();
        return;
      case '?':
        handled();
        setDialog('shortcuts');
        return;
    }
  });
  useEffect(() => {
    const listener = (e: KeyboardEvent): void => onKey(e);
    document.addEventListener('keydown', listener);
    return () => document.removeEventListener('keydown', listener);
  }, []);

  const title = detail?.item.displayName ?? 'this item';

  return (
    <div className="desk" data-testid="review-desk">
      <div className="desk-head">
        <h1>Review</h1>
        <label className="checkbox">
          <input
            type="checkbox"
            data-testid="hide-confidence"
            checked={hideConfidence}
            onChange={(e) => {
              setHideConfidence(e.target.checked);
              localStorage.setItem(HIDE_CONFIDENCE_KEY, e.target.checked ? '1' : '0');
            }}
          />{' '}
          Hide confidence until I have looked at the evidence
        </label>
        <button
          type="button"
          className="button button-secondary"
          data-testid="show-shortcuts"
          onClick={() => setDialog('shortcuts')}
        >
          Shortcuts <kbd>?</kbd>
        </button>
      </div>
      {[summaryProblem, problem, decisionProblem].map(
        (p, i) =>
          p && (
            <p key={i} role="alert" className="notice notice-error" data-testid="review-problem">
              {p}
            </p>
          ),
      )}
      <QueueToolbar />
      <div aria-live="polite" className="desk-live" data-testid="undo-area">
        {last && (
          <UndoNotice
            label={last.label}
            undoableUntil={last.entry.undoableUntil}
            state={last.entry.state}
            onUndo={() => void undo()}
          />
        )}
        {notice && (
          <p className="notice notice-info" data-testid="undo-message">
            {notice}
          </p>
        )}
      </div>
      {picked.size > 0 && canDecide && (
        <div className="batch-bar" data-testid="batch-bar" role="group" aria-label="Batch decision">
          <span>
            <strong data-testid="batch-picked">{formatCount(picked.size)}</strong>{' '}
            {plural(picked.size, 'item', 'items')} picked
          </span>
          <button
            type="button"
            className="button button-primary"
            data-testid="batch-approve"
            onClick={() => setDialog('batch-approve')}
          >
            Approve picked <kbd>Shift+A</kbd>
          </button>
          <button
            type="button"
            className="button button-danger"
            data-testid="batch-reject"
            onClick={() => setDialog('batch-reject')}
          >
            Reject picked <kbd>Shift+R</kbd>
          </button>
          <button type="button" className="button button-secondary" onClick={() => reviewQueue.getState().clearPicks()}>
            Clear
          </button>
        </div>
      )}
      <div className="desk-body">
        <QueueList />
        <div className="desk-item">
          {detail ? (
            <ItemView
              detail={detail}
              selectedField={selectedField}
              onSelectField={pickField}
              scrollNonce={scrollNonce}
              confidenceHidden={confidenceHidden}
              onReveal={reveal}
              canDecide={canDecide}
              onApprove={approve}
              onCorrect={() => setDialog('correct')}
              onReject={() => setDialog('reject')}
              onPrint={print}
            />
          ) : detailProblem ? (
            <p role="alert" className="notice notice-error" data-testid="item-problem">
              {detailProblem}
            </p>
          ) : (
            total !== 0 && (
              <p className="muted" role="status" data-testid="item-loading">
                Opening the item…
              </p>
            )
          )}
        </div>
      </div>
      {dialog === 'correct' && selectedId !== null && (
        <CorrectDialog
          load={reviewDecisions.getState().correctionSchema}
          itemId={selectedId}
          title={title}
          onSubmit={submitCorrection}
          onClose={() => setDialog(null)}
        />
      )}
      {(dialog === 'reject' || dialog === 'batch-reject') && (
        <RejectDialog
          count={dialog === 'batch-reject' ? picked.size : 1}
          title={title}
          onSubmit={submitRejection}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'batch-approve' && (
        <BatchApproveDialog count={picked.size} onConfirm={confirmBatchApprove} onClose={() => setDialog(null)} />
      )}
      {dialog === 'shortcuts' && <ShortcutSheet onClose={() => setDialog(null)} />}
    </div>
  );
};

/** "Approved · Undo (u) · 7 s": counts down the undo window, then says undo is no longer possible. */
const UndoNotice = ({
  label,
  undoableUntil,
  state,
  onUndo,
}: {
  label: string;
  undoableUntil: string | null;
  state: string;
  onUndo(): void;
}) => {
  const [now, setNow] = useState(() => Date.now());
  const until = undoableUntil === null ? 0 : Date.parse(undoableUntil);
  const open = state === 'pending' && until > now;
  useEffect(() => {
    if (!open) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [open]);
  return (
    <p className="notice notice-info undo" data-testid="undo-toast" data-open={open}>
      {label}.{' '}
      {open ? (
        <>
          <button type="button" className="link-button" data-testid="undo-button" onClick={onUndo}>
            Undo <kbd>u</kbd>
          </button>{' '}
          <span className="muted">({Math.ceil((until - now) / 1000)} s)</span>
        </>
      ) : (
        <span data-testid="undo-closed">
          {state === 'pending' || state === 'sending'
            ? 'Sending now: undo is no longer possible.'
            : 'Sent: undo is no longer possible.'}
        </span>
      )}
    </p>
  );
};
