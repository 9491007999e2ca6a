// The MongoDB store: the official driver, natively. Filters, updates, sorts and indexes
// go to the server as they are (they are MongoDB's own language); transactions use a
// session (replica set or sharded cluster needed, as in MongoDB itself), and watch() is a
// change stream, so changes from every client are seen.
// Node-only (AsyncLocalStorage routes a transaction's operations to its session).

import { DataError, DuplicateKeyError } from '../errors.js'
import { objectId } from '../objectid.js'
import { applyUpdate, isOperatorUpdate, upsertDocument } from '../query/index.js'
import type {
  ChangeEvent,
  DocId,
  Explanation,
  Filter,
  FindOptions,
  IndexInfo,
  IndexSpec,
  Store,
  StoreCollection,
  StoredDocument,
  StoreFactory,
  UpdateOptions,
  UpdateResult,
  UpdateSpec,
} from '../store.js'
import { WatchQueue } from '../watch.js'
import { mongoFailure, translatingCollection } from './mongodb-errors.js'
import { TransactionScope } from './transaction-scope.js'

/**
 * `mongodb://host:27017/app` or `mongodb+srv://...`; the database is the URL's path.
 * Unless the URL sets them, a server must be found within 3 s (`serverSelectionTimeoutMS`,
 * the driver's default is 30 s) and connect within 3 s (`connectTimeoutMS`), so requests
 * fail fast with WEFT_DATA_UNAVAILABLE while MongoDB is unreachable.
 */
export const createStore: StoreFactory = async (url) => {
  const driver = await loadDriver()
  const text = String(url)
  const defaults: Record<string, number> = {}
  if (!/[?&]serverSelectionTimeoutMS=/i.test(text)) defaults.serverSelectionTimeoutMS = 3000
  if (!/[?&]connectTimeoutMS=/i.test(text)) defaults.connectTimeoutMS = 3000
  const client = new driver.MongoClient(text, defaults)
  try {
    await client.connect()
  } catch (error) {
    await client.close().catch(() => undefined)
    throw mongoFailure(error)
  }
  return new MongoStore(client)
}

async function loadDriver(): Promise<any> {
  const specifier = 'mongodb'
  try {
    return await import(specifier)
  } catch {
    throw new DataError(
      'WEFT_DATA_MISSING_DRIVER',
      'The MongoDB store needs the official driver: `npm install mongodb`.',
    )
  }
}

class MongoStore implements Store {
  readonly kind = 'mongodb' as const
  readonly #client: any
  readonly #db: any
  readonly #sessions = new TransactionScope<any>()
  /** One per name, as in the other stores: live queries share a collection's change stream by it. */
  readonly #collections = new Map<string, StoreCollection>()

  constructor(client: any) {
    this.#client = client
    this.#db = client.db()
  }

  collection(name: string): StoreCollection {
    let collection = this.#collections.get(name)
    if (!collection) {
      collection = translatingCollection(
        new MongoCollection(this.#db.collection(name), name, () => this.#sessions.current),
      )
      this.#collections.set(name, collection)
    }
    return collection
  }

  async ping(): Promise<void> {
    await this.#db.command({ ping: 1 }).catch((error: unknown) => {
      throw mongoFailure(error)
    })
  }

  /** A driver session transaction; operations inside `fn` join it. Retries as the driver does. */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#sessions.current) return fn()
    const session = this.#client.startSession()
    try {
      let result!: T
      await session.withTransaction(async () => {
        result = await this.#sessions.run(session, fn)
      })
      return result
    } catch (error) {
      throw mongoFailure(error)
    } finally {
      await session.endSession()
    }
  }

  async close(): Promise<void> {
    await this.#client.close()
  }
}

class MongoCollection implements StoreCollection {
  readonly #native: any
  readonly #name: string
  readonly #session: () => any

  constructor(native: any, name: string, session: () => any) {
    this.#native = native
    this.#name = name
    this.#session = session
  }

  // insertMany is not atomic in MongoDB outside a transaction: on a clash the documents
  // already inserted are removed again, so the call is all or nothing for readers
  // arriving afterwards (a watcher may see the inserts and their removal).
  async insertMany(docs: StoredDocument[]): Promise<void> {
    if (docs.length === 0) return
    try {
      await this.#native.insertMany(docs, { ordered: true, session: this.#session() })
    } catch (error) {
      if (!this.#session()) {
        const inserted = docs.slice(0, insertedCount(error)).map((doc) => doc._id)
        if (inserted.length > 0) await this.#native.deleteMany({ _id: { $in: inserted } })
      }
      throw duplicateKey(error)
    }
  }

