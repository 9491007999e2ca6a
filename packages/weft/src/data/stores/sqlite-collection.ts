// One collection of the SQLite store: a table `_id TEXT PRIMARY KEY, doc TEXT` (JSON),
// finds through the SQL pushdown (exact plans straight from SQL, superset plans finished
// in JavaScript), writes as read-modify-write inside the store's write lock.

import { lazyResults } from '../cursor.js'
import { DuplicateKeyError, QueryError } from '../errors.js'
import { objectId } from '../objectid.js'
import { applyUpdate, upsertDocument, valuesAtPath, valuesEqual } from '../query/index.js'
import type {
  ChangeEvent,
  DocId,
  Filter,
  FindOptions,
  IndexSpec,
  StoreCollection,
  StoredDocument,
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
  type OrderedRow,
  orderTies,
  pinnedId,
  planFind,
  project,
  rowKeys,
  supersetPlan,
  tieBoundary,
} from './sql-find.js'
import { indexName, indexPaths, uniqueKey } from './sql-indexes.js'
import { arraySteps, sqlPath } from './sql-pushdown.js'
import { jsonPath, sqliteDialect } from './sqlite-dialect.js'
import type { Row, SqliteConnection } from './sqlite-driver.js'

/** What a collection needs from its store (see sqlite.ts). */
export interface SqliteHost {
  readonly db: SqliteConnection
  readonly inTransaction: { created: string[] } | undefined
  ready(): Promise<void>
  /** True when `ready()` would resolve at once: open, and no other caller's transaction. */
  mayRunNow(): boolean
  writeSync<T>(fn: (events: (() => void)[]) => T): T
  writeAsync<T>(fn: (events: (() => void)[]) => Promise<T>): Promise<T>
}

type ReplaceDoc = Omit<StoredDocument, '_id'> & { _id?: DocId }
interface Change {
  before: StoredDocument
  after: StoredDocument
  /** `after` as JSON text, when already made. */
  body?: string
}
interface SqliteRow extends OrderedRow {
  body?: string
}

export class SqliteCollection implements StoreCollection {
  readonly hub = new WatchHub()
  readonly #store: SqliteHost
  readonly #name: string
  readonly #table: string
  #tableReady = false

