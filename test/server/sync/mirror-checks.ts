/**
 * What "the local copy equals the simulator" means, and what must hold at every moment of a pull
 * (never partial, never wrong), computed from the simulator's own store and the local database.
 */
import { randomUUID } from 'node:crypto';
import { entity } from '../../../shared/amigo';
import type { EncryptedDatabase } from '../../../electron/server/db/connection';
import { sql } from '../../../electron/server/db/sql';
import { withBulkLoad } from '../../regional-backend/store';
import type { SimHarness } from './sync-test-kit';

export interface Figures {
  openItems: number;
  history: number;
  entities: number;
  currentEvents: number;
  supersededEvents: number;
  enrichment: number;
  merges: number;
  calls: number;
  turns: number;
  sinks: number;
  syncEvents: number;
  auditEvents: number;
}

/** The simulator's truth for the entities and calls the review queue touches. */
export const simFigures = (sim: SimHarness, options: { audit: boolean }): Figures => {
  const db = sim.backend.store.db;
  const ws = sim.workspaceId;
  const one = (query: string, ...params: unknown[]): number =>
    db.prepare<unknown[], { n: number }>(query).get(...params)?.n ?? -1;
  const touched = `SELECT DISTINCT i.entity_id FROM review_items i JOIN entities e ON e.id = i.entity_id
    WHERE i.workspace_id = ?`;
  const calls = `SELECT c.id, c.raw FROM calls c WHERE c.workspace_id = ? AND c.id IN
    (SELECT session_id FROM review_items WHERE workspace_id = ?)`;
  return {
    openItems: one(
      `SELECT count(*) AS n FROM review_items WHERE workspace_id = ? AND status IN ('pending', 'in_progress')`,
      ws,
    ),
    history: one(
      `SELECT count(*) AS n FROM review_items WHERE workspace_id = ? AND status IN ('completed', 'rejected')`,
      ws,
    ),
    entities: one(`SELECT count(*) AS n FROM (${touched})`, ws),
    currentEvents: one(
      `SELECT count(*) AS n FROM entity_events WHERE is_current = 1 AND entity_id IN (${touched})`,
      ws,
    ),
    supersededEvents: one(
      `SELECT count(*) AS n FROM entity_events WHERE is_current = 0 AND entity_id IN (${touched})`,
      ws,
    ),
    enrichment: one(`SELECT count(*) AS n FROM enrichment WHERE entity_id IN (${touched})`, ws),
    merges: one(
      `SELECT count(*) AS n FROM (SELECT entity_id AS a, linked_entity_id AS b FROM merges
        UNION SELECT linked_entity_id, entity_id FROM merges) m JOIN entities o ON o.id = m.b
        WHERE m.a IN (${touched})`,
      ws,
    ),
    calls: one(`SELECT count(*) AS n FROM (${calls})`, ws, ws),
    turns: one(`SELECT coalesce(sum(json_array_length(raw, '$.turns')), 0) AS n FROM (${calls})`, ws, ws),
    sinks: one(`SELECT count(*) AS n FROM sinks WHERE workspace_id = ?`, ws),
    syncEvents: one(`SELECT count(*) AS n FROM sync_events WHERE workspace_id = ?`, ws),
    auditEvents: options.audit ? one(`SELECT count(*) AS n FROM audit_events WHERE workspace_id = ?`, ws) : 0,
  };
};

export const localFigures = (db: EncryptedDatabase): Figures => {
  const n = (query: ReturnType<typeof sql>): number => db.read.value<number>(query) ?? -1;
  return {
    openItems: n(sql`SELECT count(*) FROM review_items WHERE status IN ('pending', 'in_progress')`),
    history: n(sql`SELECT count(*) FROM review_history`),
    entities: n(sql`SELECT count(*) FROM entities`),
    currentEvents: n(sql`SELECT count(*) FROM entity_events WHERE is_current = 1`),
    supersededEvents: n(sql`SELECT count(*) FROM entity_events WHERE is_current = 0`),
    enrichment: n(sql`SELECT count(*) FROM enrichment_history`),
    merges: n(sql`SELECT count(*) FROM entity_merges`),
    calls: n(sql`SELECT count(*) FROM calls`),
    turns: n(sql`SELECT count(*) FROM call_turns`),
    sinks: n(sql`SELECT count(*) FROM sinks`),
    syncEvents: n(sql`SELECT count(*) FROM sync_events`),
    auditEvents: n(sql`SELECT count(*) FROM audit_events`),
  };
};

