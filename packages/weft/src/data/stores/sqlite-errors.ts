// Which SQLite failures mean "the database cannot take this now" rather than "this
// statement is wrong": another process holding the write lock past busy_timeout, a
// read-only file or file system, a full disk, an I/O error. They become a
// DataUnavailableError (503 with Retry-After) with a code saying which; others pass.

import { DataUnavailableError } from '../errors.js'

// Primary result codes: https://www.sqlite.org/rescode.html
const BY_RESULT_CODE: Record<number, { code: string; message: string }> = {
  5: { code: 'WEFT_DATA_BUSY', message: 'The database is locked by another writer (SQLITE_BUSY).' },
  6: { code: 'WEFT_DATA_BUSY', message: 'A table is locked (SQLITE_LOCKED).' },
  8: {
    code: 'WEFT_DATA_READ_ONLY',
    message:
      'The database is read-only (SQLITE_READONLY): check the file and directory permissions and the mount.',
  },
  10: {
    code: 'WEFT_DATA_UNAVAILABLE',
    message: 'The database file could not be read or written (SQLITE_IOERR).',
  },
  13: { code: 'WEFT_DATA_DISK_FULL', message: 'The database or its disk is full (SQLITE_FULL).' },
  14: { code: 'WEFT_DATA_UNAVAILABLE', message: 'The database file could not be opened (SQLITE_CANTOPEN).' },
}

const NAMES: Record<string, number> = {
  SQLITE_BUSY: 5,
  SQLITE_LOCKED: 6,
  SQLITE_READONLY: 8,
  SQLITE_IOERR: 10,
  SQLITE_FULL: 13,
  SQLITE_CANTOPEN: 14,
}

/** A DataUnavailableError for a failure that means the database cannot take the request now, else the error. */
export function sqliteFailure(error: unknown): unknown {
  const known = BY_RESULT_CODE[resultCode(error)]
  if (!known) return error
  return new DataUnavailableError(`${known.message} Nothing was written; try again later.`, {
    code: known.code,
    cause: error,
    retryAfter: 1,
  })
}

// node:sqlite gives `errcode` (extended: the primary code is its low byte);
// better-sqlite3 and bun:sqlite give `code` such as SQLITE_BUSY_SNAPSHOT.
function resultCode(error: unknown): number {
  if (typeof error !== 'object' || error === null) return -1
  const { errcode, code } = error as { errcode?: unknown; code?: unknown }
  if (typeof errcode === 'number') return errcode & 0xff
  if (typeof code !== 'string') return -1
  return NAMES[/^SQLITE_[A-Z]+/.exec(code)?.[0] ?? ''] ?? -1
}
