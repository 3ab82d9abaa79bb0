import { useLayoutEffect, useRef } from 'react';
import type { EvidenceView, FieldView, ItemDetailView } from '../../../shared/contract/review.views';
import { DateTime } from '../../components/DateTime';
import { callOffset } from './review-format';

type Call = NonNullable<ItemDetailView['call']>;

/**
 * The call transcript, turn by turn (agent, then caller), with the selected field's evidence
 * marked and scrolled into view. When the value is nowhere in the transcript it says so
 * explicitly: an absent value is a hallucination risk, not a neutral state.
 */
export const TranscriptPane = ({
  call,
  problem,
  field,
  scrollNonce,
}: {
  call: Call | null;
  problem: string | null;
  field: FieldView | null;
  /** Changes each time the reviewer asks to jump to the evidence. */
  scrollNonce: number;
}) => {
  const markRef = useRef<HTMLElement>(null);
  const evidence = field?.evidence ?? null;

  useLayoutEffect(() => {
    markRef.current?.scrollIntoView({ block: 'center' });
  }, [scrollNonce, field?.key]);

  return (
    <section className="transcript" aria-labelledby="transcript-heading" data-testid="transcript">
      <h3 id="transcript-heading">Transcript</h3>
      {call === null ? (
        <p className="notice notice-info" data-testid="transcript-not-synced">
          {problem ?? 'Transcript not synced yet.'}
        </p>
      ) : (
        <>
          <p className="muted transcript-meta">
            {call.startedAt && <DateTime value={call.startedAt} />}
            {call.durationSeconds !== null && ` · ${Math.round(call.durationSeconds)} s`}
            {call.origin === 'live' && ' · shown live from the backend (not synced yet)'}
          </p>
          {field &&
            (evidence === null ? (
              <p className="notice notice-warning" role="status" data-testid="evidence-none">
                No evidence found in the transcript for {field.label}: “{field.valueText}”.
              </p>
            ) : (
              <p className="muted" role="status" data-testid="evidence-found" data-turn-index={evidence.turnIndex}>
                {field.label}: said by the {evidence.speaker === 'user' ? 'caller' : 'agent'} in turn{' '}
                {evidence.turnIndex + 1}.
              </p>
            ))}
          <ol className="turns" tabIndex={0} aria-label="Turns">
            {call.turns.map((turn) => (
              <li key={turn.index} className="turn" data-testid="transcript-turn" data-turn-index={turn.index}>
                <span className="turn-time">
                  {callOffset(turn.offsetMs) ?? (turn.timestamp ? <DateTime value={turn.timestamp} /> : null)}
                </span>
                {turn.agent && (
                  <p className="utterance utterance-agent">
                    <span className="speaker">Agent</span>{' '}
                    <Said text={turn.agent} mark={markFor(evidence, turn.index, 'agent')} markRef={markRef} />
                  </p>
                )}
                {turn.user && (
                  <p className="utterance utterance-user">
                    <span className="speaker">Caller</span>{' '}
                    <Said text={turn.user} mark={markFor(evidence, turn.index, 'user')} markRef={markRef} />
                    {turn.sttConfidence !== null && turn.sttConfidence < 0.7 && (
                      <span className="tag tag-warning"> low speech-to-text confidence</span>
                    )}
                  </p>
                )}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
};

const markFor = (evidence: EvidenceView | null, turnIndex: number, speaker: 'user' | 'agent'): EvidenceView | null =>
  evidence !== null && evidence.turnIndex === turnIndex && evidence.speaker === speaker ? evidence : null;

const Said = ({
  text,
  mark,
  markRef,
}: {
  text: string;
  mark: EvidenceView | null;
  markRef: React.RefObject<HTMLElement | null>;
}) => {
  if (mark === null || mark.end > text.length || mark.start >= mark.end) return <span dir="auto">{text}</span>;
  return (
    <span dir="auto">
      {text.slice(0, mark.start)}
      <mark ref={markRef} className="evidence" data-testid="evidence-highlight">
        {text.slice(mark.start, mark.end)}
      </mark>
      {text.slice(mark.end)}
    </span>
  );
};
