/**
 * Schema 2: what the pull needs beyond 0001 to be incremental and to mark vanished records.
 *
 * - `pull_marks`: per dependent record (an entity the queue touches, the call behind an item) when
 *   a refresh was last asked for (`wanted_at`: a queue page showed the item changed, or the event
 *   stream announced a decision) and when it was last pulled (`pulled_at`: the time the fetch
 *   STARTED, so a want that arrives during a fetch still wins). A record needs a pull when it was
 *   never pulled or wanted after its last pull. `gone_*`: the backend answered 403/404 for it; the
 *   local copy is kept and marked, with the backend's reason, instead of being retried forever.
 * - `review_items.gone_reason` / `gone_at`: an open item the backend now refuses (403) or no longer
 *   knows (404) when re-read stays visible with the reason until the next complete pass of the
 *   queue settles it; the review desk shows it as gone rather than offering a decision on it.
 */
import type { Migration } from '../migrate';

const SCHEMA = /* sql */ `
CREATE TABLE pull_marks (
  kind TEXT NOT NULL CHECK (kind IN ('entity', 'call')),
  id TEXT NOT NULL,
  wanted_at TEXT NOT NULL,
  pulled_at TEXT,
  gone_status INTEGER CHECK (gone_status IS NULL OR gone_status IN (403, 404)),
  gone_reason TEXT,
  PRIMARY KEY (kind, id)
) STRICT, WITHOUT ROWID;
-- The pull's work list: what was never pulled or was wanted again since.
CREATE INDEX pull_marks_due ON pull_marks (kind, wanted_at) WHERE pulled_at IS NULL OR wanted_at > pulled_at;

ALTER TABLE review_items ADD COLUMN gone_reason TEXT;
ALTER TABLE review_items ADD COLUMN gone_at TEXT;
`;

export const migration0002PullMarks: Migration = {
  version: 2,
  name: '0002-pull-marks',
  up: (db) => {
    db.exec(SCHEMA);
  },
};
