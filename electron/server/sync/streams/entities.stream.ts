/**
 * Every entity the review queue touches (open items and the review history), in full: the entity,
 * its timeline (offset paging, 200 a page), its enrichment values and each key's history
 * (supersedes chains), its same_as merges, and its lineage and provenance kept as raw JSON. Up to
 * four entities are fetched at once (the request pool caps requests across streams too).
 *
 * Incremental rule: an entity is pulled when pull_marks says it is due: never pulled, or wanted
 * since its last pull. Wants come from the queue and history pages (an item that is new, or whose
 * data, inline entity state or events changed: a claim alone does not count) and from the event
 * stream (review.submitted names the entity). An unchanged entity costs nothing on later passes.
 */
import {
  enrichmentHistory,
  enrichmentValues,
  entity as entitySchema,
  entityTimeline,
  lineage as lineageSchema,
  mergedEntities,
  provenance as provenanceSchema,
  TIMELINE_MAX_LIMIT,
} from '../../../../shared/amigo';
import type { ReadDb } from '../../db/db-types';
import { sql } from '../../db/sql';
import { RemoteError } from '../../remote/remote-error';
import { applyEntityBundle, type EntityBundle } from '../apply/entities.apply';
import { pairRaw, rawObject } from '../pulled';
import { assertAdvances, pullGet, type PullContext } from '../pull-context';
import { pullDueRecords, type DueRecordsSpec } from './due-records';

export const ENTITIES_STREAM = 'entities';
const ENRICHMENT_PAGE = 500;
/** A timeline longer than this many pages is refused rather than paged forever (D-15). */
const MAX_TIMELINE_PAGES = 500;

const enc = encodeURIComponent;

const mismatch = (what: string): RemoteError =>
  new RemoteError('invalid-response', `The backend answered ${what} for a different entity; nothing was stored.`);

const storedKeys = (read: ReadDb, entityId: string): string[] =>
  read
    .all<{ key: string }>(sql`SELECT DISTINCT key FROM enrichment_history WHERE entity_id = ${entityId}`)
    .map((r) => r.key);

export async function fetchEntityBundle(ctx: PullContext, entityId: string): Promise<EntityBundle> {
  const base = `world/entities/${enc(entityId)}`;
  const entity = await pullGet(ctx, base, entitySchema);
  if (entity.data.id !== entityId) throw mismatch('an entity');

  const timeline: EntityBundle['timeline'] = [];
  for (let offset = 0, pages = 0; ; pages++) {
    if (pages >= MAX_TIMELINE_PAGES) throw new RemoteError('invalid-response', 'The entity timeline did not end.');
    const page = await pullGet(ctx, `${base}/timeline`, entityTimeline, { limit: TIMELINE_MAX_LIMIT, offset });
    if (page.data.entity_id !== entityId) throw mismatch('a timeline');
    timeline.push(...pairRaw(page.data.events, page.raw, 'events'));
    if (!page.data.has_more) break;
    const next = page.data.next_offset ?? offset + page.data.events.length;
    assertAdvances(next, offset, 'entity timeline');
    offset = next;
  }

  const enrichment: EntityBundle['enrichment'] = [];
  for (let offset = 0; ;) {
    const page = await pullGet(ctx, `${base}/enrichment`, enrichmentValues, { limit: ENRICHMENT_PAGE, offset });
    if (page.data.entity_id !== entityId) throw mismatch('enrichment values');
    enrichment.push(...pairRaw(page.data.values, page.raw, 'values'));
    // This endpoint says nothing about more pages: a full page means "ask again".
    if (page.data.values.length < ENRICHMENT_PAGE) break;
    offset += page.data.values.length;
  }

  // Every key with a current value, plus keys stored earlier (a key whose values were all
  // superseded has no current value but still has a history to keep up to date).
  const keys = [...new Set([...enrichment.map((v) => v.value.key), ...storedKeys(ctx.db.read, entityId)])].sort();
  const histories: EntityBundle['histories'] = [];
  for (const key of keys) {
    try {
      const page = await pullGet(ctx, `${base}/enrichment/${enc(key)}/history`, enrichmentHistory, {
        limit: TIMELINE_MAX_LIMIT,
      });
      if (page.data.entity_id !== entityId) throw mismatch('an enrichment history');
      histories.push({ key, entries: pairRaw(page.data.history, page.raw, 'history') });
    } catch (error) {
      // A key the backend no longer knows has no history to fetch; the entity itself is fine.
      if (error instanceof RemoteError && error.kind === 'not-found') continue;
      throw error;
    }
  }

  const merged = await pullGet(ctx, `${base}/merged`, mergedEntities);
  const lineage = await pullGet(ctx, `${base}/lineage`, lineageSchema);
  const provenance = await pullGet(ctx, `${base}/provenance`, provenanceSchema);
  return {
    entity: { value: entity.data, raw: rawObject(entity.raw, entity.data) },
    timeline,
    enrichment,
    histories,
    merged: { value: merged.data, linked: pairRaw(merged.data.linked_entities, merged.raw, 'linked_entities') },
    lineage: rawObject(lineage.raw, lineage.data),
    provenance: rawObject(provenance.raw, provenance.data),
  };
}

export const entitiesSpec = (ctx: PullContext, concurrency: number): DueRecordsSpec<EntityBundle> => ({
  kind: 'entity',
  stream: ENTITIES_STREAM,
  concurrency,
  noun: 'entity',
  fetch: (id) => fetchEntityBundle(ctx, id),
  apply: applyEntityBundle,
  count: (read) => read.value<number>(sql`SELECT count(*) FROM entities`) ?? 0,
  exists: (read, id) => read.value<number>(sql`SELECT 1 FROM entities WHERE id = ${id}`) !== undefined,
});

export const pullEntities = (ctx: PullContext, concurrency = 4): Promise<{ stored: number; gone: number }> =>
  pullDueRecords(ctx, entitiesSpec(ctx, concurrency));
