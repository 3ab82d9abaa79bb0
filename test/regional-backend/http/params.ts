/**
 * Path and query parameters, parsed the way FastAPI/pydantic v2 parses them and reported with
 * pydantic's error types and messages, so a client sees the same 422 from the simulator as from
 * the real API. A scalar given twice takes the last value, as FastAPI does.
 */
import type { ValidationIssue } from './errors';
import { ValidationError } from './errors';

type Loc = 'path' | 'query';

export interface Param<T> {
  read(values: readonly string[], loc: [Loc, string], issues: ValidationIssue[]): T;
}

/** Returned for an invalid value; the whole request fails with 422 before anyone reads it. */
const INVALID = undefined as never;

const missing = (loc: [Loc, string], issues: ValidationIssue[]): never => {
  issues.push({ type: 'missing', loc, msg: 'Field required', input: null });
  return INVALID;
};

interface IntBounds {
  gt?: number;
  ge?: number;
  le?: number;
}

function parseInt(raw: string, loc: [Loc, string], issues: ValidationIssue[], b: IntBounds): number {
  const s = raw.trim();
  if (!/^[+-]?\d+$/.test(s)) {
    issues.push({
      type: 'int_parsing',
      loc,
      msg: 'Input should be a valid integer, unable to parse string as an integer',
      input: raw,
    });
    return INVALID;
  }
  const n = Number(s);
  if (b.gt !== undefined && !(n > b.gt)) {
    issues.push({
      type: 'greater_than',
      loc,
      msg: `Input should be greater than ${b.gt}`,
      input: raw,
      ctx: { gt: b.gt },
    });
  } else if (b.ge !== undefined && n < b.ge) {
    issues.push({
      type: 'greater_than_equal',
      loc,
      msg: `Input should be greater than or equal to ${b.ge}`,
      input: raw,
      ctx: { ge: b.ge },
    });
  } else if (b.le !== undefined && n > b.le) {
    issues.push({
      type: 'less_than_equal',
      loc,
      msg: `Input should be less than or equal to ${b.le}`,
      input: raw,
      ctx: { le: b.le },
    });
  } else {
    return n;
  }
  return INVALID;
}

export const int = (b: IntBounds & { default: number }): Param<number> => ({
  read: (values, loc, issues) => {
    const raw = values.at(-1);
    return raw === undefined ? b.default : parseInt(raw, loc, issues, b);
  },
});

export const optInt = (b: IntBounds = {}): Param<number | undefined> => ({
  read: (values, loc, issues) => {
    const raw = values.at(-1);
    return raw === undefined ? undefined : parseInt(raw, loc, issues, b);
  },
});

function checkString(raw: string, loc: [Loc, string], issues: ValidationIssue[], maxLength?: number): string {
  if (maxLength !== undefined && raw.length > maxLength) {
    issues.push({
      type: 'string_too_long',
      loc,
      msg: `String should have at most ${maxLength} characters`,
      input: raw,
      ctx: { max_length: maxLength },
    });
    return INVALID;
  }
  return raw;
}

export const optStr = (o: { maxLength?: number } = {}): Param<string | undefined> => ({
  read: (values, loc, issues) => {
    const raw = values.at(-1);
    return raw === undefined ? undefined : checkString(raw, loc, issues, o.maxLength);
  },
});

export const str = (o: { maxLength?: number; minLength?: number; pattern?: RegExp } = {}): Param<string> => ({
  read: (values, loc, issues) => {
    const raw = values.at(-1);
    if (raw === undefined) return missing(loc, issues);
    if (o.minLength !== undefined && raw.length < o.minLength) {
      issues.push({
        type: 'string_too_short',
        loc,
        msg: `String should have at least ${o.minLength} character${o.minLength === 1 ? '' : 's'}`,
        input: raw,
        ctx: { min_length: o.minLength },
      });
      return INVALID;
    }
    if (o.pattern !== undefined && !o.pattern.test(raw)) {
      issues.push({
        type: 'string_pattern_mismatch',
        loc,
        msg: `String should match pattern '${o.pattern.source}'`,
        input: raw,
        ctx: { pattern: o.pattern.source },
      });
      return INVALID;
    }
    return checkString(raw, loc, issues, o.maxLength);
  },
});

export const strList = (): Param<string[]> => ({ read: (values) => [...values] });

