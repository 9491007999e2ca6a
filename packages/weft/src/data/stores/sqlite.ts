// The embedded default store: one SQLite file, one table per collection
// (`_id TEXT PRIMARY KEY, doc TEXT` holding JSON), expression indexes from `createIndex`,
// real transactions, and an in-process change feed.
//
// Durability: WAL with synchronous=NORMAL. A write is acknowledged once it is in the
// WAL, so it survives the process being killed (SIGKILL, crash); only a power loss or OS
// crash can lose the last transactions. `?synchronous=FULL` also survives power loss.

import { DataError } from '../errors.js'
import type { Store, StoreCollection, StoreFactory } from '../store.js'
import { SqliteCollection, type SqliteHost } from './sqlite-collection.js'
import { openSqlite, type SqliteConnection, type SqliteDriverName } from './sqlite-driver.js'
import { TransactionScope } from './transaction-scope.js'

/**
 * `sqlite:./data/app.db`, `sqlite::memory:`,
 * `sqlite:/abs/app.db?synchronous=FULL&cacheSize=256&driver=better-sqlite3`.
 */
export const createStore: StoreFactory = async (url) => {
  const options = parseSqliteUrl(String(url))
  if (options.file !== ':memory:') await makeParentDirectory(options.file)
  const db = await openSqlite(options.file, options.driver)
  db.exec(`PRAGMA busy_timeout = ${options.busyTimeout}`)
  db.exec('PRAGMA journal_mode = WAL')
  db.exec(`PRAGMA synchronous = ${options.synchronous}`)
  // SQLite's own default, 2 MiB, holds a tenth of a 100,000-document collection: a
  // lookup past it reads its pages back from the OS. With 64 MiB an indexed find over
  // such a collection answers 17% more often a second. The cache grows only as pages
  // are read, so a small database never takes it all.
  db.exec(`PRAGMA cache_size = -${options.cacheSize * 1024}`)
  return new SqliteStore(db)
}

const DEFAULT_CACHE_MIB = 64

interface SqliteUrlOptions {
  file: string
  driver?: SqliteDriverName
  synchronous: 'NORMAL' | 'FULL'
  busyTimeout: number
  /** The most page cache the connection keeps, in MiB. */
  cacheSize: number
}

export function parseSqliteUrl(url: string): SqliteUrlOptions {
  const scheme = /^(sqlite|file):/i.exec(url)
  if (!scheme) {
    throw new DataError(
      'WEFT_DATA_BAD_URL',
      `"${url}" is not a SQLite URL. Use sqlite:./data/app.db or sqlite::memory:.`,
    )
  }
  const [rest, query = ''] = url.slice(scheme[0].length).split('?')
  const file = decodeURIComponent(rest.startsWith('//') ? rest.slice(2) : rest)
  if (file === '')
    throw new DataError('WEFT_DATA_BAD_URL', 'The SQLite URL names no file. Use sqlite:./data/app.db.')
  const params = new URLSearchParams(query)
  const synchronous = (params.get('synchronous') ?? 'NORMAL').toUpperCase()
  if (synchronous !== 'NORMAL' && synchronous !== 'FULL') {
    throw new DataError(
      'WEFT_DATA_BAD_URL',
      `synchronous=${synchronous} is not supported. Use NORMAL or FULL.`,
    )
  }
  const driver = (params.get('driver') ?? undefined) as SqliteDriverName | undefined
  const cacheSize = Number(params.get('cacheSize') ?? DEFAULT_CACHE_MIB)
  if (!Number.isInteger(cacheSize) || cacheSize < 1 || cacheSize > 1024 * 1024) {
    throw new DataError(
      'WEFT_DATA_BAD_URL',
      `cacheSize=${params.get('cacheSize')} is not a size. Give MiB as a whole number, e.g. cacheSize=256.`,
    )
  }
  return { file, driver, synchronous, busyTimeout: Number(params.get('busyTimeout') ?? 5000), cacheSize }
}

async function makeParentDirectory(file: string): Promise<void> {
  const slash = file.lastIndexOf('/')
  if (slash <= 0) return
  const fs = await import('node:fs/promises')
  await fs.mkdir(file.slice(0, slash), { recursive: true })
}

export interface TxState {
  /** Change events held back until COMMIT; a rollback drops them. */
  events: (() => void)[]
  /** Tables created inside the transaction: forgotten again on rollback. */
  created: string[]
  finished: Promise<void>
}

