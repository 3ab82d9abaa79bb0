/**
 * Finds where in a call's transcript an extracted value was said, turn by turn, so the desk can
 * highlight the words and scroll them into view. The caller's own speech is searched first (a
 * value counts as evidence when the patient said it); the agent's speech only after that (a value
 * the agent read back, or asked about, is weaker evidence, and is labelled as such).
 */
import {
  balanceBrackets,
  evidenceTokenSpans,
  findValueRange,
  type EvidenceToken,
  type TextRange,
} from './evidence-tokens';

export type TranscriptSpeaker = 'user' | 'agent';

/** The two sides of one turn, as the call detail carries them. */
export interface TranscriptTurnText {
  agent: string | null;
  user: string | null;
}

export interface EvidenceSpan extends TextRange {
  turnIndex: number;
  speaker: TranscriptSpeaker;
}

/** Tokenizes a transcript once; `find` then answers per value without re-reading the text. */
export interface TranscriptIndex {
  find(value: unknown): EvidenceSpan | null;
}

export function indexTranscript(turns: readonly TranscriptTurnText[]): TranscriptIndex {
  const sides: { turnIndex: number; speaker: TranscriptSpeaker; text: string; spans: EvidenceToken[] }[] = [];
  for (const speaker of ['user', 'agent'] as const) {
    turns.forEach((turn, turnIndex) => {
      const text = turn[speaker];
      if (text) sides.push({ turnIndex, speaker, text, spans: evidenceTokenSpans(text) });
    });
  }
  return {
    find(value) {
      for (const side of sides) {
        const range = findValueRange(side.spans, value);
        if (range) return { turnIndex: side.turnIndex, speaker: side.speaker, ...balanceBrackets(side.text, range) };
      }
      return null;
    },
  };
}
