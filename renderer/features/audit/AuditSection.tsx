import { LocalCopyStamp } from '../sync/LocalCopyStamp';

/** Not built yet (admin and owner only): says plainly what will be here, and shows no made-up data. */
export const AuditSection = () => (
  <>
    <h1>Audit</h1>
    <div className="empty-state" data-testid="audit-empty">
      <p className="empty-title">Audit reports are not available in this version yet.</p>
      <p>
        Here you will browse the workspace&apos;s audit events and produce PHI access reports: who accessed which
        patient&apos;s data, when and from where, and what a given person accessed. Reports can be exported, and every
        export is itself audited.
      </p>
      <p>
        They work from the local copy on this computer, so they stay available without a network connection, stamped
        with the time of the last sync.
      </p>
      <LocalCopyStamp />
    </div>
  </>
);
