/**
 * The renderer's only way to talk to anything: a client typed from the route table in
 * shared/contract (architecture.md §6.1). Every answer is parsed with the route's schema, so a
 * server bug or a foreign answer becomes a clear, typed error instead of a broken screen (F-01).
 *
 * Deliberately free of DOM-only APIs other than `fetch`, so it runs (and is tested) in Node.
 */
import type { z } from 'zod';
import type { ServerConnection } from '../../shared/ipc';
import { apiError, routes, type PathParams, type RouteDef } from '../../shared/contract';
import { ApiCallError, ServerUnreachableError, UNEXPECTED_RESPONSE, describeStatus } from './errors';

export { ApiCallError, ServerUnreachableError, describeApiFailure, isSessionProblem } from './errors';

type RouteTable = Readonly<Record<string, RouteDef>>;

/**
 * Query and body are required exactly when their schema needs something: `{}` is a valid input
 * for routes without a query or body, so callers may leave those out.
 */
type FieldFor<K extends string, T> = Record<never, never> extends T ? { [P in K]?: T } : { [P in K]: T };

/**
 * `params` is typed from the route's literal path: required with exactly its `:name` keys when
 * it has any, absent otherwise.
 */
type ParamsFor<P extends string> = string extends P
  ? { params?: Readonly<Record<string, string>> }
  : keyof PathParams<P> extends never
    ? { params?: undefined }
    : { params: Readonly<PathParams<P>> };

export type CallOptions<R extends RouteTable, N extends keyof R> = {
  signal?: AbortSignal;
  /** Overrides the client's default time limit for this one call. */
  timeoutMs?: number;
} & ParamsFor<R[N]['path']> &
  FieldFor<'query', z.input<R[N]['query']>> &
  FieldFor<'body', z.input<R[N]['body']>>;

type CallArgs<R extends RouteTable, N extends keyof R> =
  Record<never, never> extends CallOptions<R, N> ? [options?: CallOptions<R, N>] : [options: CallOptions<R, N>];

export interface TypedClient<R extends RouteTable> {
  call<N extends keyof R & string>(name: N, ...args: CallArgs<R, N>): Promise<z.output<R[N]['response']>>;
}

export type ApiClient = TypedClient<typeof routes>;

type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface ClientOptions {
  /** Injected for tests that need to observe requests; defaults to the global fetch. */
  fetch?: FetchLike;
  /** Loopback answers are fast; a server that hangs this long is treated as unreachable. */
  timeoutMs?: number;
  /** Cap on response bytes read before parsing (F-02); the local API answers small JSON. */
  maxResponseBytes?: number;
  /** Desktop: asks the preload for the current connection after a 401 (the secret was rotated). */
  reconnect?: () => Promise<ServerConnection>;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]']);

/**
 * The per-launch secret must only ever travel to the local workspace server: refuse any base URL
 * that is not plain http on a loopback address, so a bad bridge answer cannot leak it.
 */
const checkedBaseUrl = (baseUrl: string): string => {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TypeError('The workspace server address is not a valid URL.');
  }
  if (url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname) || url.username || url.password) {
    throw new TypeError('The workspace server address must be http on 127.0.0.1.');
  }
  return url.origin;
};

const fillPath = (path: string, params: Readonly<Record<string, string>> = {}): string =>
  path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined || value === '') {
      throw new ApiCallError({
        status: 0,
        code: 'invalid_request',
        message: `The request to ${path} is missing its "${name}" part.`,
      });
    }
    return encodeURIComponent(value);
  });

const queryString = (query: unknown): string => {
  if (query === null || typeof query !== 'object') return '';
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    const values: unknown[] = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (v === undefined || v === null) continue;
      search.append(key, v instanceof Date ? v.toISOString() : String(v));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
};

/** Reads the body as text, stopping once it exceeds the cap (Content-Length is not trusted). */
const readCapped = async (response: Response, maxBytes: number): Promise<string> => {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let received = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new ApiCallError({
        status: response.status,
        code: 'response_too_large',
        message: 'The local workspace server sent an answer larger than Attest accepts.',
      });
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
};

const isJson = (response: Response): boolean =>
  /^application\/(?:[\w.+-]+\+)?json\b/i.test(response.headers.get('content-type') ?? '');

const parseJson = (text: string): { ok: true; value: unknown } | { ok: false } => {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
};

const isAbortLike = (error: unknown): boolean =>
  error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');

/**
 * Builds a client for any route table; the app uses {@link createApiClient}. Tests use this with
 * their own table to cover path parameters and queries that the contract has no route for yet.
 */
