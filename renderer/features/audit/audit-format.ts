/** Small helpers for the audit screens: dates from date inputs, short ids, byte sizes. */

/** A local calendar date (YYYY-MM-DD) as the instant its day starts, or undefined when empty. */
export const dayStart = (date: string): string | undefined =>
  date === '' ? undefined : new Date(`${date}T00:00:00`).toISOString();

/** A local calendar date as the last millisecond of that day, or undefined when empty. */
export const dayEnd = (date: string): string | undefined =>
  date === '' ? undefined : new Date(`${date}T23:59:59.999`).toISOString();

export const shortId = (id: string | null): string => (id === null ? '—' : id.length > 13 ? `${id.slice(0, 8)}…` : id);

export const formatBytes = (n: number): string =>
  n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
