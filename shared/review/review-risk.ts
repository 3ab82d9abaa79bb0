/**
 * How risky an open review item is, and how a model confidence is shown (peer-research §A.4.3,
 * §A.4.4). Shared so the workspace server orders the queue and the desk labels it by one rule.
 *
 *   risk = (1 − lowest confidence) × field criticality × age factor
 *
 * Criticality: a wrong allergy or dose harms a patient; a wrong callback number loses them; a
 * wrong appointment time is an inconvenience. Age: an item gains weight as it waits, up to three
 * times its fresh weight after two service-level periods (72 h each), so old low-risk items
 * surface eventually without drowning fresh dangerous ones.
 */

/** Weight per entity type or event-type prefix (the part before the dot): 0 < weight ≤ 1. */
export const FIELD_CRITICALITY: Readonly<Record<string, number>> = {
  allergy: 1,
  medication: 1,
  condition: 0.9,
  observation: 0.8,
  phone: 0.8,
  dob: 0.7,
  patient: 0.6,
  pharmacy: 0.6,
  coverage: 0.6,
  address: 0.5,
  appointment: 0.4,
};
export const DEFAULT_CRITICALITY = 0.5;

/** Event types of the patient entity name the fact in their second part (patient.phone_updated). */
const PATIENT_FACTS: readonly [string, string][] = [
  ['phone', 'phone'],
  ['dob', 'dob'],
  ['birth', 'dob'],
  ['pharmacy', 'pharmacy'],
  ['address', 'address'],
];

/** Criticality of one event type ("medication.reported", "patient.phone_updated") or entity type. */
export function criticalityOf(kind: string | null | undefined): number {
  if (!kind) return DEFAULT_CRITICALITY;
  const [head = '', tail = ''] = kind.toLowerCase().split('.');
  if (head === 'patient' && tail) {
    const fact = PATIENT_FACTS.find(([word]) => tail.includes(word));
    if (fact) return FIELD_CRITICALITY[fact[1]] ?? DEFAULT_CRITICALITY;
  }
  return FIELD_CRITICALITY[head] ?? DEFAULT_CRITICALITY;
}

export const RISK_SLA_HOURS = 72;
export const RISK_MAX_AGE_BONUS = 2;

/** 1 for a fresh item, growing linearly to 1 + RISK_MAX_AGE_BONUS after two SLA periods. */
export function ageFactor(createdAtMs: number | null, nowMs: number): number {
  if (createdAtMs === null) return 1;
  const hours = Math.max(0, nowMs - createdAtMs) / 3_600_000;
  return 1 + Math.min(hours / RISK_SLA_HOURS, RISK_MAX_AGE_BONUS);
}

export const CONFIDENCE_BANDS = ['high', 'medium', 'low', 'very_low'] as const;
export type ConfidenceBand = (typeof CONFIDENCE_BANDS)[number];

export const CONFIDENCE_BAND_LABELS: Readonly<Record<ConfidenceBand, string>> = {
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  very_low: 'Very low',
};

/** Bands rather than raw percentages: reviewers read a band; a "0.73" invites false precision. */
export function confidenceBand(confidence: number): ConfidenceBand {
  if (confidence >= 0.9) return 'high';
  if (confidence >= 0.7) return 'medium';
  if (confidence >= 0.4) return 'low';
  return 'very_low';
}
