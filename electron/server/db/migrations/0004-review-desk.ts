/**
 * Schema 4: what the review desk needs to answer at 100k items (issue 5).
 *
 * - `review_items.criticality`: the weight of the item's riskiest field (shared/review/review-risk),
 *   so the risk order (1 − lowest confidence) × criticality × age is computed from columns of the
 *   row itself, without reading each item's events.
 * - `review_items.patient_entity_id`: the patient an item is about (the entity itself for a
 *   patient item, else the patient its entity or events name), so a search by patient name, MRN
 *   or phone is an index lookup from the patient to the items.
 * - `calls_caller`: search by the caller's number.
 * - `review_correction_schemas`: the backend's correction form per item, cached for offline use.
 *
 * Existing rows are backfilled from their raw JSON with the same functions the writer uses.
 */
import { reviewItem } from '../../../../shared/amigo/review';
import { itemCriticality, itemPatientEntityId } from '../../modules/review/review-derived';
import type { Migration } from '../migrate';
import { sql } from '../sql';

const SCHEMA = /* sql */ `
ALTER TABLE review_items ADD COLUMN criticality REAL NOT NULL DEFAULT 0.5 CHECK (criticality >= 0 AND criticality <= 1);
ALTER TABLE review_items ADD COLUMN patient_entity_id TEXT;
CREATE INDEX review_items_patient ON review_items (patient_entity_id) WHERE patient_entity_id IS NOT NULL;
CREATE INDEX calls_caller ON calls (caller_id) WHERE caller_id IS NOT NULL;

CREATE TABLE review_correction_schemas (
  item_id TEXT PRIMARY KEY NOT NULL,
  raw_json TEXT NOT NULL CHECK (json_valid(raw_json)),
  fetched_at TEXT NOT NULL
) STRICT;
`;

export const migration0004ReviewDesk: Migration = {
  version: 4,
  name: '0004-review-desk',
  up: (db) => {
    db.exec(SCHEMA);
    const rows = db.all<{ id: string; raw_json: string }>(sql`SELECT id, raw_json FROM review_items`);
    for (const row of rows) {
      const parsed = reviewItem.safeParse(JSON.parse(row.raw_json));
      // A row that no longer parses keeps the defaults; the next pull rewrites it.
      if (!parsed.success) continue;
      db.run(sql`UPDATE review_items SET criticality = ${itemCriticality(parsed.data)},
        patient_entity_id = ${itemPatientEntityId(parsed.data)} WHERE id = ${row.id}`);
    }
  },
};
