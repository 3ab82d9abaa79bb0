/** The detail drawer: one event as the backend recorded it, metadata shown as text. */
import { useEffect, useRef } from 'react';
import { DateTime } from '../../components/DateTime';
import { useAudit } from './use-audit';

export const EventDetail = () => {
  const detail = useAudit((s) => s.detail);
  const close = useAudit((s) => s.closeEvent);
  const ref = useRef<HTMLDialogElement>(null);
  const open = detail.status !== 'idle';

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  const event = detail.view?.event;
  return (
    <dialog
      ref={ref}
      className="drawer"
      aria-labelledby="audit-detail-title"
      onClose={close}
      data-testid="audit-detail"
    >
      <h2 id="audit-detail-title">Audit event</h2>
      {detail.status === 'loading' && <p role="status">Loading…</p>}
      {detail.problem && (
        <p role="alert" className="notice notice-error">
          {detail.problem}
        </p>
      )}
      {event && detail.view && (
        <>
          <dl className="facts">
            <div>
              <dt>When</dt>
              <dd>
                <DateTime value={event.timestamp} />
              </dd>
            </div>
            <div>
              <dt>Action</dt>
              <dd>
                {event.action} ({event.service})
              </dd>
            </div>
            <div>
              <dt>Actor</dt>
              <dd className="mono">{event.actor_entity_id ?? '(none)'}</dd>
            </div>
            <div>
              <dt>Resource</dt>
              <dd>
                {event.resource_type} <span className="mono">{event.resource_id ?? ''}</span>
              </dd>
            </div>
            <div>
              <dt>From</dt>
              <dd>
                {event.ip_address ?? '—'} · {event.user_agent ?? '—'}
              </dd>
            </div>
            {detail.view.localEvent && (
              <div>
                <dt>Recorded by Attest</dt>
                <dd data-testid="audit-detail-local">
                  Access event {detail.view.localEvent.id} on device {detail.view.localEvent.deviceId}
                </dd>
              </div>
            )}
          </dl>
          <h3>Metadata</h3>
          <pre className="metadata" data-testid="audit-detail-metadata">
            {JSON.stringify(event.metadata ?? null, null, 2)}
          </pre>
        </>
      )}
      <button type="button" className="button" onClick={close} data-testid="audit-detail-close">
        Close
      </button>
    </dialog>
  );
};
