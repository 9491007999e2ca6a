// The contract between `Collection` (public API, validation, ids, schemas) and a store
// (memory, SQLite, PostgreSQL, MongoDB). Stores receive filters and updates that the
// Collection has already validated (known operators only, no server-side code), so a
// store never re-checks them; it must answer with exactly MongoDB's semantics. A store
// may use the pure functions of `./query/index.ts` for whatever it cannot do natively.

export type DocId = string | number

export interface StoredDocument {
  _id: DocId
  [key: string]: unknown
}

export type Filter = Record<string, unknown>
export type UpdateSpec = Record<string, unknown>
export type SortSpec = Record<string, 1 | -1>

/**
 * The stages around a `$group` a store may answer with it: an `$unwind` of a field before
 * it (the field's path segments), a `$sort` and `$limit` after it.
 */
export interface GroupStages {
  unwind?: string[]
  sort?: SortSpec
  limit?: number
}

export type Projection = Record<string, 0 | 1 | boolean>

export interface FindOptions {
  sort?: SortSpec
  skip?: number
  limit?: number
  projection?: Projection
}

/**
 * Called by the store with each document an update or upsert is about to write; the
 * store writes what it returns. It throws `ValidationError` to refuse the write, and the
 * store must then write nothing (for `updateMany`: none of the matched documents).
 * The Collection passes it when the collection has a schema.
 */
export type ValidateHook = (doc: StoredDocument) => Promise<StoredDocument>

/**
 * On an upsert that inserts, the store builds the new document with
 * `upsertDocument(filter, update)` from `./query/index.ts` and, when it has no `_id`,
 * gives it `objectId()` from `./objectid.ts`.
 */
export interface UpdateOptions {
  upsert?: boolean
  validate?: ValidateHook
  /**
   * Filters for `$[name]` positional paths. Stores without native support pass them, with
   * the update's filter, to `applyUpdate(doc, update, { filter, arrayFilters })`.
   */
  arrayFilters?: Filter[]
}

export interface UpdateResult {
  matchedCount: number
  modifiedCount: number
  upsertedId: DocId | null
}

export interface IndexSpec {
  keys: Record<string, 1 | -1>
  unique?: boolean
  name?: string
  /** TTL: MongoDB expires natively, the other stores record it and are swept; see `./declared-indexes.ts`. */
  expireAfterSeconds?: number
}

/** An index a collection has: its name, keys and options (`_id_` is never listed). */
export interface IndexInfo {
  name: string
  keys: Record<string, 1 | -1>
  unique: boolean
  expireAfterSeconds?: number
}

export type ChangeEvent =
  | { type: 'insert'; collection: string; id: DocId; doc: StoredDocument }
  | { type: 'update'; collection: string; id: DocId; doc: StoredDocument }
  | { type: 'delete'; collection: string; id: DocId }

