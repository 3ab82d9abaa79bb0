/** One call from a secret store to a migrated, bound, encrypted workspace database. */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatabaseOpenError } from '../../../electron/server/db/db-errors';
import { getMeta, WorkspaceMismatchError } from '../../../electron/server/db/meta.repo';
import { LATEST_SCHEMA_VERSION } from '../../../electron/server/db/migrate';
import { sql } from '../../../electron/server/db/sql';
import { openWorkspaceDatabase } from '../../../electron/server/db/workspace-database';
import { MemorySecretStore } from '../../../electron/server/secrets/memory-secret-store';
import type { SecretStore } from '../../../electron/server/secrets/secret-store';
import { tempDir, type TempDir } from '../server-test-kit';

/** Stands in for the OS keychain: persistent across "launches" within the test. */
const osLikeStore = (): SecretStore => {
  const entries = new Map<string, string>();
  return {
    kind: 'os',
    get: async (a) => entries.get(a) ?? null,
    set: async (a, v) => void entries.set(a, v),
    delete: async (a) => entries.delete(a),
  };
};

describe('openWorkspaceDatabase', () => {
  let tmp: TempDir;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.remove());

  it('opens, migrates and binds; the same key opens it again next launch', async () => {
    const secrets = osLikeStore();
    const workspaceId = randomUUID();
    const file = tmp.file('workspaces/eu-central-1/ws.db');
    const first = await openWorkspaceDatabase({ file, secrets, region: 'eu-central-1', workspaceId });
    expect(first.setAside).toBeNull();
    expect(first.read.readPragma('user_version')).toBe(LATEST_SCHEMA_VERSION);
    expect(getMeta(first.read, 'workspace_id')).toBe(workspaceId);
    expect(getMeta(first.read, 'region')).toBe('eu-central-1');
    first.write
      .run(sql`INSERT INTO outbox (id, idempotency_key, kind, payload_json, created_by_sub, created_at, updated_at)
      VALUES ('o1', 'k1', 'approve', '{}', 'sub', 't', 't')`);
    first.close();

    const again = await openWorkspaceDatabase({ file, secrets, region: 'eu-central-1', workspaceId });
    expect(again.read.value(sql`SELECT id FROM outbox`)).toBe('o1');
    again.close();
  });

  it('refuses a file bound to another workspace', async () => {
    const secrets = osLikeStore();
    const file = tmp.file('ws.db');
    const workspaceId = randomUUID();
    (await openWorkspaceDatabase({ file, secrets, region: 'us-east-1', workspaceId })).close();
    // Same key account, different region binding: a wrong file picked up by mistake.
    await secrets.set(
      `db-key:ca-central-1:${workspaceId}`,
      (await secrets.get(`db-key:us-east-1:${workspaceId}`)) ?? '',
    );
    await expect(openWorkspaceDatabase({ file, secrets, region: 'ca-central-1', workspaceId })).rejects.toBeInstanceOf(
      WorkspaceMismatchError,
    );
  });

  it('with the OS keychain, a key that does not open the file is an error and the file stays', async () => {
    const file = tmp.file('ws.db');
    const workspaceId = randomUUID();
    (await openWorkspaceDatabase({ file, secrets: osLikeStore(), region: 'us-east-1', workspaceId })).close();
    const error = await openWorkspaceDatabase({ file, secrets: osLikeStore(), region: 'us-east-1', workspaceId }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatabaseOpenError);
    expect((error as DatabaseOpenError).code).toBe('cannot-decrypt');
    expect(existsSync(file)).toBe(true);
  });

  it('with a memory store, an earlier run’s unreadable copy is set aside (not deleted) and a fresh one opened', async () => {
    const file = tmp.file('ws.db');
    const workspaceId = randomUUID();
    (await openWorkspaceDatabase({ file, secrets: new MemorySecretStore(), region: 'us-east-1', workspaceId })).close();
    const next = await openWorkspaceDatabase({
      file,
      secrets: new MemorySecretStore(),
      region: 'us-east-1',
      workspaceId,
      now: () => '2025-05-01T10:00:00.000Z',
    });
    try {
      expect(next.setAside).toBe(`${file}.unreadable-2025-05-01T10-00-00-000Z`);
      expect(existsSync(next.setAside ?? '')).toBe(true);
      expect(getMeta(next.read, 'workspace_id')).toBe(workspaceId);
    } finally {
      next.close();
    }
  });
});
