/**
 * The regional-backend client: every request Attest sends to an Amigo API goes through here.
 * It pins the region (region-pin.ts), attaches credentials, bounds time and size, refuses
 * redirects and non-JSON answers, validates every body with its zod schema before anyone sees
 * it, and retries only what is safe to retry (GETs; POSTs only on 429 with Retry-After, as the
 * Amigo SDK does — a verdict is never re-sent blindly).
 */
import type { z } from 'zod';
import { httpError, httpValidationError } from '../../../shared/amigo';
import { DEFAULT_BACKOFF, backoffDelay, parseRetryAfter, sleep, type BackoffPolicy } from './backoff';
import { assertPinned, type RegionPin } from './region-pin';
import { RemoteError } from './remote-error';

/** One outgoing request, already pinned, for an authorizer that sends it itself. */
export interface AuthorizedRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string | undefined;
}

/** Supplies credentials for a request; DPoP proofs are per request, so it sees method and URL. */
export interface RequestAuthorizer {
  headersFor(method: string, url: URL): Promise<Record<string, string>>;
  /**
   * Sends the request with credentials attached (the signed-in session: openid-client adds the
   * token and, when bound, a DPoP proof, and answers a nonce challenge). When present it replaces
   * `headersFor` + `fetchImpl`. It is only ever called after the region pin was checked.
   */
  send?(request: AuthorizedRequest): Promise<Response>;
  /** Called once after a 401: refresh the access token. False when there is nothing to refresh with. */
  refreshAfterUnauthorized(): Promise<boolean>;
}

export type QueryValue = string | number | boolean | null | undefined | ReadonlyArray<string>;

export interface RemoteClientOptions {
  pin: RegionPin;
  authorizer: RequestAuthorizer;
  timeoutMs?: number;
  /** Responses larger than this (counted while reading) are refused. */
  maxResponseBytes?: number;
  /** Retries of a GET after a transient failure. */
  maxRetries?: number;
  backoff?: BackoffPolicy;
  /** Longest Retry-After we wait inside one call; longer ones surface to the sync scheduler. */
  maxRetryAfterSeconds?: number;
  fetchImpl?: typeof fetch;
  sleepImpl?: (ms: number) => Promise<void>;
}

export interface RemoteResponse<T> {
  data: T;
  /** The parsed JSON as received, kept beside typed columns so nothing the backend said is lost. */
  raw: unknown;
  requestId: string | null;
  /** The response's Date header as UTC ISO (the backend's clock), when it sent a readable one. */
  serverDate: string | null;
}

/** Per-request extras: headers such as a User-Agent naming what the request stands for. */
export interface RequestOptions {
  headers?: Record<string, string>;
}

const DEFAULTS = {
  timeoutMs: 30_000,
  maxResponseBytes: 16 * 1024 * 1024,
  maxRetries: 3,
  maxRetryAfterSeconds: 60,
};

export class RemoteClient {
  private readonly opts: Required<Omit<RemoteClientOptions, 'fetchImpl' | 'sleepImpl'>> & {
    fetchImpl: typeof fetch;
    sleepImpl: (ms: number) => Promise<void>;
  };

  constructor(options: RemoteClientOptions) {
    this.opts = {
      ...DEFAULTS,
      backoff: DEFAULT_BACKOFF,
      fetchImpl: fetch,
      sleepImpl: (ms) => sleep(ms),
      ...options,
    };
  }

  get pin(): RegionPin {
    return this.opts.pin;
  }

