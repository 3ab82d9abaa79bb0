/**
 * The evidence normalisation lives in shared/evidence (the app computes evidence with the same
 * rules); the generator re-exports it, plus the one helper only it needs: a whole call as text.
 *
 * The generator uses these to prove that the values it marks "no evidence" are really absent, and
 * the tests use them to prove that every other extracted value is present.
 */
import type { CallDetail } from '../../../shared/amigo';

export { evidenceTokens, tokensContain, valueAppearsIn } from '../../../shared/evidence/evidence-tokens';

/** Everything said in a call, agent and caller, one turn per line: what evidence is searched in. */
export function callTranscriptText(call: Pick<CallDetail, 'turns'>): string {
  const lines: string[] = [];
  for (const turn of call.turns) {
    if (turn.agent_transcript) lines.push(turn.agent_transcript);
    if (turn.user_transcript) lines.push(turn.user_transcript);
  }
  return lines.join('\n');
}
