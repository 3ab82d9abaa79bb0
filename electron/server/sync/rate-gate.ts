/**
 * Keeps every request of a workspace within the backend's rate limit (amigo-platform-api.md §8.3):
 * after a 429 it holds EVERY following request until Retry-After has passed (the budget is per
 * organization and endpoint, shared by all our requests), and when X-RateLimit-Remaining says the
 * budget is spent it waits for X-RateLimit-Reset. The per-request retry itself stays in
 * RemoteClient; the gate only stops the other streams (and the outbox) from hammering on.
 *
 * It sits where responses are seen: around `fetch` (a client without its own sender), or around
 * a RequestAuthorizer's `send` (the signed-in session, which sends through openid-client).
 */
import { parseRetryAfter, sleep } from '../remote/backoff';
import type { AuthorizedRequest, RequestAuthorizer } from '../remote/remote-client';

export interface RateGateOptions {
  now?: () => number;
  /** Longest hold from one answer, whatever the headers say (a hostile header must not stall sync for a day). */
  maxHoldMs?: number;
}

export class RateGate {
  private openAt = 0;
  private readonly now: () => number;
  private readonly maxHoldMs: number;
  /** How often requests were held, and for how long in total (status and benchmarks). */
  readonly stats = { held: 0, heldMs: 0, rateLimited: 0 };

  constructor(options: RateGateOptions = {}) {
    this.now = options.now ?? Date.now;
    this.maxHoldMs = options.maxHoldMs ?? 60_000;
  }

  /** Waits while the gate is closed, sends, and learns from the answer. */
  async run(send: () => Promise<Response>, signal?: AbortSignal | null): Promise<Response> {
    const wait = this.openAt - this.now();
    if (wait > 0) {
      this.stats.held += 1;
      this.stats.heldMs += wait;
      await sleep(wait, signal ?? undefined);
    }
    const response = await send();
    this.observe(response);
    return response;
  }

  /** A fetch that goes through the gate (for RemoteClient's `fetchImpl`). */
  fetchThrough(inner: typeof fetch = fetch): typeof fetch {
    return (input, init) => this.run(() => inner(input, init), init?.signal);
  }

  /** The same authorizer, whose requests go through the gate. */
  wrap(authorizer: RequestAuthorizer): RequestAuthorizer {
    const send = authorizer.send?.bind(authorizer);
    return {
      headersFor: (method, url) => authorizer.headersFor(method, url),
      refreshAfterUnauthorized: () => authorizer.refreshAfterUnauthorized(),
      ...(send ? { send: (request: AuthorizedRequest) => this.run(() => send(request)) } : {}),
    };
  }

  private hold(ms: number): void {
    const until = this.now() + Math.min(Math.max(0, ms), this.maxHoldMs);
    if (until > this.openAt) this.openAt = until;
  }

  private observe(response: Response): void {
    if (response.status === 429) {
      this.stats.rateLimited += 1;
      this.hold((parseRetryAfter(response.headers.get('retry-after')) ?? 1) * 1000);
      return;
    }
    const remaining = Number(response.headers.get('x-ratelimit-remaining') ?? Number.NaN);
    const reset = Number(response.headers.get('x-ratelimit-reset') ?? Number.NaN);
    if (remaining === 0 && Number.isFinite(reset)) this.hold(reset * 1000 - this.now());
  }
}
