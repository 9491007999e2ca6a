// The embedded default store: one SQLite file, one table per collection
// (`_id TEXT PRIMARY KEY, doc TEXT` holding JSON), expression indexes from `createIndex`,
// real transactions, and an in-process change feed.
//
// Durability: WAL with synchronous=NORMAL. A write is acknowledged once it is in the
// WAL, so it survives the process being killed (SIGKILL, crash); only a power loss or OS
// crash can lose the last transactions. `?synchronous=FULL` also survives power loss.

import { AsyncLocalStorage } from 'node:async_hooks'
import { DataError, DuplicateKeyError, QueryError } from '../errors.js'
import { objectId } from '../objectid.js'
import { applyUpdate, upsertDocument, valuesAtPath, valuesEqual } from '../query/index.js'
import type {
  ChangeEvent,
  DocId,
  Filter,
  FindOptions,
  IndexSpec,
  Store,
  StoreCollection,
  StoredDocument,
  StoreFactory,
  UpdateOptions,
  UpdateResult,
  UpdateSpec,
} from '../store.js'
import { WatchHub } from '../watch.js'
import { decodeDoc, encodeDoc, encodeId } from './json-codec.js'
import {
  addIndexDirection,
  type ExactPlan,
  exactQuery,
  finishInMemory,
  indexDirection,
  keyColumns,
  lazyResults,
  type OrderedRow,
  orderTies,
  planFind,
  project,
  rowKeys,
  supersetPlan,
  tieBoundary,
} from './sql-find.js'
import { indexName, indexPaths, uniqueKey } from './sql-indexes.js'
import { arraySteps, sqlPath } from './sql-pushdown.js'
import { jsonPath, sqliteDialect } from './sqlite-dialect.js'
import { openSqlite, type SqliteConnection, type SqliteDriverName } from './sqlite-driver.js'

/** `sqlite:./data/app.db`, `sqlite::memory:`, `sqlite:/abs/app.db?synchronous=FULL&driver=better-sqlite3`. */
export const createStore: StoreFactory = async (url) => {
  const options = parseSqliteUrl(String(url))
  if (options.file !== ':memory:') await makeParentDirectory(options.file)
  const db = await openSqlite(options.file, options.driver)
  db.exec(`PRAGMA busy_timeout = ${options.busyTimeout}`)
  db.exec('PRAGMA journal_mode = WAL')
  db.exec(`PRAGMA synchronous = ${options.synchronous}`)
  return new SqliteStore(db)
}

interface SqliteUrlOptions {
  file: string
  driver?: SqliteDriverName
  synchronous: 'NORMAL' | 'FULL'
  busyTimeout: number
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
  return { file, driver, synchronous, busyTimeout: Number(params.get('busyTimeout') ?? 5000) }
}

async function makeParentDirectory(file: string): Promise<void> {
  const slash = file.lastIndexOf('/')
  if (slash <= 0) return
  const fs = await import('node:fs/promises')
  await fs.mkdir(file.slice(0, slash), { recursive: true })
}

interface TxState {
  /** Change events held back until COMMIT; a rollback drops them. */
  events: (() => void)[]
  /** Tables created inside the transaction: forgotten again on rollback. */
  created: string[]
  finished: Promise<void>
}

class SqliteStore implements Store {
  readonly kind = 'sqlite' as const
  readonly db: SqliteConnection
  readonly #collections = new Map<string, SqliteCollection>()
  readonly #context = new AsyncLocalStorage<TxState>()
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
    if (this.#context.getStore()) return fn()
    const run = () => this.#runTransaction(fn)
    const result = this.#queue.then(run, run)
    this.#queue = result.catch(() => undefined)
    return result
  }

