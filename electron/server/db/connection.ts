/**
 * Opens one workspace's encrypted database: a writer connection and a reader connection on the
 * same file (architecture.md §3, security-bar D-01…D-04, C-01, C-05).
 *
 * - Encryption: SQLCipher v4 format through better-sqlite3-multiple-ciphers, keyed with a raw
 *   256-bit key (`x'<hex>'`, which skips the passphrase KDF). Every page, the WAL and the journal
 *   are encrypted. The key text is assembled byte by byte in a Buffer, never as a JS string (a
 *   string cannot be wiped), handed to `sqlite3_key`, and both Buffers are zeroed afterwards.
 * - Durability: WAL, synchronous=FULL, F_FULLFSYNC on macOS; every setting is read back and a
 *   mismatch refuses to start rather than run with weaker guarantees.
 * - Integrity: `quick_check` at every open; `integrity_check` when the previous run did not close
 *   cleanly (a sidecar marker file that holds no data).
 * - Two handle types: `WriteDb` (the only writer, IMMEDIATE transactions, D-03) and `ReadDb` (a
 *   second connection with `query_only`, refusing any statement SQLite reports as writing).
 */
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { classifyDatabaseLocation } from './db-location';
import { DatabaseOpenError, sqliteCode } from './db-errors';
import type {
  BindParams,
  ReadDb,
  ReadStatement,
  RunResult,
  TransactionBody,
  WriteDb,
  WriteStatement,
} from './db-types';
import type { SqlFragment, SqlValue } from './sql';

type RawDb = Database.Database;
type RawStatement = Database.Statement<unknown[], unknown>;

export const KEY_BYTES = 32;
/** How long a connection waits on a lock held by the other one before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;
/** Statements cached per connection. Hot statements stay; rare dynamic filter shapes cycle out. */
const STATEMENT_CACHE_SIZE = 256;

export interface EncryptedDatabase {
  read: ReadDb;
  write: WriteDb;
  /** Closes both connections (the last close checkpoints the WAL). Safe to call twice. */
  close(): void;
  file: string;
}

export interface OpenOptions {
  file: string;
  /** 32 random bytes. Zeroed by this function once the connections are keyed, success or not. */
  key: Buffer;
  /**
   * `auto` (default): `quick_check`, or the full `integrity_check` after an unclean shutdown.
   * Tests and tools may force either.
   */
  integrityCheck?: 'auto' | 'quick' | 'full';
}

interface PragmaExpectation {
  name: string;
  set: string | number;
  /** What reading it back must answer (SQLite reports enums as numbers). */
  expect: string | number;
}

/** D-01, C-01 and hardening. Order matters: journal_mode first, it may need to write page 1. */
const basePragmas = (platform: NodeJS.Platform): PragmaExpectation[] => [
  { name: 'journal_mode', set: 'WAL', expect: 'wal' },
  { name: 'synchronous', set: 'FULL', expect: 2 },
  { name: 'foreign_keys', set: 'ON', expect: 1 },
  { name: 'busy_timeout', set: BUSY_TIMEOUT_MS, expect: BUSY_TIMEOUT_MS },
  // Sorts and temporary indexes in memory: temp files are outside the cipher's reach.
  { name: 'temp_store', set: 'MEMORY', expect: 2 },
  // Deleted PHI is overwritten with zeros, not left in free pages.
  { name: 'secure_delete', set: 'ON', expect: 1 },
  // The schema is ours; a crafted file must not get to run functions through views or triggers.
  { name: 'trusted_schema', set: 'OFF', expect: 0 },
  ...(platform === 'darwin'
    ? [
        { name: 'fullfsync', set: 'ON', expect: 1 },
        { name: 'checkpoint_fullfsync', set: 'ON', expect: 1 },
      ]
    : []),
];

/** Answers the pragmas every connection must have, for tests and the status screen. */
export const expectedPragmas = (
  role: 'read' | 'write',
  platform: NodeJS.Platform = process.platform,
): Readonly<Record<string, string | number>> =>
  Object.fromEntries(
    [...basePragmas(platform), ...(role === 'read' ? [{ name: 'query_only', set: 'ON', expect: 1 }] : [])].map((p) => [
      p.name,
      p.expect,
    ]),
  );

