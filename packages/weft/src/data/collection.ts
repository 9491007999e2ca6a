// The public collection: ids, schema validation, filter checks (unknown operators,
// server-side code, operator injection), then the store. Every store sees only
// validated input, so the rules here hold the same everywhere.

import { Cursor } from './cursor.js'
import { DataError, QueryError } from './errors.js'
import { objectId } from './objectid.js'
import {
  compileProjection,
  compileSort,
  containsDollarKey,
  isOperatorUpdate,
  validateFilter,
  validateUpdate,
} from './query/index.js'
import { type StandardSchemaV1, validateDocument } from './schema.js'
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
} from './store.js'

type Doc = Record<string, unknown>
/**
 * The `_id` of a collection's documents: the type its schema declares for `_id`, else a
 * string (the generated ObjectId). A collection without a type may hold any `DocId`.
 */
export type IdOf<T> = string extends keyof T
  ? DocId
  : '_id' extends keyof T
    ? NonNullable<T['_id' & keyof T]>
    : string
export type WithId<T> = T & { _id: IdOf<T> }
/** A document to write: its fields, with an optional `_id`. */
export type NewDocument<T> = T & { _id?: IdOf<T> }

export interface FilterOptions {
  /** Accept `$` operators inside values and from `untrusted()` input. See docs/data.md. */
  allowOperators?: boolean
}
export interface FindOneOptions extends FilterOptions {
  sort?: FindOptions['sort']
  skip?: number
  projection?: FindOptions['projection']
}
export interface CollectionFindOptions extends FindOneOptions {
  limit?: number
}
export interface CollectionUpdateOptions extends FilterOptions {
  upsert?: boolean
}

export class Collection<T = Doc, TInput = T> {
  readonly name: string
  readonly #store: StoreCollection
  readonly #schema: StandardSchemaV1 | undefined

  constructor(name: string, store: StoreCollection, schema?: StandardSchemaV1) {
    this.name = name
    this.#store = store
    this.#schema = schema
  }

  /** Inserts one document; `_id` is generated unless given. */
  async insertOne(doc: NewDocument<TInput>): Promise<{ insertedId: IdOf<T>; document: WithId<T> }> {
    const [stored] = await this.#prepareAll([doc as Doc])
    await this.#store.insertMany([stored])
    return { insertedId: stored._id as IdOf<T>, document: stored as WithId<T> }
  }

  /** Validates every document first, then inserts all or none. */
  async insertMany(docs: NewDocument<TInput>[]): Promise<{ insertedIds: IdOf<T>[]; insertedCount: number }> {
    if (!Array.isArray(docs)) throw new QueryError('insertMany needs an array of documents.')
    const stored = await this.#prepareAll(docs as Doc[])
    if (stored.length > 0) await this.#store.insertMany(stored)
    return { insertedIds: stored.map((doc) => doc._id as IdOf<T>), insertedCount: stored.length }
  }

  async findOne(filter: Filter = {}, options: FindOneOptions = {}): Promise<WithId<T> | null> {
    const [first] = await this.find(filter, { ...options, limit: 1 }).toArray()
    return first ?? null
  }

