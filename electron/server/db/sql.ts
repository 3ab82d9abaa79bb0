/**
 * The one way SQL is written in the workspace server (architecture.md §6.6, after Signal's
 * `ts/sql/util.std.ts`): a tagged template that turns every interpolated value into a bound
 * parameter. Only fragments made by this module (another `sql` template, `sqlJoin`, `sqlIn`,
 * `sqlIdentifier`) are spliced into the text, so a value from the network or the user can never
 * become SQL.
 *
 *   read.all<Row>(sql`SELECT id FROM review_items WHERE status = ${status} ${orderBy}`)
 */

/** What SQLite can bind. Booleans are stored as 0/1 (SQLite has no boolean type). */
export type SqlValue = string | number | bigint | Buffer | null;
export type SqlInput = SqlValue | boolean | SqlFragment;

/** A piece of SQL text with its parameters, in order. Immutable. */
export class SqlFragment {
  readonly text: string;
  readonly params: readonly SqlValue[];

  /** Private by convention: build fragments with `sql`, `sqlJoin`, `sqlIn` or `sqlIdentifier`. */
  constructor(text: string, params: readonly SqlValue[], key: typeof fragmentKey) {
    if (key !== fragmentKey) throw new TypeError('SqlFragment is built with the sql`` template only');
    this.text = text;
    this.params = params;
  }
}

const fragmentKey: unique symbol = Symbol('sql-fragment');

const toParam = (value: SqlValue | boolean, index: number): SqlValue => {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === undefined) {
    // `undefined` is always a bug (a missing field); binding it as NULL would hide it.
    throw new TypeError(`sql: parameter ${index + 1} is undefined`);
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new TypeError(`sql: parameter ${index + 1} is not a finite number`);
  }
  return value;
};

export const sql = (strings: TemplateStringsArray, ...values: readonly SqlInput[]): SqlFragment => {
  let text = strings[0] ?? '';
  const params: SqlValue[] = [];
  values.forEach((value, i) => {
    if (value instanceof SqlFragment) {
      text += value.text;
      params.push(...value.params);
    } else {
      text += '?';
      params.push(toParam(value, i));
    }
    text += strings[i + 1] ?? '';
  });
  return new SqlFragment(text, params, fragmentKey);
};

export const sqlEmpty: SqlFragment = new SqlFragment('', [], fragmentKey);

export const sqlJoin = (parts: readonly SqlFragment[], separator: ', ' | ' AND ' | ' OR ' | ' ' = ', '): SqlFragment =>
  new SqlFragment(
    parts.map((p) => p.text).join(separator),
    parts.flatMap((p) => p.params),
    fragmentKey,
  );

/** `(?, ?, ?)` for an IN list. An empty list matches nothing (`(NULL)`), which is what IN () means. */
export const sqlIn = (values: readonly (SqlValue | boolean)[]): SqlFragment =>
  values.length === 0
    ? new SqlFragment('(NULL)', [], fragmentKey)
    : new SqlFragment(`(${values.map(() => '?').join(', ')})`, values.map(toParam), fragmentKey);

/**
 * A column or table name chosen at run time (a sort column, say) must come from a list the code
 * declares; anything else throws. The name is double-quoted, so even a listed name cannot escape.
 */
export const sqlIdentifier = <const A extends readonly string[]>(name: A[number], allowed: A): SqlFragment => {
  if (!allowed.includes(name) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new TypeError('sql: identifier not in the allowed list');
  }
  return new SqlFragment(`"${name}"`, [], fragmentKey);
};

/** Which direction a runtime sort goes; anything but the two keywords is refused. */
export const sqlDirection = (direction: 'asc' | 'desc'): SqlFragment => {
  if (direction !== 'asc' && direction !== 'desc') throw new TypeError('sql: bad sort direction');
  return new SqlFragment(direction === 'asc' ? 'ASC' : 'DESC', [], fragmentKey);
};
