/**
 * The correction form's field hints (`GET …/correction-schema` → `fields`): the fields a FHIR
 * resource type is expected to carry, plus any field the current event data already has, each
 * with a JSON type a form can render.
 */
import type { JsonObject } from '../store/values';

type FieldType = 'string' | 'number' | 'boolean' | 'date' | 'datetime' | 'object' | 'array';

interface FieldHint {
  type: FieldType;
  required: boolean;
  label: string;
}

const F = (type: FieldType, label: string, required = false): FieldHint => ({ type, required, label });

const CATALOGUE: Record<string, Record<string, FieldHint>> = {
  Patient: {
    name: F('string', 'Full name', true),
    birth_date: F('date', 'Date of birth'),
    gender: F('string', 'Gender'),
    phone: F('string', 'Phone (E.164)'),
    email: F('string', 'Email'),
    address: F('string', 'Address'),
    mrn: F('string', 'Medical record number'),
  },
  Observation: {
    code: F('string', 'Observation code', true),
    display: F('string', 'Observation'),
    value: F('string', 'Value', true),
    unit: F('string', 'Unit'),
    effective_date: F('date', 'Observed on'),
  },
  Condition: {
    code: F('string', 'Condition code', true),
    display: F('string', 'Condition', true),
    clinical_status: F('string', 'Clinical status'),
    onset_date: F('date', 'Onset'),
  },
  MedicationStatement: {
    medication: F('string', 'Medication', true),
    dosage: F('string', 'Dosage'),
    frequency: F('string', 'Frequency'),
    status: F('string', 'Status'),
  },
  AllergyIntolerance: {
    substance: F('string', 'Substance', true),
    reaction: F('string', 'Reaction'),
    severity: F('string', 'Severity'),
  },
  Appointment: {
    start: F('datetime', 'Start', true),
    end: F('datetime', 'End'),
    status: F('string', 'Status'),
    appointment_type: F('string', 'Type'),
    reason: F('string', 'Reason'),
  },
  Coverage: {
    payer: F('string', 'Payer', true),
    member_id: F('string', 'Member id', true),
    group_number: F('string', 'Group number'),
  },
};

const typeOf = (v: unknown): FieldType => {
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'boolean';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object' && v !== null) return 'object';
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return 'date';
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) return 'datetime';
  return 'string';
};

const labelOf = (key: string): string => key.replace(/[_-]+/g, ' ').replace(/^./, (c) => c.toUpperCase());

export function correctionFields(fhirResourceType: string | null, current: JsonObject): JsonObject {
  const fields: JsonObject = { ...(fhirResourceType === null ? {} : (CATALOGUE[fhirResourceType] ?? {})) };
  for (const [key, value] of Object.entries(current)) {
    if (!(key in fields)) fields[key] = F(typeOf(value), labelOf(key));
  }
  return fields;
}
