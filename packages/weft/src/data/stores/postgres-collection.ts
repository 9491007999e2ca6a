// One collection of the PostgreSQL store: writes (optimistic or locked read-modify-write
// updates, a change logged and announced in the statement of every write), table and
// indexes. Reads are in postgres-reads.ts.

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
import { decodeDoc, decodeId, encodeDoc, encodeId } from './json-codec.js'
import { changesTable, logAndNotify, logAndNotifyIds } from './postgres-changes.js'
import { pgPath, postgresDialect, quote, unorderedIdsIndex } from './postgres-dialect.js'
import type { PostgresHost, Queryable } from './postgres-host.js'
import { PostgresReads, type Row } from './postgres-reads.js'
import { PostgresUnique } from './postgres-unique.js'
import { plainIncrement } from './sql-increment.js'
import { arrayIndexName, indexPaths } from './sql-indexes.js'
import { arraySteps, sqlPath } from './sql-pushdown.js'
import { indexName } from './unique-keys.js'
import { type DocumentChange, type Limit, StoreWrites } from './writes.js'

// Two processes creating the same table, index or schema at once: the loser sees a unique
// violation on the catalog, or finds the table's row type already there (42710); either
// way the winner's object is committed and exists all the same.
const RACE_CODES = new Set(['23505', '42P07', '42P06', '42710'])

export function ignoreRace(error: { code?: string }): void {
  if (!RACE_CODES.has(error.code ?? '')) throw error
}

interface Change {
  before: Row
  after: StoredDocument
}

/** Thrown inside an optimistic update when the row changed under it; the update retries. */
class Conflict extends Error {}

export class PostgresCollection extends StoreWrites implements StoreCollection {
  readonly hub = new WatchHub()
  readonly #store: PostgresHost
  readonly #name: string
  readonly #table: string
  /** The schema's change log (see postgres-changes.ts). */
  readonly #log: string
  #ready: Promise<void> | null = null
  readonly #reads: PostgresReads
  /** Paths of the indexes made here, to name the fields in a DuplicateKeyError. */
  readonly #indexPaths = new Map<string, string[]>()
  readonly #unique: PostgresUnique

  constructor(store: PostgresHost, name: string) {
    super()
    if (name === '' || name.includes('\0')) throw new QueryError(`"${name}" cannot be a collection name.`)
    this.#store = store
    this.#name = name
    this.#table = `${quote(store.schema)}.${quote(name)}`
    this.#log = changesTable(store.schema)
    this.#reads = new PostgresReads(store, name, this.#table)
    this.#unique = new PostgresUnique(store.schema, name)
  }

  async insertMany(docs: StoredDocument[]): Promise<void> {
    if (docs.length === 0) return
    await this.#ensureTable()
    this.#reads.forgetSize()
    const keys = docs.map((doc) => encodeId(doc._id))
    const bodies = docs.map(encodeDoc)
    const safe = bodies.map(jsonbSafe)
    // Ids and bodies travel as two texts, a line each (JSON text holds no raw line break),
    // cut apart by string_to_table: as a text[] the driver escaped every quote of every
    // body, most of the client's time on a batch, and as one JSON array the server parsed
    // each body twice. JSONB refuses \u0000, so a batch holding one sends a copy without
    // it (see jsonbSafe).
    const plain = safe.every((copy) => copy === null)
    const params: unknown[] = plain ? [keys.join('\n'), bodies.join('\n')] : [keys, bodies, safe]
    const rows = plain
      ? "SELECT k, e::jsonb, e FROM ROWS FROM (string_to_table($1, E'\\n'), string_to_table($2, E'\\n')) AS u(k, e) "
      : 'SELECT k, coalesce(j, b)::jsonb, b FROM unnest($1::text[], $2::text[], $3::text[]) AS u(k, b, j) '
    const insert = `WITH w AS (INSERT INTO ${this.#table} (_id, doc, body) ${rows}`
    const [channel, collection] = [`$${params.push(this.#store.channel)}`, `$${params.push(this.#name)}`]
    const added = this.#addKeys(docs, params)
    // One document travels in its notification; a batch is announced by ids.
    const sql =
      docs.length === 1
        ? `${insert}RETURNING _id, body)${added}${logAndNotify(this.#log, channel, collection, 'insert')}`
        : `${insert}RETURNING seq, _id)${added}${logAndNotifyIds(this.#log, channel, collection)}`
    await this.#run(sql, params, this.#store.db, docs)
  }

