/**
 * Per-endpoint rate limits, shared by every credential of a workspace (the docs: "per organization
 * and per endpoint, not per API key"). Fixed windows; every API response carries X-RateLimit-Limit,
 * X-RateLimit-Remaining and X-RateLimit-Reset (UTC epoch seconds); a refused request gets 429 with
 * Retry-After in seconds. Defaults are generous so a full sync of a large workspace is not throttled.
 */
export interface RateLimitRule {
  limit: number;
  windowMs: number;
}

export interface RateLimitConfig extends RateLimitRule {
  /** Per route template (e.g. `GET /v1/{workspace_id}/audit`), overriding the default. */
  routes?: Record<string, RateLimitRule>;
}

export const DEFAULT_RATE_LIMIT: RateLimitConfig = { limit: 20_000, windowMs: 60_000 };

export interface RateDecision {
  allowed: boolean;
  headers: Record<string, string>;
}

export class RateLimiter {
  private windows = new Map<string, { start: number; used: number }>();

  constructor(
    private config: RateLimitConfig = DEFAULT_RATE_LIMIT,
    private readonly now: () => number = Date.now,
  ) {}

  configure(config: RateLimitConfig): void {
    this.config = config;
    this.windows.clear();
  }

  current(): RateLimitConfig {
    return this.config;
  }

  take(scope: string, route: string): RateDecision {
    const rule = this.config.routes?.[route] ?? this.config;
    const key = `${scope} ${route}`;
    const now = this.now();
    let w = this.windows.get(key);
    if (w === undefined || now >= w.start + rule.windowMs) {
      w = { start: now, used: 0 };
      this.windows.set(key, w);
    }
    const resetMs = w.start + rule.windowMs;
    const allowed = w.used < rule.limit;
    if (allowed) w.used += 1;
    const headers: Record<string, string> = {
      'x-ratelimit-limit': String(rule.limit),
      'x-ratelimit-remaining': String(Math.max(0, rule.limit - w.used)),
      'x-ratelimit-reset': String(Math.ceil(resetMs / 1000)),
    };
    if (!allowed) headers['retry-after'] = String(Math.max(1, Math.ceil((resetMs - now) / 1000)));
    return { allowed, headers };
  }
}
