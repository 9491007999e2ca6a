// One collection of the memory store. Documents live in a Map keyed by their `_id` (with
// its type, so 1 and '1' differ), in insertion order, which is the natural order of find.
// Documents are copied in and out, so callers never hold the stored objects (the
// aggregation engine reads them in place and copies its output instead). Finds on
// `_id` or an indexed path read candidates from the indexes (see memory-lookup.ts).

import { lazyResults } from '../cursor.js'
import { DuplicateKeyError } from '../errors.js'
import { objectId } from '../objectid.js'
import {
  type Comparator,
  cloneValue,
  compileFilter,
  compileProjection,
  compileSort,
  distinctValues,
  splitPath,
  upsertDocument,
  valuesEqual,
} from '../query/index.js'
import type {
  ChangeEvent,
  DocId,
  Explanation,
  Filter,
  FindOptions,
  IndexInfo,
  IndexSpec,
  StoreCollection,
  StoredDocument,
  UpdateOptions,
  UpdateResult,
  UpdateSpec,
} from '../store.js'
import { WatchHub } from '../watch.js'
import { indexConflict, recordOf, sameIndex } from './index-records.js'
import { FieldIndex, type Ids, type Lookup, type ScalarKey, UniqueIndex } from './memory-index.js'
import { type LookupSource, lookupFilter, rangeOf } from './memory-lookup.js'
import { indexName } from './unique-keys.js'
import { type DocumentChange, immutableId, type Limit, StoreWrites } from './writes.js'

export interface MemoryState {
  docs: Map<string, StoredDocument>
  indexes: Map<UniqueIndex, Map<string, string>>
  infos: Map<string, IndexInfo>
}

interface Host {
  gate(): Promise<void>
  emit(publish: () => void): void
}

function idKey(id: DocId): string {
  return `${typeof id}:${id}`
}

export class MemoryCollection extends StoreWrites implements StoreCollection {
  readonly insertsInOrder = true
  readonly name: string
  readonly #host: Host
  #docs = new Map<string, StoredDocument>()
  readonly #unique = new Map<string, UniqueIndex>()
  readonly #indexes = new Map<string, IndexInfo>()
  /** Lookup indexes by dotted path: the leading path of every index. */
  readonly #fields = new Map<string, FieldIndex>()
  /** Insertion order of each stored document (an update's result inherits it), to order candidates. */
  readonly #order = new WeakMap<StoredDocument, number>()
  #inserted = 0
  // Lookups by _id read the Map's keys; an upsert can store an odd _id (from its filter),
  // whose equality a Map key would not capture: lookups by _id then stop.
  #plainIds = true
  readonly #hub = new WatchHub()
  readonly #lookups: LookupSource = {
    equal: (path, values) => (path === '_id' ? this.#byId(values) : this.#equal(path, values)),
    range: (path, lower, upper) => this.#fields.get(path)?.range(lower, upper) ?? null,
  }

  constructor(name: string, host: Host) {
    super()
    this.name = name
    this.#host = host
  }

  async insertMany(docs: StoredDocument[]): Promise<void> {
    await this.#host.gate()
    const staged = docs.map((doc) => cloneValue(doc))
    this.#checkNew(staged)
    for (const doc of staged) this.#put(doc)
    for (const doc of staged) this.#publish({ type: 'insert', collection: this.name, id: doc._id, doc })
  }

  // Checks every new document against the stored ones and against each other before
  // anything is written, so a clash in the middle leaves nothing half-inserted. In
  // document order, `_id` first, as MongoDB meets them inserting one by one.
  #checkNew(docs: StoredDocument[]): void {
    const ids = new Set<string>()
    const seen = new Map<UniqueIndex, Map<string, string>>()
    for (const doc of docs) {
      const owner = idKey(doc._id)
      if (this.#docs.has(owner) || ids.has(owner)) throw new DuplicateKeyError('_id_', { _id: doc._id })
      ids.add(owner)
      for (const index of this.#unique.values()) {
        index.check(doc, owner)
        let keys = seen.get(index)
        if (!keys) seen.set(index, (keys = new Map()))
        for (const key of index.keysOf(doc)) {
          if (keys.has(key) && keys.get(key) !== owner)
            throw new DuplicateKeyError(index.name, index.keyFields(doc))
          keys.set(key, owner)
        }
      }
    }
  }

