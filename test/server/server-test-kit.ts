/** Temporary folders and opened, migrated test databases for the server integration tests. */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openEncryptedDatabase, type EncryptedDatabase } from '../../electron/server/db/connection';
import { bindWorkspace } from '../../electron/server/db/meta.repo';
import { migrate } from '../../electron/server/db/migrate';

export interface TempDir {
  dir: string;
  file(name: string): string;
  remove(): void;
}

export const tempDir = (prefix = 'attest-test-'): TempDir => {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    dir,
    file: (name) => path.join(dir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
};

export interface TestDatabase extends EncryptedDatabase {
  /** A copy of the key (the one passed in is zeroed by open). */
  key: Buffer;
  workspaceId: string;
}

/** Opens a fresh encrypted database, migrated and bound to a random workspace. */
export const openTestDatabase = (file: string, options: { migrate?: boolean; bind?: boolean } = {}): TestDatabase => {
  const key = randomBytes(32);
  const db = openEncryptedDatabase({ file, key: Buffer.from(key) });
  const workspaceId = randomUUID();
  if (options.migrate !== false) migrate(db.write);
  if (options.migrate !== false && options.bind !== false) {
    bindWorkspace(db.write, { region: 'us-east-1', workspaceId }, new Date().toISOString());
  }
  return Object.assign(db, { key, workspaceId });
};
