// The result of `find`: nothing runs until it is iterated or `toArray()` is called, so
// options can be chained on before the query reaches the store.

import { DataError } from './errors.js'
import type { FindOptions, SortSpec } from './store.js'

export class Cursor<T> implements AsyncIterable<T> {
  readonly #run: (options: FindOptions) => AsyncIterable<T>
  readonly #options: FindOptions
  #started = false

  constructor(run: (options: FindOptions) => AsyncIterable<T>, options: FindOptions) {
    this.#run = run
    this.#options = { ...options }
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

  async toArray(): Promise<T[]> {
    const all: T[] = []
    for await (const doc of this) all.push(doc)
    return all
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
