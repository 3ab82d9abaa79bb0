/** The sql template: values become parameters, only fragments become text. */
import { describe, expect, it } from 'vitest';
import { leadingKeyword } from '../../../electron/server/db/connection';
import {
  SqlFragment,
  sql,
  sqlDirection,
  sqlEmpty,
  sqlIdentifier,
  sqlIn,
  sqlJoin,
} from '../../../electron/server/db/sql';

describe('sql', () => {
  it('binds every interpolated value as a parameter', () => {
    const hostile = "x'); DROP TABLE review_items; --";
    const q = sql`SELECT * FROM review_items WHERE status = ${hostile} AND priority > ${3}`;
    expect(q.text).toBe('SELECT * FROM review_items WHERE status = ? AND priority > ?');
    expect(q.params).toEqual([hostile, 3]);
  });

  it('splices fragments with their parameters in order', () => {
    const filters = [sql`status = ${'pending'}`, sql`entity_type = ${'patient'}`];
    const q = sql`SELECT id FROM review_items WHERE ${sqlJoin(filters, ' AND ')} AND id IN ${sqlIn(['a', 'b'])} ${sqlEmpty}LIMIT ${10}`;
    expect(q.text).toBe('SELECT id FROM review_items WHERE status = ? AND entity_type = ? AND id IN (?, ?) LIMIT ?');
    expect(q.params).toEqual(['pending', 'patient', 'a', 'b', 10]);
  });

  it('stores booleans as 0/1 and refuses undefined or non-finite numbers', () => {
    expect(sql`${true}, ${false}`.params).toEqual([1, 0]);
    expect(() => sql`${undefined as unknown as string}`).toThrow(/undefined/);
    expect(() => sql`${Number.NaN}`).toThrow(/finite/);
  });

  it('matches nothing for an empty IN list', () => {
    expect(sqlIn([]).text).toBe('(NULL)');
  });

  it('admits run-time identifiers only from a declared list', () => {
    const columns = ['priority', 'created_at'] as const;
    expect(sqlIdentifier('priority', columns).text).toBe('"priority"');
    expect(() => sqlIdentifier('priority; DROP' as 'priority', columns)).toThrow(/allowed/);
    expect(sqlDirection('desc').text).toBe('DESC');
    expect(() => sqlDirection('desc; --' as 'desc')).toThrow();
  });

  it('cannot be forged from outside the module', () => {
    expect(() => new SqlFragment('DROP TABLE meta', [], Symbol('sql-fragment') as never)).toThrow(TypeError);
  });

  it('finds the leading keyword past comments', () => {
    expect(leadingKeyword('  -- note\n /* x */ select 1')).toBe('SELECT');
    expect(leadingKeyword('/* unterminated')).toBe('');
  });
});