  // The CTE giving inserted documents their unique keys, its parameters appended; '' without unique indexes.
  #addKeys(docs: StoredDocument[], params: unknown[]): string {
    if (!this.#unique.active) return ''
    const added = docs.flatMap((doc) => {
      const id = encodeId(doc._id)
      return this.#unique.change(null, doc).added.map(({ index, key }) => [index, key, id])
    })
    const first = params.length + 1
    params.push(...[0, 1, 2].map((column) => added.map((row) => row[column])))
    return this.#unique.addSql(first)
  }

  find(filter: Filter, options: FindOptions): AsyncIterable<StoredDocument> {
    return lazyResults(async () => {
      await this.#ensureTable()
      return this.#reads.find(filter, options)
    })
  }

  async count(filter: Filter): Promise<number> {
    await this.#ensureTable()
    return this.#reads.count(filter)
  }

  async distinct(field: string, filter: Filter): Promise<unknown[]> {
    const segments = splitPath(field)
    await this.#ensureTable()
    return distinctValues(await this.#reads.find(filter, {}), segments)
  }

  async createIndex(spec: IndexSpec): Promise<string> {
    await this.#ensureTable()
    const name = indexName(spec)
    const paths = indexPaths(spec)
    this.#reads.forgetIndexes()
    if (paths.length === 1 && paths[0] === '_id') return '_id_'
    this.#indexPaths.set(name, paths)
    const columns = paths.map((path, i) => {
      const direction = Object.values(spec.keys)[i] === -1 ? 'DESC' : 'ASC'
      return `(doc #> ${pgPath(sqlPath(path)!)}) ${direction}`
    })
    // seq last: equal keys sit in insertion order, so ORDER BY key, seq is a plain index
    // scan in either direction.
    columns.push('seq')
    const sqlName = quote(this.#indexName(name))
    // Rolled back with a caller's transaction: read the indexes again.
    this.#store.afterRollback(() => (this.#ready = null))
    await this.#store.transaction(async () => {
      const db = this.#store.db
      if (await this.#unique.record(db, this.#table, spec, name)) {
        // Uniqueness lives in the keys table (postgres-unique.ts); a UNIQUE expression index
        // left by an older version, which compared whole arrays, gives way to a plain one.
        if (spec.unique) await db.query(`DROP INDEX IF EXISTS ${quote(this.#store.schema)}.${sqlName}`)
        await db.query(`CREATE INDEX IF NOT EXISTS ${sqlName} ON ${this.#table} (${columns.join(', ')})`)
      }
      await this.#unique.load(db)
    })
    // Nearly empty partial indexes let the pushdown ask "is any step of this path an
    // array?" without a table scan.
    for (const path of paths) {
      const segments = sqlPath(path)!
      for (let i = 0; i < segments.length; i++) {
        const step = segments.slice(0, i + 1)
        const test = arraySteps(step, postgresDialect)[i]
        const stepName = quote(arrayIndexName(this.#name, step.join('.')))
        const sql = `CREATE INDEX IF NOT EXISTS ${stepName} ON ${this.#table} ((jsonb_typeof(doc #> ${pgPath(step)}))) WHERE ${test}`
        // Not #run: a catalog race is not a duplicate document key.
        await this.#store.db.query(sql).catch(ignoreRace)
      }
    }
    return name
  }

  async listIndexes(): Promise<IndexInfo[]> {
    await this.#ensureTable()
    return this.#unique.recorded(this.#store.db)
  }

  async dropIndex(name: string): Promise<void> {
    await this.#ensureTable()
    this.#reads.forgetIndexes()
    this.#store.afterRollback(() => (this.#ready = null))
    await this.#store.transaction(async () => {
      const db = this.#store.db
      await db.query(`DROP INDEX IF EXISTS ${quote(this.#store.schema)}.${quote(this.#indexName(name))}`)
      await this.#unique.drop(db, name)
    })
  }

