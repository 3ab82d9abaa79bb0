/**
 * Every response goes through its shared/amigo schema before it is sent: the simulator serves
 * exactly the shapes the app validates against, and a simulator bug fails loudly (500) instead of
 * drifting from the contract.
 */
import type { z } from 'zod';
import { int } from '../http/params';

export function shape<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new Error(`simulator response does not match its schema: ${result.error.message}`);
  }
  return result.data;
}

/** Continuation-token paging (review queue, workspaces): limit 1–20, default 10; token = offset. */
export const continuationQuery = {
  limit: int({ default: 10, gt: 0, le: 20 }),
  continuation_token: int({ default: 0 }),
};

export function continuationPage<T>(items: T[], total: number, offset: number) {
  const hasMore = offset + items.length < total;
  return { items, has_more: hasMore, continuation_token: hasMore ? offset + items.length : null, total };
}

/** Offset paging of the world endpoints: `next_offset` when more remain. */
export function offsetPage(count: number, total: number, offset: number) {
  const hasMore = offset + count < total;
  return { total, has_more: hasMore, next_offset: hasMore ? offset + count : null };
}
