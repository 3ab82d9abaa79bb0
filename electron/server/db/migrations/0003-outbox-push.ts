/**
 * Schema 3: what pushing decisions needs (issue 4, security-bar §4.2).
 *
 * - `outbox` is rebuilt (SQLite cannot change a CHECK in place): a `conflict` state, entries that
 *   carry several items (a batch call holds up to 100), the undo window (`not_before`), when the
 *   request first left (`first_sent_at`, which reconciliation needs after an unknown outcome),
 *   what the server answered, and the resubmit/withdraw links. Nothing is ever dropped: the
 *   delete guard stays, and an entry's identity and frozen payload can no longer be edited (D-12).
 * - `outbox_items`: one row per (entry, item) with that item's own outcome, so "is this item
 *   waiting to sync?" is one index lookup, and a batch can be partly applied.
 * - `review_item_local`: the latest live intent per item (withdrawn and superseded entries left
 *   out), for the review desk to join on.
 * - `local_access_log` gains delivery bookkeeping (which audited backend read carried the event,
 *   attempts, the last error, and whether no read can carry it); the append-only triggers of
 *   schema 1 still cover every original column.
 * - `device_identity`: the random id access events name as their device.
 */
import type { Migration } from '../migrate';

const SCHEMA = /* sql */ `
CREATE TABLE outbox_next (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  idempotency_key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL
    CHECK (kind IN ('approve', 'correct', 'reject', 'batch_approve', 'batch_reject', 'claim', 'unclaim')),
  -- The first (for single-item kinds: the only) item; every item is in outbox_items.
  item_id TEXT,
  item_count INTEGER NOT NULL DEFAULT 1 CHECK (item_count >= 1),
  -- The API request body, frozen at enqueue time: exactly what is sent.
  payload_json TEXT NOT NULL CHECK (json_valid(payload_json)),
  -- What the person chose (reason code, text, corrected values), to prefill a fix-and-resubmit form.
  decision_json TEXT CHECK (decision_json IS NULL OR json_valid(decision_json)),
  state TEXT NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'sending', 'sent', 'quarantined', 'withdrawn', 'conflict')),
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error TEXT,
  server_reason TEXT,
  next_attempt_at TEXT,
  -- End of the undo window: a decision is not sent before it (NULL: send at once).
  not_before TEXT,
  -- When the request first left the machine (state sending): reconciliation looks from there.
  first_sent_at TEXT,
  sent_at TEXT,
  result_json TEXT CHECK (result_json IS NULL OR json_valid(result_json)),
  resubmit_of TEXT,
  superseded_by TEXT,
  withdrawn_at TEXT,
  withdrawn_by_sub TEXT,
  created_by_sub TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

INSERT INTO outbox_next (seq, id, idempotency_key, kind, item_id, payload_json, state, attempts, last_error,
  server_reason, next_attempt_at, created_by_sub, created_at, updated_at)
SELECT seq, id, idempotency_key, kind, item_id, payload_json, state, attempts, last_error, server_reason,
  next_attempt_at, created_by_sub, created_at, updated_at
FROM outbox ORDER BY seq;

DROP TABLE outbox;
ALTER TABLE outbox_next RENAME TO outbox;

CREATE INDEX outbox_state_seq ON outbox (state, seq);
CREATE INDEX outbox_item ON outbox (item_id, state) WHERE item_id IS NOT NULL;
CREATE INDEX outbox_kind_state ON outbox (kind, state);
CREATE INDEX outbox_resubmit_of ON outbox (resubmit_of) WHERE resubmit_of IS NOT NULL;

CREATE TRIGGER outbox_keep_unsent BEFORE DELETE ON outbox WHEN OLD.state <> 'sent'
BEGIN
  SELECT RAISE(ABORT, 'outbox: only sent intents may be deleted');
END;
CREATE TRIGGER outbox_frozen BEFORE UPDATE OF
  seq, id, idempotency_key, kind, item_id, item_count, payload_json, decision_json, created_by_sub, created_at
ON outbox
BEGIN
  SELECT RAISE(ABORT, 'outbox: an intent is frozen once queued; queue a new one instead');
END;

CREATE TABLE outbox_items (
  entry_seq INTEGER NOT NULL REFERENCES outbox (seq),
  item_id TEXT NOT NULL,
  position INTEGER NOT NULL CHECK (position >= 0),
  outcome TEXT NOT NULL DEFAULT 'pending' CHECK (outcome IN ('pending', 'applied', 'refused', 'conflict')),
  detail TEXT,
  PRIMARY KEY (entry_seq, item_id)
) STRICT;
CREATE INDEX outbox_items_item ON outbox_items (item_id, entry_seq);

INSERT INTO outbox_items (entry_seq, item_id, position, outcome)
SELECT seq, item_id, 0, CASE WHEN state = 'sent' THEN 'applied' ELSE 'pending' END FROM outbox WHERE item_id IS NOT NULL;

CREATE VIEW review_item_local AS
SELECT oi.item_id AS item_id, o.id AS entry_id, o.kind AS kind, o.state AS state, oi.outcome AS outcome,
  o.server_reason AS server_reason, o.not_before AS not_before, o.created_at AS created_at, o.updated_at AS updated_at
FROM outbox_items oi JOIN outbox o ON o.seq = oi.entry_seq
WHERE oi.entry_seq = (
  SELECT max(x.entry_seq) FROM outbox_items x JOIN outbox y ON y.seq = x.entry_seq
  WHERE x.item_id = oi.item_id AND y.state <> 'withdrawn' AND y.superseded_by IS NULL
);

ALTER TABLE local_access_log ADD COLUMN delivery_path TEXT;
ALTER TABLE local_access_log ADD COLUMN delivery_attempts INTEGER NOT NULL DEFAULT 0 CHECK (delivery_attempts >= 0);
ALTER TABLE local_access_log ADD COLUMN delivery_error TEXT;
ALTER TABLE local_access_log ADD COLUMN undeliverable INTEGER NOT NULL DEFAULT 0 CHECK (undeliverable IN (0, 1));
ALTER TABLE local_access_log ADD COLUMN outbox_entry_id TEXT;

CREATE TABLE device_identity (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  device_id TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
`;

export const migration0003OutboxPush: Migration = {
  version: 3,
  name: '0003-outbox-push',
  up: (db) => {
    db.exec(SCHEMA);
  },
};
