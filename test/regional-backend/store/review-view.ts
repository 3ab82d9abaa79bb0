/** Review items in API shape: stored columns plus inline events and the entity summary. */
import type { ItemRow } from './review.store';
import { itemBase } from './review.store';
import type { Store } from './store';
import type { JsonObject } from './values';
import { isJsonObject } from './values';
import { toEventSummary } from './world.store';

export function reviewItemsView(store: Store, rows: readonly ItemRow[]): JsonObject[] {
  const idsByItem = new Map(rows.map((r) => [r.id, store.review.eventIds(r.id)]));
  const events = new Map(store.world.eventsByIds([...idsByItem.values()].flat()).map((e) => [e.id, e]));
  return rows.map((row) => {
    const eventIds = idsByItem.get(row.id) ?? [];
    const entity = row.entity_id === null ? null : store.world.entityJson(row.workspace_id, row.entity_id);
    return {
      ...itemBase(row, eventIds),
      entity:
        entity === null
          ? null
          : {
              id: entity['id'],
              entity_type: entity['entity_type'] ?? null,
              display_name: entity['display_name'] ?? null,
              state: isJsonObject(entity['state']) ? entity['state'] : null,
            },
      events: eventIds.flatMap((id) => {
        const e = events.get(id);
        return e === undefined ? [] : [toEventSummary(e)];
      }),
    };
  });
}