export interface StoreCollection {
  /** All or nothing; throws DuplicateKeyError on a unique clash (including `_id`). */
  insertMany(docs: StoredDocument[]): Promise<void>
  /** Exact MongoDB semantics, in order; new objects on every call, the caller's to change. */
  find(filter: Filter, options: FindOptions): AsyncIterable<StoredDocument>
  count(filter: Filter): Promise<number>
  distinct(field: string, filter: Filter): Promise<unknown[]>
  updateOne(filter: Filter, update: UpdateSpec, options: UpdateOptions): Promise<UpdateResult>
  updateMany(filter: Filter, update: UpdateSpec, options: UpdateOptions): Promise<UpdateResult>
  /** The replacement is already validated; an `_id` in it that differs from the matched one is refused (immutable). */
  replaceOne(
    filter: Filter,
    doc: Omit<StoredDocument, '_id'> & { _id?: DocId },
    options: UpdateOptions,
  ): Promise<UpdateResult>
  deleteOne(filter: Filter): Promise<number>
  deleteMany(filter: Filter): Promise<number>
  /**
   * Returns the index name (default: MongoDB's `field_1_other_-1`); a no-op for the same
   * index, an error (WEFT_DATA_INDEX_CONFLICT) for another index of that name. The SQL
   * stores record what they create (see `./stores/index-records.ts`).
   */
  createIndex(spec: IndexSpec): Promise<string>
  /** The indexes created on this collection, in creation order. */
  listIndexes(): Promise<IndexInfo[]>
  /** Drops an index by name; nothing happens when there is none. */
  dropIndex(name: string): Promise<void>
  /** Change feed; `return()` stops it and frees its buffer. See `../watch.ts`. */
  watch(filter?: Filter): AsyncIterableIterator<ChangeEvent>
  /**
   * True when `watch()` delivers inserts in the order find() returns unsorted documents
   * (one writer at a time: memory, SQLite). PostgreSQL numbers a row when it is inserted
   * but delivers it when it commits, and concurrent inserts may commit out of that order.
   */
  readonly insertsInOrder?: boolean
  /**
   * Optional: resolves once every change committed before the call has been handed to
   * this collection's watchers. Stores that publish in the write itself (memory, SQLite)
   * need none; PostgreSQL waits for its listener.
   */
  fence?(): Promise<void>
  /**
   * Optional: runs an already validated aggregation pipeline natively (MongoDB). Stores
   * without it get the shared engine of `./query/aggregate/`, fed by `find`.
   */
  aggregate?(pipeline: Record<string, unknown>[]): AsyncIterable<Record<string, unknown>>
  /**
   * Optional: the documents `find(filter, options)` would give, as the store's own objects
   * instead of copies (memory store). Only for the aggregation engine, which never changes
   * what it reads and copies what it returns (see `./query/aggregate/in-place.ts`).
   */
  findInPlace?(filter: Filter, options: Omit<FindOptions, 'projection'>): Promise<readonly StoredDocument[]>
  /**
   * Optional: a `$group` stage (its spec) over the documents `filter` matches, answered by
   * the database when the answer is provably the engine's, in the engine's order; null
   * to let the engine run it (SQL stores, see `./stores/sql-group.ts`). With `stages.unwind`
   * the group is over the field's elements (null: the engine unwinds). `stages.sort` and
   * `stages.limit` follow the group: the store may return only the groups they keep, in
   * their order (the engine applies them again either way).
   */
  group?(filter: Filter, spec: unknown, stages?: GroupStages): Promise<Record<string, unknown>[] | null>
  /** How `find(filter, options)` would run (see `Explanation`); stores without it say little. */
  explain?(filter: Filter, options: FindOptions): Promise<Explanation>
}

/** What `cursor.explain()` answers: how a find runs, to see why it is slow. */
export interface Explanation {
  store: Store['kind']
  /**
   * How much of the query the database answers: 'all' (filter, sort, skip and limit in
   * SQL, or natively in MongoDB), 'partial sort' (SQL sorts by the keys it can, JavaScript
   * orders the ties), 'filter' (SQL narrows the candidates, JavaScript does the rest),
   * 'none' (the memory store: JavaScript, with its indexes).
   */
  pushdown: 'all' | 'partial sort' | 'filter' | 'none'
  /** The first statement the find runs, with its parameters (SQL stores). */
  sql?: string
  params?: unknown[]
  /** Indexes the database says it uses. */
  indexes: string[]
  /** True when the database reads every row of the collection. */
  fullScan: boolean
  /** The database's own plan: EXPLAIN QUERY PLAN lines, EXPLAIN (FORMAT JSON), MongoDB's queryPlanner. */
  detail?: unknown
  note?: string
}

export interface Store {
  readonly kind: 'memory' | 'sqlite' | 'postgres' | 'mongodb'
  collection(name: string): StoreCollection
  /** memory runs fn under a lock with rollback by snapshot; sqlite/postgres use real transactions. */
  transaction<T>(fn: () => Promise<T>): Promise<T>
  /** A round trip to the database, bounded by the store's timeouts; throws when it cannot answer. */
  ping(): Promise<void>
  /** The change feed's own connection, for stores that keep one (PostgreSQL). */
  readonly changeFeed?: 'listening' | 'reconnecting' | 'closed'
  close(): Promise<void>
}

/** What `db.health()` answers: for a readiness probe, a status page, a log line. */
export interface StoreHealth {
  /** The database answered a trivial query just now. */
  ok: boolean
  kind: Store['kind']
  /** How long the check took, in milliseconds. */
  latencyMs: number
  /** Why not, when `ok` is false (a `DataError` code and message). */
  error?: { code: string; message: string }
  /** PostgreSQL: whether the change feed is connected ('listening') or catching up on its own ('reconnecting'). */
  changeFeed?: 'listening' | 'reconnecting' | 'closed'
}

export type StoreFactory = (url: URL | string) => Promise<Store>