  constructor(store: SqliteHost, name: string) {
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
    return lazyResults(() => {
      const wait = this.#ready()
      if (!wait) return Promise.resolve(this.#findNow(filter, options))
      return wait.then(() => this.#findNow(filter, options))
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
    return this.#update(
      filter,
      options,
      1,
      (doc) => applyUpdate(doc, update, { filter, arrayFilters: options.arrayFilters }),
      update,
    )
  }

  updateMany(filter: Filter, update: UpdateSpec, options: UpdateOptions): Promise<UpdateResult> {
    return this.#update(
      filter,
      options,
      0,
      (doc) => applyUpdate(doc, update, { filter, arrayFilters: options.arrayFilters }),
      update,
    )
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

  // Nothing to wait for on the hot path (table made, no other caller's transaction open):
  // no promise, so a find costs no extra turn of the event loop.
  #ready(): Promise<void> | undefined {
    if (this.#tableReady && this.#store.mayRunNow()) return undefined
    return this.#readyAfterWait()
  }

  async #readyAfterWait(): Promise<void> {
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
    const exact = plan.kind === 'exact' ? this.#findExact(plan) : null
    if (exact) return project(exact, options)
    const superset = supersetPlan(filter, sqliteDialect)
    const sql = `SELECT doc FROM ${this.#table} WHERE ${superset.where} ORDER BY rowid`
    const docs = this.#db
      .statement(sql)
      .all(superset.params)
      .map((row) => decodeDoc(row.doc as string))
    return finishInMemory(docs, filter, options)
  }

  /** The exact plan's documents, or null when the array probe found an array. */
  #findExact(plan: ExactPlan): StoredDocument[] | null {
    const query = exactQuery(plan, sqliteDialect, 'rowid', indexDirection(plan, this.#indexDirections()))
    const page = pageClause(query.limit, query.offset)
    // The array probe rides in the WHERE clause as an uncorrelated NOT EXISTS, which SQLite
    // runs once per statement (free, where a UNION ALL in front of the query doubled its
    // cost and a column cost more with every row). Rows back mean no array; no rows ask
    // the probe on its own.
    const where =
      plan.arrayProbe === null
        ? plan.where
        : `(${plan.where}) AND NOT EXISTS (SELECT 1 FROM ${this.#table} WHERE ${plan.arrayProbe})`
    if (!query.reversedTies) {
      // SQL's order is the final one (keys, then rowid): no key columns to read back.
      const sql = `SELECT doc FROM ${this.#table} WHERE ${where} ORDER BY ${query.orderBy}${page}`
      const rows = this.#db.statement(sql).all(plan.params)
      if (rows.length === 0) return this.#hasArrays(plan.arrayProbe) ? null : []
      const docs = new Array<StoredDocument>(rows.length)
      for (let i = 0; i < rows.length; i++) docs[i] = decodeDoc(rows[i].doc as string)
      return docs
    }
    // Reversed ties: the first pass reads keys and rowids only (from the index); the
    // documents are read once the rows that stay are known.
    const keys = keyColumns(plan, sqliteDialect)
    const rows = this.#readRows(
      `SELECT rowid AS r${keys} FROM ${this.#table} WHERE ${where} ORDER BY ${query.orderBy}${page}`,
      plan.params,
      plan,
    )
    if (rows.length === 0) return this.#hasArrays(plan.arrayProbe) ? null : []
    const from = `${keys} FROM ${this.#table} WHERE ${plan.where}`
    const edge = tieBoundary(rows, query.limit)
    let boundary = null
    if (edge) {
      const params = [...plan.params]
      const equal = plan.sortKeys.map((key, i) => sqliteDialect.equals(key.segments, edge.values[i], params))
      const sql = `SELECT rowid AS r, doc${from} AND ${equal.join(' AND ')} ORDER BY rowid${pageClause(edge.count, 0)}`
      boundary = { values: edge.values, rows: this.#readRows(sql, params, plan) }
    }
    const kept = orderTies(rows, plan, query, boundary)
    const missing = kept.filter((row) => row.body === undefined).map((row) => row.order)
    if (missing.length > 0) {
      const sql = `SELECT rowid AS r, doc FROM ${this.#table} WHERE rowid IN (${missing.map(() => '?').join(', ')})`
      const bodies = new Map(
        this.#db
          .statement(sql)
          .all(missing)
          .map((row) => [row.r as number, row.doc as string]),
      )
      for (const row of kept) row.body ??= bodies.get(row.order)
    }
    return kept.map((row) => decodeDoc(row.body!))
  }

  #readRows(sql: string, params: unknown[], plan: ExactPlan): SqliteRow[] {
    return toSqliteRows(this.#db.statement(sql).all(params), plan)
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
    const wait = this.#ready()
    if (wait) await wait
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
      for (const item of changes) {
        item.after = await validate(item.after)
        item.body = undefined
      }
      return this.#writeChanges(matched, changes, events)
    })
  }

  #collectChanges(filter: Filter, limit: 0 | 1, change: (doc: StoredDocument) => StoredDocument) {
    const id = pinnedId(filter)
    if (id !== null) {
      // By primary key: one statement, no plan. Equal JSON text is an unchanged document
      // (the comparison stops at the first difference, and the text is needed for the write).
      const rows = this.#db.statement(`SELECT doc FROM ${this.#table} WHERE _id = ?`).all([id])
      if (rows.length === 0) return { matched: 0, changes: [] }
      const text = rows[0].doc as string
      const before = decodeDoc(text)
      const after = change(before)
      const body = encodeDoc(after)
      const same = body === text || valuesEqual(before, after)
      return { matched: 1, changes: same ? [] : [{ before, after, body }] }
    }
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
    for (const { before, after, body } of changes) {
      try {
        write.run([body ?? encodeDoc(after), encodeId(after._id)])
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

function toSqliteRows(rows: Row[], plan: ExactPlan): SqliteRow[] {
  const out = new Array<SqliteRow>(rows.length)
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]
    out[i] = { order: row.r as number, keys: rowKeys(row, plan), body: row.doc as string | undefined }
  }
  return out
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