const UUID_RE = /^(?:urn:uuid:)?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** Normalises to the hyphenated lower-case form pydantic's UUID serialises to. */
function parseUuid(raw: string, loc: [Loc, string], issues: ValidationIssue[]): string {
  if (!UUID_RE.test(raw)) {
    const bad = [...raw.replace(/^urn:uuid:/i, '')].findIndex((c) => !/[0-9a-fA-F-]/.test(c));
    const error =
      bad >= 0
        ? `invalid character: expected an optional prefix of \`urn:uuid:\` followed by [0-9a-fA-F-], found \`${raw.replace(/^urn:uuid:/i, '')[bad] ?? ''}\` at ${bad + 1}`
        : `invalid length: expected length 32 for simple format, found ${raw.replace(/-/g, '').length}`;
    issues.push({
      type: 'uuid_parsing',
      loc,
      msg: `Input should be a valid UUID, ${error}`,
      input: raw,
      ctx: { error },
    });
    return INVALID;
  }
  const hex = raw
    .replace(/^urn:uuid:/i, '')
    .replace(/-/g, '')
    .toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const uuid = (): Param<string> => ({
  read: (values, loc, issues) => {
    const raw = values.at(-1);
    return raw === undefined ? missing(loc, issues) : parseUuid(raw, loc, issues);
  },
});

export const optUuid = (): Param<string | undefined> => ({
  read: (values, loc, issues) => {
    const raw = values.at(-1);
    return raw === undefined ? undefined : parseUuid(raw, loc, issues);
  },
});

const DATE_TIME_RE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:[zZ]|[+-]\d{2}:?\d{2})?)?$/;

/** A date-time query value as epoch ms (a date alone is midnight UTC, as pydantic reads it). */
export const optDateTime = (): Param<number | undefined> => ({
  read: (values, loc, issues) => {
    const raw = values.at(-1);
    if (raw === undefined) return undefined;
    const s = raw.trim().replace(' ', 'T');
    const hasOffset = /(?:[zZ]|[+-]\d{2}:?\d{2})$/.test(s) && s.includes('T');
    const ms = DATE_TIME_RE.test(raw.trim()) ? Date.parse(hasOffset || !s.includes('T') ? s : `${s}Z`) : Number.NaN;
    if (Number.isNaN(ms)) {
      const error = raw.length < 10 ? 'input is too short' : 'invalid character in year';
      issues.push({
        type: 'datetime_from_date_parsing',
        loc,
        msg: `Input should be a valid datetime or date, ${error}`,
        input: raw,
        ctx: { error },
      });
      return INVALID;
    }
    return ms;
  },
});

const TRUE = new Set(['1', 'on', 't', 'true', 'y', 'yes']);
const FALSE = new Set(['0', 'off', 'f', 'false', 'n', 'no']);

function parseBool(raw: string, loc: [Loc, string], issues: ValidationIssue[]): boolean {
  const s = raw.trim().toLowerCase();
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  issues.push({
    type: 'bool_parsing',
    loc,
    msg: 'Input should be a valid boolean, unable to interpret input',
    input: raw,
  });
  return INVALID;
}

export const bool = (o: { default: boolean }): Param<boolean> => ({
  read: (values, loc, issues) => {
    const raw = values.at(-1);
    return raw === undefined ? o.default : parseBool(raw, loc, issues);
  },
});

export const optBool = (): Param<boolean | undefined> => ({
  read: (values, loc, issues) => {
    const raw = values.at(-1);
    return raw === undefined ? undefined : parseBool(raw, loc, issues);
  },
});

const expected = (values: readonly string[]): string => {
  const quoted = values.map((v) => `'${v}'`);
  return quoted.length <= 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1) ?? ''}`;
};

function parseEnum<T extends string>(
  raw: string,
  allowed: readonly T[],
  loc: [Loc, string],
  issues: ValidationIssue[],
): T {
  const hit = allowed.find((a) => a === raw);
  if (hit !== undefined) return hit;
  issues.push({
    type: 'enum',
    loc,
    msg: `Input should be ${expected(allowed)}`,
    input: raw,
    ctx: { expected: expected(allowed) },
  });
  return INVALID;
}

export const optEnum = <T extends string>(allowed: readonly T[]): Param<T | undefined> => ({
  read: (values, loc, issues) => {
    const raw = values.at(-1);
    return raw === undefined ? undefined : parseEnum(raw, allowed, loc, issues);
  },
});

export const enumOf = <T extends string>(allowed: readonly T[], o: { default?: NoInfer<T> } = {}): Param<T> => ({
  read: (values, loc, issues) => {
    const raw = values.at(-1);
    if (raw === undefined) return o.default ?? missing(loc, issues);
    return parseEnum(raw, allowed, loc, issues);
  },
});

export type ParamSpec = Record<string, Param<unknown>>;
export type Parsed<S extends ParamSpec> = { [K in keyof S]: S[K] extends Param<infer T> ? T : never };

/** Reads every declared parameter; collects every problem before failing, as FastAPI does. */
export function readParams<S extends ParamSpec>(
  where: Loc,
  spec: S,
  get: (name: string) => readonly string[],
  issues: ValidationIssue[],
): Parsed<S> {
  const out: Record<string, unknown> = {};
  for (const [name, param] of Object.entries(spec)) out[name] = param.read(get(name), [where, name], issues);
  return out as Parsed<S>;
}

export function throwIfInvalid(issues: ValidationIssue[]): void {
  if (issues.length > 0) throw new ValidationError(issues);
}
