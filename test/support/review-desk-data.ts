/**
 * Loads generator output into a workspace database the way sync leaves it: review items through
 * the real writer (upsertReviewItems), and calls with their turns and the entities into the
 * tables of migration 0001. Used by the review desk's server tests and its keypress benchmark
 * (which loads the large dataset this way).
 */
import type { CallDetail, Entity, ReviewItem } from '../../shared/amigo';
import type { WriteDb } from '../../electron/server/db/db-types';
import { sql } from '../../electron/server/db/sql';
import { upsertReviewItems } from '../../electron/server/modules/review/review.repo';

const bool = (v: boolean | null | undefined): number => (v ? 1 : 0);

export function insertCall(write: WriteDb, call: CallDetail, pulledAt: string): void {
  const { turns, ...rest } = call;
  write.run(sql`
    INSERT OR REPLACE INTO calls (id, call_sid, direction, status, call_start_time, call_end_time, duration_seconds,
      caller_id, phone_number, completion_reason, turn_count, raw_json, pulled_at)
    VALUES (${call.id}, ${call.call_sid ?? null}, ${call.direction ?? null}, ${call.status},
      ${call.call_start_time ?? null}, ${call.call_end_time ?? null}, ${call.call_duration_seconds},
      ${call.caller_id ?? null}, ${call.phone_number ?? null}, ${call.completion_reason ?? null}, ${turns.length},
      ${JSON.stringify(rest)}, ${pulledAt})`);
  turns.forEach((t, position) => {
    write.run(sql`
      INSERT OR REPLACE INTO call_turns (call_id, position, turn_id, timestamp, speaker_id, speaker_role,
        agent_transcript, user_transcript, agent_speech_start_ms, agent_speech_end_ms, user_speech_start_ms,
        user_speech_end_ms, stt_confidence, interrupted, state, raw_json)
      VALUES (${call.id}, ${position}, ${t.id ?? null}, ${t.timestamp ?? null}, ${t.speaker_id ?? null},
        ${t.speaker_role ?? null}, ${t.agent_transcript ?? null}, ${t.user_transcript ?? null},
        ${t.agent_speech_start_ms ?? null}, ${t.agent_speech_end_ms ?? null}, ${t.user_speech_start_ms ?? null},
        ${t.user_speech_end_ms ?? null}, ${t.stt_confidence ?? null}, ${bool(t.interrupted)}, ${t.state},
        ${JSON.stringify(t)})`);
  });
}

export function insertEntity(write: WriteDb, e: Entity, pulledAt: string): void {
  write.run(sql`
    INSERT OR REPLACE INTO entities (id, entity_type, display_name, canonical_id, name, email, phone, birth_date,
      gender, mrn, status, confidence, has_projection, event_count, source, first_seen_at, last_event_at, created_at,
      updated_at, raw_json, pulled_at)
    VALUES (${e.id}, ${e.entity_type}, ${e.display_name ?? null}, ${e.canonical_id ?? null}, ${e.name ?? null},
      ${e.email ?? null}, ${e.phone ?? null}, ${e.birth_date ?? null}, ${e.gender ?? null}, ${e.mrn ?? null},
      ${e.status ?? null}, ${e.confidence}, ${bool(e.has_projection)}, ${e.event_count ?? null}, ${e.source ?? null},
      ${e.first_seen_at ?? null}, ${e.last_event_at ?? null}, ${e.created_at ?? null}, ${e.updated_at ?? null},
      ${JSON.stringify(e)}, ${pulledAt})`);
}

/** Buffers records and writes them in transactions of `batch` (the large dataset streams through). */
export class ReviewDeskLoader {
  private items: ReviewItem[] = [];
  private calls: CallDetail[] = [];
  private entities: Entity[] = [];
  counts = { items: 0, calls: 0, entities: 0 };

  constructor(
    private readonly write: WriteDb,
    private readonly pulledAt = new Date().toISOString(),
    private readonly batch = 2000,
  ) {}

  item(item: ReviewItem): void {
    this.items.push(item);
    if (this.items.length >= this.batch) this.flush();
  }

  call(call: CallDetail): void {
    this.calls.push(call);
    if (this.calls.length >= this.batch) this.flush();
  }

  entity(entity: Entity): void {
    this.entities.push(entity);
    if (this.entities.length >= this.batch) this.flush();
  }

  flush(): void {
    const { items, calls, entities } = this;
    this.items = [];
    this.calls = [];
    this.entities = [];
    this.write.transaction(() => {
      if (items.length > 0) upsertReviewItems(this.write, items, this.pulledAt);
      for (const c of calls) insertCall(this.write, c, this.pulledAt);
      for (const e of entities) insertEntity(this.write, e, this.pulledAt);
    });
    this.counts.items += items.length;
    this.counts.calls += calls.length;
    this.counts.entities += entities.length;
  }
}
