/** Small conversions shared by the store modules: JSON columns, ISO dates ⇄ epoch ms, LIKE escaping. */
export type JsonObject = Record<string, unknown>;

export const isJsonObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseObject(text: string | null | undefined): JsonObject {
  if (text === null || text === undefined || text === '') return {};
  const v: unknown = JSON.parse(text);
  return isJsonObject(v) ? v : {};
}

export function parseObjectOrNull(text: string | null | undefined): JsonObject | null {
  if (text === null || text === undefined || text === '') return null;
  const v: unknown = JSON.parse(text);
  return isJsonObject(v) ? v : null;
}

/**
 * Epoch milliseconds of an ISO-8601 string. Naive times (no offset, as FastAPI emits for some
 * fields) are read as UTC, so the same dataset sorts identically on every machine.
 */
export function toMs(iso: string | null | undefined): number | null {
  if (iso === null || iso === undefined || iso === '') return null;
  const hasOffset = /(?:[zZ]|[+-]\d{2}:?\d{2})$/.test(iso);
  const ms = Date.parse(hasOffset || !iso.includes('T') ? iso : `${iso}Z`);
  return Number.isNaN(ms) ? null : ms;
}

export const isoOf = (ms: number): string => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null): string | null => (ms === null ? null : isoOf(ms));

export const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Escapes `%`, `_` and `\` for a LIKE pattern used with `ESCAPE '\'`. */
export const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);