  async #runTransaction<T>(fn: () => Promise<T>): Promise<T> {
    this.#checkOpen()
    let finish!: () => void
    const state: TxState = { events: [], created: [], finished: new Promise((resolve) => (finish = resolve)) }
    this.db.exec('BEGIN IMMEDIATE')
    this.#active = state
    try {
      const result = await this.#context.run(state, fn)
      this.db.exec('COMMIT')
      this.#active = null
      for (const publish of state.events) publish()
      return result
    } catch (error) {
      this.db.exec('ROLLBACK')
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
    while (this.#active && this.#context.getStore() !== this.#active) await this.#active.finished
  }

  get inTransaction(): TxState | undefined {
    return this.#context.getStore()
  }

  /**
   * Runs a synchronous write atomically: its own BEGIN IMMEDIATE (so another process
   * cannot slip in between read and write), or a savepoint inside a transaction.
   * Events are published after the commit.
   */
  writeSync<T>(fn: (events: (() => void)[]) => T): T {
    const tx = this.inTransaction
    if (tx) {
      this.db.exec('SAVEPOINT weft_write')
      try {
        const result = fn(tx.events)
        this.db.exec('RELEASE weft_write')
        return result
      } catch (error) {
        this.db.exec('ROLLBACK TO weft_write')
        this.db.exec('RELEASE weft_write')
        throw error
      }
    }
    const events: (() => void)[] = []
    this.db.exec('BEGIN IMMEDIATE')
    try {
      const result = fn(events)
      this.db.exec('COMMIT')
      for (const publish of events) publish()
      return result
    } catch (error) {
      this.db.exec('ROLLBACK')
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

  #checkOpen(): void {
    if (this.#closed)
      throw new DataError('WEFT_DATA_CLOSED', 'This SQLite store is closed. Connect again to use it.')
  }
}

type ReplaceDoc = Omit<StoredDocument, '_id'> & { _id?: DocId }
interface Change {
  before: StoredDocument
  after: StoredDocument
}
interface SqliteRow extends OrderedRow {
  body: string
}

class SqliteCollection implements StoreCollection {
  readonly hub = new WatchHub()
  readonly #store: SqliteStore
  readonly #name: string
  readonly #table: string
  #tableReady = false

  constructor(store: SqliteStore, name: string) {
    if (name === '' || name.includes('\0') || name.startsWith('sqlite_')) {
      throw new QueryError(
        `"${name}" cannot be a collection name. Use letters, digits and _; avoid the sqlite_ prefix.`,
      )
    }
    this.#store = store
    this.#name = name
    this.#table = quoteIdentifier(name)
  }

  /** Index directions per leading path, read from the schema (null: read it again). */
  #directions: Map<string, Set<1 | -1>> | null = null

  forgetTable(): void {
    this.#tableReady = false
  }

  async insertMany(docs: StoredDocument[]): Promise<void> {
    await this.#ready()
    const insert = this.#db.statement(`INSERT INTO ${this.#table} (_id, doc) VALUES (?, ?)`)
    const write = (events: (() => void)[]) => {
      for (const doc of docs) {
        this.#insertRow(insert, doc)
        events.push(() => this.hub.publish({ type: 'insert', collection: this.#name, id: doc._id, doc }))
      }
    }
    // A single insert is atomic on its own: skip the BEGIN/COMMIT round.
    if (docs.length === 1 && !this.#store.inTransaction) {
      const events: (() => void)[] = []
      write(events)
      events[0]()
      return
    }
    this.#store.writeSync(write)
  }

  find(filter: Filter, options: FindOptions): AsyncIterable<StoredDocument> {
    return lazyResults(async () => {
      await this.#ready()
      return this.#findNow(filter, options)
    })
  }

  async count(filter: Filter): Promise<number> {
    await this.#ready()
    const plan = planFind(filter, {}, sqliteDialect)
    if (plan.kind === 'exact' && !this.#hasArrays(plan.arrayProbe)) {
      const row = this.#db
        .statement(`SELECT count(*) AS n FROM ${this.#table} WHERE ${plan.where}`)
        .all(plan.params)
      return Number(row[0].n)
    }
    return this.#findNow(filter, {}).length
  }

  async distinct(field: string, filter: Filter): Promise<unknown[]> {
    await this.#ready()
    const values: unknown[] = []
    const segments = field.split('.')
    for (const doc of this.#findNow(filter, {})) {
      for (const value of valuesAtPath(doc, segments)) {
        if (value !== undefined && !values.some((seen) => valuesEqual(seen, value))) values.push(value)
      }
    }
    return values
  }

  updateOne(filter: Filter, update: UpdateSpec, options: UpdateOptions): Promise<UpdateResult> {
    return this.#update(filter, options, 1, (doc) => applyUpdate(doc, update), update)
  }

  updateMany(filter: Filter, update: UpdateSpec, options: UpdateOptions): Promise<UpdateResult> {
    return this.#update(filter, options, 0, (doc) => applyUpdate(doc, update), update)
  }

  replaceOne(filter: Filter, doc: ReplaceDoc, options: UpdateOptions): Promise<UpdateResult> {
    const { _id: _ignored, ...fields } = doc
    return this.#update(filter, options, 1, (old) => ({ _id: old._id, ...fields }) as StoredDocument, doc)
  }

  async deleteOne(filter: Filter): Promise<number> {
    return this.#delete(filter, 1)
  }

  async deleteMany(filter: Filter): Promise<number> {
    return this.#delete(filter, 0)
  }

  async createIndex(spec: IndexSpec): Promise<string> {
    await this.#ready()
    const name = indexName(spec)
    const paths = indexPaths(spec)
    this.#directions = null
    if (paths.length === 1 && paths[0] === '_id') return '_id_'
    const columns = paths.map((path, i) => {
      const segments = sqlPath(path)!
      const direction = Object.values(spec.keys)[i] === -1 ? 'DESC' : 'ASC'
      const value = `json_extract(doc, ${jsonPath(segments)}) ${direction}`
      // json_extract reads true as 1: the type column keeps { a: true } and { a: 1 } apart.
      return spec.unique ? `${value}, json_type(doc, ${jsonPath(segments)})` : value
    })
    const unique = spec.unique ? 'UNIQUE ' : ''
    this.#store.writeSync(() => {
      try {
        this.#db.exec(
          `CREATE ${unique}INDEX IF NOT EXISTS ${quoteIdentifier(`${this.#name}.${name}`)} ON ${this.#table} (${columns.join(', ')})`,
        )
      } catch (error) {
        if (!String(error).includes('UNIQUE constraint failed')) throw error
        throw new DuplicateKeyError(name, {})
      }
      // Partial indexes, nearly empty while no document holds an array there, let the
      // pushdown ask "is any step of this path an array?" without a table scan.
      for (const path of paths) {
        const segments = sqlPath(path)!
        segments.forEach((_, i) => {
          const step = segments.slice(0, i + 1)
          const test = arraySteps(step, sqliteDialect)[i]
          const stepIndex = quoteIdentifier(`${this.#name}.$array.${step.join('.')}`)
          this.#db.exec(
            `CREATE INDEX IF NOT EXISTS ${stepIndex} ON ${this.#table} (json_type(doc, ${jsonPath(step)})) WHERE ${test}`,
          )
        })
      }
    })
    return name
  }

  watch(filter?: Filter): AsyncIterableIterator<ChangeEvent> {
    return this.hub.subscribe(filter)
  }

  get #db(): SqliteConnection {
    return this.#store.db
  }

  async #ready(): Promise<void> {
    await this.#store.ready()
    if (this.#tableReady) return
    this.#db.exec(`CREATE TABLE IF NOT EXISTS ${this.#table} (_id TEXT PRIMARY KEY, doc TEXT NOT NULL)`)
    this.#tableReady = true
    this.#store.inTransaction?.created.push(this.#name)
  }

  #insertRow(insert: ReturnType<SqliteConnection['statement']>, doc: StoredDocument): void {
    try {
      insert.run([encodeId(doc._id), encodeDoc(doc)])
    } catch (error) {
      throw this.#duplicateKey(error, doc)
    }
  }

  #findNow(filter: Filter, options: FindOptions): StoredDocument[] {
    const plan = planFind(filter, options, sqliteDialect)
    if (plan.kind === 'exact' && !this.#hasArrays(plan.arrayProbe))
      return project(this.#findExact(plan), options)
    const superset = supersetPlan(filter, sqliteDialect)
    const rows = this.#db
      .statement(`SELECT doc FROM ${this.#table} WHERE ${superset.where} ORDER BY rowid`)
      .all(superset.params)
    return finishInMemory(
      rows.map((row) => decodeDoc(row.doc as string)),
      filter,
      options,
    )
  }

  #findExact(plan: ExactPlan): StoredDocument[] {
    const query = exactQuery(plan, sqliteDialect, 'rowid', indexDirection(plan, this.#indexDirections()))
    const select = `SELECT rowid AS r, doc${keyColumns(plan, sqliteDialect)} FROM ${this.#table} WHERE ${plan.where}`
    const sql = `${select} ORDER BY ${query.orderBy}${pageClause(query.limit, query.offset)}`
    const rows = this.#readRows(sql, plan.params, plan)
    if (!query.reversedTies) return rows.map((row) => decodeDoc(row.body))
    const edge = tieBoundary(rows, query.limit)
    let boundary = null
    if (edge) {
      const params = [...plan.params]
      const equal = plan.sortKeys.map((key, i) => sqliteDialect.equals(key.segments, edge.values[i], params))
      const sql = `${select} AND ${equal.join(' AND ')} ORDER BY rowid${pageClause(edge.count, 0)}`
      boundary = { values: edge.values, rows: this.#readRows(sql, params, plan) }
    }
    return orderTies(rows, plan, query, boundary).map((row) => decodeDoc(row.body))
  }

  #readRows(sql: string, params: unknown[], plan: ExactPlan): SqliteRow[] {
    const rows = this.#db.statement(sql).all(params)
    const out = new Array<SqliteRow>(rows.length)
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]
      out[i] = { order: row.r as number, keys: rowKeys(row, plan), body: row.doc as string }
    }
    return out
  }

  #indexDirections(): Map<string, Set<1 | -1>> {
    if (this.#directions) return this.#directions
    const directions = new Map<string, Set<1 | -1>>()
    const sql = "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL"
    for (const row of this.#db.statement(sql).all([this.#name])) {
      addIndexDirection(directions, /\(json_extract\(doc, '\$\.([^']+)'\)( DESC)?/.exec(String(row.sql)), '.')
    }
    this.#directions = directions
    return directions
  }

  #hasArrays(probe: string | null): boolean {
    if (probe === null) return false
    return (
      this.#db.statement(`SELECT 1 AS found FROM ${this.#table} WHERE ${probe} LIMIT 1`).all([]).length > 0
    )
  }

  async #update(
    filter: Filter,
    options: UpdateOptions,
    limit: 0 | 1,
    change: (doc: StoredDocument) => StoredDocument,
    spec: UpdateSpec,
  ): Promise<UpdateResult> {
    await this.#ready()
    const validate = options.validate
    if (!validate) {
      return this.#store.writeSync((events) => {
        const { matched, changes } = this.#collectChanges(filter, limit, change)
        if (matched === 0 && options.upsert) return this.#insertUpsert(this.#upsertDoc(filter, spec), events)
        return this.#writeChanges(matched, changes, events)
      })
    }
    return this.#store.writeAsync(async (events) => {
      const { matched, changes } = this.#collectChanges(filter, limit, change)
      if (matched === 0 && options.upsert)
        return this.#insertUpsert(await validate(this.#upsertDoc(filter, spec)), events)
      for (const item of changes) item.after = await validate(item.after)
      return this.#writeChanges(matched, changes, events)
    })
  }

  #collectChanges(filter: Filter, limit: 0 | 1, change: (doc: StoredDocument) => StoredDocument) {
    const targets = this.#findNow(filter, limit ? { limit } : {})
    const changes: Change[] = []
    for (const before of targets) {
      const after = change(before)
      if (!valuesEqual(before, after)) changes.push({ before, after })
    }
    return { matched: targets.length, changes }
  }

  #writeChanges(matched: number, changes: Change[], events: (() => void)[]): UpdateResult {
    const write = this.#db.statement(`UPDATE ${this.#table} SET doc = ? WHERE _id = ?`)
    for (const { before, after } of changes) {
      try {
        write.run([encodeDoc(after), encodeId(after._id)])
      } catch (error) {
        throw this.#duplicateKey(error, after)
      }
      const event = { type: 'update' as const, collection: this.#name, id: after._id, doc: after }
      events.push(() => this.hub.publish(event, before))
    }
    return { matchedCount: matched, modifiedCount: changes.length, upsertedId: null }
  }

  #upsertDoc(filter: Filter, spec: UpdateSpec): StoredDocument {
    const { _id, ...fields } = upsertDocument(filter, spec)
    return { _id: _id === undefined ? objectId() : (_id as DocId), ...fields }
  }

  #insertUpsert(doc: StoredDocument, events: (() => void)[]): UpdateResult {
    this.#insertRow(this.#db.statement(`INSERT INTO ${this.#table} (_id, doc) VALUES (?, ?)`), doc)
    events.push(() => this.hub.publish({ type: 'insert', collection: this.#name, id: doc._id, doc }))
    return { matchedCount: 0, modifiedCount: 0, upsertedId: doc._id }
  }

  async #delete(filter: Filter, limit: 0 | 1): Promise<number> {
    await this.#ready()
    const remove = this.#db.statement(`DELETE FROM ${this.#table} WHERE _id = ?`)
    return this.#store.writeSync((events) => {
      const targets = this.#findNow(filter, limit ? { limit } : {})
      for (const doc of targets) {
        remove.run([encodeId(doc._id)])
        events.push(() => this.hub.publish({ type: 'delete', collection: this.#name, id: doc._id }, doc))
      }
      return targets.length
    })
  }

  #duplicateKey(error: unknown, doc: StoredDocument): unknown {
    const message = String((error as Error)?.message ?? error)
    if (!message.includes('UNIQUE constraint failed')) return error
    const named = /index '([^']*)'/.exec(message)
    if (!named) return new DuplicateKeyError('_id_', { _id: doc._id })
    const name = named[1].slice(this.#name.length + 1)
    return new DuplicateKeyError(name, uniqueKey(this.#indexedPaths(named[1]), doc))
  }

  // Read back from the schema, so indexes made by another process are reported too.
  #indexedPaths(sqlName: string): string[] {
    const rows = this.#db
      .statement("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?")
      .all([sqlName])
    const sql = String(rows[0]?.sql ?? '')
    return [...sql.matchAll(/json_extract\(doc, '\$\.([^']+)'\)/g)].map((match) => match[1])
  }
}

// LIMIT and OFFSET go into the SQL text as integers: bound as parameters they cost SQLite
// several microseconds per query (better-sqlite3 binds numbers as REAL).
function pageClause(limit: number | null, offset: number): string {
  const int = (n: number) => (Number.isSafeInteger(n) && n >= 0 ? n : 0)
  return `${limit === null ? (offset > 0 ? ' LIMIT -1' : '') : ` LIMIT ${int(limit)}`}${offset > 0 ? ` OFFSET ${int(offset)}` : ''}`
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}
