/** Small display helpers of the review desk. */
import { REJECT_REASON_LABELS, type OutboxEntryView } from '../../../shared/contract';

export const ENTITY_TYPE_LABELS: Readonly<Record<string, string>> = {
  patient: 'Patient',
  medication: 'Medication',
  allergy: 'Allergy',
  appointment: 'Appointment',
  pharmacy: 'Pharmacy',
};

export const REASON_LABELS: Readonly<Record<string, string>> = {
  judge_flagged: 'Judge flagged',
  always_review_category: 'Always reviewed',
  conflicting_values: 'Conflicts with EHR',
  low_confidence: 'Low confidence',
};

export const labelOf = (table: Readonly<Record<string, string>>, value: string | null): string =>
  value === null || value === '' ? 'None' : (table[value] ?? value.replace(/_/g, ' '));

/** "0:42" from milliseconds since the start of the call. */
export const callOffset = (ms: number | null): string | null => {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return null;
  const seconds = Math.floor(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
};

const LOCAL_STATE_TEXT: Readonly<Record<string, string>> = {
  pending: 'waiting to send',
  sending: 'sending',
  sent: 'sent',
  quarantined: 'refused by the server',
  conflict: 'in conflict',
  withdrawn: 'withdrawn',
};

const KIND_TEXT: Readonly<Record<string, string>> = {
  approve: 'Approved',
  batch_approve: 'Approved',
  correct: 'Corrected',
  reject: 'Rejected',
  batch_reject: 'Rejected',
  claim: 'Claimed',
  unclaim: 'Released',
};

/** "Approved · waiting to send". */
export const localStateText = (local: { kind: string; state: string }): string =>
  `${KIND_TEXT[local.kind] ?? local.kind} · ${LOCAL_STATE_TEXT[local.state] ?? local.state}`;

export const isDecisionKind = (kind: string): boolean => kind !== 'claim' && kind !== 'unclaim';

/** The reason a person chose, from a rejection entry's payload, when it is there. */
export const rejectReasonOf = (entry: OutboxEntryView): string | null => {
  const decision = entry.payload['decision'];
  if (typeof decision !== 'object' || decision === null) return null;
  const code = (decision as Record<string, unknown>)['reasonCode'];
  return typeof code === 'string' && code in REJECT_REASON_LABELS
    ? REJECT_REASON_LABELS[code as keyof typeof REJECT_REASON_LABELS]
    : null;
};

export const valueForInput = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
};
