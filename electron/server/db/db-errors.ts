/**
 * Why a workspace database could not be opened, as a code the caller switches on and a sentence a
 * person understands. The file is never deleted or rewritten on any of these paths (D-04, C-05):
 * it may hold the only copy of decisions not yet sent.
 */
export type DatabaseOpenErrorCode =
  /** The key is not 32 bytes. A programming error, not a user one. */
  | 'bad-key'
  /** Wrong key, a file that is not an Attest database, or a damaged first page. */
  | 'cannot-decrypt'
  /** Decrypted, but pages fail their checks (`quick_check` / `integrity_check`, SQLITE_CORRUPT). */
  | 'corrupt'
  /** A durability or safety setting did not take (D-01): running on would risk data. */
  | 'pragma-mismatch'
  /** Written by a newer Attest: this version must not touch it. */
  | 'schema-too-new'
  /** On a network share or in a synced folder (D-02). */
  | 'unsafe-location'
  /** The file or its folder cannot be opened or created (permissions, disk full, missing drive). */
  | 'io';

export class DatabaseOpenError extends Error {
  override readonly name = 'DatabaseOpenError';
  readonly code: DatabaseOpenErrorCode;
  readonly file: string;

  constructor(code: DatabaseOpenErrorCode, file: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.file = file;
  }
}

/** SQLite's error code (`SQLITE_NOTADB`…) from a better-sqlite3 error, if it is one. */
export const sqliteCode = (error: unknown): string | undefined =>
  error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