  watch(filter?: Filter): AsyncIterableIterator<ChangeEvent> {
    this.#store.watching()
    return this.hub.subscribe(filter)
  }

  async group(
    filter: Filter,
    spec: unknown,
    stages?: GroupStages,
  ): Promise<Record<string, unknown>[] | null> {
    await this.#ensureTable()
    return this.#reads.group(filter, spec, stages)
  }

  fence(): Promise<void> {
    return this.#store.fence()
  }

  async explain(filter: Filter, options: FindOptions): Promise<Explanation> {
    await this.#ensureTable()
    return this.#reads.explain(filter, options)
  }

  /** Documents by `_id` column value, for notifications that carry ids only. */
  async fetch(keys: string[]): Promise<Map<string, StoredDocument>> {
    const sql = `SELECT _id, body FROM ${this.#table} WHERE _id = ANY($1::text[])`
    const result = await this.#store.db.query(sql, [keys])
    return new Map(result.rows.map((row) => [row._id as string, decodeDoc(row.body)]))
  }

  // Index names are per schema in PostgreSQL, so they carry the collection name.
  #indexName(name: string): string {
    return `${this.#name}.${name}`
  }

  /** Creates the table once; while this process starts to LISTEN, also waits for that. */
  #ensureTable(): Promise<void> {
    const starting = this.#store.feedStarting
    if (starting) return starting.then(() => this.#ensureTable())
    const pool = this.#store.pool
    const create = (sql: string) => pool.query(sql).then(() => undefined, ignoreRace)
    this.#ready ??= create(
      `CREATE TABLE IF NOT EXISTS ${this.#table} (seq BIGSERIAL, _id TEXT PRIMARY KEY, doc JSONB NOT NULL, body TEXT NOT NULL)`,
    )
      .then(() => create(unorderedIdsIndex(this.#table, this.#name)))
      .then(() => create(this.#unique.registrySql()))
      .then(() => this.#unique.load(pool))
      .catch((error: unknown) => {
        this.#ready = null
        throw error
      })
    return this.#ready!
  }

  async #run(sql: string, params: unknown[], db: Queryable = this.#store.db, docs: StoredDocument[] = []) {
    try {
      return await db.query(sql, params)
    } catch (error) {
      throw (await this.#unique.clash(error, docs)) ?? this.#duplicateKey(error)
    }
  }

  protected async update(
    filter: Filter,
    options: UpdateOptions,
    limit: Limit,
    change: DocumentChange,
    spec: UpdateSpec,
  ): Promise<UpdateResult> {
    await this.#ensureTable()
    const incremented = await this.#incrementById(filter, spec, options, limit)
    if (incremented) return incremented
    // The common case, one document and no schema hook, needs no transaction: read, then
    // write only if the row version is unchanged, else read again.
    if (limit === 1 && !options.validate && !this.#store.inTransaction) {
      for (;;) {
        try {
          return await this.#updateRows(filter, options, limit, change, spec, this.#store.db, '')
        } catch (error) {
          if (!(error instanceof Conflict)) throw error
        }
      }
    }
    return this.#store.transaction(() =>
      this.#updateRows(filter, options, limit, change, spec, this.#store.db, ' FOR UPDATE'),
    )
  }

  /**
   * `updateOne({ _id }, { $inc: { a: 1 } })` in one statement, without reading the document
   * first, when that is exactly the engine's answer: top-level fields holding whole numbers
   * (present: a new field goes last, which the statement cannot place), sums within ±2^53,
   * no unique index to keep, no validation, outside a transaction. `body` keeps its key
   * order: its top-level members are read in order from the JSON text (`json_each` keeps
   * it, where JSONB sorts keys) and written back with the sums in place. Logged and
   * announced like any update. Null when it does not apply or no row qualified: the
   * general path then answers.
   */
  async #incrementById(
    filter: Filter,
    spec: UpdateSpec,
    options: UpdateOptions,
    limit: Limit,
  ): Promise<UpdateResult | null> {
    if (this.#store.inTransaction || this.#unique.active) return null
    const increment = plainIncrement(filter, spec, options, limit)
    if (!increment) return null
    const params: unknown[] = [increment.id, this.#store.channel, this.#name]
    const bind = (value: unknown) => `$${params.push(value)}`
    let doc = 'doc'
    const guards: string[] = []
    const sums: string[] = []
    for (const [field, amount] of increment.fields) {
      const [key, by] = [`${bind(field)}::text`, `${bind(amount)}::numeric`]
      const value = `(doc -> ${key})`
      doc = `jsonb_set(${doc}, ARRAY[${key}], to_jsonb(${value}::numeric + ${by}))`
      guards.push(
        `CASE WHEN jsonb_typeof(${value}) = 'number' THEN scale(${value}::numeric) = 0 ` +
          `AND abs(${value}::numeric + ${by}) <= 9007199254740991 ELSE false END`,
      )
      sums.push(`WHEN ${key} THEN ((e.value::text)::numeric + ${by})::text`)
    }
    const body =
      `(SELECT '{' || string_agg(to_json(e.key)::text || ':' || CASE e.key ${sums.join(' ')} ` +
      "ELSE e.value::text END, ',' ORDER BY e.n) || '}' FROM json_each(body::json) WITH ORDINALITY AS e(key, value, n))"
    const sql =
      `WITH w AS (UPDATE ${this.#table} SET doc = ${doc}, body = ${body} ` +
      // json_each refuses the escape \u0000 (see jsonbSafe): such a body takes the general path.
      `WHERE _id = $1 AND ${guards.join(' AND ')} AND strpos(body, '\\u0000') = 0 RETURNING _id, body)` +
      logAndNotify(this.#log, '$2', '$3', 'update')
    const result = await this.#store.db.query(sql, params)
    return result.rowCount === 1 ? { matchedCount: 1, modifiedCount: 1, upsertedId: null } : null
  }

  async #updateRows(
    filter: Filter,
    options: UpdateOptions,
    limit: 0 | 1,
    change: (doc: StoredDocument) => StoredDocument,
    spec: UpdateSpec,
    db: Queryable,
    lock: '' | ' FOR UPDATE',
  ): Promise<UpdateResult> {
    const rows = await this.#reads.select(filter, limit ? { limit } : {}, db, lock)
    if (rows.length === 0 && options.upsert) return this.#upsert(filter, spec, options, db)
    const changes: Change[] = []
    for (const before of rows) {
      let after = change(before.doc)
      if (valuesEqual(before.doc, after)) continue
      if (options.validate) after = await options.validate(after)
      changes.push({ before, after })
    }
    const unique = this.#unique.active
    const keys = unique ? changes.map(({ before, after }) => this.#unique.change(before.doc, after)) : []
    // Several documents give up their old keys before any takes new ones: they may swap values.
    const early = changes.length > 1
    if (unique && early)
      await this.#unique.removeMany(
        db,
        keys.map((change, i) => ({ change, id: changes[i].before.key })),
      )
    const sql =
      `WITH w AS (UPDATE ${this.#table} SET doc = coalesce($6, $1)::jsonb, body = $1 ` +
      'WHERE _id = $2 AND xmin::text = $3 RETURNING _id, body)' +
      (unique ? this.#unique.removeSql(7, '$2') + this.#unique.addSql(9, '$2') : '') +
      logAndNotify(this.#log, '$4', '$5', 'update')
    for (const [i, { before, after }] of changes.entries()) {
      const body = encodeDoc(after)
      const params: unknown[] = [
        body,
        before.key,
        before.version,
        this.#store.channel,
        this.#name,
        jsonbSafe(body),
      ]
      if (unique) {
        const removed = early ? [] : keys[i].removed
        params.push(
          removed.map((r) => r.index),
          removed.map((r) => r.key),
        )
        params.push(
          keys[i].added.map((r) => r.index),
          keys[i].added.map((r) => r.key),
        )
      }
      const result = await this.#run(sql, params, db, [after])
      if (result.rowCount === 0) throw new Conflict()
    }
    return { matchedCount: rows.length, modifiedCount: changes.length, upsertedId: null }
  }

  async #upsert(
    filter: Filter,
    spec: UpdateSpec,
    options: UpdateOptions,
    db: Queryable,
  ): Promise<UpdateResult> {
    const { _id, ...fields } = upsertDocument(filter, spec)
    let doc: StoredDocument = { _id: _id === undefined ? objectId() : (_id as DocId), ...fields }
    if (options.validate) doc = await options.validate(doc)
    const body = encodeDoc(doc)
    const params: unknown[] = [encodeId(doc._id), body, this.#store.channel, this.#name, jsonbSafe(body)]
    const sql =
      `WITH w AS (INSERT INTO ${this.#table} (_id, doc, body) VALUES ($1, coalesce($5, $2)::jsonb, $2) ` +
      `RETURNING _id, body)${this.#addKeys([doc], params)}${logAndNotify(this.#log, '$3', '$4', 'insert')}`
    await this.#run(sql, params, db, [doc])
    return { matchedCount: 0, modifiedCount: 0, upsertedId: doc._id }
  }

  // Deletes the rows it matched, as they were when read: a row changed meanwhile stays,
  // and deleteOne looks again.
  protected async delete(filter: Filter, limit: Limit): Promise<number> {
    await this.#ensureTable()
    const db = this.#store.db
    const sql =
      `WITH w AS (DELETE FROM ${this.#table} WHERE (_id, xmin::text) IN (SELECT * FROM unnest($1::text[], $2::text[])) ` +
      `RETURNING _id, body)${this.#unique.active ? this.#unique.removeAllSql() : ''}${logAndNotify(this.#log, '$3', '$4', 'delete')}`
    for (;;) {
      const rows = await this.#reads.select(filter, limit ? { limit } : {}, db, '')
      if (rows.length === 0) return 0
      const params = [
        rows.map((row) => row.key),
        rows.map((row) => row.version),
        this.#store.channel,
        this.#name,
      ]
      const deleted = (await db.query(sql, params)).rowCount ?? 0
      if (deleted > 0 || limit === 0) return deleted
    }
  }

  #duplicateKey(error: unknown): unknown {
    const { code, constraint, detail } = error as { code?: string; constraint?: string; detail?: string }
    if (code !== '23505') return error
    const value = /=\((.*)\) already exists/.exec(detail ?? '')?.[1]
    if (!constraint || constraint.endsWith('_pkey')) {
      return new DuplicateKeyError('_id_', { _id: value === undefined ? null : decodeId(value) })
    }
    const name = constraint.startsWith(`${this.#name}.`)
      ? constraint.slice(this.#name.length + 1)
      : constraint
    const paths = this.#indexPaths.get(name)
    const key = paths?.length === 1 ? { [paths[0]]: parseKey(value) } : { value: parseKey(value) }
    return new DuplicateKeyError(name, key)
  }
}

/**
 * JSONB refuses the escape \u0000: the `doc` copy gets U+FFFD instead (`body` keeps the
 * truth, and the pushdown never compares strings holding U+0000). Null when unchanged.
 */
function jsonbSafe(body: string): string | null {
  if (!body.includes('\\u0000')) return null
  return body.replace(/(?<!\\)((?:\\\\)*)\\u0000/g, '$1\\ufffd')
}

function parseKey(text: string | undefined): unknown {
  try {
    return text === undefined ? null : JSON.parse(text)
  } catch {
    return text
  }
}
