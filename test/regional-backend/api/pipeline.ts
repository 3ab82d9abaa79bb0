/**
 * The request pipeline of one simulator instance:
 *   x-request-id → request log → /__sim/* (loopback only) → faults → API routes or identity.
 * API routes: rate limit → token (401) → path workspace (422 / 404 not in this region / 403 not
 * the token's workspace) → role (403) → handler (422 for query/body) → response (through faults).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Role } from '../../../shared/amigo';
import { canDecideReviews, canSeeAudit, ROLES } from '../../../shared/amigo';
import { parseJsonBody, readBody } from '../http/body';
import { HttpError, ValidationError } from '../http/errors';
import type { ValidationIssue } from '../http/errors';
import type { ParamSpec } from '../http/params';
import { readParams, throwIfInvalid, uuid } from '../http/params';
import type { RateLimiter } from '../http/rate-limit';
import { createRouter } from '../http/router';
import type { FaultController, FaultPlan } from '../sim/faults';
import { violateSchema } from '../sim/faults';
import type { RequestLog } from '../sim/request-log';
import type { Access, ApiCtx, ApiDeps, RouteDef } from './types';
import { STREAMING } from './types';

export interface PipelineParts {
  deps: ApiDeps;
  routes: readonly RouteDef[];
  faults: FaultController;
  log: RequestLog;
  rateLimiter: RateLimiter;
  /** Everything that is not API or /__sim: the identity provider (or a 404 without one). */
  identity: (req: IncomingMessage, res: ServerResponse) => void;
  admin: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;
}

const API_PATH = /^\/(?:v1\/|self(?:\/profile)?\/?$)/;
const REQUEST_ID = /^[\w.:-]{1,128}$/;

const roleOk = (role: Role, access: Access): boolean =>
  access === 'read' ? true : access === 'review' ? canDecideReviews(role) : canSeeAudit(role);

const ACCESS_TEXT: Record<Access, string> = {
  read: 'any role',
  review: 'operator, member, admin or owner (ReviewQueue:Review)',
  admin: 'admin or owner',
};

const isLoopback = (addr: string | undefined): boolean =>
  addr === '127.0.0.1' || addr === '::1' || addr === '::ffff:127.0.0.1';

interface IdentityLikeError {
  status: 401 | 403;
  message: string;
  headers?: Readonly<Record<string, string>>;
}
const isIdentityError = (e: unknown): e is IdentityLikeError =>
  e instanceof Error && e.name === 'IdentityError' && 'status' in e && (e.status === 401 || e.status === 403);

