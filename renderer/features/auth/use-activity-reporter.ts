import { useEffect } from 'react';
import { useSession } from '../../stores/stores-context';

/** What counts as the person being here: input, not the app's own polling or timers. */
const ACTIVITY_EVENTS = ['keydown', 'pointerdown', 'wheel', 'touchstart'] as const;

/**
 * Tells the workspace server that the person is active, so the idle lock stays away while they
 * work. The store throttles the reports; the server owns the deadline, so a page that stops
 * reporting (closed, crashed, hidden) still locks.
 */
export const useActivityReporter = (): void => {
  const report = useSession((s) => s.reportActivity);
  useEffect(() => {
    const onActivity = (): void => report();
    for (const type of ACTIVITY_EVENTS) window.addEventListener(type, onActivity, { capture: true, passive: true });
    return () => {
      for (const type of ACTIVITY_EVENTS) window.removeEventListener(type, onActivity, { capture: true });
    };
  }, [report]);
};
