/**
 * Wall-clock time in a named time zone (IANA), for the review aids ("after hours" in the
 * person's own zone) and for per-day charts. Intl is slow per call, so the zone's UTC offset is
 * computed once per quarter hour of UTC time and reused: every zone changes its offset only on
 * a quarter-hour boundary, so the cached offset is exact for every instant in the slot.
 */
const SLOT_MS = 15 * 60_000;
const MAX_CACHED_SLOTS = 50_000;

export interface LocalParts {
  /** YYYY-MM-DD in the zone. */
  day: string;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** Minutes since local midnight. */
  minutes: number;
}

export class InvalidTimeZoneError extends Error {
  override readonly name = 'InvalidTimeZoneError';
}

export class LocalClock {
  readonly timeZone: string;
  private readonly format: Intl.DateTimeFormat;
  private readonly offsets = new Map<number, number>();

  constructor(timeZone: string) {
    try {
      this.format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
      });
    } catch {
      throw new InvalidTimeZoneError(
        `"${timeZone}" is not a time zone this computer knows (use a name like Europe/Berlin).`,
      );
    }
    this.timeZone = this.format.resolvedOptions().timeZone;
  }

  /** The zone's offset from UTC in minutes at `ms` (e.g. +120 for Berlin in summer). */
  offsetMinutes(ms: number): number {
    const slot = Math.floor(ms / SLOT_MS);
    const hit = this.offsets.get(slot);
    if (hit !== undefined) return hit;
    const at = slot * SLOT_MS;
    const parts: Record<string, number> = {};
    for (const part of this.format.formatToParts(at)) {
      if (part.type !== 'literal') parts[part.type] = Number(part.value);
    }
    const wall = Date.UTC(
      parts.year ?? 1970,
      (parts.month ?? 1) - 1,
      parts.day ?? 1,
      parts.hour ?? 0,
      parts.minute ?? 0,
    );
    const offset = Math.round((wall - at) / 60_000);
    if (this.offsets.size >= MAX_CACHED_SLOTS) this.offsets.clear();
    this.offsets.set(slot, offset);
    return offset;
  }

  parts(ms: number): LocalParts {
    const local = new Date(ms + this.offsetMinutes(ms) * 60_000);
    const weekday = local.getUTCDay();
    return {
      day: local.toISOString().slice(0, 10),
      weekday: weekday === 0 ? 7 : weekday,
      minutes: local.getUTCHours() * 60 + local.getUTCMinutes(),
    };
  }

  /** "Saturday 3 Oct 2026, 22:14" style text for reasons, in the zone. */
  describe(ms: number): string {
    const { day, weekday, minutes } = this.parts(ms);
    return `${WEEKDAYS[weekday - 1] ?? ''} ${day} at ${clockText(minutes)}`;
  }
}

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

export const clockText = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
