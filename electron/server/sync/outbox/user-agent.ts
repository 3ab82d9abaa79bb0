/**
 * User-Agent strings that say, in the backend's own audit log, which Attest intent a request
 * carries: `Attest/0.1.0 (access-event <id>; offline-recorded <time>)` for a delivered access
 * event, `Attest/0.1.0 (outbox <id>; attempt <n>)` for a decision or claim. The compliance report
 * matches audit rows to local records by these ids. Only ids and times: never PHI.
 */
import { APP_VERSION } from '../../modules/session/session.routes';

/** Parentheses and control characters would end the comment early or break the header. */
const safe = (text: string): string => text.replace(/[^\w.:+-]/g, '_');

export const accessEventUserAgent = (event: { id: string; localTime: string; online: boolean }): string =>
  `Attest/${APP_VERSION} (access-event ${safe(event.id)}; ${event.online ? 'recorded' : 'offline-recorded'} ${safe(event.localTime)})`;

export const outboxUserAgent = (entry: { id: string; attempts: number }): string =>
  `Attest/${APP_VERSION} (outbox ${safe(entry.id)}; attempt ${entry.attempts})`;

/** `access-event <id>` of a User-Agent written by {@link accessEventUserAgent}, or null. */
export const accessEventIdOf = (userAgent: string | null): string | null =>
  userAgent === null ? null : (/^Attest\/\S+ \(access-event ([\w-]+);/.exec(userAgent)?.[1] ?? null);

/** `outbox <id>` of a User-Agent written by {@link outboxUserAgent}, or null. */
export const outboxEntryIdOf = (userAgent: string | null): string | null =>
  userAgent === null ? null : (/^Attest\/\S+ \(outbox ([\w-]+);/.exec(userAgent)?.[1] ?? null);