const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');

/** `x'<64 hex digits>'` as bytes, built without ever making a string of the key. */
const rawKeyText = (key: Buffer): Buffer => {
  const text = Buffer.alloc(3 + key.length * 2); // alloc (not allocUnsafe): never the shared pool
  text[0] = 0x78; // x
  text[1] = 0x27; // '
  for (let i = 0; i < key.length; i++) {
    const byte = key[i] ?? 0;
    text[2 + 2 * i] = HEX_DIGITS[byte >> 4] ?? 0;
    text[3 + 2 * i] = HEX_DIGITS[byte & 0x0f] ?? 0;
  }
  text[text.length - 1] = 0x27;
  return text;
};

const PRAGMA_NAME = /^[a-z_]+$/;

const readPragmaOn = (db: RawDb, name: string): SqlValue | undefined => {
  if (!PRAGMA_NAME.test(name)) throw new TypeError('readPragma: a pragma name only');
  return db.pragma(name, { simple: true }) as SqlValue | undefined;
};

/** A small LRU of prepared statements keyed by SQL text. */
class StatementCache {
  readonly #db: RawDb;
  readonly #map = new Map<string, RawStatement>();
  readonly #checkText: (source: string) => void;
  readonly #check: (stmt: RawStatement) => void;

  constructor(db: RawDb, checks: { text?: (source: string) => void; statement?: (stmt: RawStatement) => void } = {}) {
    this.#db = db;
    this.#checkText = checks.text ?? (() => undefined);
    this.#check = checks.statement ?? (() => undefined);
  }

  get(source: string, pluck = false): RawStatement {
    const key = pluck ? `pluck\u0000${source}` : source;
    const hit = this.#map.get(key);
    if (hit) {
      // Re-insert: Map keeps insertion order, so the first entry is the least recently used.
      this.#map.delete(key);
      this.#map.set(key, hit);
      return hit;
    }
    this.#checkText(source);
    const stmt = this.#db.prepare<unknown[], unknown>(source);
    this.#check(stmt);
    if (pluck) stmt.pluck(true);
    this.#map.set(key, stmt);
    if (this.#map.size > STATEMENT_CACHE_SIZE) {
      const oldest = this.#map.keys().next();
      if (!oldest.done) this.#map.delete(oldest.value);
    }
    return stmt;
  }
}

// better-sqlite3's Statement has these methods with `unknown` types; the interfaces narrow them.
// Only the cast changes: for a ReadStatement, `run` is still there at run time but every statement
// reaching a reader has passed `assertReads`, and its connection is query_only.
const asReadStatement = <Row>(stmt: RawStatement): ReadStatement<Row> => stmt as unknown as ReadStatement<Row>;
const asWriteStatement = <Row>(stmt: RawStatement): WriteStatement<Row> => stmt as unknown as WriteStatement<Row>;

/** The first keyword of a statement, past whitespace and comments. */
export const leadingKeyword = (source: string): string => {
  let i = 0;
  for (;;) {
    while (i < source.length && /\s/.test(source[i] ?? '')) i++;
    if (source.startsWith('--', i)) {
      const end = source.indexOf('\n', i);
      i = end < 0 ? source.length : end + 1;
    } else if (source.startsWith('/*', i)) {
      const end = source.indexOf('*/', i + 2);
      i = end < 0 ? source.length : end + 2;
    } else break;
  }
  return /^[A-Za-z]+/.exec(source.slice(i))?.[0].toUpperCase() ?? '';
};

const READ_KEYWORDS = new Set(['SELECT', 'WITH', 'VALUES']);

/**
 * Checked on the text before SQLite compiles it, because compiling is not harmless: SQLite runs
 * some pragmas (query_only among them) while preparing them.
 */
const assertReadText = (source: string): void => {
  if (!READ_KEYWORDS.has(leadingKeyword(source))) {
    throw new TypeError('ReadDb: this statement would write; only SELECT, WITH and VALUES are read here');
  }
};

/**
 * And on the compiled statement: `WITH … DELETE` starts like a read. `readonly` alone is not enough
 * either (SQLite calls BEGIN read-only); a reading statement both returns rows and leaves the file alone.
 */