  /** A lazy cursor: `await tasks.find({ done: false }, { sort: { _id: 1 } }).toArray()`. */
  find(filter: Filter = {}, options: CollectionFindOptions = {}): Cursor<WithId<T>> {
    this.#checkFilter(filter, options)
    const { allowOperators: _allow, ...findOptions } = options
    checkFindOptions(findOptions)
    return new Cursor(
      (final) => {
        checkFindOptions(final)
        return this.#store.find(filter, final) as AsyncIterable<WithId<T>>
      },
      findOptions,
      (final) => {
        checkFindOptions(final)
        if (!this.#store.explain)
          throw new DataError('WEFT_DATA_NO_EXPLAIN', `The store of "${this.name}" cannot explain queries.`)
        return this.#store.explain(filter, final)
      },
    )
  }

  async countDocuments(filter: Filter = {}, options: FilterOptions = {}): Promise<number> {
    this.#checkFilter(filter, options)
    return this.#store.count(filter)
  }

  async distinct(field: string, filter: Filter = {}, options: FilterOptions = {}): Promise<unknown[]> {
    if (typeof field !== 'string' || field === '') throw new QueryError('distinct needs a field name.')
    this.#checkFilter(filter, options)
    return this.#store.distinct(field, filter)
  }

  async updateOne(
    filter: Filter,
    update: UpdateSpec,
    options: CollectionUpdateOptions = {},
  ): Promise<UpdateResult> {
    return this.#store.updateOne(filter, update, this.#updateOptions(filter, update, options))
  }

  async updateMany(
    filter: Filter,
    update: UpdateSpec,
    options: CollectionUpdateOptions = {},
  ): Promise<UpdateResult> {
    return this.#store.updateMany(filter, update, this.#updateOptions(filter, update, options))
  }

  /** Replaces the first match's fields (keeping its `_id`) with `doc`, validated. */
  async replaceOne(
    filter: Filter,
    doc: NewDocument<TInput>,
    options: CollectionUpdateOptions = {},
  ): Promise<UpdateResult> {
    this.#checkFilter(filter, options)
    const replacement = doc as Doc
    if (typeof replacement !== 'object' || replacement === null || isOperatorUpdate(replacement)) {
      throw new QueryError(
        'replaceOne needs a plain document without $ operators; use updateOne to apply operators.',
      )
    }
    checkFieldNames(replacement)
    if (replacement._id !== undefined) checkId(replacement._id)
    const storeOptions: UpdateOptions = { upsert: options.upsert === true }
    if (this.#schema) storeOptions.validate = (next) => this.#validate(next)
    return this.#store.replaceOne(filter, replacement, storeOptions)
  }

  async deleteOne(filter: Filter, options: FilterOptions = {}): Promise<number> {
    this.#checkFilter(filter, options)
    return this.#store.deleteOne(filter)
  }

  async deleteMany(filter: Filter, options: FilterOptions = {}): Promise<number> {
    this.#checkFilter(filter, options)
    return this.#store.deleteMany(filter)
  }

  /** `createIndex({ email: 1 }, { unique: true })` -> the index name, e.g. `email_1`. */
  async createIndex(
    keys: IndexSpec['keys'],
    options: { unique?: boolean; name?: string } = {},
  ): Promise<string> {
    compileSort(keys)
    return this.#store.createIndex({ keys, ...options })
  }

  /** Changes as they happen: `for await (const change of tasks.watch({ done: false }))`. */
  watch(filter?: Filter, options: FilterOptions = {}): AsyncIterableIterator<ChangeEvent> {
    if (filter) this.#checkFilter(filter, options)
    return this.#store.watch(filter)
  }

  #checkFilter(filter: Filter, options: FilterOptions): void {
    validateFilter(filter, { allowOperators: options.allowOperators === true })
  }

  #updateOptions(filter: Filter, update: UpdateSpec, options: CollectionUpdateOptions): UpdateOptions {
    this.#checkFilter(filter, options)
    if (!isOperatorUpdate(update)) {
      throw new QueryError(
        'An update needs operators, e.g. { $set: { done: true } }; use replaceOne to replace.',
      )
    }
    validateUpdate(update, { allowOperators: options.allowOperators === true })
    const storeOptions: UpdateOptions = { upsert: options.upsert === true }
    if (this.#schema) storeOptions.validate = (next) => this.#validate(next)
    return storeOptions
  }

  async #prepareAll(docs: Doc[]): Promise<StoredDocument[]> {
    const prepared = docs.map(withId)
    if (!this.#schema) return prepared
    return Promise.all(prepared.map((doc) => this.#validate(doc)))
  }

  async #validate(doc: StoredDocument): Promise<StoredDocument> {
    if (!this.#schema) return doc
    const valid = await validateDocument(this.#schema, this.name, doc)
    checkFieldNames(valid)
    return valid
  }
}

function withId(doc: Doc): StoredDocument {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new QueryError('A document must be an object, e.g. { title: "Ship" }.')
  }
  checkFieldNames(doc)
  const { _id, ...rest } = doc
  if (_id !== undefined) checkId(_id)
  return { _id: (_id as DocId | undefined) ?? objectId(), ...rest }
}

function checkId(id: unknown): void {
  const ok = typeof id === 'string' ? id !== '' : typeof id === 'number' && Number.isFinite(id)
  if (!ok)
    throw new DataError(
      'WEFT_DATA_BAD_ID',
      `_id must be a non-empty string or a finite number, got ${JSON.stringify(id)}.`,
    )
}

// Stored field names never start with "$": such a document could be read back as a query.
function checkFieldNames(doc: Doc): void {
  if (containsDollarKey(doc)) {
    throw new DataError(
      'WEFT_DATA_BAD_FIELD',
      'Field names may not start with "$" (they would read as operators). Rename the field.',
    )
  }
}

function checkFindOptions(options: FindOptions): void {
  for (const name of ['skip', 'limit'] as const) {
    const value = options[name]
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
      throw new QueryError(`${name} must be a whole number of 0 or more, got ${JSON.stringify(value)}.`)
    }
  }
  if (options.sort) compileSort(options.sort)
  compileProjection(options.projection)
}
