/**
 * A real HTTP server on 127.0.0.1:0 that answers like the local workspace API, so the renderer's
 * client is tested over real fetch and sockets (no fetch mocks). Handlers are swapped per test;
 * every request is recorded with its headers and body.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReviewSummaryView, SessionView, SyncStatusView } from '../../../shared/contract';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export interface FixtureServer {
  baseUrl: string;
  requests: RecordedRequest[];
  /** Sets the answer for `METHOD /path` (path without query). */
  on(methodAndPath: string, handler: Handler): void;
  close(): Promise<void>;
}

export const sendJson = (res: ServerResponse, status: number, value: unknown): void => {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
};

export const json =
  (value: unknown, status = 200): Handler =>
  (_req, res) =>
    sendJson(res, status, value);

export const startFixtureServer = async (): Promise<FixtureServer> => {
  const handlers = new Map<string, Handler>();
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      const handler = handlers.get(`${req.method} ${path}`);
      if (handler) handler(req, res, body);
      else sendJson(res, 404, { error: { code: 'not_found', message: 'No such route.' } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    on: (key, handler) => void handlers.set(key, handler),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/** A port that was just free: connecting to it fails fast with ECONNREFUSED. */
export const closedPortUrl = async (): Promise<string> => {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
};

// Contract-shaped answers. Typed against the views so a contract change breaks them at compile time.

export const backend = { apiUrl: 'http://127.0.0.1:9999', issuer: 'http://127.0.0.1:9998/oidc', demo: true };

export const signedOutSession: SessionView = {
  status: 'signed-out',
  backend,
  keychain: 'os',
  user: null,
  workspace: null,
  lastError: null,
  lockReason: null,
  pending: null,
  targets: [
    {
      id: 'configured',
      label: 'Demo backend (synthetic data)',
      kind: 'configured',
      apiUrl: backend.apiUrl,
      issuer: backend.issuer,
      region: null,
      demo: true,
    },
  ],
  targetId: 'configured',
  workspaces: [],
  idleLockSeconds: 900,
  tokenBinding: null,
};

export const signedInSession: SessionView = {
  ...signedOutSession,
  status: 'signed-in',
  keychain: 'memory',
  user: { sub: 'u-1', name: 'Dana Reviewer', email: 'dana@example.test' },
  workspace: { id: 'ws-1', name: 'Riverside Clinic', region: 'us-east-1', role: 'admin' },
  workspaces: [{ id: 'ws-1', name: 'Riverside Clinic', region: 'us-east-1', role: 'admin', available: true }],
  tokenBinding: 'dpop',
};

export const lockedSession: SessionView = { ...signedOutSession, status: 'locked', lockReason: 'idle' };

export const syncStatus = (overrides: Partial<SyncStatusView> = {}): SyncStatusView => ({
  online: true,
  lastCompleteSyncAt: '2025-11-20T10:00:00.000Z',
  streams: [
    {
      stream: 'review-items',
      lastSuccessAt: '2025-11-20T10:00:00.000Z',
      lastError: null,
      running: false,
      count: 120,
      total: null,
    },
  ],
  outbox: { pendingByKind: { approve: 2 }, quarantined: 0 },
  ...overrides,
});

export const reviewSummary: ReviewSummaryView = {
  pending: 37,
  inProgress: 3,
  asOf: '2025-11-20T10:00:00.000Z',
};
