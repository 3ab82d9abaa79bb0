import { LocalCopyStamp } from '../sync/LocalCopyStamp';

/** Not built yet: says plainly what will be here, and shows no made-up data. */
export const LineageSection = () => (
  <>
    <h1>Lineage</h1>
    <div className="empty-state" data-testid="lineage-empty">
      <p className="empty-title">Lineage is not available in this version yet.</p>
      <p>
        Here you will look up a patient or entity by name, MRN, phone, call or id, and see where each value came from,
        how its confidence changed, who reviewed it, which systems received it, and what was believed at any point in
        time.
      </p>
      <p>
        It works from the local copy on this computer, so it stays available without a network connection, stamped with
        the time of the last sync.
      </p>
      <LocalCopyStamp />
    </div>
  </>
);
