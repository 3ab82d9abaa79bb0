import type { EntityLineageView } from '../../../shared/contract/lineage.views';
import { DateTime } from '../../components/DateTime';
import { useSession } from '../../stores/stores-context';
import { actionLabel, fieldLabel, formatValue, shortId } from './lineage-format';

/** Every review item about the entity: verdict, reviewer, reasons, notes, and what changed. */
export const ReviewHistoryPanel = ({ view }: { view: EntityLineageView }) => {
  const me = useSession((s) => s.session?.user?.sub ?? null);
  return (
    <section className="lineage-panel" aria-labelledby="lineage-reviews-heading">
      <h2 id="lineage-reviews-heading">Review history</h2>
      {view.reviews.length === 0 ? (
        <p className="muted">No review item concerns this entity.</p>
      ) : (
        <table className="data-table" data-testid="lineage-reviews">
          <thead>
            <tr>
              <th scope="col">Decided</th>
              <th scope="col">Verdict</th>
              <th scope="col">Reviewer</th>
              <th scope="col">Why it was flagged</th>
              <th scope="col">Reason, notes</th>
              <th scope="col">What changed</th>
            </tr>
          </thead>
          <tbody>
            {view.reviews.map((r) => (
              <tr key={r.itemId} data-testid="review-record" data-item-id={r.itemId} data-action={r.action ?? 'open'}>
                <td>
                  {r.completedAt ? <DateTime value={r.completedAt} /> : <span className="muted">not decided</span>}
                  <div className="mono muted" title={r.itemId}>
                    item {shortId(r.itemId)}
                  </div>
                  {r.callId ? (
                    <div className="mono muted" title={r.callId}>
                      call {shortId(r.callId)}
                    </div>
                  ) : null}
                </td>
                <td data-testid="review-verdict">{actionLabel(r.action)}</td>
                <td className="mono" data-testid="review-reviewer">
                  {r.reviewer ?? '—'}
                  {r.reviewer !== null && r.reviewer === me ? <span className="muted"> (you)</span> : null}
                </td>
                <td>{r.reason ? r.reason.replace(/_/g, ' ') : '—'}</td>
                <td dir="auto">
                  {r.rejectionReason ? <div data-testid="review-rejection-reason">{r.rejectionReason}</div> : null}
                  {r.notes ? <div>{r.notes}</div> : null}
                  {!r.rejectionReason && !r.notes ? '—' : null}
                </td>
                <td>
                  {r.diffs.length === 0 && r.rejectedValues.length === 0 ? '—' : null}
                  {r.diffs.length > 0 && (
                    <ul className="plain-list" data-testid="review-diffs">
                      {r.diffs.map((d) => (
                        <li key={`${d.eventId}-${d.field}`} data-field={d.field} dir="auto">
                          {fieldLabel(d.field)}: <del>{formatValue(d.before)}</del> → <ins>{formatValue(d.after)}</ins>
                        </li>
                      ))}
                    </ul>
                  )}
                  {r.rejectedValues.length > 0 && (
                    <ul className="plain-list" data-testid="review-rejected-values">
                      {r.rejectedValues.map((v) => (
                        <li key={`${v.eventId}-${v.field}`} dir="auto">
                          {fieldLabel(v.field)}: <del>{formatValue(v.value)}</del>
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
};
