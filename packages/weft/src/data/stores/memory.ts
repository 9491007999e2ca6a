// The in-memory store (`memory:`): a Map of documents per collection, unique indexes,
// serialised transactions with rollback by snapshot, and change feeds. It is the
// reference the other stores are tested against, and the store for tests and prototypes;
// nothing survives the process.

import type { ChangeEvent, Store, StoreCollection, StoreFactory } from '../store.js'
import { MemoryCollection, type MemoryState } from './memory-collection.js'
import { TransactionScope } from './transaction-scope.js'

export class MemoryStore implements Store {
  readonly kind = 'memory' as const
  readonly #collections = new Map<string, MemoryCollection>()
  // Transactions run one at a time; while one runs, every operation outside it waits,
  // so a rollback never discards someone else's write and nobody reads uncommitted data.
  readonly #context = new TransactionScope<symbol>()
  #lock: Promise<void> = Promise.resolve()
  #active: symbol | null = null
  #pending: (() => void)[] | null = null

  collection(name: string): StoreCollection {
    let collection = this.#collections.get(name)
    if (!collection) {
      collection = new MemoryCollection(name, this)
      this.#collections.set(name, collection)
    }
    return collection
  }

  /** Resolves when the caller may touch the data: now, unless another transaction runs. */
  async gate(): Promise<void> {
    while (this.#active !== null && this.#context.current !== this.#active) await this.#lock
  }

  /** Publishes now, or at commit when inside a transaction (dropped on rollback). */
  emit(publish: () => void): void {
    if (this.#pending && this.#context.current === this.#active) this.#pending.push(publish)
    else publish()
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#active !== null && this.#context.current === this.#active) return fn()
    const run = this.#lock.then(() => this.#runTransaction(fn))
    this.#lock = run.then(
      () => undefined,
      () => undefined,
    )
    return run
  }

  async #runTransaction<T>(fn: () => Promise<T>): Promise<T> {
    const id = Symbol('transaction')
    const snapshot = new Map<MemoryCollection, MemoryState>()
    for (const collection of this.#collections.values()) snapshot.set(collection, collection.snapshot())
    this.#active = id
    this.#pending = []
    try {
      const result = await this.#context.run(id, fn)
      for (const publish of this.#pending) publish()
      return result
    } catch (error) {
      for (const collection of this.#collections.values()) collection.restore(snapshot.get(collection))
      throw error
    } finally {
      this.#active = null
      this.#pending = null
    }
  }

  /** Always there: it lives in this process. */
  async ping(): Promise<void> {}

  async close(): Promise<void> {
    for (const collection of this.#collections.values()) collection.closeFeeds()
    this.#collections.clear()
  }
}

export type { ChangeEvent }

/** `memory:` — every call gives a new, empty store. */
export const createStore: StoreFactory = async () => new MemoryStore()
