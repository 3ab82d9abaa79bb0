/**
 * Schema 5: what the audit and PHI access reports need beyond the pulled columns (issue 7).
 *
 * - `subject_entity_id`: the patient (entity) an audit event is about. The backend names it in
 *   `resource_id` when the resource is the entity itself, and in `metadata.entity_id` when the
 *   resource is one of the patient's calls or review items. The patient-centred report ("who
 *   accessed patient X") must see both, so the column takes the metadata's entity first. It is a
 *   VIRTUAL generated column over raw_json: nothing is stored twice, and the indexes below hold
 *   the computed value, so lookups never parse JSON.
 * - `attest_event_id`: for an event the backend recorded while Attest delivered one of its own
 *   local access events (the delivery sends `User-Agent: Attest/<version> (access-event <id>; …)`),
 *   the local event's id; NULL for everything else. Lets the reports match a delivered local
 *   event to the backend's row without a LIKE scan over a million user agents.
 * - Indexes: patient-centred and entity reports (subject + time), person-centred report (actor +
 *   time among PHI events only, so a person's PHI reads are one range scan), the
 *   match above, and browser sorts on the columns 0001 left unindexed (IP address, resource
 *   name, user agent): without them one sort by user agent over 1M events took seconds.
 *   `phi_accessed = 1` is written as a literal so SQLite uses the partial index.
 * - `audit_rollup`: event counts per UTC hour, service, action, resource type, actor and PHI flag, kept by
 *   triggers on audit_events (insert, update of the counted columns, delete). The audit summary
 *   and its charts, and the browser's totals, read a few thousand rollup rows instead of
 *   counting a million events (measured: a per-day count over 860k events took 7 s; a bare
 *   count(*) 0.5 s). The backfill below fills it for events pulled before this migration.
 */
import type { Migration } from '../migrate';

/**
 * The marker a delivered local access event carries in the User-Agent, as written by
 * sync/outbox/user-agent.ts: `Attest/0.1.0 (access-event <id>; recorded <time>)`.
 */
const UA_TOKEN = 'access-event';

// The id runs from after "access-event " up to the first ";", ")" or space (or the end).
const REST = `substr(user_agent, instr(user_agent, '${UA_TOKEN}') + ${UA_TOKEN.length + 1})`;
const ID_END = `instr(replace(replace(${REST}, ')', ';'), ' ', ';') || ';', ';')`;
const ATTEST_EVENT_ID = `CASE WHEN user_agent LIKE 'Attest/%' AND instr(user_agent, '(${UA_TOKEN} ') > 0
    THEN nullif(substr(${REST}, 1, ${ID_END} - 1), '') END`;

const SCHEMA = /* sql */ `
ALTER TABLE audit_events ADD COLUMN subject_entity_id TEXT
  GENERATED ALWAYS AS (CAST(coalesce(json_extract(raw_json, '$.metadata.entity_id'), resource_id) AS TEXT)) VIRTUAL;
ALTER TABLE audit_events ADD COLUMN attest_event_id TEXT
  GENERATED ALWAYS AS (${ATTEST_EVENT_ID}) VIRTUAL;

CREATE INDEX audit_events_subject ON audit_events (subject_entity_id, timestamp, id);
CREATE INDEX audit_events_actor_phi ON audit_events (actor_entity_id, timestamp) WHERE phi_accessed = 1;
CREATE INDEX audit_events_attest ON audit_events (attest_event_id) WHERE attest_event_id IS NOT NULL;
CREATE INDEX audit_events_ip ON audit_events (ip_address, timestamp);
CREATE INDEX audit_events_resource_name ON audit_events (resource_name, timestamp);
CREATE INDEX audit_events_user_agent ON audit_events (user_agent, timestamp);

CREATE TABLE audit_rollup (
  -- UTC hour, 'YYYY-MM-DDTHH' (the first 13 characters of the normalized timestamp).
  hour TEXT NOT NULL,
  service TEXT NOT NULL,
  action TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  -- '' for an event without an actor (a NULL would not be unique in the key).
  actor TEXT NOT NULL,
  phi INTEGER NOT NULL CHECK (phi IN (0, 1)),
  n INTEGER NOT NULL CHECK (n >= 0),
  PRIMARY KEY (hour, service, action, resource_type, actor, phi)
) STRICT, WITHOUT ROWID;

INSERT INTO audit_rollup (hour, service, action, resource_type, actor, phi, n)
  SELECT substr(timestamp, 1, 13), service, action, resource_type, coalesce(actor_entity_id, ''), phi_accessed, count(*)
  FROM audit_events GROUP BY 1, 2, 3, 4, 5, 6;

CREATE TRIGGER audit_rollup_insert AFTER INSERT ON audit_events
BEGIN
  INSERT INTO audit_rollup (hour, service, action, resource_type, actor, phi, n)
  VALUES (substr(NEW.timestamp, 1, 13), NEW.service, NEW.action, NEW.resource_type, coalesce(NEW.actor_entity_id, ''),
    NEW.phi_accessed, 1)
  ON CONFLICT (hour, service, action, resource_type, actor, phi) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER audit_rollup_delete AFTER DELETE ON audit_events
BEGIN
  UPDATE audit_rollup SET n = n - 1
  WHERE hour = substr(OLD.timestamp, 1, 13) AND service = OLD.service AND action = OLD.action
    AND resource_type = OLD.resource_type AND actor = coalesce(OLD.actor_entity_id, '') AND phi = OLD.phi_accessed;
END;
CREATE TRIGGER audit_rollup_update AFTER UPDATE OF timestamp, service, action, resource_type, actor_entity_id, phi_accessed
ON audit_events
BEGIN
  UPDATE audit_rollup SET n = n - 1
  WHERE hour = substr(OLD.timestamp, 1, 13) AND service = OLD.service AND action = OLD.action
    AND resource_type = OLD.resource_type AND actor = coalesce(OLD.actor_entity_id, '') AND phi = OLD.phi_accessed;
  INSERT INTO audit_rollup (hour, service, action, resource_type, actor, phi, n)
  VALUES (substr(NEW.timestamp, 1, 13), NEW.service, NEW.action, NEW.resource_type, coalesce(NEW.actor_entity_id, ''),
    NEW.phi_accessed, 1)
  ON CONFLICT (hour, service, action, resource_type, actor, phi) DO UPDATE SET n = n + 1;
END;
`;

export const migration0005AuditReports: Migration = {
  version: 5,
  name: '0005-audit-reports',
  up: (db) => {
    db.exec(SCHEMA);
  },
};
