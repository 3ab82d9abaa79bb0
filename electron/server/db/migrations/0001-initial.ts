/**
 * Schema 1: everything a workspace's local copy holds (architecture.md §3, product.md).
 *
 * Conventions:
 * - One file per (region, workspace), so no table carries a workspace column for scoping;
 *   `meta` records which workspace the file belongs to and appliers check every record against it.
 * - Backend records: the typed columns the app filters, sorts and joins on, plus `raw_json`
 *   (the validated record as pulled) so nothing the backend said is lost, plus `pulled_at`.
 *   Backend enums are not CHECK-constrained here: zod validates them at the boundary, and a CHECK
 *   would need a table rebuild the day the backend adds a value.
 * - Local state (outbox, access log, cursors) is CHECK-constrained: only this app writes it.
 * - Times are UTC ISO text with milliseconds (see timestamps.ts): text order is time order.
 * - Booleans are INTEGER 0/1 with a CHECK. Every table is STRICT.
 * - Foreign keys only where both sides are written together (an item and its events, a call and
 *   its turns). Across streams (review item → entity) they would make pull order matter and turn
 *   a partial pull into a failed one.
 * - Index shapes follow the queries: the review desk (status + one filter + a sort over 100k items)
 *   and the audit reports (a filter + a time range over 1M events).
 */
import type { Migration } from '../migrate';

