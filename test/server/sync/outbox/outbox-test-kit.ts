/**
 * What the push tests share: the regional backend simulator (real HTTP, real identity provider
 * tokens, real verdict rules and audit log), a local encrypted database bound to its workspace
 * and holding its open queue, and the decision context a route would build.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { reviewItemPage, type ReviewItem } from '../../../../shared/amigo';
import { bindWorkspace } from '../../../../electron/server/db/meta.repo';
import type { DecisionContext } from '../../../../electron/server/modules/decisions/decisions.service';
import { upsertReviewItems } from '../../../../electron/server/modules/review/review.repo';
import { RemoteClient, type RequestAuthorizer } from '../../../../electron/server/remote/remote-client';
import { DEMO_PEOPLE, DEMO_WORKSPACES } from '../../../regional-backend/directory';
import { createRegionalBackend, type RegionalBackend } from '../../../regional-backend/server';
import { openTestDatabase, type TestDatabase } from '../../server-test-kit';

export const WORKSPACE = DEMO_WORKSPACES[0]?.id ?? '';
const person = (login: string): string => {
  const sub = DEMO_PEOPLE.find((p) => p.login === login)?.sub;
  if (sub === undefined) throw new Error(`no demo person ${login}`);
  return sub;
};
export const REVIEWER = person('reviewer');
export const OTHER_REVIEWER = person('dana');

export interface Sim {
  backend: RegionalBackend;
  dir: string;
  port: number;
  /** Stops the simulator (the backend is unreachable) and starts it again on the same port and data. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startSim(): Promise<Sim> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attest-push-sim-'));
  const options = {
    region: 'us-east-1' as const,
    dataDir: dir,
    seed: 7,
    scale: 'small' as const,
    api: { auditReads: true },
  };
  let backend = await createRegionalBackend(options);
  const port = Number(new URL(backend.url).port);
  let running = true;
  const sim: Sim = {
    get backend() {
      return backend;
    },
    dir,
    port,
    async stop() {
      await backend.close();
      running = false;
    },
    async start() {
      backend = await createRegionalBackend({ ...options, port });
      running = true;
    },
    async close() {
      if (running) await backend.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return sim;
}

/** Bearer tokens minted by the simulator's own identity provider for `sub`; refreshed on a 401. */
export function tokenAuthorizer(sim: Sim, sub: string): RequestAuthorizer {
  let token: string | null = null;
  return {
    headersFor: async () => {
      token ??= await sim.backend.issueToken(sub, WORKSPACE);
      return { authorization: `Bearer ${token}` };
    },
    refreshAfterUnauthorized: async () => {
      token = await sim.backend.issueToken(sub, WORKSPACE);
      return true;
    },
  };
}

export function remoteFor(sim: Sim, sub: string): RemoteClient {
  return new RemoteClient({
    pin: { origin: sim.backend.url, region: 'us-east-1', workspaceId: WORKSPACE },
    authorizer: tokenAuthorizer(sim, sub),
    timeoutMs: 5_000,
    maxRetries: 1,
    sleepImpl: async () => undefined,
  });
}

/** A fresh local database bound to the simulator's workspace. */
export function openLocal(file: string): TestDatabase {
  const db = openTestDatabase(file, { bind: false });
  bindWorkspace(db.write, { region: 'us-east-1', workspaceId: WORKSPACE }, new Date().toISOString());
  return db;
}

/** Pulls the unclaimed pending items into the local copy (what the review queue stream does). */
export async function loadPendingItems(remote: RemoteClient, db: TestDatabase): Promise<ReviewItem[]> {
  const items: ReviewItem[] = [];
  for (let token = 0; ;) {
    const { data } = await remote.get(remote.workspacePath('review-queue'), reviewItemPage, {
      status: 'pending',
      limit: 20,
      continuation_token: token,
    });
    items.push(...data.items);
    if (!data.has_more || data.continuation_token === null || data.continuation_token === undefined) break;
    token = data.continuation_token;
  }
  upsertReviewItems(db.write, items, new Date().toISOString());
  return items.filter((i) => i.assigned_to === null);
}

/** Hands out distinct items so tests sharing one simulator never decide the same one twice. */
export function itemPool(items: readonly ReviewItem[]): (n?: number) => string[] {
  let next = 0;
  return (n = 1) => {
    const ids = items.slice(next, next + n).map((i) => i.id);
    if (ids.length < n) throw new Error('item pool exhausted');
    next += n;
    return ids;
  };
}

export function contextFor(
  db: TestDatabase,
  options: { sub?: string; now?: Date; undoWindowMs?: number; online?: boolean } = {},
): DecisionContext {
  return {
    write: db.write,
    read: db.read,
    user: { sub: options.sub ?? REVIEWER, name: 'Rita Reviewer' },
    online: options.online ?? true,
    now: options.now ?? new Date(),
    undoWindowMs: options.undoWindowMs ?? 0,
  };
}

/** The item as the simulator stores it (status, action, who decided, the reject reason). */
export function simItem(sim: Sim, id: string) {
  const row = sim.backend.store.review.get(WORKSPACE, id);
  if (row === undefined) throw new Error(`simulator has no item ${id}`);
  return row;
}

/** The simulator's audit rows about one resource (verdicts and audited reads). */
export function simAudit(sim: Sim, resourceId: string): { action: string; user_agent: string | null }[] {
  return sim.backend.store.db
    .prepare<[string], { raw: string }>(`SELECT raw FROM audit_events WHERE resource_id = ? ORDER BY seq`)
    .all(resourceId)
    .map((r) => JSON.parse(r.raw) as { action: string; user_agent: string | null });
}

/** Another reviewer acting directly on the backend (a claim or a verdict made elsewhere). */
export async function actAsOther(sim: Sim, itemId: string, action: 'claim' | 'approve' | 'reject'): Promise<number> {
  const token = await sim.backend.issueToken(OTHER_REVIEWER, WORKSPACE);
  const response = await fetch(`${sim.backend.url}/v1/${WORKSPACE}/review-queue/${itemId}/${action}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(action === 'reject' ? { reason: 'Duplicate of another item' } : {}),
  });
  await response.body?.cancel();
  return response.status;
}
