// The public collection: ids, schema validation, filter checks (unknown operators,
// server-side code, operator injection), then the store. Every store sees only
// validated input, so the rules here hold the same everywhere.

import { checkFieldNames, checkFindOptions, checkId, sequential, withId } from './collection-checks.js'
import {
  type CollectionOptions,
  keepFields,
  NOT_DELETED,
  notDeleted,
  runHooks,
  runInsertHooks,
  stampNew,
  stampUpdate,
  type UpdateHookContext,
} from './collection-hooks.js'
import { Cursor, collect, lazyResults } from './cursor.js'
import { DataError, QueryError } from './errors.js'
import { keysetPage, type PageOptions } from './keyset.js'
import { type PopulateOption, planPopulate, populate } from './populate.js'
import {
  compilePipeline,
  copyOut,
  type ForeignFind,
  readsInPlace,
  splitGroup,
  splitPipeline,
  validatePipeline,
} from './query/aggregate/index.js'
import { compileSort, isOperatorUpdate, validateFilter, validateUpdate } from './query/index.js'
import { type StandardSchemaV1, validateDocument } from './schema.js'
import type {
  ChangeEvent,
  DocId,
  FindOptions,
  IndexInfo,
  IndexSpec,
  StoreCollection,
  StoredDocument,
  Filter as StoreFilter,
  UpdateOptions,
  UpdateResult,
  UpdateSpec,
} from './store.js'
import type { Filter, Update } from './typed.js'

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
  /** On a `softDelete` collection: include soft-deleted documents. */
  withDeleted?: boolean
}
export interface DeleteOptions extends FilterOptions {
  /** On a `softDelete` collection: remove the documents for real. */
  hard?: boolean
}
export interface FindOneOptions extends FilterOptions {
  /** Declared references to replace by their documents: `['author']`, `{ author: { name: 1 } }`. */
  populate?: PopulateOption
  sort?: FindOptions['sort']
  skip?: number
  projection?: FindOptions['projection']
}
export interface CollectionFindOptions extends FindOneOptions {
  limit?: number
}
export type { PageOptions }
export interface CollectionUpdateOptions extends FilterOptions {
  upsert?: boolean
  /** Conditions for `$[name]` in update paths: `[{ 'g.score': { $gte: 8 } }]`. */
  arrayFilters?: Record<string, unknown>[]
}

/** What `aggregate()` returns: iterate it, or `toArray()`. Runs when first read. */
export type AggregateResults<R> = AsyncIterable<R> & { toArray(): Promise<R[]> }

export class Collection<T = Doc, TInput = T> {
  readonly name: string
  readonly #store: StoreCollection
  readonly #schema: StandardSchemaV1 | undefined
  readonly #sibling: ((name: string) => Collection) | undefined
  readonly #options: CollectionOptions<T>
  /** Fields Weft writes that survive schema validation (timestamps, deletedAt). */
  readonly #kept: string[]
  /** Creates the declared indexes (once per Db); awaited before every write. */
  readonly #ready: (() => Promise<void>) | undefined

