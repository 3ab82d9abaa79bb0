/**
 * One regional backend instance: HTTP on 127.0.0.1, the API (/v1/*, /self/profile), the test-only
 * admin surface (/__sim/*) and, for everything else, the identity provider mounted at the root of
 * the same origin, as in the real Amigo identity service. The data source (generator or dataset
 * file) and the identity provider are wired in by server.ts; tests may wire stand-ins.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Region } from '../../shared/amigo';
import { apiRoutes } from './api';
import { createPipeline, sendJson } from './api/pipeline';
import type { ApiDeps, ApiOptions } from './api/types';
import type { DatasetSink, Scale } from './dataset';
import type { DemoWorkspace } from './directory';
import { DEMO_WORKSPACES } from './directory';
import type { RateLimitConfig } from './http/rate-limit';
import { DEFAULT_RATE_LIMIT, RateLimiter } from './http/rate-limit';
import type { AccessClaims, IdentityConfig, IdentityProviderHandle, VerifyRequestInput } from './identity';
import { createAdmin } from './sim/admin.routes';
import { FaultController } from './sim/faults';
import { RequestLog } from './sim/request-log';
import type { Store } from './store';
import { createStore, withBulkLoad } from './store';
import type { StreamHubOptions } from './stream/hub';
import { StreamHub } from './stream/hub';

export interface RegionalBackendOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  region: Region;
  /** Holds backend.db, identity/ (signing keys, grants) and exports/. Created if missing. */
  dataDir: string;
  seed?: number;
  scale?: Scale;
  /** A dataset file to load instead of generating data. */
  dataset?: string;
  /**
   * Issuer of the tokens this backend accepts. Default: its own origin, hosting the identity
   * provider. Another origin: this instance hosts no provider and verifies tokens against that
   * issuer's JWKS (a second region trusting the first one's provider).
   */
  issuer?: string;
  /** false: start with empty workspaces (tests feed records through /__sim/dataset or the store). */
  generate?: boolean;
  /** Added to every request (CLI --latency-ms). */
  latencyMs?: number;
  /** Probability of a 503 on any request (CLI --fail-rate). */
  failRate?: number;
  rateLimit?: RateLimitConfig;
  api?: Partial<ApiOptions>;
  stream?: StreamHubOptions;
  /** Log progress to stderr (the CLI); silent by default. */
  verbose?: boolean;
  /** Identity provider settings (rotation, DPoP nonces, device poll interval…) when it hosts one. */
  identity?: Partial<IdentityConfig>;
}

export interface RegionalBackend {
  /** http://127.0.0.1:PORT */
  url: string;
  /** The issuer the backend's tokens come from (its own origin unless `issuer` was given). */
  issuer: string;
  /** The `aud` API tokens must carry. */
  audience: string;
  region: Region;
  /** The workspaces this instance serves (DEMO_WORKSPACES of its region, plus any from a dataset). */
  workspaces: readonly string[];
  requests: RequestLog;
  faults: FaultController;
  rateLimiter: RateLimiter;
  hub: StreamHub;
  store: Store;
  /** A real access token from the hosted provider (tests only; throws with a remote issuer). */
  issueToken(sub: string, workspaceId: string): Promise<string>;
  close(): Promise<void>;
}

export interface IdentityWiring {
  audience: string;
  createIdentityProvider(opts: {
    issuer: string;
    dataDir: string;
    audience: string;
    config?: Partial<IdentityConfig>;
  }): Promise<IdentityProviderHandle>;
  createRemoteVerifier(
    issuer: string,
    audience: string,
  ): { verifyRequest(r: VerifyRequestInput): Promise<AccessClaims> };
}

export interface DataWiring {
  generateWorkspace(opts: { seed: number; scale: Scale; workspace: DemoWorkspace }, sink: DatasetSink): void;
  loadDatasetFile(file: string, sink: DatasetSink): void;
}

const isLoopbackOrigin = (u: URL): boolean => ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);

