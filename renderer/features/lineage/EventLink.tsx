import { createContext, useContext, type ReactNode } from 'react';
import { shortId } from './lineage-format';

/**
 * Moves focus to an event's row in the timeline. A button, not an `#anchor` link: the hash
 * belongs to the app's router, and a fragment link would navigate away from the section.
 */
export interface EventReveal {
  /** Whether the timeline lists the event (a long history lists the newest and the ones in use). */
  listed(eventId: string): boolean;
  reveal(eventId: string): void;
}

export const RevealEventContext = createContext<EventReveal>({ listed: () => false, reveal: () => undefined });

export const timelineRowId = (eventId: string): string => `lineage-event-${eventId}`;

export const EventLink = ({ eventId, children }: { eventId: string; children?: ReactNode }) => {
  const { listed, reveal } = useContext(RevealEventContext);
  if (!listed(eventId)) {
    return (
      <span className="mono" title={`Event ${eventId} (not listed on this page; the JSON export holds it)`}>
        {children ?? shortId(eventId)}
      </span>
    );
  }
  return (
    <button
      type="button"
      className="link-button mono"
      onClick={() => reveal(eventId)}
      title={`Show event ${eventId} in the timeline`}
      data-event-id={eventId}
    >
      {children ?? shortId(eventId)}
    </button>
  );
};
