/**
 * How a route of the local workspace API is declared. The server's router registers a handler
 * per route name, typed from these definitions, and the renderer's client is typed from the same
 * object (architecture.md §6.1): there is no second description of the API to drift.
 */
import { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Who may call a route: anyone holding the launch secret, or only with an unlocked session. */
export type RouteAccess = 'public' | 'session';

export interface RouteDef<
  M extends HttpMethod = HttpMethod,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
  P extends string = string,
> {
  method: M;
  /**
   * Path with `:name` parameters, e.g. `/api/review/items/:id`. Kept as its literal type so the
   * server's handlers get typed `params` (PathParams<P>).
   */
  path: P;
  access: RouteAccess;
  query: Q;
  body: B;
  response: R;
}

export const noQuery = z.strictObject({});
export const noBody = z.strictObject({});

export const route = <
  M extends HttpMethod,
  Q extends z.ZodType = typeof noQuery,
  B extends z.ZodType = typeof noBody,
  R extends z.ZodType = z.ZodType,
  P extends string = string,
>(def: {
  method: M;
  path: P;
  access: RouteAccess;
  query?: Q;
  body?: B;
  response: R;
}): RouteDef<M, Q, B, R, P> => ({
  method: def.method,
  path: def.path,
  access: def.access,
  query: (def.query ?? noQuery) as Q,
  body: (def.body ?? noBody) as B,
  response: def.response,
});

/** Path parameters of a route path, e.g. `/a/:id/b/:key` → `{ id: string; key: string }`. */
export type PathParams<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? { [K in Name]: string } & PathParams<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? { [K in Name]: string }
    : Record<never, never>;

/** The error body every local API failure answers with. */
export const apiError = z.object({
  error: z.object({
    /** Stable machine code, e.g. `unauthorized`, `validation`, `forbidden_role`. */
    code: z.string(),
    /** A sentence a person understands, with what to do next. */
    message: z.string(),
    /** Field-level problems for validation errors. */
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});
export type ApiError = z.infer<typeof apiError>;
