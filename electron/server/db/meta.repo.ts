/**
 * The `meta` table: small facts about this database file, above all which (region, workspace) it
 * belongs to. Data never crosses a workspace or a region (architecture.md §3), so every applier
 * checks incoming records against the binding and refuses a foreign one (security-bar F-04).
 */
import type { Region } from '../../../shared/amigo/regions';
import type { ReadDb, WriteDb } from './db-types';
import { sql } from './sql';

export const META_KEYS = ['workspace_id', 'region', 'created_at'] as const;
export type MetaKey = (typeof META_KEYS)[number];

export const getMeta = (read: ReadDb, key: MetaKey): string | null =>
  read.value<string>(sql`SELECT value FROM meta WHERE key = ${key}`) ?? null;

export const setMeta = (write: WriteDb, key: MetaKey, value: string): void => {
  write.run(sql`INSERT INTO meta (key, value) VALUES (${key}, ${value})
    ON CONFLICT (key) DO UPDATE SET value = excluded.value`);
};

export class WorkspaceMismatchError extends Error {
  override readonly name = 'WorkspaceMismatchError';
}

/**
 * Binds a fresh database to its workspace, or checks that an existing one is bound to the same
 * one. Call it right after `migrate`. A mismatch means the wrong file or key was picked: stop.
 */
export const bindWorkspace = (write: WriteDb, binding: { region: Region; workspaceId: string }, now: string): void => {
  write.transaction(() => {
    const workspaceId = getMeta(write, 'workspace_id');
    const region = getMeta(write, 'region');
    if (workspaceId === null && region === null) {
      setMeta(write, 'workspace_id', binding.workspaceId);
      setMeta(write, 'region', binding.region);
      setMeta(write, 'created_at', now);
      return;
    }
    if (workspaceId !== binding.workspaceId || region !== binding.region) {
      throw new WorkspaceMismatchError('This local database belongs to a different workspace or region.');
    }
  });
};

/** The bound workspace id; throws when unbound, because appliers must not guess (fail closed). */
export const requireBoundWorkspace = (read: ReadDb): string => {
  const workspaceId = getMeta(read, 'workspace_id');
  if (workspaceId === null) {
    throw new WorkspaceMismatchError(
      'The local database is not bound to a workspace yet (call bindWorkspace after migrate).',
    );
  }
  return workspaceId;
};
