/**
 * Time columns are stored as UTC ISO-8601 with milliseconds (`2025-01-31T09:15:00.000Z`): fixed
 * width, so text order is time order and indexes answer range filters and sorts. The backend's
 * own string stays in raw_json. FastAPI emits some times without an offset; those are UTC.
 */
const HAS_OFFSET = /(?:[zZ]|[+-]\d{2}:?\d{2})$/;

/** Normalized UTC text, or null when absent or unparseable (the raw JSON keeps the original). */
export const toUtcIso = (value: string | null | undefined): string | null => {
  if (value === null || value === undefined || value === '') return null;
  const ms = Date.parse(HAS_OFFSET.test(value) ? value : `${value}Z`);
  if (!Number.isFinite(ms)) return null;
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  // Years outside 0000–9999 would break the fixed width that makes text order time order.
  return year < 0 || year > 9999 ? null : date.toISOString();
};