const assertReads = (stmt: RawStatement): void => {
  if (!stmt.reader || !stmt.readonly) {
    throw new TypeError('ReadDb: this statement would write; use the WriteDb in a transaction');
  }
};

const isThenable = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && 'then' in value && typeof value.then === 'function';

const createReadDb = (db: RawDb, file: string): ReadDb => {
  const cache = new StatementCache(db, { text: assertReadText, statement: assertReads });
  const bind = (query: SqlFragment): BindParams => query.params;
  return {
    role: 'read',
    file,
    prepare: <Row>(source: string) => asReadStatement<Row>(cache.get(source)),
    get: <Row>(query: SqlFragment) => cache.get(query.text).get(...bind(query)) as Row | undefined,
    all: <Row>(query: SqlFragment) => cache.get(query.text).all(...bind(query)) as Row[],
    iterate: <Row>(query: SqlFragment) => cache.get(query.text).iterate(...bind(query)) as IterableIterator<Row>,
    value: <V extends SqlValue>(query: SqlFragment) => cache.get(query.text, true).get(...bind(query)) as V | undefined,
    readPragma: (name: string) => readPragmaOn(db, name),
  };
};

const SETTABLE_PRAGMAS = new Set(['user_version', 'wal_checkpoint', 'optimize']);

const createWriteDb = (db: RawDb, file: string): WriteDb => {
  const cache = new StatementCache(db);
  return {
    role: 'write',
    file,
    prepare: <Row>(source: string) => asWriteStatement<Row>(cache.get(source)),
    get: <Row>(query: SqlFragment) => cache.get(query.text).get(...query.params) as Row | undefined,
    all: <Row>(query: SqlFragment) => cache.get(query.text).all(...query.params) as Row[],
    iterate: <Row>(query: SqlFragment) => cache.get(query.text).iterate(...query.params) as IterableIterator<Row>,
    value: <V extends SqlValue>(query: SqlFragment) =>
      cache.get(query.text, true).get(...query.params) as V | undefined,
    readPragma: (name: string) => readPragmaOn(db, name),
    run: (query: SqlFragment): RunResult => cache.get(query.text).run(...query.params),
    transaction: <T>(body: TransactionBody<T>): T =>
      db
        .transaction(() => {
          const result = body();
          if (isThenable(result)) {
            // Throwing here rolls the transaction back; the promise's work is not ours to stop.
            throw new TypeError('WriteDb.transaction: the body returned a promise; transactions are synchronous');
          }
          return result;
        })
        .immediate() as T,
    exec: (ddl: string) => {
      db.exec(ddl);
    },
    setPragma: (name, value) => {
      if (!SETTABLE_PRAGMAS.has(name)) throw new TypeError(`setPragma: ${name} is not settable here`);
      if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new TypeError('setPragma: integer only');
      db.pragma(`${name}${name === 'wal_checkpoint' ? `(${String(value)})` : ` = ${String(value)}`}`);
    },
  };
};

const describeOpenFailure = (error: unknown, file: string): DatabaseOpenError => {
  if (error instanceof DatabaseOpenError) return error;
  const code = sqliteCode(error);
  if (code === 'SQLITE_NOTADB') {
    return new DatabaseOpenError(
      'cannot-decrypt',
      file,
      'The local Attest data could not be unlocked: the key in the keychain does not match it, or the ' +
        'file is not an Attest database or is damaged. The file was left in place; sign in again to pull ' +
        'a fresh copy from the server.',
      { cause: error },
    );
  }
  if (code === 'SQLITE_CORRUPT' || code?.startsWith('SQLITE_CORRUPT_') === true) {
    return new DatabaseOpenError(
      'corrupt',
      file,
      'The local Attest data is damaged. The file was kept for support; sign in again to pull a fresh copy ' +
        'from the server.',
      { cause: error },
    );
  }
  return new DatabaseOpenError(
    'io',
    file,
    `The local Attest data could not be opened (${code ?? 'file system error'}). Check that the folder ` +
      'exists, is writable and the disk is not full.',
    { cause: error },
  );
};