export async function createBackend(
  opts: RegionalBackendOptions,
  wiring: IdentityWiring & DataWiring,
): Promise<RegionalBackend> {
  const say = (msg: string): void => {
    if (opts.verbose === true) process.stderr.write(`[regional-backend ${opts.region}] ${msg}\n`);
  };
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const store = createStore(path.join(opts.dataDir, 'backend.db'));
  const exportsDir = path.join(opts.dataDir, 'exports');
  fs.mkdirSync(exportsDir, { recursive: true });

  /** How long close() waits for requests still being handled before it closes the store anyway. */
  const CLOSE_GRACE_MS = 5_000;
  // Requests that arrive while the instance is still loading get a 503 instead of a half state.
  let handler: ((req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>) | undefined;
  // Handlers still running (awaiting a token check, a latency fault…) when close() is called must
  // finish before the store closes under them.
  const inFlight = new Set<Promise<void>>();
  const server = http.createServer((req, res) => {
    if (handler === undefined) {
      sendJson(res, 503, { detail: 'Backend is starting' }, { 'retry-after': '1' });
      return;
    }
    const handling = handler(req, res).finally(() => inFlight.delete(handling));
    inFlight.add(handling);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  let identity: IdentityProviderHandle | undefined;
  let verify: (r: VerifyRequestInput) => Promise<AccessClaims>;
  let issuer = origin;
  try {
    const wanted = opts.issuer === undefined ? undefined : new URL(opts.issuer);
    if (wanted === undefined || (isLoopbackOrigin(wanted) && wanted.port === String(port))) {
      issuer = wanted?.origin ?? origin;
      identity = await wiring.createIdentityProvider({
        issuer,
        dataDir: path.join(opts.dataDir, 'identity'),
        audience: wiring.audience,
        ...(opts.identity ? { config: opts.identity } : {}),
      });
      const idp = identity;
      verify = (r) => idp.verifyRequest(r);
    } else {
      issuer = wanted.origin;
      verify = wiring.createRemoteVerifier(issuer, wiring.audience).verifyRequest;
    }

    const served = DEMO_WORKSPACES.filter((w) => w.region === opts.region);
    const now = new Date().toISOString();
    for (const w of served) {
      if (store.settings.workspace(w.id) === null) {
        store.settings.putWorkspace({
          id: w.id,
          slug: w.slug,
          name: w.name,
          environment: 'production',
          backend_org_id: null,
          region: w.region,
          connector_type: null,
          provisioned_at: now,
          created_at: now,
          updated_at: now,
        });
      }
    }
    loadData(opts, wiring, store, served, say);

    const hub = new StreamHub(opts.stream);
    const faults = new FaultController(opts.seed ?? 1);
    if (opts.latencyMs !== undefined && opts.latencyMs > 0)
      faults.add({ kind: 'latency', ms: opts.latencyMs, rate: 1 });
    if (opts.failRate !== undefined && opts.failRate > 0)
      faults.add({ kind: 'status', status: 503, rate: opts.failRate, retry_after: 1 });
    const log = new RequestLog();
    const rateLimiter = new RateLimiter(opts.rateLimit ?? DEFAULT_RATE_LIMIT);
    const deps: ApiDeps = {
      store,
      region: opts.region,
      origin: () => origin,
      hub,
      verify,
      now: Date.now,
      exportsDir,
      exportKey: randomBytes(32),
      options: { auditReads: false, auditExportEnabled: true, auditExportRowCap: null, ...opts.api },
    };
    const idp = identity;
    const issueToken =
      idp === undefined ? undefined : (sub: string, ws: string) => idp.issueAccessTokenForTests(sub, ws);
    handler = createPipeline({
      deps,
      routes: apiRoutes(deps),
      faults,
      log,
      rateLimiter,
      identity:
        idp === undefined
          ? (_req, res) => sendJson(res, 404, { detail: 'Not Found' })
          : (req, res) => idp.handle(req, res),
      admin: createAdmin({ deps, faults, log, rateLimiter, issuer: () => issuer, issueToken }),
    });

    let closing: Promise<void> | undefined;
    const workspaces = store.db
      .prepare<[], { id: string; raw: string }>(`SELECT id, raw FROM workspaces`)
      .all()
      .filter((w) => (JSON.parse(w.raw) as { region?: unknown }).region === opts.region)
      .map((w) => w.id);
    say(`serving ${workspaces.length} workspace(s) at ${origin}`);
    return {
      url: origin,
      issuer,
      audience: wiring.audience,
      region: opts.region,
      workspaces,
      requests: log,
      faults,
      rateLimiter,
      hub,
      store,
      issueToken: async (sub, ws) => {
        if (issueToken === undefined)
          throw new Error('this backend verifies tokens of a remote issuer; mint tokens there');
        return issueToken(sub, ws);
      },
      close: () => {
        closing ??= (async () => {
          hub.endAll();
          await new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          });
          // Bounded: a handler stuck on a dead client must not keep the backend from closing.
          const settled = await Promise.race([
            Promise.allSettled([...inFlight]).then(() => true),
            sleep(CLOSE_GRACE_MS, false, { ref: false }),
          ]);
          if (!settled) say(`closing with ${inFlight.size} request(s) still being handled`);
          await idp?.close();
          store.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    server.closeAllConnections();
    server.close();
    await identity?.close();
    store.close();
    throw err;
  }
}

/**
 * Fills the store once per data dir: a dataset file, or generated data for every workspace of the
 * region. A restarted instance on the same data dir keeps its state (and its verdicts).
 */
function loadData(
  opts: RegionalBackendOptions,
  wiring: DataWiring,
  store: Store,
  served: readonly DemoWorkspace[],
  say: (msg: string) => void,
): void {
  if (opts.dataset !== undefined) {
    const key = `loaded:dataset:${path.resolve(opts.dataset)}`;
    if (store.settings.meta(key) !== undefined) return;
    const started = Date.now();
    const file = opts.dataset;
    const { written } = withBulkLoad(store.db, (sink) => wiring.loadDatasetFile(file, sink));
    store.settings.setMeta(key, new Date().toISOString());
    say(`loaded ${written} records from ${opts.dataset} in ${Date.now() - started} ms`);
    return;
  }
  if (opts.generate === false) return;
  const seed = opts.seed ?? 1;
  const scale = opts.scale ?? 'small';
  for (const workspace of served) {
    const key = `loaded:generated:${workspace.id}`;
    const previous = store.settings.meta(key);
    if (previous !== undefined) {
      if (previous !== `${seed}:${scale}`)
        say(`${workspace.slug}: keeping data generated with ${previous} (data dir reused)`);
      continue;
    }
    const started = Date.now();
    const { written } = withBulkLoad(store.db, (sink) => wiring.generateWorkspace({ seed, scale, workspace }, sink), {
      defaultWorkspaceId: workspace.id,
    });
    store.settings.setMeta(key, `${seed}:${scale}`);
    say(`${workspace.slug}: generated ${written} records (seed ${seed}, ${scale}) in ${Date.now() - started} ms`);
  }
}
