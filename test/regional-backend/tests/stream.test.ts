/** The SSE stream: retry directive, ms ids, event line, Last-Event-ID replay, error frames. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reviewSubmittedEvent } from '../../../shared/amigo';
import type { TestBackend } from './fixtures';
import { bulkItem, call, ITEM_APPROVE, startFixtureBackend, WS } from './fixtures';

let t: TestBackend;
let url: string;

interface Frame {
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
}

/** Opens the stream and collects frames until `until` says stop; then aborts the connection. */
async function readFrames(token: string, until: (frames: Frame[]) => boolean, lastEventId?: string): Promise<Frame[]> {
  const controller = new AbortController();
  const res = await fetch(`${url}/v1/${WS}/events/stream`, {
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'text/event-stream',
      ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }),
    },
    signal: controller.signal,
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = res.body?.getReader();
  if (reader === undefined) throw new Error('no body');
  const decoder = new TextDecoder();
  const frames: Frame[] = [];
  let buffer = '';
  const deadline = Date.now() + 10_000;
  try {
    while (!until(frames) && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const frame: Frame = {};
        for (const line of block.split('\n')) {
          const m = /^(id|event|data|retry): ?(.*)$/.exec(line);
          if (m?.[1] !== undefined) frame[m[1] as keyof Frame] = m[2] ?? '';
        }
        if (Object.keys(frame).length > 0) frames.push(frame);
      }
    }
  } finally {
    controller.abort();
  }
  return frames;
}

beforeAll(async () => {
  t = await startFixtureBackend({ stream: { maxStreamsPerWorkspace: 3 } });
  url = t.backend.url;
});
afterAll(async () => {
  // Optional: beforeAll may have failed before t was set.
  await t?.close();
});

describe('events stream', () => {
  it('starts with retry: 3000 and delivers review.submitted live', async () => {
    const token = await t.token('reviewer');
    const reading = readFrames(token, (f) => f.some((x) => x.event === 'review.submitted'));
    await new Promise((r) => setTimeout(r, 100));
    expect((await call(url, 'POST', `/v1/${WS}/review-queue/${ITEM_APPROVE}/approve`, token, {})).status).toBe(200);
    const frames = await reading;
    expect(frames[0]).toEqual({ retry: '3000' });
    const ev = frames.find((f) => f.event === 'review.submitted');
    expect(Number(ev?.id)).toBeGreaterThan(Date.now() - 60_000);
    const data = JSON.parse(ev?.data ?? '{}') as Record<string, unknown>;
    // The discriminator travels on the event: line, not in data.
    expect(data['event_type']).toBeUndefined();
    expect(reviewSubmittedEvent.parse(data)).toMatchObject({ action: 'approve', item_id: ITEM_APPROVE });
  });

  it('replays buffered events after Last-Event-ID, in order, without duplicates', async () => {
    const token = await t.token('reviewer');
    const cursor = t.backend.hub.buffered(WS).at(-1)?.id ?? 0;
    await call(url, 'POST', `/v1/${WS}/review-queue/${bulkItem(10)}/reject`, token, { reason: 'no' });
    await call(url, 'POST', `/v1/${WS}/review-queue/batch-approve`, token, { item_ids: [bulkItem(11), bulkItem(12)] });
    const frames = await readFrames(token, (f) => f.filter((x) => x.event !== undefined).length >= 2, String(cursor));
    const events = frames.filter((f) => f.event !== undefined);
    expect(events.map((f) => [f.event, (JSON.parse(f.data ?? '{}') as Record<string, unknown>)['action']])).toEqual([
      ['review.submitted', 'reject'],
      ['review.submitted', 'batch_approve'],
    ]);
    expect(Number(events[0]?.id)).toBeGreaterThan(cursor);
    expect(Number(events[1]?.id)).toBeGreaterThan(Number(events[0]?.id));
    expect(JSON.parse(events[1]?.data ?? '{}')).toMatchObject({ count: 2 });
  });

  it('a role change is announced as workspace.member_role_updated and takes effect', async () => {
    const token = await t.token('dana');
    const reading = readFrames(token, (f) => f.some((x) => x.event === 'workspace.member_role_updated'));
    await new Promise((r) => setTimeout(r, 100));
    const sub = 'd4b3f6e5-0a7c-4d9b-9ecf-3a4b5c6d7e84';
    await call(url, 'POST', '/__sim/members/role', undefined, {
      workspace_id: WS,
      sub,
      role: 'viewer',
      previous_role: 'member',
    });
    const frame = (await reading).find((f) => f.event === 'workspace.member_role_updated');
    expect(JSON.parse(frame?.data ?? '{}')).toEqual({ entity_id: sub, role: 'viewer', previous_role: 'member' });
    expect((await call(url, 'POST', `/v1/${WS}/review-queue/${bulkItem(13)}/approve`, token, {})).status).toBe(403);
  });

  it('refuses streams beyond the per-workspace cap with a too_many_streams error frame', async () => {
    const token = await t.token('reviewer');
    const controllers = await Promise.all(
      [0, 1, 2].map(async () => {
        const c = new AbortController();
        const res = await fetch(`${url}/v1/${WS}/events/stream`, {
          headers: { authorization: `Bearer ${token}` },
          signal: c.signal,
        });
        await res.body?.getReader().read();
        return c;
      }),
    );
    try {
      const frames = await readFrames(token, (f) => f.some((x) => x.event === 'error'));
      expect(JSON.parse(frames.find((f) => f.event === 'error')?.data ?? '{}')).toMatchObject({
        code: 'too_many_streams',
      });
    } finally {
      for (const c of controllers) c.abort();
    }
  });

  it('needs a token like every API route', async () => {
    expect((await call(url, 'GET', `/v1/${WS}/events/stream`)).status).toBe(401);
  });
});
