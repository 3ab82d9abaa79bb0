/** Every request one simulator instance saw, so tests can count calls per host and endpoint. */
export interface RequestLogEntry {
  seq: number;
  at: string;
  method: string;
  path: string;
  query: string;
  /** The route template (`/v1/{workspace_id}/review-queue`), when the API routed it. */
  route: string | null;
  /** 0 when the connection was dropped before a response. */
  status: number;
  durationMs: number;
  host: string | null;
  requestId: string;
  workspaceId: string | null;
  faults: string[];
}

export interface RequestLogFilter {
  method?: string | undefined;
  /** Pathname prefix. */
  pathPrefix?: string | undefined;
  route?: string | undefined;
  status?: number | undefined;
}

export class RequestLog {
  private items: RequestLogEntry[] = [];
  private seq = 0;

  /** Long benchmark runs keep only the newest entries. */
  constructor(private readonly capacity = 100_000) {}

  add(entry: Omit<RequestLogEntry, 'seq'>): void {
    this.seq += 1;
    this.items.push({ ...entry, seq: this.seq });
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
  }

  entries(filter: RequestLogFilter = {}): RequestLogEntry[] {
    return this.items.filter(
      (e) =>
        (filter.method === undefined || e.method === filter.method.toUpperCase()) &&
        (filter.pathPrefix === undefined || e.path.startsWith(filter.pathPrefix)) &&
        (filter.route === undefined || e.route === filter.route) &&
        (filter.status === undefined || e.status === filter.status),
    );
  }

  count(filter: RequestLogFilter = {}): number {
    return this.entries(filter).length;
  }

  reset(): void {
    this.items = [];
  }
}
