/**
 * Routes of the local API, typed from the shared contract (architecture.md §6.1): each route name
 * gets one handler whose params, query and body types come from the route's schemas and whose
 * result must satisfy its response schema. The router parses every input with the route's strict
 * schemas before a handler runs (security-bar F-01), checks the session for `session` routes, and
 * turns failures into the contract's error shape without internals.
 */
import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import type { PathParams, RouteDef } from '../../../shared/contract/define';
import { ApiFailure, FAILURES, type ApiIssue } from './api-failure';

export { ApiFailure } from './api-failure';

export interface HandlerContext<D extends RouteDef> {
  params: PathParams<D['path']>;
  query: z.output<D['query']>;
  body: z.output<D['body']>;
  req: IncomingMessage;
}

export type Handler<D extends RouteDef> = (ctx: HandlerContext<D>) => Promise<z.input<D['response']>>;

export type Handlers<R extends Record<string, RouteDef>> = { [K in keyof R]: Handler<R[K]> };

export interface RouteMatch {
  name: string;
  def: RouteDef;
  params: Record<string, string>;
}

export type MatchResult =
  { kind: 'route'; match: RouteMatch } | { kind: 'method-not-allowed'; allowed: string[] } | { kind: 'none' };

export interface DispatchInput {
  url: URL;
  /** The parsed JSON body, or undefined when the request had none. */
  body: unknown;
  req: IncomingMessage;
  /** Throws an ApiFailure (401 signed out, 423 locked) when no session is open. */
  requireSession: () => void;
}

export interface DispatchResult {
  status: number;
  body: unknown;
}

export interface Router {
  match(method: string, pathname: string): MatchResult;
  dispatch(match: RouteMatch, input: DispatchInput): Promise<DispatchResult>;
}

export interface RouterOptions {
  /**
   * Parse every handler result with the route's response schema; a mismatch answers a generic
   * 500 (fail closed: a bug must not leak fields the contract does not declare). On by default;
   * the cost is small next to the handlers' own work.
   */
  validateResponses?: boolean;
  /** Where unexpected errors are reported (name, code and stack frames only; never the message). */
  logError?: (line: string) => void;
}

type LooseHandler = (ctx: {
  params: Record<string, string>;
  query: unknown;
  body: unknown;
  req: IncomingMessage;
}) => Promise<unknown>;

interface CompiledRoute {
  name: string;
  def: RouteDef;
  segments: ({ literal: string } | { param: string })[];
}

const MAX_PARAM_CHARS = 256;
const MAX_ISSUES = 20;

const compile = (name: string, def: RouteDef): CompiledRoute => {
  if (!def.path.startsWith('/api/')) throw new Error(`Route ${name}: paths live under /api/`);
  const segments = def.path
    .slice(1)
    .split('/')
    .map((s) => (s.startsWith(':') ? { param: s.slice(1) } : { literal: s }));
  return { name, def, segments };
};

/** A decoded parameter must not smuggle a path separator or a control character. */
const hasSeparatorOrControl = (value: string): boolean => {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0x2f || c === 0x5c) return true;
  }
  return false;
};

const matchSegments = (route: CompiledRoute, parts: readonly string[]): Record<string, string> | null => {
  if (parts.length !== route.segments.length) return null;
  const params: Record<string, string> = {};
  for (const [i, segment] of route.segments.entries()) {
    const part = parts[i] ?? '';
    if ('literal' in segment) {
      if (segment.literal !== part) return null;
      continue;
    }
    let value: string;
    try {
      value = decodeURIComponent(part);
    } catch {
      throw FAILURES.badRequest('The address is not correctly encoded.');
    }
    if (value.length === 0 || value.length > MAX_PARAM_CHARS || hasSeparatorOrControl(value)) {
      throw FAILURES.badRequest('The address holds an invalid identifier.');
    }
    params[segment.param] = value;
  }
  return params;
};

