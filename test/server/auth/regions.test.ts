/**
 * Two simulator instances as two regions: US (hosting the identity provider) and EU (trusting
 * it). Dana has a workspace in each. Whatever she opens, the workspace's traffic goes only to its
 * own region's host; the other host sees nothing of it (both request logs are counted). Token
 * requests go to the identity provider, which is the global identity service, not a region's API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteError } from '../../../electron/server/remote/remote-error';
import { reviewStats } from '../../../shared/amigo';
import type { RequestLogEntry } from '../../regional-backend/server';
import { DEMO_WORKSPACES } from '../../regional-backend/directory';
import {
  browserSignIn,
  createSession,
  startBackend,
  waitFor,
  type TestBackend,
  type TestSession,
} from './session-test-kit';

const riverbend = DEMO_WORKSPACES.find((w) => w.slug === 'riverbend-clinic');
const lindenhof = DEMO_WORKSPACES.find((w) => w.slug === 'lindenhof-praxis');
if (!riverbend || !lindenhof) throw new Error('demo directory changed');

let us: TestBackend;
let eu: TestBackend;
let test: TestSession;

const IDENTITY_PATHS = /^\/(token|token\/revocation|\.well-known\/openid-configuration|jwks)$/;
const isApi = (e: RequestLogEntry): boolean => e.path.startsWith('/v1/') || e.path.startsWith('/self');
const since = (backend: TestBackend, seq: number): RequestLogEntry[] =>
  backend.requests.entries().filter((e) => e.seq > seq);
const lastSeq = (backend: TestBackend): number => backend.requests.entries().at(-1)?.seq ?? 0;
const mentions = (e: RequestLogEntry, id: string): boolean => e.path.includes(id) || e.workspaceId === id;

beforeAll(async () => {
  us = await startBackend({ region: 'us-east-1' });
  eu = await startBackend({ region: 'eu-central-1', issuer: us.issuer });
  test = createSession(us, { regionApiOrigins: { 'us-east-1': us.url, 'eu-central-1': eu.url } });
});
afterAll(async () => {
  await test.close();
  await eu.close();
  await us.close();
});

describe('region pinning across two regional backends', () => {
  it("keeps each workspace's traffic on its own region's host", async () => {
    const { session } = test;
    expect((await browserSignIn(session, us.issuer, 'dana')).status).toBe('choosing-workspace');
    expect(eu.requests.count()).toBe(0);

    // Lindenhof (EU): its API calls go to the EU host; the US host sees only token requests.
    const usBefore = lastSeq(us);
    await session.chooseWorkspace(lindenhof.id);
    expect(session.view()).toMatchObject({
      status: 'signed-in',
      workspace: { id: lindenhof.id, region: 'eu-central-1', role: 'admin' },
      backend: { apiUrl: eu.url },
    });
    const active = session.requireWorkspace();
    await active.sync.syncNow();
    await active.remote.get(active.remote.workspacePath('review-queue/stats'), reviewStats);
    await waitFor(() => eu.requests.entries().some((e) => mentions(e, lindenhof.id) && e.status === 200), 'EU traffic');
    const usDuringEu = since(us, usBefore);
    expect(usDuringEu.filter(isApi)).toEqual([]);
    expect(usDuringEu.every((e) => IDENTITY_PATHS.test(e.path))).toBe(true);
    expect(
      eu.requests
        .entries()
        .filter(isApi)
        .every((e) => mentions(e, lindenhof.id)),
    ).toBe(true);

    // A request aimed at the other region is refused before it leaves the process.
    const usCount = us.requests.count();
    const refused = await active.remote
      .get(`${us.url}/v1/${lindenhof.id}/review-queue/stats`, reviewStats)
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RemoteError);
    expect((refused as RemoteError).kind).toBe('region-violation');
    expect(us.requests.count()).toBe(usCount);

    // Switching to Riverbend (US): once the switch returns, the EU host hears nothing more.
    await session.chooseWorkspace(riverbend.id);
    const euBefore = lastSeq(eu);
    expect(session.view()).toMatchObject({ workspace: { id: riverbend.id, region: 'us-east-1', role: 'member' } });
    const again = session.requireWorkspace();
    await again.sync.syncNow();
    await again.remote.get(again.remote.workspacePath('review-queue/stats'), reviewStats);
    expect(since(eu, euBefore)).toEqual([]);

    // Over the whole run: no request for one workspace ever reached the other region's host, and
    // no host ever had to refuse a token issued for another workspace.
    for (const backend of [us, eu]) {
      expect(backend.requests.entries().filter((e) => isApi(e) && (e.status === 401 || e.status === 403))).toEqual([]);
    }
    expect(us.requests.entries().filter((e) => mentions(e, lindenhof.id))).toEqual([]);
    expect(eu.requests.entries().filter((e) => mentions(e, riverbend.id))).toEqual([]);
  }, 60_000);
});