  async *find(filter: Filter, options: FindOptions): AsyncIterable<StoredDocument> {
    const cursor = this.#native.find(filter, {
      sort: options.sort,
      skip: options.skip,
      limit: options.limit,
      projection: options.projection,
      session: this.#session(),
    })
    for await (const doc of cursor) yield fromBson(doc) as StoredDocument
  }

  async *aggregate(pipeline: Record<string, unknown>[]): AsyncIterable<Record<string, unknown>> {
    const cursor = this.#native.aggregate(pipeline, { session: this.#session() })
    for await (const doc of cursor) yield fromBson(doc) as Record<string, unknown>
  }

  /** MongoDB's own queryPlanner: the winning plan's stages and indexes. */
  async explain(filter: Filter, options: FindOptions): Promise<Explanation> {
    const cursor = this.#native.find(filter, {
      sort: options.sort,
      skip: options.skip,
      limit: options.limit,
      projection: options.projection,
    })
    const detail = await cursor.explain('queryPlanner')
    const indexes = new Set<string>()
    let fullScan = false
    const walk = (stage: Record<string, any> | undefined) => {
      if (!stage) return
      if (stage.indexName) indexes.add(stage.indexName)
      if (stage.stage === 'COLLSCAN') fullScan = true
      walk(stage.inputStage)
      for (const child of stage.inputStages ?? []) walk(child)
    }
    walk(detail.queryPlanner?.winningPlan?.queryPlan ?? detail.queryPlanner?.winningPlan)
    return { store: 'mongodb', pushdown: 'all', indexes: [...indexes], fullScan, detail }
  }

  count(filter: Filter): Promise<number> {
    return this.#native.countDocuments(filter, { session: this.#session() })
  }

  async distinct(field: string, filter: Filter): Promise<unknown[]> {
    return fromBson(await this.#native.distinct(field, filter, { session: this.#session() })) as unknown[]
  }

  updateOne(filter: Filter, update: UpdateSpec, options: UpdateOptions): Promise<UpdateResult> {
    return this.#update(filter, update, options, 'one')
  }

  updateMany(filter: Filter, update: UpdateSpec, options: UpdateOptions): Promise<UpdateResult> {
    return this.#update(filter, update, options, 'many')
  }

  async replaceOne(
    filter: Filter,
    doc: Omit<StoredDocument, '_id'> & { _id?: DocId },
    options: UpdateOptions,
  ): Promise<UpdateResult> {
    if (options.validate) return this.#updateInJs(filter, doc, options, 'one')
    const { _id: _ignored, ...fields } = doc
    try {
      const result = await this.#native.replaceOne(filter, fields, { session: this.#session() })
      if (result.matchedCount > 0 || !options.upsert) return toResult(result)
      return await this.#insertUpsert(filter, doc, options)
    } catch (error) {
      throw duplicateKey(error)
    }
  }

  async deleteOne(filter: Filter): Promise<number> {
    return (await this.#native.deleteOne(filter, { session: this.#session() })).deletedCount
  }

  async deleteMany(filter: Filter): Promise<number> {
    return (await this.#native.deleteMany(filter, { session: this.#session() })).deletedCount
  }

  async createIndex(spec: IndexSpec): Promise<string> {
    try {
      const ttl = spec.expireAfterSeconds === undefined ? {} : { expireAfterSeconds: spec.expireAfterSeconds }
      return await this.#native.createIndex(spec.keys, { unique: spec.unique, name: spec.name, ...ttl })
    } catch (error) {
      throw duplicateKey(error)
    }
  }

  async listIndexes(): Promise<IndexInfo[]> {
    type Listed = { name: string; key: Record<string, 1 | -1>; unique?: boolean; expireAfterSeconds?: number }
    const listed: Listed[] = await this.#native
      .listIndexes()
      .toArray()
      .catch((error: { codeName?: string }) => {
        // A collection that does not exist yet has no indexes.
        if (error.codeName === 'NamespaceNotFound') return []
        throw error
      })
    return listed
      .filter((index) => index.name !== '_id_')
      .map((index) => {
        const info: IndexInfo = { name: index.name, keys: index.key, unique: index.unique === true }
        if (typeof index.expireAfterSeconds === 'number') info.expireAfterSeconds = index.expireAfterSeconds
        return info
      })
  }

  async dropIndex(name: string): Promise<void> {
    await this.#native.dropIndex(name).catch((error: { codeName?: string }) => {
      if (error.codeName !== 'IndexNotFound' && error.codeName !== 'NamespaceNotFound') throw error
    })
  }

  /** A change stream; the full document is looked up for updates. */
  watch(filter?: Filter): AsyncIterableIterator<ChangeEvent> {
    const stream = this.#native.watch([], { fullDocument: 'updateLookup' })
    const queue = new WatchQueue({ filter, onClose: () => void stream.close() })
    stream.on('change', (change: any) => {
      const event = toChangeEvent(this.#name, change)
      if (event) queue.push(event)
    })
    // The driver resumes a change stream by itself after a failover; an error here means
    // it could not, and the watcher is told so (re-read, then watch again).
    stream.on('error', (error: unknown) => queue.fail(mongoFailure(error) as Error))
    return queue
  }

  async #update(filter: Filter, update: UpdateSpec, options: UpdateOptions, mode: 'one' | 'many') {
    if (options.validate) return this.#updateInJs(filter, update, options, mode)
    const native = mode === 'one' ? this.#native.updateOne : this.#native.updateMany
    // Ids are ObjectId-style strings everywhere in Weft; left alone, the server would make
    // a BSON ObjectId for an upserted document.
    const withId =
      options.upsert && idFromFilter(filter) === undefined
        ? { ...update, $setOnInsert: { _id: objectId(), ...(update.$setOnInsert as object) } }
        : update
    try {
      const result = await native.call(this.#native, filter, withId, {
        upsert: options.upsert,
        session: this.#session(),
        ...(options.arrayFilters ? { arrayFilters: options.arrayFilters } : {}),
      })
      return toResult(result)
    } catch (error) {
      throw duplicateKey(error)
    }
  }

  // With a schema hook the new documents must be seen before they are written: computed
  // here with the shared engine, validated, then written with a replace by _id.
  async #updateInJs(filter: Filter, update: UpdateSpec, options: UpdateOptions, mode: 'one' | 'many') {
    const targets: StoredDocument[] = []
    for await (const doc of this.find(filter, mode === 'one' ? { limit: 1 } : {})) targets.push(doc)
    if (targets.length === 0) {
      return options.upsert ? this.#insertUpsert(filter, update, options) : toResult({ matchedCount: 0 })
    }
    let modified = 0
    for (const before of targets) {
      const next = isOperatorUpdate(update)
        ? applyUpdate(before, update, { filter, arrayFilters: options.arrayFilters })
        : ({ ...update, _id: before._id } as StoredDocument)
      const after = await options.validate!(next)
      const result = await this.#native.replaceOne({ _id: before._id }, after, { session: this.#session() })
      modified += result.modifiedCount
    }
    return { matchedCount: targets.length, modifiedCount: modified, upsertedId: null }
  }

  async #insertUpsert(filter: Filter, update: UpdateSpec, options: UpdateOptions): Promise<UpdateResult> {
    const { _id, ...fields } = upsertDocument(filter, update)
    let doc: StoredDocument = { _id: _id === undefined ? objectId() : (_id as DocId), ...fields }
    if (options.validate) doc = await options.validate(doc)
    try {
      await this.#native.insertOne(doc, { session: this.#session() })
    } catch (error) {
      throw duplicateKey(error)
    }
    return { matchedCount: 0, modifiedCount: 0, upsertedId: doc._id }
  }
}