const SCHEMA = /* sql */ `
CREATE TABLE meta (
  key TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- Review queue ---------------------------------------------------------------------------------

CREATE TABLE review_items (
  id TEXT PRIMARY KEY NOT NULL,
  workspace_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  status TEXT NOT NULL,
  entity_id TEXT,
  entity_type TEXT,
  entity_display_name TEXT,
  priority INTEGER NOT NULL,
  reason TEXT NOT NULL,
  assigned_to TEXT,
  created_at TEXT,
  completed_at TEXT,
  completed_action TEXT,
  -- Lowest confidence among the item's inline events: the desk's "sort by confidence".
  min_confidence REAL,
  event_count INTEGER NOT NULL CHECK (event_count >= 0),
  raw_json TEXT NOT NULL CHECK (json_valid(raw_json)),
  pulled_at TEXT NOT NULL
) STRICT;
-- Desk: a status tab sorted by priority, age or confidence (either direction: a reverse scan).
CREATE INDEX review_items_status_priority ON review_items (status, priority, created_at, id);
CREATE INDEX review_items_status_created ON review_items (status, created_at, id);
CREATE INDEX review_items_status_confidence ON review_items (status, min_confidence, id);
CREATE INDEX review_items_created ON review_items (created_at, id);
-- Desk filters combined with a status tab.
CREATE INDEX review_items_entity_type ON review_items (entity_type, status, created_at);
CREATE INDEX review_items_reason ON review_items (reason, status, created_at);
CREATE INDEX review_items_assigned ON review_items (assigned_to, status, created_at);
CREATE INDEX review_items_priority ON review_items (priority, status);
-- Lineage and the item view: by entity, by call.
CREATE INDEX review_items_entity ON review_items (entity_id, created_at);
CREATE INDEX review_items_session ON review_items (session_id);
CREATE INDEX review_items_completed ON review_items (completed_at) WHERE completed_at IS NOT NULL;

-- One row per id in the item's event_ids (in order), plus inline events not listed there.
-- raw_json is the inline EventSummary, or NULL when the backend listed the id without data.
CREATE TABLE review_item_events (
  review_item_id TEXT NOT NULL REFERENCES review_items (id) ON DELETE CASCADE,
  event_id TEXT NOT NULL,
  position INTEGER NOT NULL CHECK (position >= 0),
  event_type TEXT,
  confidence REAL,
  review_status TEXT,
  fhir_resource_type TEXT,
  fhir_resource_id TEXT,
  created_at TEXT,
  raw_json TEXT CHECK (raw_json IS NULL OR json_valid(raw_json)),
  PRIMARY KEY (review_item_id, event_id)
) STRICT;
CREATE INDEX review_item_events_event ON review_item_events (event_id);

-- Completed items from /review-queue/history: who decided what, when (the audit trail).
CREATE TABLE review_history (
  id TEXT PRIMARY KEY NOT NULL,
  session_id TEXT NOT NULL,
  entity_id TEXT,
  entity_type TEXT,
  status TEXT NOT NULL,
  completed_action TEXT,
  reviewed_by TEXT,
  created_at TEXT,
  completed_at TEXT,
  raw_json TEXT NOT NULL CHECK (json_valid(raw_json)),
  pulled_at TEXT NOT NULL
) STRICT;
CREATE INDEX review_history_completed ON review_history (completed_at);
CREATE INDEX review_history_entity ON review_history (entity_id, completed_at);
CREATE INDEX review_history_reviewer ON review_history (reviewed_by, completed_at);
CREATE INDEX review_history_action ON review_history (completed_action, completed_at);

-- World model ----------------------------------------------------------------------------------

CREATE TABLE entities (
  id TEXT PRIMARY KEY NOT NULL,
  entity_type TEXT NOT NULL,
  display_name TEXT,
  canonical_id TEXT,
  name TEXT,
  email TEXT,
  phone TEXT,
  -- Digits only, so "(555) 010-2030" and "+15550102030" meet in one index lookup.
  phone_digits TEXT GENERATED ALWAYS AS (
    replace(replace(replace(replace(replace(replace(phone, ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), '.', '')
  ) VIRTUAL,
  birth_date TEXT,
  gender TEXT,
  mrn TEXT,
  status TEXT,
  confidence REAL NOT NULL,
  has_projection INTEGER NOT NULL CHECK (has_projection IN (0, 1)),
  event_count INTEGER,
  source TEXT,
  first_seen_at TEXT,
  last_event_at TEXT,
  created_at TEXT,
  updated_at TEXT,
  raw_json TEXT NOT NULL CHECK (json_valid(raw_json)),
  pulled_at TEXT NOT NULL
) STRICT;
CREATE INDEX entities_type_name ON entities (entity_type, display_name COLLATE NOCASE);
CREATE INDEX entities_display_name ON entities (display_name COLLATE NOCASE);
CREATE INDEX entities_name ON entities (name COLLATE NOCASE) WHERE name IS NOT NULL;
CREATE INDEX entities_mrn ON entities (mrn) WHERE mrn IS NOT NULL;
CREATE INDEX entities_phone ON entities (phone_digits) WHERE phone IS NOT NULL;
CREATE INDEX entities_canonical ON entities (canonical_id) WHERE canonical_id IS NOT NULL;
CREATE INDEX entities_last_event ON entities (last_event_at);

-- Every event of an entity's timeline, superseded ones included: a value's supersedes chain is
-- followed through the supersedes column (indexed both ways: by id, and by what it supersedes).
CREATE TABLE entity_events (
  id TEXT PRIMARY KEY NOT NULL,
  entity_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  event_subtype TEXT,
  domain TEXT NOT NULL,
  entity_type TEXT,
  confidence REAL NOT NULL,
  source TEXT NOT NULL,
  source_system TEXT,
  produced_by_agent TEXT,
  effective_at TEXT,
  ingested_at TEXT,
  created_at TEXT,
  supersedes TEXT,
  is_current INTEGER NOT NULL CHECK (is_current IN (0, 1)),
  fhir_resource_type TEXT,
  fhir_resource_id TEXT,
  sync_status TEXT,
  sync_error TEXT,
  synced_at TEXT,
  raw_json TEXT NOT NULL CHECK (json_valid(raw_json)),
  pulled_at TEXT NOT NULL
) STRICT;
-- Timeline and point-in-time ("as believed at T": ingested_at <= T).
CREATE INDEX entity_events_entity_effective ON entity_events (entity_id, effective_at);
CREATE INDEX entity_events_entity_ingested ON entity_events (entity_id, ingested_at);
CREATE INDEX entity_events_supersedes ON entity_events (supersedes) WHERE supersedes IS NOT NULL;
CREATE INDEX entity_events_fhir ON entity_events (fhir_resource_type, fhir_resource_id) WHERE fhir_resource_id IS NOT NULL;
CREATE INDEX entity_events_sync_status ON entity_events (sync_status, entity_id) WHERE sync_status IS NOT NULL;

-- Per-key value history (newest first in the API), superseded entries included.
CREATE TABLE enrichment_history (
  entity_id TEXT NOT NULL,
  key TEXT NOT NULL,
  event_id TEXT NOT NULL,
  value_json TEXT NOT NULL CHECK (json_valid(value_json)),
  value_type TEXT NOT NULL,
  confidence REAL NOT NULL,
  source TEXT NOT NULL,
  source_system TEXT,
  effective_at TEXT,
  ingested_at TEXT NOT NULL,
  supersedes TEXT,
  is_current INTEGER NOT NULL CHECK (is_current IN (0, 1)),
  raw_json TEXT NOT NULL CHECK (json_valid(raw_json)),
  pulled_at TEXT NOT NULL,
  PRIMARY KEY (entity_id, key, event_id)
) STRICT;
CREATE INDEX enrichment_history_timeline ON enrichment_history (entity_id, key, ingested_at);
CREATE INDEX enrichment_history_event ON enrichment_history (event_id);

-- same_as edges (GET …/merged): raw_json is the linked entity as the API answered it.
CREATE TABLE entity_merges (
  entity_id TEXT NOT NULL,
  linked_entity_id TEXT NOT NULL,
  confidence REAL,
  raw_json TEXT NOT NULL CHECK (json_valid(raw_json)),
  pulled_at TEXT NOT NULL,
  PRIMARY KEY (entity_id, linked_entity_id)
) STRICT;
CREATE INDEX entity_merges_linked ON entity_merges (linked_entity_id);

-- Lineage and provenance are untyped objects in the API: kept whole, rendered generically.
CREATE TABLE entity_lineage (
  entity_id TEXT PRIMARY KEY NOT NULL,
  raw_json TEXT NOT NULL CHECK (json_valid(raw_json)),
  pulled_at TEXT NOT NULL
) STRICT;
CREATE TABLE entity_provenance (
  entity_id TEXT PRIMARY KEY NOT NULL,
  raw_json TEXT NOT NULL CHECK (json_valid(raw_json)),
  pulled_at TEXT NOT NULL
) STRICT;

-- Calls and transcripts --------------------------------------------------------------------------

-- raw_json is the call without its turns; each turn's raw JSON is in call_turns (no copy twice).
CREATE TABLE calls (
  id TEXT PRIMARY KEY NOT NULL,
  call_sid TEXT,
  direction TEXT,
  status TEXT NOT NULL,
  call_start_time TEXT,
  call_end_time TEXT,
  duration_seconds REAL NOT NULL,
  caller_id TEXT,
  phone_number TEXT,
  completion_reason TEXT,
  turn_count INTEGER NOT NULL CHECK (turn_count >= 0),
  raw_json TEXT NOT NULL CHECK (json_valid(raw_json)),
  pulled_at TEXT NOT NULL
) STRICT;
CREATE INDEX calls_start ON calls (call_start_time);
CREATE INDEX calls_phone ON calls (phone_number) WHERE phone_number IS NOT NULL;
CREATE INDEX calls_sid ON calls (call_sid) WHERE call_sid IS NOT NULL;

CREATE TABLE call_turns (
  call_id TEXT NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
  position INTEGER NOT NULL CHECK (position >= 0),
  turn_id TEXT,
  timestamp TEXT,
  speaker_id TEXT,
  speaker_role TEXT,
  agent_transcript TEXT,
  user_transcript TEXT,
  agent_speech_start_ms REAL,
  agent_speech_end_ms REAL,
  user_speech_start_ms REAL,
  user_speech_end_ms REAL,
  stt_confidence REAL,
  interrupted INTEGER NOT NULL CHECK (interrupted IN (0, 1)),
  state TEXT NOT NULL,
  raw_json TEXT NOT NULL CHECK (json_valid(raw_json)),
  PRIMARY KEY (call_id, position)
) STRICT;

-- Outbound sync (sinks) --------------------------------------------------------------------------

CREATE TABLE sinks (
  data_source_id TEXT PRIMARY KEY NOT NULL,
  name TEXT NOT NULL,
  source_type TEXT NOT NULL,
  total INTEGER NOT NULL CHECK (total >= 0),
  synced INTEGER NOT NULL CHECK (synced >= 0),
  failed INTEGER NOT NULL CHECK (failed >= 0),
  pending INTEGER NOT NULL CHECK (pending >= 0),
  raw_json TEXT NOT NULL CHECK (json_valid(raw_json)),
  pulled_at TEXT NOT NULL
) STRICT;

-- Per (event, sink) delivery state. data_source_id is '' when the backend did not name a sink
-- (a NULL in a primary key would not be unique).
CREATE TABLE sync_events (
  event_id TEXT NOT NULL,
  data_source_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  entity_id TEXT,
  entity_type TEXT,
  display_name TEXT,
  source TEXT NOT NULL,
  source_system TEXT,
  fhir_resource_type TEXT,
  fhir_resource_id TEXT,
  sync_status TEXT NOT NULL,
  sync_error TEXT,
  synced_at TEXT,
  created_at TEXT,
  raw_json TEXT NOT NULL CHECK (json_valid(raw_json)),
  pulled_at TEXT NOT NULL,
  PRIMARY KEY (event_id, data_source_id)
) STRICT;
CREATE INDEX sync_events_entity ON sync_events (entity_id, data_source_id);
CREATE INDEX sync_events_status ON sync_events (sync_status, data_source_id, created_at);
CREATE INDEX sync_events_fhir ON sync_events (fhir_resource_type, fhir_resource_id) WHERE fhir_resource_id IS NOT NULL;

-- Audit ------------------------------------------------------------------------------------------

-- The backend's audit log. Every filter of GET /audit has an index led by it and followed by
-- timestamp, so "filter + date range, newest first" is an index range scan at 1M rows.
CREATE TABLE audit_events (
  id TEXT PRIMARY KEY NOT NULL,
  timestamp TEXT NOT NULL,
  service TEXT NOT NULL,
  actor_entity_id TEXT,
  actor_credential_id TEXT,
  action TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  resource_id TEXT,
  resource_name TEXT,
  phi_accessed INTEGER NOT NULL CHECK (phi_accessed IN (0, 1)),
  ip_address TEXT,
  user_agent TEXT,
  raw_json TEXT NOT NULL CHECK (json_valid(raw_json)),
  pulled_at TEXT NOT NULL
) STRICT;
CREATE INDEX audit_events_time ON audit_events (timestamp, id);
CREATE INDEX audit_events_phi_time ON audit_events (timestamp, id) WHERE phi_accessed = 1;
CREATE INDEX audit_events_service ON audit_events (service, timestamp);
CREATE INDEX audit_events_action ON audit_events (action, timestamp);
CREATE INDEX audit_events_actor ON audit_events (actor_entity_id, timestamp);
CREATE INDEX audit_events_credential ON audit_events (actor_credential_id, timestamp);
CREATE INDEX audit_events_resource ON audit_events (resource_id, timestamp);
CREATE INDEX audit_events_resource_type ON audit_events (resource_type, timestamp);

-- Compliance -------------------------------------------------------------------------------------

CREATE TABLE retention_policy (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  call_recordings_days INTEGER NOT NULL,
  call_transcripts_days INTEGER NOT NULL,
  audit_log_days INTEGER NOT NULL,
  world_events_days INTEGER NOT NULL,
  phi_data_days INTEGER NOT NULL,
  legal_hold INTEGER NOT NULL CHECK (legal_hold IN (0, 1)),
  legal_hold_reason TEXT,
  raw_json TEXT NOT NULL CHECK (json_valid(raw_json)),
  pulled_at TEXT NOT NULL
) STRICT;

-- Reports whose bodies are largely untyped: kind = hipaa | access_review | dashboard |
-- audit_summary…, params = the canonical query that produced it ('' for none).
CREATE TABLE compliance_reports (
  kind TEXT NOT NULL,
  params TEXT NOT NULL DEFAULT '',
  generated_at TEXT,
  raw_json TEXT NOT NULL CHECK (json_valid(raw_json)),
  pulled_at TEXT NOT NULL,
  PRIMARY KEY (kind, params)
) STRICT;

-- Sync bookkeeping ---------------------------------------------------------------------------------

CREATE TABLE sync_cursors (
  stream TEXT PRIMARY KEY NOT NULL,
  cursor TEXT,
  last_page_at TEXT,
  last_success_at TEXT,
  last_error TEXT,
  last_error_at TEXT,
  stored_count INTEGER NOT NULL DEFAULT 0 CHECK (stored_count >= 0),
  total INTEGER CHECK (total IS NULL OR total >= 0),
  updated_at TEXT NOT NULL
) STRICT;

-- Intents waiting for the backend (approve, correct, reject, claim…). seq orders them and is never
-- reused (AUTOINCREMENT). Nothing is dropped: only rows the server accepted may ever be deleted.
CREATE TABLE outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  idempotency_key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  item_id TEXT,
  payload_json TEXT NOT NULL CHECK (json_valid(payload_json)),
  state TEXT NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'sending', 'sent', 'quarantined', 'withdrawn')),
  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error TEXT,
  -- The backend's refusal, shown to the user for a quarantined intent.
  server_reason TEXT,
  next_attempt_at TEXT,
  created_by_sub TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX outbox_state_seq ON outbox (state, seq);
CREATE INDEX outbox_item ON outbox (item_id, state) WHERE item_id IS NOT NULL;
CREATE INDEX outbox_kind_state ON outbox (kind, state);
CREATE TRIGGER outbox_keep_unsent BEFORE DELETE ON outbox WHEN OLD.state <> 'sent'
BEGIN
  SELECT RAISE(ABORT, 'outbox: only sent intents may be deleted');
END;

-- Every time the app shows PHI (product.md "the app audits itself"). Append-only and hash-chained:
-- hash = SHA-256 over prev_hash and the entry's canonical fields, so a removed or edited entry
-- breaks the chain. Only the delivery columns may change, and only from undelivered to delivered.
CREATE TABLE local_access_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  actor_sub TEXT NOT NULL,
  actor_name TEXT,
  entity_id TEXT,
  resource_type TEXT NOT NULL,
  resource_id TEXT,
  action TEXT NOT NULL,
  device_id TEXT NOT NULL,
  online INTEGER NOT NULL CHECK (online IN (0, 1)),
  local_time TEXT NOT NULL,
  tz_offset_minutes INTEGER,
  details_json TEXT CHECK (details_json IS NULL OR json_valid(details_json)),
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  delivered INTEGER NOT NULL DEFAULT 0 CHECK (delivered IN (0, 1)),
  delivered_at TEXT,
  server_time TEXT
) STRICT;
CREATE INDEX local_access_log_undelivered ON local_access_log (seq) WHERE delivered = 0;
CREATE INDEX local_access_log_entity ON local_access_log (entity_id, local_time);
CREATE INDEX local_access_log_actor ON local_access_log (actor_sub, local_time);
CREATE TRIGGER local_access_log_no_delete BEFORE DELETE ON local_access_log
BEGIN
  SELECT RAISE(ABORT, 'local_access_log is append-only');
END;
CREATE TRIGGER local_access_log_no_edit BEFORE UPDATE OF
  seq, id, actor_sub, actor_name, entity_id, resource_type, resource_id, action, device_id, online,
  local_time, tz_offset_minutes, details_json, prev_hash, hash
ON local_access_log
BEGIN
  SELECT RAISE(ABORT, 'local_access_log entries cannot be edited');
END;
CREATE TRIGGER local_access_log_no_undeliver BEFORE UPDATE OF delivered ON local_access_log
WHEN OLD.delivered = 1 AND NEW.delivered = 0
BEGIN
  SELECT RAISE(ABORT, 'local_access_log: a delivered entry stays delivered');
END;
`;

export const migration0001Initial: Migration = {
  version: 1,
  name: '0001-initial',
  up: (db) => {
    db.exec(SCHEMA);
  },
};
