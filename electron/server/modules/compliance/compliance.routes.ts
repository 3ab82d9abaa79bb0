/**
 * Compliance views, read-only (admin and owner): the HIPAA evidence report for a chosen period,
 * the compliance dashboard and the retention policy with its legal hold.
 *
 * Online, each is asked of the backend through the session's RemoteClient (region-pinned,
 * validated) and the answer is cached in the local copy (the same rows the sync's report
 * stream writes: compliance_reports, retention_policy). Offline, or when the backend fails,
 * the cached copy is shown with the time it was fetched, and the reason the fresh one is not.
 */
import type { z } from 'zod';
import { complianceDashboard, hipaaReport, retentionPolicy } from '../../../../shared/amigo';
import type { SessionManager } from '../../auth/session-manager';
import type { ReadDb } from '../../db/db-types';
import { sql } from '../../db/sql';
import type { HandlersFor } from '../../http/handlers-for';
import { RemoteError } from '../../remote/remote-error';
import { applyRetention, reportPulledAt, reportRaw, upsertReport } from '../../sync/apply/reports.apply';

const DEFAULT_PERIOD_DAYS = 90;

interface Fetched<T> {
  value: T | null;
  source: 'online' | 'cache' | 'none';
  fetchedAt: string | null;
  problem: string | null;
}

const describe = (error: unknown): string => {
  if (error instanceof RemoteError) return error.message;
  throw error;
};

/** Parses a cached copy; a copy that no longer parses is treated as absent (never shown half-read). */
const cached = <S extends z.ZodType>(schema: S, raw: string | null): z.output<S> | null => {
  if (raw === null) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
};

/** Periods with a cached HIPAA report (`report_period_days=N`), for offline choice. */
const cachedPeriods = (read: ReadDb): number[] =>
  read
    .all<{ params: string }>(sql`SELECT params FROM compliance_reports WHERE kind = 'hipaa' ORDER BY params`)
    .map((r) => Number(new URLSearchParams(r.params).get('report_period_days')))
    .filter((n) => Number.isInteger(n) && n > 0)
    .sort((a, b) => a - b);

export function complianceRoutes(
  session: SessionManager,
  now: () => Date = () => new Date(),
): HandlersFor<'complianceHipaa' | 'complianceDashboard' | 'complianceRetention'> {
  /** Online first, cached copy on failure. */
  const report = async <S extends z.ZodType>(spec: {
    kind: string;
    params: Record<string, number>;
    path: string;
    schema: S;
    generatedAt(v: z.output<S>): string | null;
  }): Promise<Fetched<z.output<S>>> => {
    const active = session.requireCapability('audit');
    const { read, write } = active.store.db;
    const params = new URLSearchParams(
      Object.entries(spec.params).map(([k, v]): [string, string] => [k, String(v)]),
    ).toString();
    try {
      const { data, raw } = await active.remote.get(active.remote.workspacePath(spec.path), spec.schema, spec.params);
      const at = now().toISOString();
      write.transaction(() =>
        upsertReport(write, { kind: spec.kind, params, generatedAt: spec.generatedAt(data), raw }, at),
      );
      return { value: data, source: 'online', fetchedAt: at, problem: null };
    } catch (error) {
      const problem = describe(error);
      const copy = cached(spec.schema, reportRaw(read, spec.kind, params));
      return copy === null
        ? { value: null, source: 'none', fetchedAt: null, problem }
        : { value: copy, source: 'cache', fetchedAt: reportPulledAt(read, spec.kind, params), problem };
    }
  };

  return {
    complianceHipaa: async ({ query }) => {
      const days = query.periodDays ?? DEFAULT_PERIOD_DAYS;
      const got = await report({
        kind: 'hipaa',
        params: { report_period_days: days },
        path: 'compliance/hipaa',
        schema: hipaaReport,
        generatedAt: (r) => r.generated_at,
      });
      const { read } = session.requireCapability('audit').store.db;
      return {
        report: got.value,
        source: got.source,
        fetchedAt: got.fetchedAt,
        problem: got.problem,
        cachedPeriods: cachedPeriods(read),
      };
    },

    complianceDashboard: async () => {
      const got = await report({
        kind: 'dashboard',
        params: {},
        path: 'compliance/dashboard',
        schema: complianceDashboard,
        generatedAt: (r) => r.generated_at,
      });
      return { dashboard: got.value, source: got.source, fetchedAt: got.fetchedAt, problem: got.problem };
    },

    complianceRetention: async () => {
      const active = session.requireCapability('audit');
      const { read, write } = active.store.db;
      try {
        const { data, raw } = await active.remote.get(
          active.remote.workspacePath('settings/retention'),
          retentionPolicy,
        );
        const at = now().toISOString();
        write.transaction(() => applyRetention(write, { value: data, raw }, at));
        return { policy: data, source: 'online', fetchedAt: at, problem: null };
      } catch (error) {
        const problem = describe(error);
        const row = read.get<{ raw_json: string; pulled_at: string }>(
          sql`SELECT raw_json, pulled_at FROM retention_policy WHERE id = 1`,
        );
        const policy = cached(retentionPolicy, row?.raw_json ?? null);
        return policy === null
          ? { policy: null, source: 'none', fetchedAt: null, problem }
          : { policy, source: 'cache', fetchedAt: row?.pulled_at ?? null, problem };
      }
    },
  };
}
