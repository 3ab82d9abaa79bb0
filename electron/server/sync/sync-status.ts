/**
 * The sync status a person can trust: per stream, when it last succeeded and what last went
 * wrong, plus online/offline. Kept in memory and mirrored to sync_cursors by the streams; the
 * engine seeds it from sync_cursors, so a restart shows the last known state (and the time of the
 * last complete sync) before the first new pass finishes.
 */
import type { StreamStatus, SyncStatusView } from '../../../shared/contract';

export class SyncStatusBoard {
  private readonly streams = new Map<string, StreamStatus>();
  private online = true;
  private lastCompleteSyncAt: string | null = null;

  stream(name: string): StreamStatus {
    let entry = this.streams.get(name);
    if (!entry) {
      entry = { stream: name, lastSuccessAt: null, lastError: null, running: false, count: 0, total: null };
      this.streams.set(name, entry);
    }
    return entry;
  }

  update(name: string, patch: Partial<Omit<StreamStatus, 'stream'>>): void {
    Object.assign(this.stream(name), patch);
  }

  setOnline(online: boolean): void {
    this.online = online;
  }

  completed(at: string | null): void {
    this.lastCompleteSyncAt = at;
  }

  view(outbox: SyncStatusView['outbox']): SyncStatusView {
    return {
      online: this.online,
      lastCompleteSyncAt: this.lastCompleteSyncAt,
      streams: [...this.streams.values()].map((s) => ({ ...s })),
      outbox,
    };
  }
}
