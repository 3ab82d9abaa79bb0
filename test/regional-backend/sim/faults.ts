/**
 * Fault injection for tests (never reachable off loopback): added latency, error statuses (429
 * with Retry-After, 5xx), dropped connections (before or AFTER the request took effect, so the
 * client cannot know the outcome), malformed, oversized and schema-violating response bodies.
 * Each rule may be scoped by method and path pattern and fires for the next `count` matching
 * requests, or at a `rate` (seeded, so a run is reproducible), or both.
 */
import { z } from 'zod';

export const FAULT_KINDS = ['latency', 'status', 'drop', 'malformed', 'oversized', 'schema'] as const;

export const faultRuleInput = z.object({
  kind: z.enum(FAULT_KINDS),
  /** Pathname pattern: `*` matches within one segment, `**` across segments; `^…` is a regex. */
  path: z.string().min(1).optional(),
  method: z.string().min(1).optional(),
  /** Fire for the next N matching requests (default 1, or unlimited when `rate` is given). */
  count: z.number().int().positive().optional(),
  /** Probability (0–1) that a matching request is hit. */
  rate: z.number().min(0).max(1).optional(),
  /** latency: milliseconds added before the request is handled. */
  ms: z.number().int().nonnegative().max(120_000).optional(),
  /** status: the HTTP status to answer with (default 503). */
  status: z.number().int().min(400).max(599).optional(),
  /** status 429 (and 503): seconds sent in Retry-After (default 1 for 429). */
  retry_after: z.number().int().nonnegative().optional(),
  /** drop: destroy the socket before handling (default) or after the handler ran. */
  when: z.enum(['before', 'after']).optional(),
  /** oversized: body size in bytes (default 16 MiB). */
  bytes: z
    .number()
    .int()
    .positive()
    .max(512 * 1024 * 1024)
    .optional(),
});
export type FaultRuleInput = z.infer<typeof faultRuleInput>;

export interface FaultRule extends FaultRuleInput {
  id: string;
  /** Remaining firings; undefined = unlimited. */
  remaining: number | undefined;
  hits: number;
}

/** What the pipeline must do to one request. */
export interface FaultPlan {
  latencyMs: number;
  /** Answer with this status instead of handling the request. */
  status?: { status: number; retryAfter: number | undefined; ruleId: string } | undefined;
  /** Destroy the socket: before handling, or after the handler ran (outcome unknown to the client). */
  drop?: 'before' | 'after' | undefined;
  /** Corrupt the response body. */
  body?: { kind: 'malformed' | 'oversized' | 'schema'; bytes: number } | undefined;
  fired: string[];
}

function matcher(pattern: string | undefined): (path: string) => boolean {
  if (pattern === undefined) return () => true;
  if (pattern.startsWith('^')) {
    const re = new RegExp(pattern);
    return (p) => re.test(p);
  }
  const escaped = pattern
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*'),
    )
    .join('.*');
  const re = new RegExp(`^${escaped}$`);
  return (p) => re.test(p);
}

/** mulberry32: tiny seeded PRNG so rate-based faults repeat run to run. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultController {
  private rules: Array<FaultRule & { matches: (path: string) => boolean }> = [];
  private nextId = 1;
  private readonly random: () => number;

  constructor(seed = 1) {
    this.random = seededRandom(seed);
  }

  add(input: FaultRuleInput): FaultRule {
    const parsed = faultRuleInput.parse(input);
    const rule = {
      ...parsed,
      id: `fault-${this.nextId++}`,
      remaining: parsed.count ?? (parsed.rate === undefined ? 1 : undefined),
      hits: 0,
      matches: matcher(parsed.path),
    };
    this.rules.push(rule);
    return this.view(rule);
  }

  list(): FaultRule[] {
    return this.rules.map((r) => this.view(r));
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length < before;
  }

  clear(): void {
    this.rules = [];
  }

  /** Decides (and consumes) the faults for one request. */
  plan(method: string, path: string): FaultPlan {
    const plan: FaultPlan = { latencyMs: 0, fired: [] };
    for (const rule of this.rules) {
      if (rule.method !== undefined && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (!rule.matches(path)) continue;
      // Only one request-ending fault per request; later rules keep their turn.
      const terminal =
        rule.kind === 'status' ||
        rule.kind === 'drop' ||
        rule.kind === 'malformed' ||
        rule.kind === 'oversized' ||
        rule.kind === 'schema';
      if (terminal && (plan.status !== undefined || plan.drop !== undefined || plan.body !== undefined)) continue;
      if (rule.rate !== undefined && this.random() >= rule.rate) continue;
      if (rule.remaining !== undefined) rule.remaining -= 1;
      rule.hits += 1;
      plan.fired.push(`${rule.id}:${rule.kind}`);
      switch (rule.kind) {
        case 'latency':
          plan.latencyMs += rule.ms ?? 0;
          break;
        case 'status': {
          const status = rule.status ?? 503;
          plan.status = { status, retryAfter: rule.retry_after ?? (status === 429 ? 1 : undefined), ruleId: rule.id };
          break;
        }
        case 'drop':
          plan.drop = rule.when ?? 'before';
          break;
        default:
          plan.body = { kind: rule.kind, bytes: rule.bytes ?? 16 * 1024 * 1024 };
      }
    }
    this.rules = this.rules.filter((r) => r.remaining === undefined || r.remaining > 0);
    return plan;
  }

  private view(rule: FaultRule): FaultRule {
    const { id, remaining, hits, kind, path, method, count, rate, ms, status, retry_after, when, bytes } = rule;
    return { id, remaining, hits, kind, path, method, count, rate, ms, status, retry_after, when, bytes };
  }
}

/** Replaces the first non-null member (or element) with a value of the wrong JSON type. */
export function violateSchema(body: unknown): unknown {
  const wrong = (v: unknown): unknown =>
    typeof v === 'string'
      ? 12345
      : typeof v === 'number'
        ? 'not-a-number'
        : typeof v === 'boolean'
          ? 'yes'
          : Array.isArray(v)
            ? { not: 'a list' }
            : 'not-an-object';
  if (Array.isArray(body)) return body.length === 0 ? { not: 'a list' } : [wrong(body[0]), ...body.slice(1)];
  if (typeof body !== 'object' || body === null) return { unexpected: body };
  const entries = Object.entries(body);
  const index = entries.findIndex(([, v]) => v !== null && v !== undefined);
  if (index < 0) return 'not-an-object';
  return Object.fromEntries(entries.map(([k, v], i) => [k, i === index ? wrong(v) : v]));
}