  constructor(
    name: string,
    store: StoreCollection,
    schema?: StandardSchemaV1,
    sibling?: (name: string) => Collection,
    options: CollectionOptions<T> = {},
    ready?: () => Promise<void>,
  ) {
    this.#ready = ready
    this.name = name
    this.#store = store
    this.#schema = schema
    this.#sibling = sibling
    this.#options = options
    this.#kept = [
      ...(options.timestamps ? ['createdAt', 'updatedAt'] : []),
      ...(options.softDelete ? ['deletedAt'] : []),
    ]
  }

  /** Inserts one document; `_id` is generated unless given. */
  async insertOne(doc: NewDocument<TInput>): Promise<{ insertedId: IdOf<T>; document: WithId<T> }> {
    const [stored] = await this.#prepareAll([doc as Doc])
    await this.#ready?.()
    await this.#store.insertMany([stored])
    await runHooks(this.#options.hooks?.post?.insert, stored as WithId<T>)
    return { insertedId: stored._id as IdOf<T>, document: stored as WithId<T> }
  }

  /** Validates every document first, then inserts all or none. */
  async insertMany(docs: NewDocument<TInput>[]): Promise<{ insertedIds: IdOf<T>[]; insertedCount: number }> {
    if (!Array.isArray(docs)) throw new QueryError('insertMany needs an array of documents.')
    const stored = await this.#prepareAll(docs as Doc[])
    await this.#ready?.()
    if (stored.length > 0) await this.#store.insertMany(stored)
    const post = this.#options.hooks?.post?.insert
    // Without hooks, no await per document: a promise turn each, a thousand for a batch.
    if (post) for (const doc of stored) await runHooks(post, doc as WithId<T>)
    return { insertedIds: stored.map((doc) => doc._id as IdOf<T>), insertedCount: stored.length }
  }

  async findOne(
    filter: Filter<T> = {} as Filter<T>,
    options: FindOneOptions = {},
  ): Promise<WithId<T> | null> {
    const [first] = await this.find(filter, { ...options, limit: 1 }).toArray()
    return first ?? null
  }

  /** A lazy cursor: `await tasks.find({ done: false }, { sort: { _id: 1 } }).toArray()`. */
  find(filter: Filter<T> = {} as Filter<T>, options: CollectionFindOptions = {}): Cursor<WithId<T>> {
    this.#checkFilter(filter, options)
    const { allowOperators: _allow, withDeleted: _deleted, populate: wanted, ...findOptions } = options
    const scoped = this.#scope(filter as StoreFilter, options)
    const plan = wanted === undefined ? undefined : planPopulate(wanted, this.#options.refs)
    checkFindOptions(findOptions)
    return new Cursor(
      (final) => {
        checkFindOptions(final)
        const found = this.#store.find(scoped, final) as AsyncIterable<WithId<T>>
        if (!plan) return found
        return lazyResults(
          async () =>
            (await populate(await collect(found), plan, (name, ids) =>
              this.#byIds(name, ids),
            )) as WithId<T>[],
        )
      },
      findOptions,
      (final) => {
        checkFindOptions(final)
        if (!this.#store.explain)
          throw new DataError('WEFT_DATA_NO_EXPLAIN', `The store of "${this.name}" cannot explain queries.`)
        return this.#store.explain(scoped, final)
      },
      plan ? undefined : { collection: this.name, store: this.#store, filter: scoped },
    )
  }

  /**
   * Runs an aggregation pipeline: `await orders.aggregate([{ $match: ... }, { $group: ... }]).toArray()`.
   * The leading $match/$sort/$skip/$limit stages are answered by the store's find (and
   * its indexes); the rest runs in the shared engine, or natively on MongoDB.
   */
  aggregate<R = Doc>(pipeline: Doc[], options: FilterOptions = {}): AggregateResults<R> {
    validatePipeline(pipeline, { allowOperators: options.allowOperators === true })
    if (this.#softDeletes(options)) pipeline = [{ $match: NOT_DELETED }, ...pipeline]
    const native = this.#store.aggregate
    if (native) return lazyResults(() => collect(native.call(this.#store, pipeline))) as AggregateResults<R>
    const { filter, options: findOptions, rest } = splitPipeline(pipeline)
    const run = compilePipeline(rest)
    // A $group right after the pushed-down $match (and maybe an $unwind): the store may
    // answer it (SQL), and the $sort and $limit after it (a top N read as N rows).
    const group = this.#store.group && Object.keys(findOptions).length === 0 ? splitGroup(rest) : undefined
    const afterGroup = group && compilePipeline(group.after)
    const foreign: ForeignFind = (name, foreignFilter) => {
      if (!this.#sibling) throw new QueryError('$lookup needs a collection opened through a Db.')
      return this.#sibling(name).find(foreignFilter, { allowOperators: true }).toArray()
    }
    // The memory store lends its own documents when copying the output is the cheaper copy.
    const inPlace = this.#store.findInPlace && readsInPlace(rest)
    return lazyResults(async () => {
      const groups = group && (await this.#store.group!(filter, group.spec, group.stages))
      if (groups) return afterGroup!(groups, foreign)
      if (inPlace) return copyOut(await run(await this.#store.findInPlace!(filter, findOptions), foreign))
      const docs = await collect(this.#store.find(filter, findOptions))
      return run(docs, foreign, true)
    }) as AggregateResults<R>
  }

  /**
   * One page of a keyset pagination: `{ items, next }`; pass `next` as `after` for the
   * following page (null at the end). Correct with ties: `_id` breaks them.
   */
  async page(
    filter: Filter<T> = {} as Filter<T>,
    options: PageOptions = {},
  ): Promise<{ items: WithId<T>[]; next: string | null }> {
    return keysetPage(
      (scoped, findOptions) => this.find(scoped as Filter<T>, findOptions).toArray(),
      filter,
      options,
    )
  }

  /** The number of documents, without a filter (MongoDB answers from metadata). */
  async estimatedDocumentCount(options: FilterOptions = {}): Promise<number> {
    return this.#store.count(this.#scope({}, options))
  }

  async countDocuments(filter: Filter<T> = {} as Filter<T>, options: FilterOptions = {}): Promise<number> {
    this.#checkFilter(filter, options)
    return this.#store.count(this.#scope(filter as StoreFilter, options))
  }

  async distinct(
    field: string,
    filter: Filter<T> = {} as Filter<T>,
    options: FilterOptions = {},
  ): Promise<unknown[]> {
    if (typeof field !== 'string' || field === '') throw new QueryError('distinct needs a field name.')
    this.#checkFilter(filter, options)
    return this.#store.distinct(field, this.#scope(filter as StoreFilter, options))
  }

  async updateOne(
    filter: Filter<T>,
    update: Update<T>,
    options: CollectionUpdateOptions = {},
  ): Promise<UpdateResult> {
    return this.#update('updateOne', filter, update, options)
  }

  async updateMany(
    filter: Filter<T>,
    update: Update<T>,
    options: CollectionUpdateOptions = {},
  ): Promise<UpdateResult> {
    return this.#update('updateMany', filter, update, options)
  }

  // Hooks first (they may change the filter or update), then the checks, timestamps, store.
  async #update(
    kind: 'updateOne' | 'updateMany',
    filter: Filter<T>,
    update: Update<T>,
    options: CollectionUpdateOptions,
  ): Promise<UpdateResult> {
    const context: UpdateHookContext = { filter: filter as StoreFilter, update: update as UpdateSpec, kind }
    await runHooks(this.#options.hooks?.pre?.update, context)
    const storeOptions = this.#updateOptions(
      context.filter as Filter<T>,
      context.update as Update<T>,
      options,
    )
    const spec = this.#options.timestamps ? stampUpdate(context.update, new Date()) : context.update
    const scoped = this.#scope(context.filter, options)
    await this.#ready?.()
    const result =
      kind === 'updateOne'
        ? await this.#store.updateOne(scoped, spec, storeOptions)
        : await this.#store.updateMany(scoped, spec, storeOptions)
    await runHooks(this.#options.hooks?.post?.update, { ...context, result })
    return result
  }

  /** Replaces the first match's fields (keeping its `_id`) with `doc`, validated. */
  async replaceOne(
    filter: Filter<T>,
    doc: NewDocument<TInput>,
    options: CollectionUpdateOptions = {},
  ): Promise<UpdateResult> {
    const context: UpdateHookContext = {
      filter: filter as StoreFilter,
      update: doc as Doc,
      kind: 'replaceOne',
    }
    await runHooks(this.#options.hooks?.pre?.update, context)
    this.#checkFilter(context.filter as Filter<T>, options)
    let replacement = context.update as Doc
    if (typeof replacement !== 'object' || replacement === null || isOperatorUpdate(replacement)) {
      throw new QueryError(
        'replaceOne needs a plain document without $ operators; use updateOne to apply operators.',
      )
    }
    checkFieldNames(replacement)
    if (replacement._id !== undefined) checkId(replacement._id)
    if (this.#options.timestamps) replacement = stampNew(replacement, new Date())
    const storeOptions: UpdateOptions = { upsert: options.upsert === true }
    if (this.#schema) storeOptions.validate = (next) => this.#validate(next)
    const scoped = this.#scope(context.filter, options)
    await this.#ready?.()
    const result = await this.#store.replaceOne(scoped, replacement, storeOptions)
    await runHooks(this.#options.hooks?.post?.update, { ...context, result })
    return result
  }

  async deleteOne(filter: Filter<T>, options: DeleteOptions = {}): Promise<number> {
    return this.#delete('deleteOne', filter, options)
  }

  async deleteMany(filter: Filter<T>, options: DeleteOptions = {}): Promise<number> {
    return this.#delete('deleteMany', filter, options)
  }

  /** On a `softDelete` collection: un-deletes the soft-deleted matches; returns how many. */
  async restore(filter: Filter<T>, options: FilterOptions = {}): Promise<number> {
    this.#checkFilter(filter, options)
    const deleted = { $and: [filter as StoreFilter, { deletedAt: { $exists: true } }] }
    const result = await this.#store.updateMany(deleted, { $unset: { deletedAt: '' } }, {})
    return result.modifiedCount
  }

  async #delete(
    kind: 'deleteOne' | 'deleteMany',
    filter: Filter<T>,
    options: DeleteOptions,
  ): Promise<number> {
    const context = { filter: filter as StoreFilter, kind }
    await runHooks(this.#options.hooks?.pre?.delete, context)
    this.#checkFilter(context.filter as Filter<T>, options)
    const deletedCount =
      this.#options.softDelete && options.hard !== true
        ? await this.#softDelete(kind, this.#scope(context.filter, {}))
        : kind === 'deleteOne'
          ? await this.#store.deleteOne(context.filter)
          : await this.#store.deleteMany(context.filter)
    await runHooks(this.#options.hooks?.post?.delete, { ...context, deletedCount })
    return deletedCount
  }

  /** `createIndex({ email: 1 }, { unique: true })` -> the index name, e.g. `email_1`. */
  async createIndex(
    keys: IndexSpec['keys'],
    options: { unique?: boolean; name?: string } = {},
  ): Promise<string> {
    compileSort(keys)
    return this.#store.createIndex({ keys, ...options })
  }

  /** The indexes made on this collection (by `createIndex` or declared), `_id_` left out. */
  indexes(): Promise<IndexInfo[]> {
    return this.#store.listIndexes()
  }

  /** Drops an index by name (`email_1`); nothing happens when there is none. */
  dropIndex(name: string): Promise<void> {
    return this.#store.dropIndex(name)
  }

  /** Changes as they happen: `for await (const change of tasks.watch({ done: false }))`. */
  watch(filter?: Filter<T>, options: FilterOptions = {}): AsyncIterableIterator<ChangeEvent> {
    if (filter) this.#checkFilter(filter, options)
    return this.#store.watch(filter as StoreFilter | undefined)
  }

  // Soft delete: stamp `deletedAt` (and `updatedAt` with timestamps) on the live matches.
  async #softDelete(kind: 'deleteOne' | 'deleteMany', filter: StoreFilter): Promise<number> {
    const now = new Date()
    const update = {
      $set: this.#options.timestamps ? { deletedAt: now, updatedAt: now } : { deletedAt: now },
    }
    const result =
      kind === 'deleteOne'
        ? await this.#store.updateOne(filter, update, {})
        : await this.#store.updateMany(filter, update, {})
    return result.modifiedCount
  }

  #softDeletes(options: FilterOptions): boolean {
    return this.#options.softDelete === true && options.withDeleted !== true
  }

  #scope(filter: StoreFilter, options: FilterOptions): StoreFilter {
    return this.#softDeletes(options) ? notDeleted(filter) : filter
  }

  #byIds(collection: string, ids: unknown[]): Promise<Doc[]> {
    if (!this.#sibling) throw new QueryError('populate needs a collection opened through a Db.')
    return this.#sibling(collection)
      .find({ _id: { $in: ids } })
      .toArray()
  }

  #checkFilter(filter: Filter<T>, options: FilterOptions): void {
    validateFilter(filter as StoreFilter, { allowOperators: options.allowOperators === true })
  }

  #updateOptions(filter: Filter<T>, update: Update<T>, options: CollectionUpdateOptions): UpdateOptions {
    this.#checkFilter(filter, options)
    if (!isOperatorUpdate(update as UpdateSpec)) {
      throw new QueryError(
        'An update needs operators, e.g. { $set: { done: true } }; use replaceOne to replace.',
      )
    }
    validateUpdate(update as UpdateSpec, { allowOperators: options.allowOperators === true })
    const storeOptions: UpdateOptions = { upsert: options.upsert === true }
    if (options.arrayFilters !== undefined) {
      if (!Array.isArray(options.arrayFilters))
        throw new QueryError('arrayFilters must be an array of filters.')
      for (const arrayFilter of options.arrayFilters) this.#checkFilter(arrayFilter as Filter<T>, options)
      storeOptions.arrayFilters = options.arrayFilters
    }
    if (this.#schema) storeOptions.validate = (next) => this.#validate(next)
    return storeOptions
  }

  // pre-insert hooks, then _id, timestamps and the schema; see collection-hooks.ts.
  async #prepareAll(docs: Doc[]): Promise<StoredDocument[]> {
    const pre = this.#options.hooks?.pre
    const hooked = pre?.insert ? await sequential(docs, (doc) => runInsertHooks(pre, doc)) : docs
    const now = new Date()
    const prepared = hooked.map((doc) => {
      const stored = withId(doc)
      return this.#options.timestamps ? (stampNew(stored, now) as StoredDocument) : stored
    })
    if (!this.#schema) return prepared
    return Promise.all(prepared.map((doc) => this.#validate(doc)))
  }

  async #validate(doc: StoredDocument): Promise<StoredDocument> {
    if (!this.#schema) return doc
    let valid = await validateDocument(this.#schema, this.name, doc)
    valid = keepFields(valid, doc, this.#kept) as StoredDocument
    checkFieldNames(valid)
    return valid
  }
}