class SqliteStore implements Store, SqliteHost {
  readonly kind = 'sqlite' as const
  readonly db: SqliteConnection
  readonly #collections = new Map<string, SqliteCollection>()
  readonly #context = new TransactionScope<TxState>()
  #active: TxState | null = null
  #queue: Promise<unknown> = Promise.resolve()
  #closed = false

  constructor(db: SqliteConnection) {
    this.db = db
  }

  collection(name: string): StoreCollection {
    let collection = this.#collections.get(name)
    if (!collection) {
      collection = new SqliteCollection(this, name)
      this.#collections.set(name, collection)
    }
    return collection
  }

  /**
   * BEGIN IMMEDIATE ... COMMIT around `fn`. The bindings are synchronous but `fn` awaits,
   * so transactions run one at a time, and operations from outside `fn` wait until it
   * ends (AsyncLocalStorage tells the two apart); otherwise they would land inside it.
   * A nested call joins the outer transaction.
   */
  transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#context.current) return fn()
    const run = () => this.#runTransaction(fn)
    const result = this.#queue.then(run, run)
    this.#queue = result.catch(() => undefined)
    return result
  }

  async #runTransaction<T>(fn: () => Promise<T>): Promise<T> {
    this.#checkOpen()
    let finish!: () => void
    const state: TxState = { events: [], created: [], finished: new Promise((resolve) => (finish = resolve)) }
    this.#control('BEGIN IMMEDIATE')
    this.#active = state
    try {
      const result = await this.#context.run(state, fn)
      this.#control('COMMIT')
      this.#active = null
      for (const publish of state.events) publish()
      return result
    } catch (error) {
      this.#rollback('ROLLBACK')
      this.#active = null
      for (const name of state.created) this.#collections.get(name)?.forgetTable()
      throw error
    } finally {
      finish()
    }
  }

  /** Waits while another caller's transaction is open; then the caller may run. */
  async ready(): Promise<void> {
    this.#checkOpen()
    while (this.#active && this.#context.current !== this.#active) await this.#active.finished
  }

  mayRunNow(): boolean {
    return !this.#closed && (this.#active === null || this.#context.current === this.#active)
  }

  get inTransaction(): TxState | undefined {
    return this.#context.current
  }

  /**
   * Runs a synchronous write atomically: its own BEGIN IMMEDIATE (so another process
   * cannot slip in between read and write), or a savepoint inside a transaction.
   * Events are published after the commit.
   */
  writeSync<T>(fn: (events: (() => void)[]) => T): T {
    const tx = this.inTransaction
    if (tx) {
      this.#control('SAVEPOINT weft_write')
      try {
        const result = fn(tx.events)
        this.#control('RELEASE weft_write')
        return result
      } catch (error) {
        this.#rollback('ROLLBACK TO weft_write')
        this.#rollback('RELEASE weft_write')
        throw error
      }
    }
    const events: (() => void)[] = []
    this.#control('BEGIN IMMEDIATE')
    try {
      const result = fn(events)
      this.#control('COMMIT')
      for (const publish of events) publish()
      return result
    } catch (error) {
      this.#rollback('ROLLBACK')
      throw error
    }
  }

  /** A write that awaits (a schema's validate hook) runs as a transaction of its own. */
  writeAsync<T>(fn: (events: (() => void)[]) => Promise<T>): Promise<T> {
    return this.transaction(() => fn(this.inTransaction!.events))
  }

  async close(): Promise<void> {
    if (this.#closed) return
    await this.#queue
    this.#closed = true
    for (const collection of this.#collections.values()) collection.hub.close()
    this.db.close()
  }

  // Transaction control as cached prepared statements: exec() would parse the SQL on
  // every write.
  #control(sql: string): void {
    this.db.statement(sql).run([])
  }

  // SQLite rolls a transaction back by itself on some errors (SQLITE_FULL, SQLITE_IOERR,
  // SQLITE_BUSY): then there is nothing left to roll back, and the first error is the one to report.
  #rollback(sql: string): void {
    try {
      this.#control(sql)
    } catch (error) {
      if (!/no transaction is active|no such savepoint/.test(String(error))) throw error
    }
  }

  /** A round trip through the binding (it is in this process: this checks the store is open). */
  async ping(): Promise<void> {
    this.#checkOpen()
    this.db.statement('SELECT 1').all([])
  }

  #checkOpen(): void {
    if (this.#closed)
      throw new DataError('WEFT_DATA_CLOSED', 'This SQLite store is closed. Connect again to use it.')
  }
}
