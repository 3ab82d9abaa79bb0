/**
 * The event vocabulary of the synthetic world model: event types, the data fields each carries,
 * which of those a caller states (and so must be findable in the transcript), and FHIR mapping.
 * Tests and the reviewer UI rely on these names; the generator report lists them too.
 */
import type { FactKind } from './calls';

/** Event types written by the voice agent, one per kind of fact a caller states. */
export const VOICE_EVENT_TYPES: Readonly<Record<FactKind, string>> = {
  pharmacy: 'patient.pharmacy_changed',
  phone: 'patient.phone_updated',
  address: 'patient.address_changed',
  dob: 'patient.dob_confirmed',
  medication: 'medication.reported',
  allergy: 'allergy.reported',
  appointment: 'appointment.requested',
};

/**
 * Per voice event type, the data fields the caller says out loud. Each is either found in the call
 * transcript (after evidence.ts normalisation) or marked `evidence_found: false` by the judge.
 */
export const EVIDENCE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'patient.pharmacy_changed': ['pharmacy_name', 'pharmacy_location'],
  'patient.phone_updated': ['phone'],
  'patient.address_changed': ['address_line', 'city', 'postal_code'],
  'patient.dob_confirmed': ['birth_date'],
  'medication.reported': ['medication', 'dose', 'frequency'],
  'allergy.reported': ['substance', 'reaction'],
  'appointment.requested': ['requested_date', 'time_of_day', 'reason'],
};

export const FHIR_TYPE_BY_KIND: Readonly<Record<FactKind, string>> = {
  pharmacy: 'Patient',
  phone: 'Patient',
  address: 'Patient',
  dob: 'Patient',
  medication: 'MedicationStatement',
  allergy: 'AllergyIntolerance',
  appointment: 'Appointment',
};

export const DOMAIN_BY_KIND: Readonly<Record<FactKind, string>> = {
  pharmacy: 'operational',
  phone: 'operational',
  address: 'operational',
  dob: 'operational',
  medication: 'clinical',
  allergy: 'clinical',
  appointment: 'operational',
};

/** Human labels the judge uses in its reasoning. */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  pharmacy_name: 'pharmacy',
  pharmacy_location: 'pharmacy location',
  phone: 'callback number',
  address_line: 'street address',
  city: 'city',
  postal_code: 'postal code',
  birth_date: 'date of birth',
  medication: 'medication',
  dose: 'dose',
  frequency: 'frequency',
  substance: 'allergen',
  reaction: 'reaction',
  requested_date: 'requested date',
  time_of_day: 'time of day',
  reason: 'visit reason',
};

/** The `source` of each writer in the synthetic world. */
export const SOURCES = {
  voice: 'voice_agent',
  connector: 'connector_runner',
  review: 'review_queue',
  manual: 'manual',
} as const;

export const VOICE_AGENT = 'intake-voice-agent/2026.10.2';
export const JUDGE_MODEL = 'amigo-review-judge-1.14';
export const CRM_SYSTEM = 'hubspot';

/** Review reasons, most important first (an item takes the first that applies to any event). */
export const REVIEW_REASONS = [
  'judge_flagged',
  'always_review_category',
  'conflicting_values',
  'low_confidence',
] as const;
export type ReviewReason = (typeof REVIEW_REASONS)[number];

/** Enrichment keys and their value types. */
export const ENRICHMENT_KEYS = {
  preferred_pharmacy: 'string',
  callback_phone: 'string',
  preferred_language: 'enum',
  preferred_contact_time: 'enum',
  appointment_reminders_opt_in: 'boolean',
} as const;
export type EnrichmentKey = keyof typeof ENRICHMENT_KEYS;
