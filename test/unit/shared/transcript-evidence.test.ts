/**
 * The app's own evidence finder (shared/evidence): where a value was said, down to the characters,
 * checked against the generator's oracle (judge_analysis.fields[].turn_index and quote) over a
 * whole synthetic workspace, plus the spoken forms the normalisation must undo.
 */
import { describe, expect, it } from 'vitest';
import { balanceBrackets, evidenceTokenSpans, findValueRange } from '../../../shared/evidence/evidence-tokens';
import { indexTranscript } from '../../../shared/evidence/transcript-evidence';
import { smallDataset } from '../../regional-backend/generator/test-helpers';

interface JudgeField {
  field: string;
  value: unknown;
  evidence_found: boolean;
  quote: string | null;
  turn_index: number | null;
}

const judgeFields = (analysis: Record<string, unknown> | null): JudgeField[] =>
  Array.isArray(analysis?.fields) ? (analysis.fields as JudgeField[]) : [];

const highlighted = (text: string, value: unknown): string | null => {
  const range = findValueRange(evidenceTokenSpans(text), value);
  if (range === null) return null;
  const { start, end } = balanceBrackets(text, range);
  return text.slice(start, end);
};

describe('findValueRange', () => {
  it('covers exactly the words that carry the value, in every spoken form', () => {
    expect(highlighted('Sure, it is (889) 555-0170, my cell.', '+18895550170')).toBe('(889) 555-0170');
    expect(highlighted('call three one two, five five five, oh one four two please', '+13125550142')).toBe(
      'three one two, five five five, oh one four two',
    );
    expect(highlighted('Born March third, nineteen eighty-two, in Ohio.', '1982-03-03')).toBe(
      'March third, nineteen eighty-two',
    );
    expect(highlighted('It was the 3rd of March, 1982.', '1982-03-03')).toBe('3rd of March, 1982');
    expect(highlighted('Dob is 03/03/1982 I think', '1982-03-03')).toBe('03/03/1982');
    expect(highlighted("I'm on Metformin, eight hundred fifty milligrams.", '850 mg')).toBe(
      'eight hundred fifty milligrams',
    );
    expect(highlighted('SEND IT TO greenleaf   Pharmacy!', 'Greenleaf Pharmacy')).toBe('greenleaf   Pharmacy');
    expect(highlighted("that's all", 'thats')).toBe("that's");
  });

  it('answers null when the value is not said, is empty or is not a scalar', () => {
    expect(highlighted('I take Metformin', 'Metronidazole')).toBeNull();
    expect(highlighted('anything', '')).toBeNull();
    expect(highlighted('anything', null)).toBeNull();
    expect(highlighted('[object Object]', { a: 1 })).toBeNull();
  });
});

describe('indexTranscript against the generator oracle', () => {
  it('lands on the judge-recorded turn for every value said, and finds nothing for every value not said', () => {
    const { records } = smallDataset(7);
    const calls = new Map(records.calls.map((c) => [c.id, c]));
    let found = 0;
    let missing = 0;
    for (const item of records.review_items) {
      const call = calls.get(item.session_id);
      if (!call) throw new Error(`no call ${item.session_id}`);
      const index = indexTranscript(
        call.turns.map((t) => ({ agent: t.agent_transcript ?? null, user: t.user_transcript ?? null })),
      );
      for (const f of judgeFields(item.judge_analysis)) {
        const hit = index.find(f.value);
        const where = `${item.id} ${f.field}=${String(f.value)}`;
        if (f.evidence_found) {
          found++;
          expect(hit?.turnIndex, where).toBe(f.turn_index);
          expect(hit?.speaker, where).toBe('user');
          const text = call.turns[hit?.turnIndex ?? -1]?.user_transcript ?? '';
          // The highlighted words sit inside the judge's quote of what the caller said.
          expect(f.quote, where).toContain(text.slice(hit?.start ?? 0, hit?.end ?? 0));
        } else {
          missing++;
          expect(hit, where).toBeNull();
        }
      }
    }
    expect(found).toBeGreaterThan(100);
    expect(missing).toBeGreaterThan(5);
  });
});
