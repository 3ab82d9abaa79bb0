/** What every API route module shares: its dependencies, the request context, the route shape. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { Region, Role } from '../../../shared/amigo';
import type { ParamSpec, Parsed } from '../http/params';
import type { AccessClaims, VerifyRequestInput } from '../identity';
import type { Actor } from '../store/audit-writer';
import type { Store } from '../store';
import type { StreamHub } from '../stream/hub';

export interface ApiOptions {
  /** Write an `*.read` audit event (phi_accessed) for single-resource PHI reads. Off by default. */
  auditReads: boolean;
  /** false → POST /audit/export and GET /audit/exports answer 503 "Audit export not configured". */
  auditExportEnabled: boolean;
  /** Optional cap on exported rows (the unverified 50,000-row cap); null = no cap. */
  auditExportRowCap: number | null;
}

export interface ApiDeps {
  store: Store;
  region: Region;
  /** The backend's own origin (http://127.0.0.1:PORT), known once it listens. */
  origin(): string;
  hub: StreamHub;
  verify(r: VerifyRequestInput): Promise<AccessClaims>;
  now(): number;
  /** Where audit exports are written (inside the data dir). */
  exportsDir: string;
  /** Signs export download URLs, standing in for S3 presigning. */
  exportKey: Buffer;
  options: ApiOptions;
}

export interface ApiCtx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  requestId: string;
  claims: AccessClaims;
  /** The caller's role in the path's workspace (a test override wins over the token's claim). */
  role: Role;
  actor: Actor;
  /** The validated path workspace id ('' on routes outside a workspace). */
  workspaceId: string;
  /** Validates path and query parameters together; throws a 422 listing every problem. */
  input<P extends ParamSpec, Q extends ParamSpec>(spec: { path?: P; query?: Q }): { path: Parsed<P>; query: Parsed<Q> };
  /** Reads and validates the JSON body with a shared/amigo schema. */
  body<S extends z.ZodType>(schema: S): Promise<z.output<S>>;
}

export interface Reply {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Returned by a handler that took over the response (the SSE stream). */
export const STREAMING = Symbol('streaming');
export type HandlerResult = Reply | typeof STREAMING;

/** `read`: any member (viewer+); `review`: operator+; `admin`: admin or owner. */
export type Access = 'read' | 'review' | 'admin';

export interface RouteDef {
  method: 'GET' | 'POST' | 'PUT';
  /** OpenAPI-style template, e.g. `/v1/{workspace_id}/review-queue/{item_id}`. */
  path: string;
  /** `workspace`: the path's workspace must be served here and match the token's. */
  scope: 'token' | 'workspace';
  access: Access;
  handler(ctx: ApiCtx): Promise<HandlerResult> | HandlerResult;
}

export const ok = (body: unknown, status = 200): Reply => ({ status, body });
