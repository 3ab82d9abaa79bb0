/**
 * Which dependent records need a pull (table `pull_marks`, migration 0002): the entities the review
 * queue touches and the calls behind its items. A page that shows an item changed "wants" its
 * entity; the entities stream pulls what is due and records when that pull STARTED, so a want that
 * arrives while the fetch runs keeps the record due. 403/404 mark a record gone with the reason.
 */
import type { ReadDb, WriteDb } from '../db/db-types';
import { sql } from '../db/sql';

export type PullMarkKind = 'entity' | 'call';

export interface DueRecord {
  id: string;
  wantedAt: string;
}

export interface PullMark {
  kind: PullMarkKind;
  id: string;
  wantedAt: string;
  pulledAt: string | null;
  goneStatus: number | null;
  goneReason: string | null;
}

/** Asks for a (re)pull of each id. `onlyOnce`: immutable records (calls) are wanted once, never again. */
export const wantPull = (
  write: WriteDb,
  kind: PullMarkKind,
  ids: Iterable<string>,
  at: string,
  options: { onlyOnce?: boolean } = {},
): void => {
  for (const id of ids) {
    if (options.onlyOnce === true) {
      write.run(sql`INSERT INTO pull_marks (kind, id, wanted_at) VALUES (${kind}, ${id}, ${at})
        ON CONFLICT (kind, id) DO NOTHING`);
    } else {
      write.run(sql`INSERT INTO pull_marks (kind, id, wanted_at) VALUES (${kind}, ${id}, ${at})
        ON CONFLICT (kind, id) DO UPDATE SET wanted_at = max(pull_marks.wanted_at, excluded.wanted_at)`);
    }
  }
};

/** Records that were never pulled or were wanted again since their last pull, oldest want first. */
export const duePulls = (read: ReadDb, kind: PullMarkKind): DueRecord[] =>
  read
    .all<{ id: string; wanted_at: string }>(
      sql`SELECT id, wanted_at FROM pull_marks
        WHERE kind = ${kind} AND (pulled_at IS NULL OR wanted_at > pulled_at)
        ORDER BY wanted_at, id`,
    )
    .map((r) => ({ id: r.id, wantedAt: r.wanted_at }));

export const countDuePulls = (read: ReadDb, kind: PullMarkKind): number =>
  read.value<number>(
    sql`SELECT count(*) FROM pull_marks WHERE kind = ${kind} AND (pulled_at IS NULL OR wanted_at > pulled_at)`,
  ) ?? 0;

/** The record was stored from a fetch that started at `startedAt`. */
export const markPulled = (write: WriteDb, kind: PullMarkKind, id: string, startedAt: string): void => {
  write.run(sql`INSERT INTO pull_marks (kind, id, wanted_at, pulled_at) VALUES (${kind}, ${id}, ${startedAt}, ${startedAt})
    ON CONFLICT (kind, id) DO UPDATE SET pulled_at = excluded.pulled_at, gone_status = NULL, gone_reason = NULL`);
};

/** The backend refused (403) or no longer knows (404) the record: keep what is stored, say why. */
export const markGone = (
  write: WriteDb,
  kind: PullMarkKind,
  id: string,
  gone: { status: 403 | 404; reason: string },
  startedAt: string,
): void => {
  write.run(sql`INSERT INTO pull_marks (kind, id, wanted_at, pulled_at, gone_status, gone_reason)
    VALUES (${kind}, ${id}, ${startedAt}, ${startedAt}, ${gone.status}, ${gone.reason})
    ON CONFLICT (kind, id) DO UPDATE SET pulled_at = excluded.pulled_at, gone_status = excluded.gone_status,
      gone_reason = excluded.gone_reason`);
};

export const getPullMark = (read: ReadDb, kind: PullMarkKind, id: string): PullMark | null => {
  const row = read.get<{
    wanted_at: string;
    pulled_at: string | null;
    gone_status: number | null;
    gone_reason: string | null;
  }>(sql`SELECT wanted_at, pulled_at, gone_status, gone_reason FROM pull_marks WHERE kind = ${kind} AND id = ${id}`);
  return row
    ? {
        kind,
        id,
        wantedAt: row.wanted_at,
        pulledAt: row.pulled_at,
        goneStatus: row.gone_status,
        goneReason: row.gone_reason,
      }
    : null;
};
