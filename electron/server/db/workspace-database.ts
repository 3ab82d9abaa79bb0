/**
 * Opens the local database of one (region, workspace): its key from the secret store, the
 * encrypted file, migrations, and the workspace binding. This is the one call the session layer
 * needs; each step's failure keeps its typed error (DatabaseOpenError, SecretStoreError,
 * WorkspaceMismatchError).
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import type { Region } from '../../../shared/amigo/regions';
import { databaseKeyFor } from '../secrets/database-key';
import type { SecretStore } from '../secrets/secret-store';
import { openEncryptedDatabase, type EncryptedDatabase } from './connection';
import { DatabaseOpenError } from './db-errors';
import { bindWorkspace } from './meta.repo';
import { migrate } from './migrate';

export interface OpenWorkspaceDatabaseOptions {
  file: string;
  secrets: SecretStore;
  region: Region;
  workspaceId: string;
  /** Clock for the binding's created_at (tests). */
  now?: () => string;
}

export interface WorkspaceDatabase extends EncryptedDatabase {
  /** Set when an unreadable earlier copy was moved aside to start fresh (memory keychain only). */
  setAside: string | null;
}

/**
 * Moves an unreadable database (and its WAL and shared-memory files) aside under a new name,
 * never deleting it: a key that is missing now (a locked keyring, a keychain that was not
 * reachable this run) may come back, and with it the unsent work in the file. Answers the new
 * main file name.
 */
export const setAsideDatabase = (file: string, now: string = new Date().toISOString()): string => {
  const stamp = now.replace(/[:.]/g, '-');
  const target = `${file}.unreadable-${stamp}`;
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(file + suffix)) renameSync(file + suffix, target + suffix);
  }
  rmSync(`${file}-open`, { force: true });
  return target;
};

export const openWorkspaceDatabase = async (options: OpenWorkspaceDatabaseOptions): Promise<WorkspaceDatabase> => {
  const now = options.now ?? (() => new Date().toISOString());
  const open = async (): Promise<EncryptedDatabase> =>
    openEncryptedDatabase({
      file: options.file,
      key: await databaseKeyFor(options.secrets, options.region, options.workspaceId),
    });

  let setAside: string | null = null;
  let db: EncryptedDatabase;
  try {
    db = await open();
  } catch (error) {
    // With a memory store the key of an earlier run is gone by design (architecture.md §3): that
    // copy cannot be read, so start fresh beside it. With the OS keychain a mismatch is a real
    // problem the user must hear about (C-05), so it is thrown as is.
    if (!(error instanceof DatabaseOpenError) || error.code !== 'cannot-decrypt' || options.secrets.kind !== 'memory')
      throw error;
    setAside = setAsideDatabase(options.file, now());
    db = await open();
  }
  try {
    migrate(db.write);
    bindWorkspace(db.write, { region: options.region, workspaceId: options.workspaceId }, now());
  } catch (error) {
    db.close();
    throw error;
  }
  return Object.assign(db, { setAside });
};
