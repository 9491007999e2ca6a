// One collection of the SQLite store: a table `_id TEXT PRIMARY KEY, doc TEXT` (JSON),
// its indexes, and writes as read-modify-write inside the store's write lock. Reads are
// in sqlite-reads.ts.

import { lazyResults } from '../cursor.js'
import { DuplicateKeyError, QueryError } from '../errors.js'
import { objectId } from '../objectid.js'
import { distinctValues, splitPath, upsertDocument, valuesEqual } from '../query/index.js'
import type {
  ChangeEvent,
  DocId,
  Explanation,
  Filter,
  FindOptions,
  GroupStages,
  IndexInfo,
  IndexSpec,
  StoreCollection,
  StoredDocument,
  UpdateOptions,
  UpdateResult,
  UpdateSpec,
} from '../store.js'
import { WatchHub } from '../watch.js'
import { decodeDoc, encodeDoc, encodeId } from './json-codec.js'
import { pinnedId } from './sql-find.js'
import { plainIncrement } from './sql-increment.js'
import { arrayIndexName, indexPaths, uniqueKey, unorderedIdsIndexName } from './sql-indexes.js'
import { arraySteps, sqlPath } from './sql-pushdown.js'
import { jsonPath, sqliteDialect } from './sqlite-dialect.js'
import type { SqliteConnection } from './sqlite-driver.js'
import { SqliteReads } from './sqlite-reads.js'
import { quoteIdentifier, SqliteUnique } from './sqlite-unique.js'
import { indexName } from './unique-keys.js'
import { type DocumentChange, type Limit, StoreWrites } from './writes.js'

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

interface Change {
  before: StoredDocument
  after: StoredDocument
  /** `after` as JSON text, when already made. */
  body?: string
}
export class SqliteCollection extends StoreWrites implements StoreCollection {
  readonly insertsInOrder = true
  readonly hub = new WatchHub()
  readonly #store: SqliteHost
  readonly #name: string
  readonly #table: string
  #tableReady = false
  readonly #reads: SqliteReads
  readonly #unique: SqliteUnique

  constructor(store: SqliteHost, name: string) {
    super()
    if (name === '' || name.includes('\0') || name.startsWith('sqlite_')) {
      throw new QueryError(
        `"${name}" cannot be a collection name. Use letters, digits and _; avoid the sqlite_ prefix.`,
      )
    }
    this.#store = store
    this.#name = name
    this.#table = quoteIdentifier(name)
    this.#reads = new SqliteReads(store, name, this.#table)
    this.#unique = new SqliteUnique(() => store.db, name)
  }

  forgetTable(): void {
    this.#tableReady = false
  }

