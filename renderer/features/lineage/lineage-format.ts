/**
 * How lineage values read on screen and on paper. Values are arbitrary JSON from the backend:
 * always turned into text here and rendered as text (never markup).
 */
import { canonicalJson } from '../../../shared/lineage/replay';

/** A field value as text: strings as they are, everything else as compact JSON. */
export const formatValue = (value: unknown): string => {
  if (value === undefined || value === null) return '—';
  if (typeof value === 'string') return value === '' ? '(empty)' : value;
  return canonicalJson(value);
};

export const formatConfidence = (confidence: number | null | undefined): string =>
  confidence === null || confidence === undefined ? '—' : confidence.toFixed(2);

/** `pharmacy_name` → "pharmacy name". */
export const fieldLabel = (field: string): string => field.replace(/[_.]+/g, ' ');

const ACTIONS: Readonly<Record<string, string>> = {
  approved: 'Approved',
  corrected: 'Corrected',
  rejected: 'Rejected',
};
export const actionLabel = (action: string | null): string =>
  action === null ? 'Open' : (ACTIONS[action] ?? action.replace(/_/g, ' '));

/** One letter per verdict for the chart's markers (their full name is in the marker's title). */
export const actionMark = (action: string): string => (action === 'approved' ? 'A' : action === 'rejected' ? 'R' : 'C');

const ORIGINS: Readonly<Record<string, string>> = {
  timeline: 'entity timeline',
  enrichment: 'enrichment history',
  review: 'review item',
  provenance: 'provenance',
};
export const originLabel = (origin: string): string => ORIGINS[origin] ?? origin;

export const shortId = (id: string): string => (id.length > 13 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id);

/** A file name for an export: the entity and the instant, nothing else identifying. */
export const exportFileName = (entityId: string, at: Date): string =>
  `attest-lineage-${entityId.replace(/[^A-Za-z0-9-]/g, '')}-${at.toISOString().replace(/[:.]/g, '-')}.json`;

/** `datetime-local` text (the person's own clock) → UTC ISO; null for an empty or unreadable value. */
export const localInputToIso = (text: string): string | null => {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(text)) return null;
  const ms = new Date(text).getTime();
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
};

const pad = (n: number): string => String(n).padStart(2, '0');
/** UTC ISO → `datetime-local` text in the person's own clock, with seconds. */
export const isoToLocalInput = (iso: string): string => {
  const d = new Date(iso);
  if (!Number.isFinite(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
};
