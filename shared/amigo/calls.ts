/** Call detail with its turns: the transcript a reviewer reads (OpenAPI `CallDetailResponse`). */
import { z } from 'zod';
import { isoDateTime, jsonObject, uuid } from './common';

const nstr = z.string().nullable().optional();
const nnum = z.number().nullable().optional();

/** One turn: the agent's speech and the caller's reply. `x-phi`: both transcripts. */
export const turn = z.object({
  id: z.string().nullable().optional(),
  timestamp: isoDateTime.nullable().optional(),
  speaker_id: nstr,
  speaker_role: nstr,
  agent_transcript: nstr,
  user_transcript: nstr,
  agent_speech_start_ms: nnum,
  agent_speech_end_ms: nnum,
  user_speech_start_ms: nnum,
  user_speech_end_ms: nnum,
  stt_confidence: nnum,
  interrupted: z.boolean().default(false),
  state: z.string().default(''),
});
export type Turn = z.infer<typeof turn>;

export const CALL_DIRECTIONS = ['inbound', 'outbound', 'playground', 'simulated', 'test'] as const;

export const callDetail = z.object({
  id: uuid,
  workspace_id: uuid.nullable().optional(),
  call_sid: nstr,
  direction: z.enum(CALL_DIRECTIONS).nullable().optional(),
  status: z.string().default('completed'),
  call_start_time: isoDateTime.nullable().optional(),
  call_end_time: isoDateTime.nullable().optional(),
  call_duration_seconds: z.number().nonnegative().default(0),
  caller_id: nstr,
  phone_number: nstr,
  completion_reason: nstr,
  turns: z.array(turn).default([]),
  verified_transcript: nstr,
  conversation_summary: jsonObject.nullable().optional(),
  call_analysis: jsonObject.nullable().optional(),
});
export type CallDetail = z.infer<typeof callDetail>;
