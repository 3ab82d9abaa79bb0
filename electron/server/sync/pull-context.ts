/**
 * What every pull stream gets from the sync engine: the region-pinned client, the workspace's
 * database, the shared request pool, a progress callback for the status board, the clock, and a
 * stop flag. Streams validate each page (RemoteClient + shared/amigo schemas), apply it in one
 * transaction together with their cursor (cursor.repo applyPage), then yield to the event loop.
 */
import type { z } from 'zod';
import type { WorkspaceDatabase } from '../db/workspace-database';
import type { QueryValue, RemoteClient, RemoteResponse } from '../remote/remote-client';
import { RemoteError } from '../remote/remote-error';
import type { RequestPool } from './request-pool';

export interface StreamProgressPatch {
  count?: number;
  total?: number | null;
}

export interface PullContext {
  remote: RemoteClient;
  db: Pick<WorkspaceDatabase, 'read' | 'write'>;
  pool: RequestPool;
  progress(patch: StreamProgressPatch): void;
  now(): number;
  /** True once the engine is stopping: streams end after the page in hand. */
  stopped(): boolean;
}

/** What one pass knows across its streams. */
export interface PassInfo {
  /** "Sync now" by a person: refresh even what is not due yet (reports). */
  manual: boolean;
  startedAt: number;
  /** Set by the audit stream when it stored new events, so the audit reports follow. */
  auditAdded: number;
}

/** A GET through the pool, on a workspace path (`review-queue`, `world/entities/{id}`…). */
export const pullGet = <S extends z.ZodType>(
  ctx: PullContext,
  path: string,
  schema: S,
  query: Record<string, QueryValue> = {},
): Promise<RemoteResponse<z.output<S>>> =>
  ctx.pool.run(() => ctx.remote.get(ctx.remote.workspacePath(path), schema, query));

/** Lets the HTTP server and other streams run between pages (a large first pull is many pages). */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export const iso = (ms: number): string => new Date(ms).toISOString();

/** A cursor or offset that does not advance would loop forever (security-bar D-15). */
export const assertAdvances = (next: number, current: number, what: string): void => {
  if (!(next > current)) {
    throw new RemoteError('invalid-response', `The ${what} paging did not advance; stopped to avoid looping.`);
  }
};

/** Parses a stream's JSON cursor; a cursor this version cannot read starts the stream over. */
export const parseCursor = <T>(text: string | null | undefined, schema: z.ZodType<T>): T | null => {
  if (!text) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
};
