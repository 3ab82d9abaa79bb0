/**
 * Why an extraction landed in the review queue, how urgent it is, and what the automated judge
 * said about it. The judge's per-field verdict is where "no evidence found" is recorded:
 * `judge_analysis.fields[i].evidence_found === false` for a value the caller never said.
 */
import type { FactKind, FactPlan, FactEvidence, ConfirmationLevel } from './calls';
import type { ReviewReason } from './catalog';
import { EVIDENCE_FIELDS, FIELD_LABELS, JUDGE_MODEL, REVIEW_REASONS } from './catalog';
import type { Rng } from './rng';

/** What the judge knows about one extracted event. */
export interface JudgedEvent {
  eventId: string;
  eventType: string;
  kind: FactKind;
  level: ConfirmationLevel;
  confidence: number;
  data: Record<string, unknown>;
  fact: FactPlan;
  evidence: FactEvidence;
  /** The field whose value the caller never said, if any. */
  mutatedField: string | null;
  reason: ReviewReason;
  /** For `conflicting_values`: the field and the EHR value it contradicts. */
  conflict: { field: string; ehrValue: string } | null;
}

export const ALWAYS_REVIEW_KINDS: ReadonlySet<FactKind> = new Set<FactKind>(['medication', 'allergy']);

/** Priority 1 (most urgent) … 5: clinical safety first, then contradictions, then mere uncertainty. */
export function priorityOf(event: Pick<JudgedEvent, 'reason' | 'kind' | 'level'>, rng: Rng): number {
  let p: number;
  switch (event.reason) {
    case 'judge_flagged':
      p = ALWAYS_REVIEW_KINDS.has(event.kind) ? 1 : 2;
      break;
    case 'always_review_category':
      p = event.kind === 'allergy' ? 1 : 2;
      break;
    case 'conflicting_values':
      p = 3;
      break;
    case 'low_confidence':
      p = event.level === 'confirmed' ? 5 : 4;
      break;
  }
  return Math.min(5, p + (rng.chance(0.2) ? 1 : 0));
}

/** The item's reason: the most important reason of any of its events. */
export function itemReason(events: readonly Pick<JudgedEvent, 'reason'>[]): ReviewReason {
  for (const reason of REVIEW_REASONS) if (events.some((e) => e.reason === reason)) return reason;
  return 'low_confidence';
}

const levelText: Readonly<Record<ConfirmationLevel, string>> = {
  confirmed: 'read back and confirmed by the caller',
  mentioned: 'mentioned by the caller but not read back',
  inferred: 'inferred from context rather than stated as an update',
};

const quoteOf = (e: JudgedEvent, field: string): string => e.evidence.quotes[field] ?? '';

export function judgeAnalysis(events: readonly JudgedEvent[], rng: Rng): Record<string, unknown> {
  const fields = events.flatMap((e) =>
    (EVIDENCE_FIELDS[e.eventType] ?? []).map((field) => {
      const found = field !== e.mutatedField;
      return {
        event_id: e.eventId,
        event_type: e.eventType,
        field,
        value: e.data[field] ?? null,
        evidence_found: found,
        quote: found ? quoteOf(e, field) : null,
        turn_index: found ? e.evidence.turnIndex : null,
        // For a missing value, what the caller actually said, so the reviewer can correct it.
        closest_quote: found ? null : quoteOf(e, field),
        closest_turn_index: found ? null : e.evidence.turnIndex,
      };
    }),
  );
  const missing = events.filter((e) => e.mutatedField !== null);
  const conflicts = events.filter((e) => e.conflict !== null);
  const verdict =
    missing.length > 0
      ? 'unsupported'
      : conflicts.length > 0
        ? 'conflict'
        : events.some((e) => e.reason === 'always_review_category')
          ? 'supported'
          : 'uncertain';

  const sentences: string[] = [];
  for (const e of events) {
    const turn = e.evidence.turnIndex + 1;
    if (e.mutatedField) {
      const label = FIELD_LABELS[e.mutatedField] ?? e.mutatedField;
      sentences.push(
        `The extracted ${label} "${String(e.data[e.mutatedField])}" does not appear in the transcript; the closest caller statement is "${quoteOf(e, e.mutatedField)}" (turn ${turn}).`,
      );
    } else if (e.conflict) {
      const label = FIELD_LABELS[e.conflict.field] ?? e.conflict.field;
      sentences.push(
        `The caller's ${label} "${String(e.data[e.conflict.field])}" (turn ${turn}) differs from the value on file in the EHR ("${e.conflict.ehrValue}").`,
      );
    } else if (e.reason === 'always_review_category') {
      const first = (EVIDENCE_FIELDS[e.eventType] ?? [])[0] ?? '';
      sentences.push(
        `${e.kind === 'allergy' ? 'Allergy' : 'Medication'} changes always need human sign-off; the caller states "${quoteOf(e, first)}" (turn ${turn}).`,
      );
    } else {
      sentences.push(
        `The ${e.kind} update was ${levelText[e.level]} (turn ${turn}); confidence ${e.confidence} is below the verification threshold.`,
      );
    }
  }
  const flags = new Set<string>();
  if (missing.length > 0) flags.add('value_not_in_transcript');
  if (conflicts.length > 0) flags.add('conflicts_with_ehr');
  if (events.some((e) => e.reason === 'always_review_category')) flags.add('always_review_category');
  if (events.some((e) => e.level !== 'confirmed')) flags.add('below_verification_threshold');
  if (events.some((e) => e.fact.misheard)) flags.add('low_stt_confidence');

  return {
    model: JUDGE_MODEL,
    verdict,
    evidence_found: missing.length === 0,
    confidence:
      Math.round(rng.float(verdict === 'unsupported' ? 0.7 : 0.45, verdict === 'unsupported' ? 0.95 : 0.85) * 100) /
      100,
    reasoning: sentences.join(' '),
    fields,
    flags: [...flags],
  };
}
