/**
 * The call behind every review item (open and decided), with its turns: the transcript the
 * reviewer reads beside the extraction. GET calls/{session_id} (the simulator, like Attest,
 * treats an item's session_id as its call id; the real API accepts a call SID there too).
 *
 * Incremental rule: a call is wanted once, when an item naming it is first stored, and fetched
 * once: a finished call does not change. A 404/403 marks it gone with the reason and it is not
 * asked for again.
 */
import { callDetail, type CallDetail } from '../../../../shared/amigo';
import { sql } from '../../db/sql';
import { applyCall } from '../apply/calls.apply';
import type { Pulled } from '../pulled';
import { rawObject } from '../pulled';
import { pullGet, type PullContext } from '../pull-context';
import { pullDueRecords } from './due-records';

export const CALLS_STREAM = 'calls';

export const pullCalls = (ctx: PullContext, concurrency = 4): Promise<{ stored: number; gone: number }> =>
  pullDueRecords<Pulled<CallDetail>>(ctx, {
    kind: 'call',
    stream: CALLS_STREAM,
    concurrency,
    noun: 'call',
    fetch: async (sessionId) => {
      const { data, raw } = await pullGet(ctx, `calls/${encodeURIComponent(sessionId)}`, callDetail);
      return { value: data, raw: rawObject(raw, data) };
    },
    apply: applyCall,
    count: (read) => read.value<number>(sql`SELECT count(*) FROM calls`) ?? 0,
    // Keyed by the item's session id, which is the call id or its SID.
    exists: (read, sessionId) =>
      read.value<number>(sql`SELECT 1 FROM calls WHERE id = ${sessionId} OR call_sid = ${sessionId}`) !== undefined,
  });