/** Handles one request; the promise settles when the handler is done with the store. */
export function createPipeline(parts: PipelineParts): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { deps, faults, log, rateLimiter } = parts;
  const router = createRouter(parts.routes);

  return async (req, res) => {
    const started = performance.now();
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', requestId);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', deps.origin());
    } catch {
      sendJson(res, 400, { detail: 'Invalid request target' });
      return;
    }
    const method = (req.method ?? 'GET').toUpperCase();
    const entry = { route: null as string | null, workspaceId: null as string | null, faults: [] as string[] };
    res.on('close', () => {
      log.add({
        at: new Date().toISOString(),
        method,
        path: url.pathname,
        query: url.search,
        route: entry.route,
        status: res.headersSent ? res.statusCode : 0,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        host: req.headers.host ?? null,
        requestId,
        workspaceId: entry.workspaceId,
        faults: entry.faults,
      });
    });

    if (url.pathname.startsWith('/__sim/') || url.pathname === '/__sim') {
      // Test-only admin surface: loopback callers only (the server binds 127.0.0.1 anyway).
      if (!isLoopback(req.socket.remoteAddress)) {
        sendJson(res, 404, { detail: 'Not Found' });
        return;
      }
      await parts.admin(req, res, url).catch((err: unknown) => fail(res, err));
      return;
    }

    const plan = faults.plan(method, url.pathname);
    entry.faults = plan.fired;
    await (async () => {
      if (plan.latencyMs > 0) await sleep(plan.latencyMs);
      if (plan.drop === 'before') {
        req.socket.destroy();
        return;
      }
      if (plan.status !== undefined) {
        const headers: Record<string, string> = {};
        if (plan.status.retryAfter !== undefined) headers['retry-after'] = String(plan.status.retryAfter);
        if (plan.status.status === 429) {
          Object.assign(headers, {
            'x-ratelimit-limit': String(rateLimiter.current().limit),
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset': String(Math.ceil(deps.now() / 1000) + (plan.status.retryAfter ?? 1)),
          });
        }
        const detail =
          plan.status.status === 429
            ? 'Rate limit exceeded'
            : `Simulated ${plan.status.status} (${plan.status.ruleId})`;
        sendJson(res, plan.status.status, { detail }, headers, plan);
        return;
      }
      if (API_PATH.test(url.pathname)) await handleApi(req, res, url, method, requestId, plan, entry);
      else parts.identity(req, res);
    })().catch((err: unknown) => fail(res, err));
  };

  async function handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    method: string,
    requestId: string,
    plan: FaultPlan,
    entry: { route: string | null; workspaceId: string | null },
  ): Promise<void> {
    // /self is the SDK's fallback for /self/profile.
    const pathname = url.pathname.replace(/\/+$/, '') === '/self' ? '/self/profile' : url.pathname;
    const match = router.match(method, pathname);
    if (match === undefined) return sendJson(res, 404, { detail: 'Not Found' }, {}, plan);
    if (match === 'method') return sendJson(res, 405, { detail: 'Method Not Allowed' }, {}, plan);
    const { route, params } = match;
    entry.route = `${route.method} ${route.path}`;
    const rawWs = params['workspace_id'];
    const rate = rateLimiter.take(rawWs ?? 'global', entry.route);
    for (const [k, v] of Object.entries(rate.headers)) res.setHeader(k, v);
    try {
      if (!rate.allowed) throw new HttpError(429, 'Rate limit exceeded');
      const authorization = req.headers.authorization;
      if (authorization === undefined || authorization.trim() === '') {
        throw new HttpError(401, 'Not authenticated', { 'www-authenticate': 'Bearer' });
      }
      const dpop = req.headers['dpop'];
      // DPoP's `htu` is the URL as the client addressed it, so the Host header decides the origin.
      const addressed = new URL(
        url.pathname + url.search,
        typeof req.headers.host === 'string' ? `http://${req.headers.host}` : deps.origin(),
      );
      const claims = await deps.verify({
        authorization,
        ...(typeof dpop === 'string' ? { dpop } : {}),
        method,
        url: addressed.href,
      });
      let workspaceId = '';
      let role: Role = claims.role;
      if (route.scope === 'workspace') {
        const issues: ValidationIssue[] = [];
        workspaceId = readParams(
          'path',
          { workspace_id: uuid() },
          (n) => (params[n] === undefined ? [] : [params[n] ?? '']),
          issues,
        ).workspace_id;
        throwIfInvalid(issues);
        entry.workspaceId = workspaceId;
        const ws = deps.store.settings.workspace(workspaceId);
        if (ws === null || ws['region'] !== deps.region) throw new HttpError(404, 'Workspace not found');
        if (claims.workspaceId !== workspaceId) throw new HttpError(403, 'Token is not valid for this workspace');
        const override = deps.store.settings.roleOverride(workspaceId, claims.sub);
        role = ROLES.find((r) => r === override) ?? claims.role;
        if (!roleOk(role, route.access))
          throw new HttpError(403, `Insufficient permissions: requires ${ACCESS_TEXT[route.access]}`);
      }
      const ctx: ApiCtx = {
        req,
        res,
        url,
        requestId,
        claims,
        role,
        workspaceId,
        actor: {
          sub: claims.sub,
          clientId: claims.clientId,
          ipAddress: req.socket.remoteAddress ?? null,
          userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : null,
          requestId,
          method,
          path: url.pathname,
        },
        input<P extends ParamSpec, Q extends ParamSpec>(spec: { path?: P; query?: Q }) {
          const issues: ValidationIssue[] = [];
          // An absent spec reads nothing; the empty object stands in for it.
          const path = readParams(
            'path',
            spec.path ?? ({} as P),
            (n) => (params[n] === undefined ? [] : [params[n] ?? '']),
            issues,
          );
          const query = readParams('query', spec.query ?? ({} as Q), (n) => url.searchParams.getAll(n), issues);
          throwIfInvalid(issues);
          return { path, query };
        },
        async body(schema) {
          return parseJsonBody(schema, await readBody(req), req.headers['content-type']);
        },
      };
      const result = await route.handler(ctx);
      if (result === STREAMING) return;
      if (plan.drop === 'after') {
        // The request took effect; the client never learns so.
        req.socket.destroy();
        return;
      }
      sendJson(res, result.status ?? 200, result.body, result.headers ?? {}, plan);
    } catch (err) {
      if (plan.drop === 'after') {
        req.socket.destroy();
        return;
      }
      fail(res, err, plan);
    }
  }
}

function fail(res: ServerResponse, err: unknown, plan?: FaultPlan): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err instanceof ValidationError) return sendJson(res, 422, { detail: err.issues }, {}, plan);
  if (err instanceof HttpError) return sendJson(res, err.status, { detail: err.message }, { ...err.headers }, plan);
  if (isIdentityError(err)) return sendJson(res, err.status, { detail: err.message }, { ...err.headers }, plan);
  console.error('[regional-backend] unhandled error:', err);
  sendJson(res, 500, { detail: 'Internal Server Error' }, {}, plan);
}

/** Serialises a JSON reply, corrupting it first when a body fault fired for this request. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  plan?: FaultPlan,
): void {
  let payload = JSON.stringify(body);
  const fault = plan?.body;
  if (fault?.kind === 'malformed') payload = payload.slice(0, Math.max(1, Math.floor(payload.length / 2)));
  else if (fault?.kind === 'schema') payload = JSON.stringify(violateSchema(body));
  else if (fault?.kind === 'oversized') {
    payload =
      typeof body === 'object' && body !== null && !Array.isArray(body)
        ? JSON.stringify({ ...body, _padding: 'x'.repeat(fault.bytes) })
        : payload + ' '.repeat(fault.bytes);
  }
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(payload)),
    'cache-control': 'no-store',
  });
  res.end(payload);
}