export const createClientFor = <R extends RouteTable>(
  table: R,
  connection: ServerConnection | null,
  options: ClientOptions = {},
): TypedClient<R> => {
  // Desktop (bridge): absolute loopback URL plus the secret. Browser mode: the page's own
  // origin, where the HttpOnly cookie carries the secret and must be sent.
  let current = connection;
  let origin = current ? checkedBaseUrl(current.baseUrl) : '';
  const doFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const defaultTimeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;

  const call = async (
    name: string,
    callOptions: CallOptions<RouteTable, string> = {},
    reconnected = false,
  ): Promise<unknown> => {
    const def = table[name];
    if (!def) {
      throw new ApiCallError({ status: 0, code: 'invalid_request', message: `Unknown API route "${name}".` });
    }

    // Validate what we send with the same schemas the server uses: a caller bug shows up here,
    // with the field at fault, rather than as a vague 400 from the server.
    const query = def.query.safeParse(callOptions.query ?? {});
    const body = def.body.safeParse(callOptions.body ?? {});
    for (const parsed of [query, body]) {
      if (!parsed.success) {
        throw new ApiCallError({
          status: 0,
          code: 'invalid_request',
          message: `Attest tried to send an invalid request to ${def.path}.`,
          issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        });
      }
    }

    const url = `${origin}${fillPath(def.path, callOptions.params)}${queryString(callOptions.query)}`;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (current) headers.Authorization = `Bearer ${current.secret}`;
    const init: RequestInit = {
      method: def.method,
      headers,
      credentials: current ? 'omit' : 'same-origin',
      cache: 'no-store',
      // The local API never redirects; following one could carry the secret elsewhere (F-04).
      redirect: 'manual',
      signal: AbortSignal.any([
        AbortSignal.timeout(callOptions.timeoutMs ?? defaultTimeout),
        ...(callOptions.signal ? [callOptions.signal] : []),
      ]),
    };
    if (def.method !== 'GET') {
      // State changes travel only as JSON (L-05), even when the route takes no fields.
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body.data ?? {});
    }

    let response: Response;
    let text: string;
    try {
      response = await doFetch(url, init);
      text = await readCapped(response, maxBytes);
    } catch (error) {
      if (error instanceof ApiCallError) throw error;
      if (callOptions.signal?.aborted) throw callOptions.signal.reason ?? error;
      throw new ServerUnreachableError(isAbortLike(error) ? 'timeout' : 'network', { cause: error });
    }

    if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
      throw new ApiCallError({
        status: response.status,
        code: 'unexpected_redirect',
        message: 'The local workspace server answered with a redirect, which Attest does not follow.',
      });
    }

    const json = isJson(response) ? parseJson(text) : { ok: false as const };

    // Desktop: sign-out (or a server restart) replaces the secret; main hands the preload the new
    // one, so ask once and repeat the request with it.
    if (response.status === 401 && current && options.reconnect && !reconnected) {
      const next = await options.reconnect();
      if (next.secret !== current.secret || next.baseUrl !== current.baseUrl) {
        current = next;
        origin = checkedBaseUrl(next.baseUrl);
        return call(name, callOptions, true);
      }
    }

    if (!response.ok) {
      const parsed = json.ok ? apiError.safeParse(json.value) : null;
      if (parsed?.success) {
        const { code, message, issues } = parsed.data.error;
        throw new ApiCallError({ status: response.status, code, message, issues });
      }
      throw new ApiCallError({
        status: response.status,
        code: UNEXPECTED_RESPONSE,
        message: `The local workspace server answered ${describeStatus(response.status)} without an explanation Attest can read.`,
      });
    }

    if (!json.ok) {
      throw new ApiCallError({
        status: response.status,
        code: 'invalid_response',
        message: `The answer from ${def.path} was not JSON, so Attest cannot use it.`,
      });
    }
    const parsed = def.response.safeParse(json.value);
    if (!parsed.success) {
      throw new ApiCallError({
        status: response.status,
        code: 'invalid_response',
        message: `The answer from ${def.path} did not have the expected shape, so Attest did not use it.`,
        issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    }
    return parsed.data;
  };

  // The generic signature lives on the interface; the implementation works on the erased shape.
  return { call } as unknown as TypedClient<R>;
};

/** The client for the local workspace API: `connection` from the desktop bridge, or null in browser mode. */
export const createApiClient = (connection: ServerConnection | null, options?: ClientOptions): ApiClient =>
  createClientFor(routes, connection, options);
