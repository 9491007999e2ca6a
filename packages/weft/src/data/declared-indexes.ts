// Indexes declared with a collection (`indexes: [...]` in `db.collection()` options):
// created once per Db before the collection's first write, and TTL indexes
// (`expireAfterSeconds`) kept: MongoDB expires natively, the other stores get a sweep
// that deletes expired documents every `ttlSweepSeconds` (60 by default, like MongoDB's
// TTL monitor), so an expired document can be seen for up to that long.

import { QueryError } from './errors.js'
import { compileSort } from './query/index.js'
import type { IndexSpec, Store } from './store.js'

export interface DeclaredIndex {
  keys: Record<string, 1 | -1>
  unique?: boolean
  name?: string
  /** TTL: delete documents whose Date in this (single) field is older than this. */
  expireAfterSeconds?: number
}

type Timer = ReturnType<typeof setInterval>

export class DeclaredIndexes {
  readonly #store: Store
  readonly #ensured = new Map<string, Promise<void>>()
  readonly #timers: Timer[] = []
  readonly #sweepSeconds: number
  /** The latest declaration of each collection, for `indexDiff()`. */
  readonly declared = new Map<string, DeclaredIndex[]>()

  constructor(store: Store, sweepSeconds = 60) {
    this.#store = store
    this.#sweepSeconds = sweepSeconds
  }

  /** Checks the declarations now (so mistakes fail at `db.collection()`), creates them once. */
  prepare(collection: string, indexes: DeclaredIndex[]): () => Promise<void> {
    for (const index of indexes) check(index)
    this.declared.set(collection, indexes)
    const key = `${collection}\u0000${JSON.stringify(indexes)}`
    return () => {
      let ready = this.#ensured.get(key)
      if (!ready) {
        ready = this.#create(collection, indexes)
        // A failed creation is tried again by the next write rather than remembered.
        ready.catch(() => this.#ensured.delete(key))
        this.#ensured.set(key, ready)
      }
      return ready
    }
  }

  stop(): void {
    for (const timer of this.#timers) clearInterval(timer)
    this.#timers.length = 0
  }

  async #create(collection: string, indexes: DeclaredIndex[]): Promise<void> {
    const store = this.#store.collection(collection)
    for (const index of indexes) {
      // Every store records expireAfterSeconds; only MongoDB acts on it (the others sweep).
      const spec: IndexSpec = { keys: index.keys, unique: index.unique, name: index.name }
      if (index.expireAfterSeconds !== undefined) spec.expireAfterSeconds = index.expireAfterSeconds
      await store.createIndex(spec)
      if (index.expireAfterSeconds !== undefined && this.#store.kind !== 'mongodb') {
        const field = Object.keys(index.keys)[0]
        const seconds = index.expireAfterSeconds
        const sweep = () => store.deleteMany({ [field]: { $lt: new Date(Date.now() - seconds * 1000) } })
        await sweep()
        const timer = setInterval(() => void sweep().catch(() => {}), this.#sweepSeconds * 1000)
        ;(timer as { unref?: () => void }).unref?.()
        this.#timers.push(timer)
      }
    }
  }
}

function check(index: DeclaredIndex): void {
  compileSort(index.keys)
  const ttl = index.expireAfterSeconds
  if (ttl === undefined) return
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 0)
    throw new QueryError(`expireAfterSeconds must be a whole number of seconds, got ${JSON.stringify(ttl)}.`)
  if (Object.keys(index.keys).length !== 1)
    throw new QueryError('A TTL index (expireAfterSeconds) has exactly one field, a Date.')
}
