/**
 * One open workspace's local copy: the encrypted database (opened, migrated, bound to its
 * workspace) and the per-domain stores over it. Closing it closes the database.
 */
import type { Region } from '../../../shared/amigo';
import { ReviewStore } from '../modules/review/review.store';
import type { SecretStore } from '../secrets/secret-store';
import { openWorkspaceDatabase, type WorkspaceDatabase } from './workspace-database';

export interface WorkspaceStore {
  db: WorkspaceDatabase;
  review: ReviewStore;
  close(): void;
}

export async function openWorkspaceStore(options: {
  file: string;
  secrets: SecretStore;
  region: Region;
  workspaceId: string;
}): Promise<WorkspaceStore> {
  const db = await openWorkspaceDatabase(options);
  return { db, review: new ReviewStore(db), close: () => db.close() };
}
