/**
 * Writes a call and its turns (the transcript a reviewer reads). `calls.raw_json` is the call as
 * the API sent it without its turns; each turn's raw JSON is in `call_turns` (never stored twice).
 * The turn list is replaced whole, so a re-pulled call never keeps a turn the backend dropped.
 */
import type { CallDetail } from '../../../../shared/amigo';
import type { WriteDb } from '../../db/db-types';
import { requireBoundWorkspace, WorkspaceMismatchError } from '../../db/meta.repo';
import { sql } from '../../db/sql';
import { toUtcIso } from '../../db/timestamps';
import { pairRaw, rawJson, type Pulled } from '../pulled';

const withoutTurns = (raw: unknown): unknown => {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const copy: Record<string, unknown> = { ...raw };
  delete copy['turns'];
  return copy;
};

/** Stores one call. Run inside a transaction (the stream's applyPage). */
export const applyCall = (tx: WriteDb, { value: call, raw }: Pulled<CallDetail>, pulledAt: string): void => {
  const bound = requireBoundWorkspace(tx);
  if (call.workspace_id !== null && call.workspace_id !== undefined && call.workspace_id !== bound) {
    throw new WorkspaceMismatchError('The server sent a call of another workspace; it was not stored.');
  }
  tx.run(sql`
    INSERT INTO calls (id, call_sid, direction, status, call_start_time, call_end_time, duration_seconds, caller_id,
      phone_number, completion_reason, turn_count, raw_json, pulled_at)
    VALUES (${call.id}, ${call.call_sid ?? null}, ${call.direction ?? null}, ${call.status},
      ${toUtcIso(call.call_start_time)}, ${toUtcIso(call.call_end_time)}, ${call.call_duration_seconds},
      ${call.caller_id ?? null}, ${call.phone_number ?? null}, ${call.completion_reason ?? null}, ${call.turns.length},
      ${rawJson(withoutTurns(raw))}, ${pulledAt})
    ON CONFLICT (id) DO UPDATE SET
      call_sid = excluded.call_sid, direction = excluded.direction, status = excluded.status,
      call_start_time = excluded.call_start_time, call_end_time = excluded.call_end_time,
      duration_seconds = excluded.duration_seconds, caller_id = excluded.caller_id,
      phone_number = excluded.phone_number, completion_reason = excluded.completion_reason,
      turn_count = excluded.turn_count, raw_json = excluded.raw_json, pulled_at = excluded.pulled_at`);
  tx.run(sql`DELETE FROM call_turns WHERE call_id = ${call.id}`);
  pairRaw(call.turns, raw, 'turns').forEach(({ value: turn, raw: turnRaw }, position) => {
    tx.run(sql`
      INSERT INTO call_turns (call_id, position, turn_id, timestamp, speaker_id, speaker_role, agent_transcript,
        user_transcript, agent_speech_start_ms, agent_speech_end_ms, user_speech_start_ms, user_speech_end_ms,
        stt_confidence, interrupted, state, raw_json)
      VALUES (${call.id}, ${position}, ${turn.id ?? null}, ${toUtcIso(turn.timestamp)}, ${turn.speaker_id ?? null},
        ${turn.speaker_role ?? null}, ${turn.agent_transcript ?? null}, ${turn.user_transcript ?? null},
        ${turn.agent_speech_start_ms ?? null}, ${turn.agent_speech_end_ms ?? null},
        ${turn.user_speech_start_ms ?? null}, ${turn.user_speech_end_ms ?? null}, ${turn.stt_confidence ?? null},
        ${turn.interrupted}, ${turn.state}, ${rawJson(turnRaw)})`);
  });
};

export const countCalls = (tx: WriteDb): number => tx.value<number>(sql`SELECT count(*) FROM calls`) ?? 0;
