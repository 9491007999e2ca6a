// A connected database: collections by name (each with an optional schema),
// transactions and close. Made by `connect(url)`.

import { Collection } from './collection.js'
import type { CollectionOptions } from './collection-hooks.js'
import { DeclaredIndexes } from './declared-indexes.js'
import { DataError } from './errors.js'
import { type IndexDiff, indexDiff } from './index-diff.js'
import { type MigrateOptions, type MigrateReport, migrate } from './migrate.js'
import type { Infer, InferInput, StandardSchemaV1 } from './schema.js'
import type { Store, StoreHealth } from './store.js'

/** What a migration module exports: `export async function up(db) { ... }` (see `db.migrate()`). */
export type Migration = (db: Db) => Promise<void> | void

export class Db {
  readonly #store: Store
  readonly #indexes: DeclaredIndexes
  #closed = false

  /** `ttlSweepSeconds`: how often TTL indexes are swept on stores without native TTL. */
  constructor(store: Store, options: { ttlSweepSeconds?: number } = {}) {
    this.#store = store
    this.#indexes = new DeclaredIndexes(store, options.ttlSweepSeconds)
  }

  /** Which store answers: 'memory', 'sqlite', 'postgres' or 'mongodb'. */
  get kind(): Store['kind'] {
    return this.#store.kind
  }

  /** `db.collection('tasks', TaskSchema)`: writes validated, reads typed by the schema. */
  collection<S extends StandardSchemaV1>(
    name: string,
    schema: S,
    options?: CollectionOptions<Infer<S>>,
  ): Collection<Infer<S>, InferInput<S>>
  collection<T = Record<string, unknown>>(
    name: string,
    schema?: undefined,
    options?: CollectionOptions<T>,
  ): Collection<T>
  collection(
    name: string,
    schema?: StandardSchemaV1,
    options?: CollectionOptions<unknown>,
  ): Collection<unknown> {
    this.#open()
    if (typeof name !== 'string' || !/^[A-Za-z0-9_.-]{1,120}$/.test(name) || name.startsWith('.')) {
      throw new DataError(
        'WEFT_DATA_BAD_COLLECTION',
        `Collection name ${JSON.stringify(name)} is not allowed: use 1-120 letters, digits, "_", "-" or ".".`,
      )
    }
    const sibling = (other: string) => this.collection(other)
    const ready = options?.indexes?.length ? this.#indexes.prepare(name, options.indexes) : undefined
    return new Collection(name, this.#store.collection(name), schema, sibling, options, ready)
  }

  /** Runs `fn` as one transaction: if it throws, none of its writes stay. */
  transaction<T>(fn: () => Promise<T>): Promise<T> {
    this.#open()
    return this.#store.transaction(fn)
  }

  /**
   * The declared indexes (`indexes` in `collection()` options) against those the store
   * has, for every collection declared on this Db: what to create, drop, or change.
   */
  indexDiff(): Promise<IndexDiff> {
    this.#open()
    return indexDiff(this.#store, this.#indexes.declared)
  }

  /** Runs the migration files of `dir` not run before, in order (see migrate.ts and docs/data.md). */
  migrate(dir: string, options?: MigrateOptions): Promise<MigrateReport> {
    this.#open()
    return migrate(this, dir, options)
  }

  /**
   * Asks the database for a round trip, bounded by the store's timeouts; never throws.
   * `ok` is what a readiness probe wants; the rest says why not.
   */
  async health(): Promise<StoreHealth> {
    const started = performance.now()
    const health: StoreHealth = { ok: true, kind: this.kind, latencyMs: 0 }
    try {
      this.#open()
      await this.#store.ping()
    } catch (error) {
      const { code, message } = error as { code?: unknown; message?: unknown }
      health.ok = false
      health.error = {
        code: typeof code === 'string' && code.startsWith('WEFT_') ? code : 'WEFT_DATA_UNAVAILABLE',
        message: typeof message === 'string' ? message : String(error),
      }
    }
    health.latencyMs = Math.round((performance.now() - started) * 10) / 10
    if (this.#store.changeFeed) health.changeFeed = this.#store.changeFeed
    return health
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#indexes.stop()
    await this.#store.close()
  }

  /** The underlying store, for store-specific work (tests, migrations). */
  get store(): Store {
    return this.#store
  }

  #open(): void {
    if (this.#closed)
      throw new DataError('WEFT_DATA_CLOSED', 'This database is closed; call connect() again.')
  }
}