  /** Builds a URL on the pinned origin; `path` is absolute, e.g. `/v1/{ws}/review-queue`. */
  url(path: string, query: Record<string, QueryValue> = {}): URL {
    const url = new URL(path, this.opts.pin.origin);
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined || value === null) continue;
      if (Array.isArray(value)) for (const v of value) url.searchParams.append(key, v);
      else url.searchParams.set(key, String(value));
    }
    return url;
  }

  /** Workspace-scoped path: `/v1/{workspace_id}/<rest>`. */
  workspacePath(rest: string): string {
    return `/v1/${this.opts.pin.workspaceId}/${rest.replace(/^\//, '')}`;
  }

  async get<S extends z.ZodType>(
    path: string,
    schema: S,
    query: Record<string, QueryValue> = {},
    options: RequestOptions = {},
  ): Promise<RemoteResponse<z.output<S>>> {
    return this.send('GET', this.url(path, query), schema, undefined, 'transient', options);
  }

  /** POST that is retried only on 429 with Retry-After (the request was not processed then). */
  async post<S extends z.ZodType>(
    path: string,
    schema: S,
    body: unknown,
    options: RequestOptions = {},
  ): Promise<RemoteResponse<z.output<S>>> {
    return this.send('POST', this.url(path), schema, body, 'rate-limit-only', options);
  }

  private async send<S extends z.ZodType>(
    method: string,
    url: URL,
    schema: S,
    body: unknown,
    retry: 'transient' | 'rate-limit-only',
    options: RequestOptions = {},
  ): Promise<RemoteResponse<z.output<S>>> {
    assertPinned(this.opts.pin, url);
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(method, url, schema, body, options);
      } catch (error) {
        if (!(error instanceof RemoteError)) throw error;
        if (error.kind === 'unauthorized' && !refreshed) {
          refreshed = true;
          if (await this.opts.authorizer.refreshAfterUnauthorized()) {
            attempt--;
            continue;
          }
          throw error;
        }
        const retryAfter = error.details.retryAfter ?? null;
        const retryable =
          attempt < this.opts.maxRetries &&
          (retry === 'transient' ? error.transient : error.kind === 'rate-limited' && retryAfter !== null);
        if (!retryable) throw error;
        if (retryAfter !== null && retryAfter > this.opts.maxRetryAfterSeconds) throw error;
        const delay = retryAfter !== null ? retryAfter * 1000 : backoffDelay(attempt, this.opts.backoff);
        await this.opts.sleepImpl(delay);
      }
    }
  }

  private async once<S extends z.ZodType>(
    method: string,
    url: URL,
    schema: S,
    body: unknown,
    options: RequestOptions = {},
  ): Promise<RemoteResponse<z.output<S>>> {
    const authorizer = this.opts.authorizer;
    const headers: Record<string, string> = { ...options.headers, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const payload = body === undefined ? undefined : JSON.stringify(body);
    let response: Response;
    try {
      if (authorizer.send) {
        // openid-client sends with redirect: 'manual' too, and bounds the time itself.
        response = await authorizer.send({ method, url, headers, body: payload });
      } else {
        response = await this.opts.fetchImpl(url, {
          method,
          headers: { ...headers, ...(await authorizer.headersFor(method, url)) },
          body: payload,
          // Never follow a redirect with credentials to wherever it points (F-04).
          redirect: 'manual',
          signal: AbortSignal.timeout(this.opts.timeoutMs),
        });
      }
    } catch (error) {
      // The session ended, the keychain failed…: not a transport problem, the caller decides.
      if (error instanceof RemoteError || (error instanceof Error && OWN_ERRORS.has(error.name))) throw error;
      throw toTransportError(error, url);
    }
    const requestId = response.headers.get('x-request-id');
    const text = await readCapped(response, this.opts.maxResponseBytes, url).catch((error: unknown) => {
      throw error instanceof RemoteError ? error : toTransportError(error, url);
    });
    if (response.status >= 300 && response.status < 400) {
      throw new RemoteError(
        'invalid-response',
        `The backend redirected ${url.pathname} elsewhere; Attest does not follow redirects.`,
        {
          status: response.status,
          requestId,
          path: url.pathname,
        },
      );
    }
    const json = parseJson(text, response, url, requestId);
    if (!response.ok) throw httpFailure(response, json, url, requestId);
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const where = first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'unknown problem';
      throw new RemoteError(
        'invalid-response',
        `The backend's answer for ${url.pathname} did not match the API contract (${where}); nothing was stored.`,
        { status: response.status, requestId, path: url.pathname },
      );
    }
    return { data: parsed.data, raw: json, requestId, serverDate: httpDate(response.headers.get('date')) };
  }
}

function httpDate(value: string | null): string | null {
  if (value === null) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** Errors of Attest's own layers (session, keychain) that must not be mistaken for "offline". */
const OWN_ERRORS: ReadonlySet<string> = new Set(['SignInRequiredError', 'SecretStoreError', 'DPoPKeyError']);

function toTransportError(error: unknown, url: URL): RemoteError {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new RemoteError('timeout', `The backend did not answer ${url.pathname} in time.`, { path: url.pathname });
  }
  return new RemoteError('network', `Could not reach the backend at ${url.origin}. Working from the local copy.`, {
    path: url.pathname,
  });
}

/** Reads the body, counting bytes as they arrive (Content-Length is not trusted). */
async function readCapped(response: Response, maxBytes: number, url: URL): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new RemoteError(
        'too-large',
        `The backend's answer for ${url.pathname} was larger than ${maxBytes} bytes; nothing was stored.`,
        {
          status: response.status,
          path: url.pathname,
        },
      );
    }
    chunks.push(value);
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks));
}

function parseJson(text: string, response: Response, url: URL, requestId: string | null): unknown {
  const type = response.headers.get('content-type') ?? '';
  if (text === '') return null;
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    if (!response.ok) return { detail: text.slice(0, 200) };
    throw new RemoteError(
      'invalid-response',
      `The backend answered ${url.pathname} with ${type || 'no content type'} instead of JSON (a proxy or captive portal?); nothing was stored.`,
      { status: response.status, requestId, path: url.pathname },
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new RemoteError(
      'invalid-response',
      `The backend's answer for ${url.pathname} was not valid JSON; nothing was stored.`,
      {
        status: response.status,
        requestId,
        path: url.pathname,
      },
    );
  }
}

/** Maps an error status and FastAPI body (`{detail}` or 422 `{detail:[…]}`) to a RemoteError. */
function httpFailure(response: Response, json: unknown, url: URL, requestId: string | null): RemoteError {
  const status = response.status;
  const validation = httpValidationError.safeParse(json);
  const plain = httpError.safeParse(json);
  const detail: unknown = validation.success ? validation.data.detail : plain.success ? plain.data.detail : undefined;
  const said = validation.success
    ? validation.data.detail.map((d) => `${d.loc.join('.')}: ${d.msg}`).join('; ')
    : typeof detail === 'string'
      ? detail
      : '';
  const base = { status, detail, requestId, path: url.pathname };
  const suffix = said ? ` The backend said: ${said}` : '';
  if (status === 401)
    return new RemoteError('unauthorized', `Your session with the backend has ended. Sign in again.${suffix}`, base);
  if (status === 403) return new RemoteError('forbidden', `Your role does not allow this.${suffix}`, base);
  if (status === 404) return new RemoteError('not-found', `Not found on the backend: ${url.pathname}.${suffix}`, base);
  if (status === 409)
    return new RemoteError('conflict', `The backend refused this because the item changed meanwhile.${suffix}`, base);
  if (status === 429) {
    return new RemoteError('rate-limited', 'The backend asked Attest to slow down; it will try again shortly.', {
      ...base,
      retryAfter: parseRetryAfter(response.headers.get('retry-after')),
    });
  }
  if (status >= 500)
    return new RemoteError('server', `The backend had a problem (${status}); Attest will try again.${suffix}`, base);
  return new RemoteError('rejected', `The backend refused the request (${status}).${suffix}`, base);
}
