// The result of `find`: nothing runs until it is iterated or `toArray()` is called, so
// options can be chained on before the query reaches the store.

import { DataError } from './errors.js'
import type { Explanation, Filter, FindOptions, SortSpec, StoreCollection } from './store.js'

/**
 * What a live query needs to follow a cursor (see `liveSource`): the store collection
 * (its change feed, one per collection), the filter as the store sees it, and a way to
 * run the same query again with other options.
 */
export interface LiveSource {
  /** The collection's name. */
  readonly collection: string
  /** The store's collection: the same object for every cursor on one collection of one store. */
  readonly store: StoreCollection
  /** The filter as the store receives it (soft-delete scope included). */
  readonly filter: Filter
  /** The cursor's options as set now: sort, skip, limit, projection. */
  readonly options: FindOptions
  /** Runs the cursor's query with `options` instead of its own (they are checked as find() checks them). */
  run(options: FindOptions): Promise<unknown[]>
}

/** Where a Collection's cursor comes from; cursors without one (populate) cannot be followed live. */
export interface CursorOrigin {
  collection: string
  store: StoreCollection
  filter: Filter
}

export class Cursor<T> implements AsyncIterable<T> {
  readonly #run: (options: FindOptions) => AsyncIterable<T>
  readonly #explain: ((options: FindOptions) => Promise<Explanation>) | undefined
  readonly #options: FindOptions
  readonly #origin: CursorOrigin | undefined
  #started = false

  constructor(
    run: (options: FindOptions) => AsyncIterable<T>,
    options: FindOptions,
    explain?: (options: FindOptions) => Promise<Explanation>,
    origin?: CursorOrigin,
  ) {
    this.#run = run
    this.#options = { ...options }
    this.#explain = explain
    this.#origin = origin
  }

  /** See `liveSource`. */
  static liveSource(cursor: Cursor<unknown>): LiveSource | undefined {
    const origin = cursor.#origin
    if (!origin) return undefined
    const run = cursor.#run
    return {
      ...origin,
      options: { ...cursor.#options },
      run: (options) => collect(run({ ...options })),
    }
  }

  /**
   * How this find would run, without running it: the SQL, how much of the query the
   * database answers, the indexes it uses and whether it reads the whole collection.
   */
  explain(): Promise<Explanation> {
    if (!this.#explain) throw new DataError('WEFT_DATA_NO_EXPLAIN', 'This cursor cannot explain its query.')
    return this.#explain({ ...this.#options })
  }

  /** `find({}).sort({ createdAt: -1 })` — same as the `sort` option. */
  sort(spec: SortSpec): this {
    return this.#set({ sort: spec })
  }

  skip(count: number): this {
    return this.#set({ skip: count })
  }

  limit(count: number): this {
    return this.#set({ limit: count })
  }

  toArray(): Promise<T[]> {
    this.#started = true
    // The store's own promise, passed on as it is: an async function around it would add
    // promise turns to every find. A bad option still rejects rather than throws.
    try {
      return collect(this.#run(this.#options))
    } catch (error) {
      return Promise.reject(error)
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    this.#started = true
    return this.#run(this.#options)[Symbol.asyncIterator]()
  }

  #set(options: FindOptions): this {
    if (this.#started)
      throw new DataError('WEFT_DATA_CURSOR_STARTED', 'Set sort, skip and limit before iterating the cursor.')
    Object.assign(this.#options, options)
    return this
  }
}

/**
 * What a live query (weftjs/realtime) follows: the cursor's collection, store, filter
 * and options. Undefined for a cursor that cannot be followed (one that populates).
 */
export function liveSource(cursor: Cursor<unknown>): LiveSource | undefined {
  return Cursor.liveSource(cursor)
}

/**
 * A store's results as one array: whole at once when it gives them so (see lazyResults),
 * saving a promise per document, else one by one.
 */
export function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const whole = (source as { toArray?: () => Promise<T[]> }).toArray
  return typeof whole === 'function' ? whole.call(source) : iterate(source)
}

async function iterate<T>(source: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = []
  for await (const doc of source) all.push(doc)
  return all
}

/**
 * An AsyncIterable over results computed on the first `next()`: cheaper per document
 * than an async generator, which costs several promise turns for each one it yields.
 * `toArray()` hands the whole result to the cursor's `toArray()` at once.
 */
export function lazyResults<T>(load: () => Promise<T[]>): AsyncIterable<T> & { toArray(): Promise<T[]> } {
  return new LazyResults(load)
}

// A class, not an object literal: a literal with a computed key (`[Symbol.asyncIterator]`)
// is built through the runtime's slow path, a cost paid by every find.
class LazyResults<T> implements AsyncIterable<T> {
  readonly toArray: () => Promise<T[]>

  constructor(load: () => Promise<T[]>) {
    this.toArray = load
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    const load = this.toArray
    let results: T[] | null = null
    let index = 0
    return {
      async next(): Promise<IteratorResult<T>> {
        results ??= await load()
        return index < results.length
          ? { value: results[index++], done: false }
          : { value: undefined, done: true }
      },
      async return(): Promise<IteratorResult<T>> {
        results = []
        return { value: undefined, done: true }
      },
    }
  }
}