  async insertMany(docs: StoredDocument[]): Promise<void> {
    await this.#ready()
    const insert = this.#db.statement(`INSERT INTO ${this.#table} (_id, doc) VALUES (?, ?)`)
    const write = (events: (() => void)[]) => {
      for (const doc of docs) {
        this.#insertRow(insert, doc)
        if (this.#unique.active) this.#unique.add(this.#unique.change(null, doc), encodeId(doc._id), doc)
      }
      events.push(() => {
        for (const doc of docs) this.hub.publish({ type: 'insert', collection: this.#name, id: doc._id, doc })
      })
    }
    // A single insert is atomic on its own: skip the BEGIN/COMMIT round.
    if (docs.length === 1 && !this.#store.inTransaction && !this.#unique.active) {
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
      if (!wait) return Promise.resolve(this.#reads.find(filter, options))
      return wait.then(() => this.#reads.find(filter, options))
    })
  }

  async count(filter: Filter): Promise<number> {
    await this.#ready()
    return this.#reads.count(filter)
  }

  async distinct(field: string, filter: Filter): Promise<unknown[]> {
    await this.#ready()
    const segments = splitPath(field)
    return distinctValues(this.#reads.find(filter, {}), segments)
  }

  async createIndex(spec: IndexSpec): Promise<string> {
    await this.#ready()
    const name = indexName(spec)
    const paths = indexPaths(spec)
    this.#reads.forgetIndexes()
    if (paths.length === 1 && paths[0] === '_id') return '_id_'
    const columns = paths.map((path, i) => {
      const direction = Object.values(spec.keys)[i] === -1 ? 'DESC' : 'ASC'
      return `json_extract(doc, ${jsonPath(sqlPath(path)!)}) ${direction}`
    })
    // Rolled back with a caller's transaction: read the indexes again (see forgetTable).
    this.#store.inTransaction?.created.push(this.#name)
    this.#store.writeSync(() => {
      const recorded = this.#unique.record(spec, name)
      // Another process may have made indexes since this one first read them.
      this.#unique.load()
      if (!recorded) return
      const sqlName = quoteIdentifier(`${this.#name}.${name}`)
      // Uniqueness lives in the keys table (sqlite-unique.ts); a UNIQUE expression index
      // left by an older version, which compared whole arrays, gives way to a plain one.
      if (spec.unique) this.#db.exec(`DROP INDEX IF EXISTS ${sqlName}`)
      this.#db.exec(`CREATE INDEX IF NOT EXISTS ${sqlName} ON ${this.#table} (${columns.join(', ')})`)
      // Partial indexes, nearly empty while no document holds an array there, let the
      // pushdown ask "is any step of this path an array?" without a table scan.
      for (const path of paths) {
        const segments = sqlPath(path)!
        segments.forEach((_, i) => {
          const step = segments.slice(0, i + 1)
          const test = arraySteps(step, sqliteDialect)[i]
          const stepIndex = quoteIdentifier(arrayIndexName(this.#name, step.join('.')))
          this.#db.exec(
            `CREATE INDEX IF NOT EXISTS ${stepIndex} ON ${this.#table} (json_type(doc, ${jsonPath(step)})) WHERE ${test}`,
          )
        })
      }
    })
    return name
  }

  async listIndexes(): Promise<IndexInfo[]> {
    await this.#ready()
    return this.#unique.recorded()
  }

  async dropIndex(name: string): Promise<void> {
    await this.#ready()
    this.#reads.forgetIndexes()
    this.#store.inTransaction?.created.push(this.#name)
    this.#store.writeSync(() => {
      this.#db.exec(`DROP INDEX IF EXISTS ${quoteIdentifier(`${this.#name}.${name}`)}`)
      this.#unique.drop(name)
    })
  }

  watch(filter?: Filter): AsyncIterableIterator<ChangeEvent> {
    return this.hub.subscribe(filter)
  }

  async group(
    filter: Filter,
    spec: unknown,
    stages?: GroupStages,
  ): Promise<Record<string, unknown>[] | null> {
    await this.#ready()
    return this.#reads.group(filter, spec, stages)
  }

  async explain(filter: Filter, options: FindOptions): Promise<Explanation> {
    await this.#ready()
    return this.#reads.explain(filter, options)
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
    const ids = quoteIdentifier(unorderedIdsIndexName(this.#name))
    this.#db.exec(
      `CREATE INDEX IF NOT EXISTS ${ids} ON ${this.#table} (_id) WHERE ${sqliteDialect.notPlainId}`,
    )
    this.#unique.load()
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

  protected async update(
    filter: Filter,
    options: UpdateOptions,
    limit: Limit,
    change: DocumentChange,
    spec: UpdateSpec,
  ): Promise<UpdateResult> {
    const wait = this.#ready()
    if (wait) await wait
    const incremented = this.#incrementById(filter, spec, options, limit)
    if (incremented) return incremented
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

  /**
   * `updateOne({ _id }, { $inc: { a: 1 } })` as one `json_set`, without reading the
   * document, when that is exactly the engine's answer: top-level fields holding whole
   * numbers (or missing), sums within ±2^53, nobody watching (a change event carries the
   * document), no unique index to keep. Null otherwise, or when no row qualified (the
   * general path then gives the answer, or the error).
   */
  #incrementById(
    filter: Filter,
    spec: UpdateSpec,
    options: UpdateOptions,
    limit: Limit,
  ): UpdateResult | null {
    if (this.hub.size > 0 || this.#unique.active) return null
    const increment = plainIncrement(filter, spec, options, limit)
    if (!increment) return null
    const { id, fields } = increment
    const value = (field: string) => `json_extract(doc, ${jsonPath([field])})`
    const sets = fields.map(
      ([field]) => `${jsonPath([field])}, coalesce(${value(field)}, 0) + CAST(? AS INTEGER)`,
    )
    const guards = fields.map(
      ([field]) =>
        `(json_type(doc, ${jsonPath([field])}) = 'integer' OR json_type(doc, ${jsonPath([field])}) IS NULL) ` +
        `AND abs(coalesce(${value(field)}, 0) + CAST(? AS INTEGER)) <= 9007199254740991`,
    )
    const sql = `UPDATE ${this.#table} SET doc = json_set(doc, ${sets.join(', ')}) WHERE _id = ? AND ${guards.join(' AND ')}`
    const amounts = fields.map(([, amount]) => amount)
    const changed = this.#db.statement(sql).run([...amounts, id, ...amounts])
    return changed === 1 ? { matchedCount: 1, modifiedCount: 1, upsertedId: null } : null
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
    const targets = this.#reads.find(filter, limit ? { limit } : {})
    const changes: Change[] = []
    for (const before of targets) {
      const after = change(before)
      if (!valuesEqual(before, after)) changes.push({ before, after })
    }
    return { matched: targets.length, changes }
  }

  #writeChanges(matched: number, changes: Change[], events: (() => void)[]): UpdateResult {
    const write = this.#db.statement(`UPDATE ${this.#table} SET doc = ? WHERE _id = ?`)
    // Every document gives up its old keys before any takes new ones: documents may swap values.
    const keys = this.#unique.active
      ? changes.map(({ before, after }) => this.#unique.change(before, after))
      : []
    for (const [i, { after }] of keys.length ? changes.entries() : [])
      this.#unique.remove(keys[i], encodeId(after._id))
    changes.forEach(({ before, after, body }, i) => {
      const id = encodeId(after._id)
      try {
        write.run([body ?? encodeDoc(after), id])
      } catch (error) {
        throw this.#duplicateKey(error, after)
      }
      if (keys.length) this.#unique.add(keys[i], id, after)
      const event = { type: 'update' as const, collection: this.#name, id: after._id, doc: after }
      events.push(() => this.hub.publish(event, before))
    })
    return { matchedCount: matched, modifiedCount: changes.length, upsertedId: null }
  }

  #upsertDoc(filter: Filter, spec: UpdateSpec): StoredDocument {
    const { _id, ...fields } = upsertDocument(filter, spec)
    return { _id: _id === undefined ? objectId() : (_id as DocId), ...fields }
  }

  #insertUpsert(doc: StoredDocument, events: (() => void)[]): UpdateResult {
    this.#insertRow(this.#db.statement(`INSERT INTO ${this.#table} (_id, doc) VALUES (?, ?)`), doc)
    if (this.#unique.active) this.#unique.add(this.#unique.change(null, doc), encodeId(doc._id), doc)
    events.push(() => this.hub.publish({ type: 'insert', collection: this.#name, id: doc._id, doc }))
    return { matchedCount: 0, modifiedCount: 0, upsertedId: doc._id }
  }

  protected async delete(filter: Filter, limit: Limit): Promise<number> {
    await this.#ready()
    const remove = this.#db.statement(`DELETE FROM ${this.#table} WHERE _id = ?`)
    return this.#store.writeSync((events) => {
      const targets = this.#reads.find(filter, limit ? { limit } : {})
      for (const doc of targets) {
        remove.run([encodeId(doc._id)])
        this.#unique.removeAll(encodeId(doc._id))
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
