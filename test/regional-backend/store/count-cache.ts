/**
 * Totals and aggregates cached until the next write to the tables behind them: a client paging
 * through 100,000 review items or a million audit events asks for the same total thousands of
 * times, and COUNT(*) over that many rows costs tens of milliseconds each time.
 */
export class CountCache {
  private generation = 0;
  private readonly entries = new Map<string, { generation: number; value: unknown }>();

  /** Call on every write that may change a cached answer. */
  bump(): void {
    this.generation += 1;
  }

  get<T>(key: string, compute: () => T): T {
    const hit = this.entries.get(key);
    if (hit !== undefined && hit.generation === this.generation) return hit.value as T;
    const value = compute();
    if (this.entries.size > 1000) this.entries.clear();
    this.entries.set(key, { generation: this.generation, value });
    return value;
  }
}

const caches = new WeakMap<object, Map<string, CountCache>>();

/**
 * One cache per (database, table group), shared by every store object over that database: the
 * loader's sink and the server's stores are different objects writing the same tables.
 */
export function countCacheFor(db: object, name: string): CountCache {
  let byName = caches.get(db);
  if (byName === undefined) {
    byName = new Map();
    caches.set(db, byName);
  }
  let cache = byName.get(name);
  if (cache === undefined) {
    cache = new CountCache();
    byName.set(name, cache);
  }
  return cache;
}
