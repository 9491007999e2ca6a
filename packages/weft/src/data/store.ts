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
}

export type ChangeEvent =
  | { type: 'insert'; collection: string; id: DocId; doc: StoredDocument }
  | { type: 'update'; collection: string; id: DocId; doc: StoredDocument }
  | { type: 'delete'; collection: string; id: DocId }

export interface StoreCollection {
  /** All or nothing; throws DuplicateKeyError on a unique clash (including `_id`). */
  insertMany(docs: StoredDocument[]): Promise<void>
  /** Exact MongoDB semantics, in order. */
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
  /** Returns the index name (default: MongoDB's `field_1_other_-1`). */
  createIndex(spec: IndexSpec): Promise<string>
  /** Change feed; `return()` stops it and frees its buffer. See `../watch.ts`. */
  watch(filter?: Filter): AsyncIterableIterator<ChangeEvent>
  /**
   * Optional: runs an already validated aggregation pipeline natively (MongoDB). Stores
   * without it get the shared engine of `./query/aggregate/`, fed by `find`.
   */
  aggregate?(pipeline: Record<string, unknown>[]): AsyncIterable<Record<string, unknown>>
}

export interface Store {
  readonly kind: 'memory' | 'sqlite' | 'postgres' | 'mongodb'
  collection(name: string): StoreCollection
  /** memory runs fn under a lock with rollback by snapshot; sqlite/postgres use real transactions. */
  transaction<T>(fn: () => Promise<T>): Promise<T>
  close(): Promise<void>
}

export type StoreFactory = (url: URL | string) => Promise<Store>