/**
 * What must hold at any moment, even mid-pull or after a failed page: an entity is stored with
 * its lineage, provenance and pull mark (a whole bundle or nothing); a call with all its turns;
 * every stored entity and item is exactly what the simulator says now (no malformed data got in).
 * Answers the problems found (empty: consistent).
 */
export const inconsistencies = (sim: SimHarness, db: EncryptedDatabase): string[] => {
  const problems: string[] = [];
  const halfEntities = db.read.value<number>(sql`SELECT count(*) FROM entities e
    WHERE NOT EXISTS (SELECT 1 FROM entity_lineage l WHERE l.entity_id = e.id)
       OR NOT EXISTS (SELECT 1 FROM entity_provenance p WHERE p.entity_id = e.id)
       OR NOT EXISTS (SELECT 1 FROM pull_marks m WHERE m.kind = 'entity' AND m.id = e.id AND m.pulled_at IS NOT NULL)`);
  if (halfEntities !== 0) problems.push(`${halfEntities} entities stored without their lineage/provenance/mark`);
  const halfCalls = db.read.value<number>(sql`SELECT count(*) FROM calls c
    WHERE c.turn_count <> (SELECT count(*) FROM call_turns t WHERE t.call_id = c.id)`);
  if (halfCalls !== 0) problems.push(`${halfCalls} calls stored without all their turns`);
  const world = sim.backend.store.world;
  for (const row of db.read.all<{ id: string; raw_json: string }>(sql`SELECT id, raw_json FROM entities`)) {
    // Both through the API's schema: the simulator serves exactly that shape.
    const truth = entity.safeParse(world.entityJson(sim.workspaceId, row.id));
    const local = entity.safeParse(JSON.parse(row.raw_json));
    if (!truth.success || !local.success || JSON.stringify(truth.data) !== JSON.stringify(local.data)) {
      problems.push(`entity ${row.id} differs from the simulator`);
      break;
    }
  }
  const badEvents = db.read.value<number>(sql`SELECT count(*) FROM entity_events WHERE NOT json_valid(raw_json)`);
  if (badEvents !== 0) problems.push(`${badEvents} events with unreadable JSON`);
  return problems;
};

/** A brand-new open item (with its entity, event and call) in the simulator, as a new call would flag one. */
export const addOpenItem = (sim: SimHarness): { itemId: string; entityId: string; callId: string } => {
  const ws = sim.workspaceId;
  const entityId = randomUUID();
  const eventId = randomUUID();
  const callId = randomUUID();
  const itemId = randomUUID();
  const now = new Date().toISOString();
  withBulkLoad(
    sim.backend.store.db,
    (sink) => {
      sink.entities({
        id: entityId,
        workspace_id: ws,
        entity_type: 'patient',
        display_name: 'New Zq7PhiMarker Caller',
        has_projection: true,
        confidence: 1,
        state: { name: 'New Zq7PhiMarker Caller' },
        name: 'New Zq7PhiMarker Caller',
        created_at: now,
        updated_at: now,
        last_event_at: now,
      });
      sink.entity_events({
        id: eventId,
        entity_id: entityId,
        event_type: 'patient.phone_updated',
        domain: 'clinical',
        entity_type: 'patient',
        data: { phone: '+15555550199' },
        confidence: 0.4,
        source: 'voice_agent',
        effective_at: now,
        ingested_at: now,
        created_at: now,
        is_current: true,
      });
      sink.calls({
        id: callId,
        workspace_id: ws,
        status: 'completed',
        call_duration_seconds: 30,
        direction: 'inbound',
        turns: [
          {
            id: 't1',
            agent_transcript: 'How can I help?',
            user_transcript: 'My number is 555-0199.',
            interrupted: false,
            state: 'intake',
          },
        ],
      });
      sink.review_items({
        id: itemId,
        workspace_id: ws,
        session_id: callId,
        event_ids: [eventId],
        entity_id: entityId,
        entity_type: 'patient',
        priority: 5,
        reason: 'low_confidence',
        judge_analysis: { verdict: 'uncertain' },
        status: 'pending',
        assigned_to: null,
        created_at: now,
        completed_at: null,
        completed_action: null,
      });
    },
    { defaultWorkspaceId: ws, deferIndexes: false },
  );
  return { itemId, entityId, callId };
};

/** Requests the simulator saw, by route template. */
export const requestsByRoute = (sim: SimHarness): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const r of sim.backend.requests.entries()) {
    const key = r.route ?? `${r.method} ${r.path}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
};

/** GETs of one route template (`/v1/{workspace_id}/audit`). */
export const requestsTo = (sim: SimHarness, route: string): number =>
  sim.backend.requests.entries().filter((r) => r.route === `GET ${route}`).length;
