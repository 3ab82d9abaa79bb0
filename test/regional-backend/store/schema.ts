/**
 * The simulator's SQLite schema. Every table keeps the record's raw API JSON (`raw`) beside the
 * columns that queries filter or sort on, so nothing a dataset said is lost and responses are
 * rebuilt from the stored JSON with the mutable columns (confidence, status …) laid over it.
 * Dates that are sorted or compared are stored as epoch milliseconds (`*_ms`): ISO strings from a
 * dataset may mix offsets and precisions, which would not sort as text.
 */
export const SCHEMA_VERSION = 1;

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

CREATE TABLE IF NOT EXISTS workspaces (id TEXT PRIMARY KEY, raw TEXT NOT NULL) STRICT;

CREATE TABLE IF NOT EXISTS entities (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  workspace_id TEXT NOT NULL,
  entity_type TEXT NOT NULL,
  source TEXT,
  has_projection INTEGER NOT NULL DEFAULT 0,
  search TEXT NOT NULL,
  base_state TEXT,
  raw TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS entities_ws_type ON entities(workspace_id, entity_type, seq);
-- Covering index for the q search: a substring LIKE scans this narrow index, not the wide rows.
CREATE INDEX IF NOT EXISTS entities_ws_search ON entities(workspace_id, search);

CREATE TABLE IF NOT EXISTS entity_events (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  workspace_id TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  event_type TEXT,
  domain TEXT,
  source TEXT,
  source_system TEXT,
  confidence REAL NOT NULL,
  review_status TEXT NOT NULL DEFAULT 'raw',
  is_current INTEGER NOT NULL DEFAULT 1,
  supersedes TEXT,
  effective_ms INTEGER,
  ingested_ms INTEGER,
  created_ms INTEGER,
  sync_status TEXT,
  sync_error TEXT,
  synced_at TEXT,
  verdict_reason TEXT,
  has_record INTEGER NOT NULL DEFAULT 1,
  raw TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS events_entity ON entity_events(entity_id, is_current, effective_ms);
CREATE INDEX IF NOT EXISTS events_supersedes ON entity_events(supersedes) WHERE supersedes IS NOT NULL;

CREATE TABLE IF NOT EXISTS review_items (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  workspace_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  entity_id TEXT,
  entity_type TEXT,
  priority INTEGER NOT NULL,
  reason TEXT NOT NULL,
  status TEXT NOT NULL,
  assigned_to TEXT,
  created_ms INTEGER,
  claimed_ms INTEGER,
  completed_ms INTEGER,
  completed_action TEXT,
  completed_by TEXT,
  confidence REAL,
  verdict_notes TEXT,
  verdict_reason TEXT,
  raw TEXT NOT NULL
) STRICT;
-- One open (pending or claimed) item per entity: the backend's entity-level dedup.
CREATE UNIQUE INDEX IF NOT EXISTS review_open_entity ON review_items(workspace_id, entity_id)
  WHERE status IN ('pending', 'in_progress') AND entity_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS review_ws_created ON review_items(workspace_id, created_ms, seq);
CREATE INDEX IF NOT EXISTS review_ws_status_created ON review_items(workspace_id, status, created_ms, seq);
CREATE INDEX IF NOT EXISTS review_ws_status_priority ON review_items(workspace_id, status, priority, seq);
CREATE INDEX IF NOT EXISTS review_ws_priority ON review_items(workspace_id, priority, seq);
CREATE INDEX IF NOT EXISTS review_ws_status_confidence ON review_items(workspace_id, status, confidence, seq);
CREATE INDEX IF NOT EXISTS review_ws_confidence ON review_items(workspace_id, confidence, seq);
CREATE INDEX IF NOT EXISTS review_ws_assigned ON review_items(workspace_id, assigned_to, status);
CREATE INDEX IF NOT EXISTS review_ws_completed_all ON review_items(workspace_id, completed_ms, seq);

CREATE TABLE IF NOT EXISTS review_item_events (
  item_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  pos INTEGER NOT NULL,
  PRIMARY KEY (item_id, event_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS review_item_events_event ON review_item_events(event_id);

CREATE TABLE IF NOT EXISTS enrichment (
  seq INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  workspace_id TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  key TEXT NOT NULL,
  confidence REAL NOT NULL,
  is_current INTEGER NOT NULL,
  ingested_ms INTEGER,
  raw TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS enrichment_entity_key ON enrichment(entity_id, key, ingested_ms);

CREATE TABLE IF NOT EXISTS merges (
  workspace_id TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  linked_entity_id TEXT NOT NULL,
  confidence REAL NOT NULL,
  PRIMARY KEY (entity_id, linked_entity_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS merges_linked ON merges(linked_entity_id);

CREATE TABLE IF NOT EXISTS calls (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  workspace_id TEXT NOT NULL,
  call_sid TEXT,
  raw TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS calls_ws_sid ON calls(workspace_id, call_sid);

CREATE TABLE IF NOT EXISTS sinks (
  data_source_id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  name TEXT NOT NULL,
  source_type TEXT NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS sync_events (
  seq INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL,
  data_source_id TEXT NOT NULL,
  workspace_id TEXT NOT NULL,
  entity_id TEXT,
  sync_status TEXT NOT NULL,
  source_system TEXT,
  fhir_resource_type TEXT,
  fhir_resource_id TEXT,
  sync_error TEXT,
  synced_at TEXT,
  created_ms INTEGER,
  synced_ms INTEGER,
  raw TEXT NOT NULL,
  UNIQUE (event_id, data_source_id)
) STRICT;
CREATE INDEX IF NOT EXISTS sync_ws_status ON sync_events(workspace_id, sync_status, created_ms, seq);
CREATE INDEX IF NOT EXISTS sync_entity ON sync_events(entity_id);
CREATE INDEX IF NOT EXISTS sync_ws_sink_status ON sync_events(workspace_id, data_source_id, sync_status);
CREATE INDEX IF NOT EXISTS sync_ws_status_synced ON sync_events(workspace_id, sync_status, synced_ms);

CREATE TABLE IF NOT EXISTS audit_events (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  workspace_id TEXT NOT NULL,
  ts_ms INTEGER NOT NULL,
  service TEXT NOT NULL,
  action TEXT NOT NULL,
  actor_entity_id TEXT,
  resource_type TEXT NOT NULL,
  resource_id TEXT,
  phi INTEGER NOT NULL,
  raw TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS audit_ws_ts ON audit_events(workspace_id, ts_ms, seq);
CREATE INDEX IF NOT EXISTS audit_ws_phi_ts ON audit_events(workspace_id, phi, ts_ms, seq);
CREATE INDEX IF NOT EXISTS audit_ws_resource_ts ON audit_events(workspace_id, resource_id, ts_ms, seq);
CREATE INDEX IF NOT EXISTS audit_ws_actor_ts ON audit_events(workspace_id, actor_entity_id, ts_ms, seq);
CREATE INDEX IF NOT EXISTS audit_ws_service_ts ON audit_events(workspace_id, service, ts_ms, seq);
CREATE INDEX IF NOT EXISTS audit_ws_action_ts ON audit_events(workspace_id, action, ts_ms, seq);
CREATE INDEX IF NOT EXISTS audit_ws_rtype_ts ON audit_events(workspace_id, resource_type, ts_ms, seq);

CREATE TABLE IF NOT EXISTS retention (workspace_id TEXT PRIMARY KEY, raw TEXT NOT NULL) STRICT;

CREATE TABLE IF NOT EXISTS audit_exports (
  export_id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  s3_key TEXT NOT NULL,
  file_name TEXT NOT NULL,
  row_count INTEGER NOT NULL,
  size INTEGER NOT NULL,
  created_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS audit_exports_ws ON audit_exports(workspace_id, created_ms);

CREATE TABLE IF NOT EXISTS role_overrides (
  workspace_id TEXT NOT NULL,
  sub TEXT NOT NULL,
  role TEXT NOT NULL,
  PRIMARY KEY (workspace_id, sub)
) STRICT, WITHOUT ROWID;
`;

/**
 * The plain (non-unique) secondary indexes. A bulk load drops them and builds them again at the
 * end: sorting once is several times faster than updating a dozen B-trees per row, and no query
 * the loader itself runs needs them (it looks up by primary and unique keys only).
 */
export const DEFERRABLE_INDEXES: ReadonlyArray<{ name: string; ddl: string }> = [
  ...SCHEMA_SQL.matchAll(/^CREATE INDEX IF NOT EXISTS (\w+) ON [^;]+;/gm),
].map((m) => ({ name: m[1] ?? '', ddl: m[0] }));