function idFromFilter(filter: Filter): unknown {
  const id = filter._id
  if (id !== null && typeof id === 'object' && !Array.isArray(id)) return (id as { $eq?: unknown }).$eq
  return id
}

function toResult(result: {
  matchedCount?: number
  modifiedCount?: number
  upsertedId?: unknown
}): UpdateResult {
  return {
    matchedCount: result.matchedCount ?? 0,
    modifiedCount: result.modifiedCount ?? 0,
    upsertedId: (result.upsertedId as DocId | undefined) ?? null,
  }
}

function insertedCount(error: unknown): number {
  const result = (error as { result?: { insertedCount?: number }; insertedCount?: number }) ?? {}
  return result.insertedCount ?? result.result?.insertedCount ?? 0
}

function duplicateKey(error: unknown): unknown {
  const { code, keyValue, errmsg, message } = error as {
    code?: number
    keyValue?: Record<string, unknown>
    errmsg?: string
    message?: string
  }
  if (code !== 11000 && code !== 11001) return error
  const index = /index: (\S+)/.exec(errmsg ?? message ?? '')?.[1] ?? 'unknown'
  return new DuplicateKeyError(index, keyValue ?? {})
}

function toChangeEvent(collection: string, change: any): ChangeEvent | null {
  const id = change.documentKey?._id as DocId
  switch (change.operationType) {
    case 'insert':
      return { type: 'insert', collection, id, doc: fromBson(change.fullDocument) as StoredDocument }
    case 'update':
    case 'replace':
      // The document may be gone by the time the lookup runs; a delete event follows.
      if (!change.fullDocument) return null
      return { type: 'update', collection, id, doc: fromBson(change.fullDocument) as StoredDocument }
    case 'delete':
      return { type: 'delete', collection, id }
    default:
      return null
  }
}

// BSON binary comes back as the driver's Binary; Weft documents hold Uint8Array.
function fromBson(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || value instanceof Date) return value
  if ((value as { _bsontype?: string })._bsontype === 'Binary') {
    return new Uint8Array((value as { buffer: Uint8Array }).buffer)
  }
  if (Array.isArray(value)) return value.map(fromBson)
  if ((value as { _bsontype?: string })._bsontype) return value
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value)) out[key] = fromBson((value as Record<string, unknown>)[key])
  return out
}
