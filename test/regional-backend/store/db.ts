/** Opens the simulator's SQLite database (a file in its data dir, or ':memory:') and migrates it. */
import Database from 'better-sqlite3-multiple-ciphers';
import { SCHEMA_SQL, SCHEMA_VERSION } from './schema';

export type Db = Database.Database;
export type Statement<P extends unknown[], R> = Database.Statement<P, R>;

export function openDatabase(file: string): Db {
  const db = new Database(file);
  // The simulator is a test fixture: durability across power loss does not matter, load speed does.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('temp_store = MEMORY');
  db.pragma('cache_size = -65536');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  // Statistics for indexes a newer schema added to an existing file (cheap with a limit).
  db.exec('PRAGMA analysis_limit = 1000; PRAGMA optimize;');
  return db;
}

function migrate(db: Db): void {
  const version = Number(db.pragma('user_version', { simple: true }));
  if (version > SCHEMA_VERSION) {
    throw new Error(`simulator database is from a newer schema (${version} > ${SCHEMA_VERSION}); use a fresh data dir`);
  }
  db.transaction(() => {
    db.exec(SCHEMA_SQL);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}
