/**
 * The two database handle types (architecture.md §6.5, after Signal's `ts/sql/Interface.std.ts`).
 * A `ReadDb` can only read: its statements have no `run`, it has no `transaction`, and at run time
 * it refuses any statement SQLite says would write (and its connection is `query_only`). A
 * `WriteDb` can do everything a `ReadDb` can, plus synchronous IMMEDIATE transactions. Functions
 * that only read take a `ReadDb`, so a `WriteDb` may be passed in (inside a transaction, to read
 * what the transaction wrote); the reverse does not type-check.
 */
import type { SqlFragment, SqlValue } from './sql';

/** Positional parameters, or one object of named parameters (`@name` in the SQL text). */
export type BindParams = readonly SqlValue[] | readonly [Readonly<Record<string, SqlValue>>];

export interface RunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

export interface ReadStatement<Row> {
  readonly source: string;
  get(...params: BindParams): Row | undefined;
  all(...params: BindParams): Row[];
  iterate(...params: BindParams): IterableIterator<Row>;
}

export interface WriteStatement<Row = unknown> extends ReadStatement<Row> {
  run(...params: BindParams): RunResult;
}

/** A transaction body: synchronous, so no `await` can split it (architecture.md §3). */
export type NotPromise<T> = T extends PromiseLike<unknown> ? never : T;
export type TransactionBody<T> = () => NotPromise<T>;

export interface ReadDb {
  readonly role: 'read' | 'write';
  /** Absolute path of the database file (for messages; never opened with other file APIs). */
  readonly file: string;
  /** Prepares a reading statement once per connection; later calls answer the cached one. */
  prepare<Row = unknown>(source: string): ReadStatement<Row>;
  get<Row>(query: SqlFragment): Row | undefined;
  all<Row>(query: SqlFragment): Row[];
  iterate<Row>(query: SqlFragment): IterableIterator<Row>;
  /** First column of the first row, or undefined when there is no row. */
  value<V extends SqlValue>(query: SqlFragment): V | undefined;
  /** Reads one pragma (`journal_mode`, `user_version`…); names only, never assignments. */
  readPragma(name: string): SqlValue | undefined;
}

export interface WriteDb extends ReadDb {
  readonly role: 'write';
  prepare<Row = unknown>(source: string): WriteStatement<Row>;
  run(query: SqlFragment): RunResult;
  /**
   * Runs `body` in one `BEGIN IMMEDIATE` transaction (D-03): committed when it returns, rolled
   * back when it throws. Nested calls become savepoints. A body that returns a promise is refused
   * and rolled back: an `await` inside would commit half a change.
   */
  transaction<T>(body: TransactionBody<T>): T;
  /** Runs constant DDL (migrations). Values never go here: use `run(sql`…`)`. */
  exec(ddl: string): void;
  /** Sets a pragma whose value the code controls (`user_version`, `wal_checkpoint`). */
  setPragma(name: string, value: number | 'TRUNCATE' | 'PASSIVE' | 'FULL' | 'RESTART'): void;
}
