/**
 * Keypress-to-next-item timing, recorded as User Timing entries so the benchmark (and anyone with
 * the browser's performance panel) can read them: a navigation key starts the clock with the
 * event's own timestamp; the item view stops it once the next item's content has been painted
 * (the frame after the commit: requestAnimationFrame, then a message, which runs after paint).
 */
export const NEXT_ITEM_MEASURE = 'review:keypress-to-next-item';

let pending: { start: number; fromId: string | null } | null = null;

export const startNavigationTiming = (eventTimeStamp: number, fromId: string | null): void => {
  pending = { start: eventTimeStamp, fromId };
};

export const itemPainted = (itemId: string): void => {
  const started = pending;
  if (started === null || started.fromId === itemId) return;
  pending = null;
  requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      performance.measure(NEXT_ITEM_MEASURE, { start: started.start, end: performance.now(), detail: { itemId } });
    };
    channel.port2.postMessage(null);
  });
};
