/**
 * A validated record together with the JSON the backend sent for it. zod drops keys it does not
 * know (forward compatibility) and fills defaults, so the typed value alone would lose what a newer
 * backend said; `raw` is what lands in `raw_json` (architecture.md §3: nothing said is lost).
 */
export interface Pulled<T> {
  value: T;
  raw: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Pairs the validated items of a list response with their raw JSON (`raw[key][i]`). The whole
 * response was validated before this runs, so the raw array has the same length; if it somehow
 * does not, the validated value stands in for its raw form rather than pairing the wrong records.
 */
export function pairRaw<T>(values: readonly T[], raw: unknown, key: string): Pulled<T>[] {
  const list = isRecord(raw) ? raw[key] : undefined;
  const rawList = Array.isArray(list) && list.length === values.length ? list : null;
  return values.map((value, i) => ({ value, raw: rawList ? rawList[i] : value }));
}

/** The raw JSON of a whole-object response (an entity, a call), or the value when raw is not an object. */
export const rawObject = (raw: unknown, value: unknown): unknown => (isRecord(raw) ? raw : value);

/** JSON text for a raw_json column; the tables CHECK json_valid, so this must never be undefined. */
export const rawJson = (raw: unknown): string => JSON.stringify(raw) ?? 'null';
