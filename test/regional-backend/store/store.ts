/** The simulator's store: one SQLite database holding every workspace this region serves. */
import { createAuditStore } from './audit.store';
import type { Db } from './db';
import { openDatabase } from './db';
import { createReviewStore } from './review.store';
import { createSettingsStore } from './settings.store';
import { createSyncStore } from './sync.store';
import { createWorldStore } from './world.store';

export interface Store {
  db: Db;
  world: ReturnType<typeof createWorldStore>;
  review: ReturnType<typeof createReviewStore>;
  sync: ReturnType<typeof createSyncStore>;
  audit: ReturnType<typeof createAuditStore>;
  settings: ReturnType<typeof createSettingsStore>;
  close(): void;
}

/** Builds the domain stores over an open database (statements are prepared once here). */
export function storeOver(db: Db): Store {
  return {
    db,
    world: createWorldStore(db),
    review: createReviewStore(db),
    sync: createSyncStore(db),
    audit: createAuditStore(db),
    settings: createSettingsStore(db),
    close: () => {
      if (db.open) db.close();
    },
  };
}

/** `file` is a path in the simulator's data dir, or ':memory:'. */
export function createStore(file: string): Store {
  return storeOver(openDatabase(file));
}
