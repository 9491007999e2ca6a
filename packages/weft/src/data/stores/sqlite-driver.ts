// One small synchronous interface over the three SQLite bindings Weft can run on:
// `bun:sqlite` on Bun, `node:sqlite` where the runtime has it (Node >= 22.5, Deno 2),
// and `better-sqlite3` otherwise. Each is loaded with a dynamic import so a program
// never loads a binding it does not use, and a missing one names the package to install.

import { DataError } from '../errors.js'
import { sqliteFailure } from './sqlite-errors.js'

export type Row = Record<string, unknown>

export interface SqliteStatement {
  /** Runs a statement that returns no rows; the number of rows changed. */
  run(params: unknown[]): number
  all(params: unknown[]): Row[]
}

export interface SqliteConnection {
  readonly driver: 'bun:sqlite' | 'node:sqlite' | 'better-sqlite3'
  exec(sql: string): void
  /**
   * Prepared once per SQL text and kept: statements are the hot path. `keep: false` for a
   * statement whose answer is fixed when it is prepared (EXPLAIN QUERY PLAN): a kept one
   * would go on describing the plan from before a schema change.
   */
  statement(sql: string, keep?: boolean): SqliteStatement
  close(): void
}

export type SqliteDriverName = SqliteConnection['driver']

/** Opens `file` (`:memory:` included) with the best binding the runtime offers. */
export async function openSqlite(file: string, prefer?: SqliteDriverName): Promise<SqliteConnection> {
  const order = prefer ? [prefer] : defaultOrder()
  let lastError: unknown
  for (const driver of order) {
    try {
      return await OPENERS[driver](file)
    } catch (error) {
      if (!isMissingModule(error)) throw error
      lastError = error
    }
  }
  throw new DataError(
    'WEFT_DATA_MISSING_DRIVER',
    `No SQLite driver could be loaded (tried ${order.join(', ')}: ${String(lastError)}). ` +
      'Run `npm install better-sqlite3`, or use Node >= 22.5 or Bun, which have SQLite built in.',
  )
}

function defaultOrder(): SqliteDriverName[] {
  if ((globalThis as { Bun?: unknown }).Bun !== undefined) return ['bun:sqlite']
  return ['node:sqlite', 'better-sqlite3']
}

function isMissingModule(error: unknown): boolean {
  const code = (error as { code?: string }).code
  return (
    code === 'ERR_MODULE_NOT_FOUND' ||
    code === 'ERR_UNKNOWN_BUILTIN_MODULE' ||
    // Node refuses `bun:` specifiers outright.
    code === 'ERR_UNSUPPORTED_ESM_URL_SCHEME' ||
    code === 'MODULE_NOT_FOUND' ||
    /Cannot find (module|package)|No such built-in module/.test(String(error))
  )
}

// A variable specifier keeps TypeScript and bundlers from resolving modules that only
// exist on some runtimes.
function load(specifier: string): Promise<any> {
  return import(specifier)
}

const OPENERS: Record<SqliteDriverName, (file: string) => Promise<SqliteConnection>> = {
  async 'better-sqlite3'(file) {
    const Database = (await load('better-sqlite3')).default
    const db = new Database(file)
    return wrap('better-sqlite3', db, (stmt, params) => stmt.run(...params).changes)
  },
  async 'node:sqlite'(file) {
    const { DatabaseSync } = await load('node:sqlite')
    const db = new DatabaseSync(file)
    return wrap('node:sqlite', db, (stmt, params) => Number(stmt.run(...params).changes))
  },
  async 'bun:sqlite'(file) {
    const { Database } = await load('bun:sqlite')
    const db = new Database(file)
    return wrap('bun:sqlite', db, (stmt, params) => stmt.run(...params).changes)
  },
}

// All three share prepare/exec/close and a statement with `all(...params)`; only what
// `run` returns differs.
function wrap(
  driver: SqliteDriverName,
  db: any,
  runStatement: (stmt: any, params: unknown[]) => number,
): SqliteConnection {
  const cache = new Map<string, SqliteStatement>()
  return {
    driver,
    exec: (sql) => translated(() => db.exec(sql)),
    statement(sql, keep = true) {
      let cached = keep ? cache.get(sql) : undefined
      if (!cached) {
        const stmt = translated(() => db.prepare(sql))
        // try/catch inline, not a wrapper closure: these two are the hot path.
        cached = {
          run(params) {
            try {
              return runStatement(stmt, bindable(params))
            } catch (error) {
              throw sqliteFailure(error)
            }
          },
          all(params) {
            try {
              return stmt.all(...bindable(params))
            } catch (error) {
              throw sqliteFailure(error)
            }
          },
        }
        // Pages with ever new LIMIT/OFFSET values make new SQL texts: keep the cache bounded.
        if (cache.size >= 500) cache.clear()
        if (keep) cache.set(sql, cached)
      }
      return cached
    },
    close: () => db.close(),
  }
}

/** Runs a binding call; a busy, read-only or full database throws a DataUnavailableError. */
function translated<T>(call: () => T): T {
  try {
    return call()
  } catch (error) {
    throw sqliteFailure(error)
  }
}

// The bindings refuse booleans; JSON stores true/false as 1/0 inside SQLite anyway. Most
// statements bind none: those keep their array instead of a copy.
function bindable(params: unknown[]): unknown[] {
  for (const value of params) if (typeof value === 'boolean') return params.map(toSqlite)
  return params
}

function toSqlite(value: unknown): unknown {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value
}
