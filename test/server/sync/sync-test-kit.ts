/**
 * The pull against the real simulator: a regional backend on port 0 with generated data in a
 * temp dir, a real access token from its identity provider, a RemoteClient with a tiny
 * authorizer, and a real encrypted workspace database bound to the simulator's workspace.
 */
import { randomBytes } from 'node:crypto';
import type { Role } from '../../../shared/amigo';
import { openEncryptedDatabase, type EncryptedDatabase } from '../../../electron/server/db/connection';
import { bindWorkspace } from '../../../electron/server/db/meta.repo';
import { migrate } from '../../../electron/server/db/migrate';
import type { SqlFragment } from '../../../electron/server/db/sql';
import { RemoteClient, type RequestAuthorizer } from '../../../electron/server/remote/remote-client';
import type { RateGate } from '../../../electron/server/sync/rate-gate';
import { SyncEngine, type SyncEngineOptions } from '../../../electron/server/sync/sync-engine';
import { DEMO_PEOPLE } from '../../regional-backend/directory';
import {
  createRegionalBackend,
  type RegionalBackend,
  type RegionalBackendOptions,
} from '../../regional-backend/server';
import type { Scale } from '../../regional-backend/dataset';
import { tempDir, type TempDir } from '../server-test-kit';

export const subOf = (login: 'reviewer' | 'compliance' | 'auditor' | 'owner'): string => {
  const person = DEMO_PEOPLE.find((p) => p.login === login);
  if (!person) throw new Error(`no demo person ${login}`);
  return person.sub;
};

export interface SimHarness {
  tmp: TempDir;
  backend: RegionalBackend;
  workspaceId: string;
  close(): Promise<void>;
}

export const startSimulator = async (
  options: { seed?: number; scale?: Scale; stream?: RegionalBackendOptions['stream'] } = {},
): Promise<SimHarness> => {
  const tmp = tempDir('attest-sync-');
  const backend = await createRegionalBackend({
    region: 'us-east-1',
    dataDir: tmp.file('backend'),
    seed: options.seed ?? 7,
    scale: options.scale ?? 'small',
    ...(options.stream ? { stream: options.stream } : {}),
  });
  const workspaceId = backend.workspaces[0];
  if (!workspaceId) throw new Error('the simulator serves no workspace');
  return {
    tmp,
    backend,
    workspaceId,
    close: async () => {
      await backend.close();
      tmp.remove();
    },
  };
};

export interface Client {
  remote: RemoteClient;
  authorizer: RequestAuthorizer;
  /** Replaces the token (a role change, a test of 401). */
  setToken(token: string): void;
}

export const clientFor = async (
  sim: SimHarness,
  login: Parameters<typeof subOf>[0],
  options: { gate?: RateGate } = {},
): Promise<Client> => {
  let token = await sim.backend.issueToken(subOf(login), sim.workspaceId);
  const authorizer: RequestAuthorizer = {
    headersFor: async () => ({ authorization: `Bearer ${token}` }),
    refreshAfterUnauthorized: async () => false,
  };
  const remote = new RemoteClient({
    pin: { origin: sim.backend.url, region: 'us-east-1', workspaceId: sim.workspaceId },
    authorizer,
    // Fast retries: the tests inject faults and should not sleep for the SDK's real delays.
    backoff: { baseMs: 5, capMs: 50 },
    timeoutMs: 10_000,
    ...(options.gate ? { fetchImpl: options.gate.fetchThrough() } : {}),
  });
  return { remote, authorizer, setToken: (t) => void (token = t) };
};

export const openLocal = (file: string, workspaceId: string): EncryptedDatabase => {
  const db = openEncryptedDatabase({ file, key: randomBytes(32) });
  migrate(db.write);
  bindWorkspace(db.write, { region: 'us-east-1', workspaceId }, new Date().toISOString());
  return db;
};

export const engineFor = (
  client: Client,
  db: EncryptedDatabase,
  role: Role,
  extra: Partial<SyncEngineOptions> = {},
): SyncEngine =>
  new SyncEngine({
    remote: client.remote,
    db,
    role: () => role,
    pollIntervalSeconds: 3600,
    onSignInRequired: () => undefined,
    retry: { baseMs: 20, capMs: 100 },
    ...extra,
  });

/** Polls until `check` holds (events arrive asynchronously); never a fixed sleep. */
export const waitFor = async (check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> => {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

/** A count(*) over the local copy. */
export const localCount = (db: EncryptedDatabase, query: SqlFragment): number => db.read.value<number>(query) ?? -1;

/** Rows of the simulator's own store for this workspace (the truth the local copy must equal). */
export const simCount = (sim: SimHarness, query: string, ...params: unknown[]): number =>
  sim.backend.store.db.prepare<unknown[], { n: number }>(query).get(...params)?.n ?? -1;