/** Query string → object for the schema: a repeated key becomes an array. */
const queryObject = (url: URL): Record<string, string | string[]> => {
  const out: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    out[key] = values.length === 1 ? (values[0] ?? '') : values;
  }
  return out;
};

const toIssues = (error: z.ZodError): ApiIssue[] =>
  error.issues.slice(0, MAX_ISSUES).map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message.length > 300 ? `${issue.message.slice(0, 299)}…` : issue.message,
  }));

const validationFailure = (where: 'query' | 'body', error: z.ZodError): ApiFailure =>
  new ApiFailure(
    422,
    'validation',
    where === 'query' ? 'The request parameters are not valid.' : 'The request body is not valid.',
    toIssues(error),
  );

/** Name, code and stack frames of an unexpected error: the message may hold PHI, so it is left out. */
export const describeUnexpectedError = (error: unknown): string => {
  if (!(error instanceof Error)) return `non-error thrown (${typeof error})`;
  const code = 'code' in error && typeof error.code === 'string' ? ` [${error.code}]` : '';
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .slice(0, 8)
    .join('\n');
  return `${error.name}${code}\n${frames}`;
};

export const createRouter = <R extends Record<string, RouteDef>>(
  routes: R,
  handlers: Handlers<R>,
  options: RouterOptions = {},
): Router => {
  const validateResponses = options.validateResponses ?? true;
  const logError = options.logError ?? ((line: string) => console.error(line));
  // Fewest parameters first: `/api/items/stats` wins over `/api/items/:id`.
  const compiled = Object.entries(routes)
    .map(([name, def]) => compile(name, def))
    .sort((a, b) => a.segments.filter((s) => 'param' in s).length - b.segments.filter((s) => 'param' in s).length);
  const seen = new Set<string>();
  for (const route of compiled) {
    const key = `${route.def.method} ${route.def.path}`;
    if (seen.has(key)) throw new Error(`Two routes answer ${key}`);
    seen.add(key);
  }
  // Handlers are typed per route; at this point only their shape matters.
  const table = handlers as unknown as Record<string, LooseHandler | undefined>;
  for (const route of compiled) {
    if (typeof table[route.name] !== 'function') throw new Error(`Route ${route.name} has no handler`);
  }

  return {
    match: (method, pathname) => {
      const parts = pathname.slice(1).split('/');
      const allowed: string[] = [];
      for (const route of compiled) {
        const params = matchSegments(route, parts);
        if (params === null) continue;
        if (route.def.method === method) return { kind: 'route', match: { name: route.name, def: route.def, params } };
        allowed.push(route.def.method);
      }
      return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'none' };
    },

    dispatch: async (match, input) => {
      try {
        if (match.def.access === 'session') input.requireSession();
        const query = match.def.query.safeParse(queryObject(input.url));
        if (!query.success) throw validationFailure('query', query.error);
        // No body (a GET, or an empty POST) is read as `{}`: routes without a body declare noBody.
        const body = match.def.body.safeParse(input.body ?? {});
        if (!body.success) throw validationFailure('body', body.error);
        const handler = table[match.name];
        if (!handler) throw FAILURES.notFound();
        const result = await handler({ params: match.params, query: query.data, body: body.data, req: input.req });
        if (!validateResponses) return { status: 200, body: result };
        const checked = match.def.response.safeParse(result);
        if (!checked.success) {
          logError(
            `[attest http] ${match.name}: response does not match its schema at ${toIssues(checked.error)
              .map((i) => i.path || '(root)')
              .join(', ')}`,
          );
          return { status: 500, body: FAILURES.internal().toBody() };
        }
        return { status: 200, body: checked.data };
      } catch (error) {
        if (error instanceof ApiFailure) return { status: error.status, body: error.toBody() };
        logError(`[attest http] ${match.name}: unexpected error\n${describeUnexpectedError(error)}`);
        return { status: 500, body: FAILURES.internal().toBody() };
      }
    },
  };
};
