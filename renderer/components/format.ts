/**
 * Display formatting in the person's own locale and time zone. Formatters are built once: their
 * construction is the slow part of Intl.
 */
import { REGION_LABELS, type Region } from '../../shared/amigo/regions';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const count = new Intl.NumberFormat();

/** null for a value that is not a date, so the caller can show the raw text instead of "Invalid Date". */
export const formatDateTime = (iso: string): string | null => {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? null : dateTime.format(time);
};

export const formatCount = (n: number): string => count.format(n);

/** e.g. "United States (us-east-1)": the label people know, with the code support staff ask for. */
export const regionLabel = (region: Region): string => `${REGION_LABELS[region]} (${region})`;

/** "1 pending review item", "37 pending review items". English only for now. */
export const plural = (n: number, one: string, many: string): string => (n === 1 ? one : many);
