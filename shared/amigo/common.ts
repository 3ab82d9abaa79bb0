/**
 * Building blocks shared by every Amigo Platform API schema.
 *
 * These schemas are the single source of truth for the backend boundary: the regional backend
 * simulator (test/regional-backend) serves exactly these shapes, and the workspace server's remote
 * client validates every response against them before anything touches the local database.
 * Backend payloads use `z.object` (unknown keys are stripped, for forward compatibility); the raw
 * JSON is stored beside the typed columns, so nothing the backend said is lost.
 */
import { z } from 'zod';

/** ISO-8601 date-time. FastAPI emits naive times for some fields, so an offset is optional. */
export const isoDateTime = z.iso.datetime({ offset: true, local: true });
export const uuid = z.uuid();
export const jsonObject = z.record(z.string(), z.unknown());

/** Continuation-token paging (review queue, workspaces, api keys): limit ≤ 20. */
export const CONTINUATION_MAX_LIMIT = 20;
/** Offset paging for audit lists: limit 1–100. */
export const AUDIT_MAX_LIMIT = 100;
/** Offset paging for world entities: limit 1–100. */
export const ENTITIES_MAX_LIMIT = 100;
/** Timeline and enrichment history: limit ≤ 200. */
export const TIMELINE_MAX_LIMIT = 200;
/** Sync events: limit ≤ 200. */
export const SYNC_EVENTS_MAX_LIMIT = 200;
/** Batch approve and batch reject: at most 100 item ids a call. */
export const BATCH_MAX_ITEMS = 100;

export const paginated = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    has_more: z.boolean(),
    continuation_token: z.number().int().nonnegative().nullable().optional(),
    total: z.number().int().nonnegative().nullable().optional(),
  });
export type Paginated<T> = {
  items: T[];
  has_more: boolean;
  continuation_token?: number | null | undefined;
  total?: number | null | undefined;
};

/** FastAPI `HTTPValidationError` (422). */
export const validationErrorItem = z.object({
  loc: z.array(z.union([z.string(), z.number().int()])),
  msg: z.string(),
  type: z.string(),
  input: z.unknown().optional(),
  ctx: jsonObject.optional(),
});
export const httpValidationError = z.object({ detail: z.array(validationErrorItem) });
export type HttpValidationError = z.infer<typeof httpValidationError>;

/** FastAPI `HTTPException` (every other error). */
export const httpError = z.object({
  detail: z.union([z.string(), jsonObject, z.array(z.unknown())]),
  request_id: z.string().optional(),
  error_code: z.string().optional(),
});
export type HttpError = z.infer<typeof httpError>;

/** OAuth error shape used by the identity endpoints (/token, /device/code). */
export const oauthError = z.object({ error: z.string(), error_description: z.string().optional() });
