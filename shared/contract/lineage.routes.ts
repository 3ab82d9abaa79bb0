/**
 * Local API: lineage over the local copy (product.md "Lineage"). Every route reads only the
 * encrypted local database, so the screens work the same with no network at all.
 */
import { z } from 'zod';
import { route } from './define';
import {
  entityLineageView,
  entitySearchView,
  lineageExportPageView,
  pointInTimeView,
  replayMode,
} from './lineage.views';

export * from './lineage.views';

/** An instant with its offset (`2026-03-05T11:00:00.000Z`): a bare local time would be ambiguous. */
const instant = z.iso.datetime({ offset: true });

export const LINEAGE_SEARCH_MAX = 50;

export const lineageContract = {
  /** Find entities by name, MRN, phone (digits), call id or entity id. */
  lineageSearch: route({
    method: 'GET',
    path: '/api/lineage/entities',
    access: 'session',
    query: z.strictObject({
      q: z.string().trim().min(1, 'Type a name, MRN, phone, call id or entity id.').max(200),
      limit: z.coerce.number().int().min(1).max(LINEAGE_SEARCH_MAX).optional(),
    }),
    response: entitySearchView,
  }),
  /** Everything the entity page shows. */
  lineageEntity: route({
    method: 'GET',
    path: '/api/lineage/entities/:id',
    access: 'session',
    response: entityLineageView,
  }),
  /** The entity as believed (or as true) at `at`, optionally compared with `compareTo`. */
  lineagePointInTime: route({
    method: 'GET',
    path: '/api/lineage/entities/:id/point-in-time',
    access: 'session',
    query: z.strictObject({ at: instant, mode: replayMode.default('believed'), compareTo: instant.optional() }),
    response: pointInTimeView,
  }),
  /** One page of the JSON export of an entity's lineage (the renderer joins the pages and saves them). */
  lineageExport: route({
    method: 'GET',
    path: '/api/lineage/entities/:id/export',
    access: 'session',
    query: z.strictObject({ page: z.coerce.number().int().min(0).max(1_000_000).default(0) }),
    response: lineageExportPageView,
  }),
} as const;