/** Keys a fresh connection and applies the pragmas; throws DatabaseOpenError on any mismatch. */
const prepareConnection = (db: RawDb, keyText: Buffer, role: 'read' | 'write', file: string): void => {
  // The cipher scheme must be chosen before the key; `legacy=4` selects SQLCipher v4's defaults.
  db.pragma("cipher = 'sqlcipher'");
  db.pragma('legacy = 4');
  db.key(keyText);
  // The first real read is where a wrong key shows up (SQLITE_NOTADB).
  db.prepare('SELECT count(*) FROM sqlite_schema').get();

  const pragmas = [
    ...basePragmas(process.platform),
    ...(role === 'read' ? [{ name: 'query_only', set: 'ON', expect: 1 }] : []),
  ];
  for (const p of pragmas) db.pragma(`${p.name} = ${String(p.set)}`);
  const checks: PragmaExpectation[] = [
    { name: 'cipher', set: '', expect: 'sqlcipher' },
    { name: 'legacy', set: '', expect: 4 },
    ...pragmas,
  ];
  for (const p of checks) {
    const actual = readPragmaOn(db, p.name);
    // Compared as text: the cipher extension answers its pragmas as strings (`legacy` is "4").
    if (String(actual) !== String(p.expect)) {
      throw new DatabaseOpenError(
        'pragma-mismatch',
        file,
        `The local database refused a required setting (${p.name} is ${String(actual)}, needs ${String(p.expect)}). ` +
          'Attest will not run without it.',
      );
    }
  }
};

const runIntegrityCheck = (db: RawDb, full: boolean, file: string): void => {
  // Both answer a single row 'ok' when sound, else up to 100 rows describing damage (no data).
  const rows = db.pragma(full ? 'integrity_check(1)' : 'quick_check(1)', { simple: true });
  if (rows !== 'ok') {
    throw new DatabaseOpenError(
      'corrupt',
      file,
      'The local Attest data failed its integrity check. The file was kept for support; sign in again to ' +
        'pull a fresh copy from the server.',
    );
  }
};

/** The marker file exists while the database is open; finding it at open means a crash. */
const openMarkerPath = (file: string): string => `${file}-open`;

export const openEncryptedDatabase = (options: OpenOptions): EncryptedDatabase => {
  const file = path.resolve(options.file);
  const { key } = options;
  let keyText: Buffer | undefined;
  let writer: RawDb | undefined;
  let reader: RawDb | undefined;
  try {
    if (key.length !== KEY_BYTES) {
      throw new DatabaseOpenError('bad-key', file, `The database key must be ${KEY_BYTES} bytes.`);
    }
    const location = classifyDatabaseLocation(file);
    if (location.kind !== 'local') {
      throw new DatabaseOpenError(
        'unsafe-location',
        file,
        `Attest keeps its data on a local disk only. ${location.reason} Choose a local folder.`,
      );
    }
    keyText = rawKeyText(key);
    try {
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    } catch (error) {
      throw describeOpenFailure(error, file);
    }
    const marker = openMarkerPath(file);
    const uncleanShutdown = existsSync(marker);

    writer = new Database(file, { timeout: BUSY_TIMEOUT_MS });
    prepareConnection(writer, keyText, 'write', file);
    const mode = options.integrityCheck ?? 'auto';
    runIntegrityCheck(writer, mode === 'full' || (mode === 'auto' && uncleanShutdown), file);

    reader = new Database(file, { timeout: BUSY_TIMEOUT_MS, fileMustExist: true });
    prepareConnection(reader, keyText, 'read', file);

    // Owner-only: the WAL and shared-memory files take the database file's mode when created.
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(file + suffix)) chmodSync(file + suffix, 0o600);
    }
    // No data in the marker: its presence is the whole message.
    writeFileSync(marker, '', { mode: 0o600 });

    const openWriter = writer;
    const openReader = reader;
    let closed = false;
    return {
      file,
      read: createReadDb(openReader, file),
      write: createWriteDb(openWriter, file),
      close: () => {
        if (closed) return;
        closed = true;
        openReader.close();
        openWriter.close();
        rmSync(marker, { force: true });
      },
    };
  } catch (error) {
    reader?.close();
    writer?.close();
    throw describeOpenFailure(error, file);
  } finally {
    // C-05: the key lives in this process only as long as keying takes.
    key.fill(0);
    keyText?.fill(0);
  }
};