  find(filter: Filter, options: FindOptions): AsyncIterable<StoredDocument> {
    return lazyResults(async () => {
      await this.#host.gate()
      const project = compileProjection(options.projection)
      return this.#select(filter, options).map((doc) => project(cloneValue(doc)) as StoredDocument)
    })
  }

  // What find gives, uncopied: for the aggregation engine alone, which only reads it. A
  // stored document is never changed once stored (an update stores a new object), so
  // what the engine holds stays as it was while the pipeline runs.
  async findInPlace(
    filter: Filter,
    options: Omit<FindOptions, 'projection'>,
  ): Promise<readonly StoredDocument[]> {
    await this.#host.gate()
    return this.#select(filter, options)
  }

  /** JavaScript over every document, or over the candidates the indexes give. */
  async explain(filter: Filter): Promise<Explanation> {
    const candidates = lookupFilter(filter, this.#lookups)
    return {
      store: 'memory',
      pushdown: 'none',
      indexes: [],
      fullScan: candidates === null,
      detail: { candidates: candidates?.size ?? this.#docs.size, documents: this.#docs.size },
    }
  }

  #select(filter: Filter, options: FindOptions): StoredDocument[] {
    const matches = compileFilter(filter)
    const skip = options.skip ?? 0
    const end = options.limit ? skip + options.limit : Number.POSITIVE_INFINITY
    const sort = options.sort && Object.keys(options.sort).length > 0 ? this.#comparator(options.sort) : null
    const candidates = lookupFilter(filter, this.#lookups)
    if (sort && end < Number.POSITIVE_INFINITY) {
      const walked = this.#walkInOrder(filter, options.sort!, matches, end, candidates)
      if (walked) return walked.slice(skip, end)
    }
    const found: StoredDocument[] = []
    if (candidates) {
      this.#collect(candidates, matches, found)
      if (!sort) found.sort(this.#byOrder)
    } else {
      for (const doc of this.#docs.values()) {
        if (!matches(doc)) continue
        found.push(doc)
        if (!sort && found.length >= end) break
      }
    }
    const page = sort ? firstSorted(found, sort, end) : found
    return skip > 0 || page.length > end ? page.slice(skip, end) : page
  }

  /**
   * A page sorted on one indexed path that the filter bounds to a range: the index gives
   * the documents in key order, so the walk stops once the page is full. Null when that
   * does not apply, or another condition narrows better.
   */
  #walkInOrder(
    filter: Filter,
    sort: NonNullable<FindOptions['sort']>,
    matches: (doc: StoredDocument) => boolean,
    end: number,
    best: Lookup | null,
  ): StoredDocument[] | null {
    const paths = Object.keys(sort)
    if (paths.length !== 1) return null
    const index = this.#fields.get(paths[0])
    const range = rangeOf(filter[paths[0]])
    if (!index || !range || !index.sortsByKey) return null
    const { size, sets } = index.range(range.lower, range.upper)
    if (best && best.size < size) return null
    const found: StoredDocument[] = []
    const descending = sort[paths[0]] === -1
    for (let i = 0; i < sets.length && found.length < end; i++) {
      const ids = sets[descending ? sets.length - 1 - i : i]
      // Ties keep insertion order: read straight from the set while it keeps that order.
      const group: StoredDocument[] = index.inOrder ? found : []
      for (const owner of ids) {
        const doc = this.#docs.get(owner)
        if (doc && matches(doc)) group.push(doc)
        if (index.inOrder && found.length >= end) break
      }
      if (!index.inOrder) found.push(...group.sort(this.#byOrder))
    }
    return found
  }

  /** The matching candidates, each once, in no particular order. */
  #collect(candidates: Lookup, matches: (doc: StoredDocument) => boolean, found: StoredDocument[]): void {
    const seen = candidates.sets.length > 1 ? new Set<string>() : null
    for (const ids of candidates.sets) {
      for (const owner of ids) {
        if (seen) {
          if (seen.has(owner)) continue
          seen.add(owner)
        }
        const doc = this.#docs.get(owner)
        if (doc && matches(doc)) found.push(doc)
      }
    }
  }

  // The sort, then insertion order: what a stable sort of the documents in order gives.
  #comparator(spec: NonNullable<FindOptions['sort']>): Comparator {
    const compare = compileSort(spec)
    return (a, b) => compare(a, b) || this.#byOrder(a as StoredDocument, b as StoredDocument)
  }

  readonly #byOrder = (a: StoredDocument, b: StoredDocument): number =>
    (this.#order.get(a) ?? 0) - (this.#order.get(b) ?? 0)

  #byId(values: ScalarKey[]): Lookup | null {
    if (!this.#plainIds) return null
    const ids = new Set<string>()
    for (const value of values) {
      if (typeof value === 'boolean') continue
      const owner = idKey(value)
      if (this.#docs.has(owner)) ids.add(owner)
    }
    return { size: ids.size, sets: [ids] }
  }

  #equal(path: string, values: ScalarKey[]): Lookup | null {
    const index = this.#fields.get(path)
    if (!index) return null
    if (values.length === 1) return index.equal(values[0])
    const sets: Ids[] = []
    let size = 0
    for (const value of values) {
      const found = index.equal(value)
      sets.push(...found.sets)
      size += found.size
    }
    return { size, sets }
  }

  async count(filter: Filter): Promise<number> {
    await this.#host.gate()
    return this.#select(filter, {}).length
  }

  async distinct(field: string, filter: Filter): Promise<unknown[]> {
    await this.#host.gate()
    const segments = splitPath(field)
    return distinctValues(this.#select(filter, {}), segments, cloneValue)
  }

  // Computes and validates every new document first, then checks unique indexes, then
  // writes: a failure at any step leaves the collection unchanged.
  protected async update(
    filter: Filter,
    options: UpdateOptions,
    limit: Limit,
    change: DocumentChange,
    spec: UpdateSpec,
  ): Promise<UpdateResult> {
    await this.#host.gate()
    const matched = this.#select(filter, limit ? { limit } : {})
    if (matched.length === 0) return options.upsert ? this.#upsert(filter, spec, options) : noMatch()
    const changes: { before: StoredDocument; after: StoredDocument }[] = []
    for (const before of matched) {
      let after = change(before)
      if (options.validate) after = await options.validate(after)
      if (!valuesEqual(before._id, after._id)) throw immutableId()
      if (!valuesEqual(before, after)) changes.push({ before, after })
    }
    this.#replaceAll(changes)
    return { matchedCount: matched.length, modifiedCount: changes.length, upsertedId: null }
  }

  async #upsert(filter: Filter, update: UpdateSpec, options: UpdateOptions): Promise<UpdateResult> {
    const built = upsertDocument(filter, update)
    let doc = (built._id === undefined ? { _id: objectId(), ...built } : built) as StoredDocument
    if (options.validate) doc = await options.validate(doc)
    await this.insertMany([doc])
    return { matchedCount: 0, modifiedCount: 0, upsertedId: doc._id }
  }

  #replaceAll(changes: { before: StoredDocument; after: StoredDocument }[]): void {
    const state = changes.length > 1 ? this.snapshot() : null
    try {
      for (const { before, after } of changes) this.#swap(before, after)
    } catch (error) {
      if (state) this.restore(state)
      throw error
    }
    for (const { before, after } of changes) {
      this.#publish({ type: 'update', collection: this.name, id: after._id, doc: after }, before)
    }
  }

  #swap(before: StoredDocument, after: StoredDocument): void {
    const owner = idKey(before._id)
    for (const index of this.#unique.values()) index.check(after, owner)
    for (const index of this.#unique.values()) {
      index.remove(before, owner)
      index.add(after, owner)
    }
    for (const index of this.#fields.values()) index.replace(before, after, owner)
    this.#order.set(after, this.#order.get(before) ?? 0)
    this.#docs.set(owner, after)
  }

  protected async delete(filter: Filter, limit: Limit): Promise<number> {
    await this.#host.gate()
    const matched = this.#select(filter, limit ? { limit } : {})
    for (const doc of matched) {
      const owner = idKey(doc._id)
      for (const index of this.#unique.values()) index.remove(doc, owner)
      for (const index of this.#fields.values()) index.remove(doc, owner)
      this.#docs.delete(owner)
      this.#publish({ type: 'delete', collection: this.name, id: doc._id }, doc)
    }
    return matched.length
  }

  async createIndex(spec: IndexSpec): Promise<string> {
    await this.#host.gate()
    const name = indexName(spec)
    const info = recordOf(spec, name)
    const existing = this.#indexes.get(name)
    if (existing) {
      if (sameIndex(existing, info)) return name
      throw indexConflict(this.name, name)
    }
    if (!spec.unique) {
      this.#addField(Object.keys(spec.keys)[0])
      this.#indexes.set(name, info)
      return name
    }
    const index = new UniqueIndex(spec)
    const entries = new Map<string, string>()
    for (const [owner, doc] of this.#docs) {
      for (const key of index.keysOf(doc)) {
        if (entries.has(key)) throw new DuplicateKeyError(name, index.keyFields(doc))
        entries.set(key, owner)
      }
    }
    index.setEntries(entries)
    this.#unique.set(name, index)
    this.#addField(Object.keys(spec.keys)[0])
    this.#indexes.set(name, info)
    return name
  }

  async listIndexes(): Promise<IndexInfo[]> {
    await this.#host.gate()
    return [...this.#indexes.values()].filter((info) => info.name !== '_id_')
  }

  /** The field index stays: it only speeds lookups up. */
  async dropIndex(name: string): Promise<void> {
    await this.#host.gate()
    this.#indexes.delete(name)
    this.#unique.delete(name)
  }

  #addField(path: string | undefined): void {
    if (path === undefined || path === '_id' || this.#fields.has(path)) return
    const segments = splitPath(path)
    if (!FieldIndex.covers(segments)) return
    const index = new FieldIndex(segments)
    for (const [owner, doc] of this.#docs) index.add(doc, owner)
    this.#fields.set(path, index)
  }

  watch(filter?: Filter): AsyncIterableIterator<ChangeEvent> {
    return this.#hub.subscribe(filter)
  }

  #put(doc: StoredDocument): void {
    const owner = idKey(doc._id)
    for (const index of this.#unique.values()) index.add(doc, owner)
    for (const index of this.#fields.values()) index.add(doc, owner)
    if (typeof doc._id !== 'string' && typeof doc._id !== 'number') this.#plainIds = false
    this.#order.set(doc, this.#inserted++)
    this.#docs.set(owner, doc)
  }

  #publish(event: ChangeEvent, before?: StoredDocument): void {
    if (this.#hub.size === 0) return
    const copy = event.type === 'delete' ? event : { ...event, doc: cloneValue(event.doc) }
    this.#host.emit(() => this.#hub.publish(copy, before))
  }

  snapshot(): MemoryState {
    const indexes = new Map<UniqueIndex, Map<string, string>>()
    for (const index of this.#unique.values()) indexes.set(index, index.copyEntries())
    return { docs: new Map(this.#docs), indexes, infos: new Map(this.#indexes) }
  }

  /** Puts back a snapshot; a collection created after it (no snapshot) is emptied. */
  restore(state: MemoryState | undefined): void {
    this.#docs = state ? state.docs : new Map()
    // Indexes created since the snapshot go too.
    this.#indexes.clear()
    for (const [name, info] of state?.infos ?? []) this.#indexes.set(name, info)
    for (const name of this.#unique.keys()) if (!this.#indexes.has(name)) this.#unique.delete(name)
    for (const index of this.#unique.values()) {
      const entries = state?.indexes.get(index)
      if (entries) index.setEntries(entries)
      else {
        index.setEntries(new Map())
        for (const [owner, doc] of this.#docs) index.add(doc, owner)
      }
    }
    for (const index of this.#fields.values()) {
      index.clear()
      for (const [owner, doc] of this.#docs) index.add(doc, owner)
    }
  }

  closeFeeds(): void {
    this.#hub.close()
  }
}

/** The first `count` items in `compare` order (a total order): a full sort only when it needs most of them. */
function firstSorted<T>(items: T[], compare: (a: T, b: T) => number, count: number): T[] {
  if (count * 4 >= items.length) return items.sort(compare)
  const best: T[] = []
  for (const item of items) {
    if (best.length === count && compare(item, best[count - 1]) >= 0) continue
    let lo = 0
    let hi = best.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (compare(item, best[mid]) < 0) hi = mid
      else lo = mid + 1
    }
    best.splice(lo, 0, item)
    if (best.length > count) best.pop()
  }
  return best
}

function noMatch(): UpdateResult {
  return { matchedCount: 0, modifiedCount: 0, upsertedId: null }
}
