// One change feed per collection per hub, whatever the number of live queries on it:
// the store's own watch() (in-process for memory and SQLite, LISTEN/NOTIFY for
// PostgreSQL, a change stream for MongoDB), read by one loop that hands each change to
// the live queries that may care. Everything on a feed runs one task at a time (a
// change, a query's first run), so each query sees changes in commit order.
//
// A feed that fails (the store's feed overflowed, or lost changes it cannot replay) is
// watched again and every query re-runs and publishes the difference: observers converge
// instead of the process crashing or drifting.

import type { LiveSource } from '../../data/cursor.js'
import type { ChangeEvent, DocId, StoreCollection } from '../../data/store.js'
import { errorFields, type Logger } from '../../http/logger.js'
import { EqualityIndex } from './equality-index.js'
import { LiveQuery, type QueryHost } from './live-query.js'
import type { LiveObserver } from './observer.js'

type Feed = AsyncIterableIterator<ChangeEvent> & { received?: number }

const RETRY_FIRST_MS = 100
const RETRY_MAX_MS = 5000

export class CollectionFeed implements QueryHost {
  readonly store: StoreCollection
  readonly name: string
  readonly queries = new Set<LiveQuery>()
  /** Which queries a change may concern, by their filters' equality conditions. */
  readonly #index = new EqualityIndex<LiveQuery>()
  /** Which queries hold a document: a change to it concerns them, whatever it now looks like. */
  readonly #holders = new Map<DocId, Set<LiveQuery>>()
  readonly #logger: Logger
  readonly #onIdle: (feed: CollectionFeed) => void
  #feed: Feed
  /** Changes of the current feed handled so far. */
  #handled = 0
  #tail: Promise<void> = Promise.resolve()
  #waiters: { feed: Feed; target: number; resolve: () => void }[] = []
  #closed = false

  /** `onIdle` is called when the last query stops. */
  constructor(store: StoreCollection, name: string, logger: Logger, onIdle: (feed: CollectionFeed) => void) {
    this.store = store
    this.name = name
    this.#logger = logger
    this.#onIdle = onIdle
    this.#feed = this.#open()
  }

  /** Runs the query for the first time, in line with the changes, and follows it from then on. */
  async observe(source: LiveSource, observer: LiveObserver): Promise<LiveQuery> {
    const query = new LiveQuery(source, observer, this)
    this.queries.add(query)
    this.#index.add(query, source.filter)
    try {
      await this.#serial(() => query.resync())
    } catch (error) {
      query.stop()
      throw error
    }
    return query
  }

  track(query: LiveQuery, id: DocId, held: boolean): void {
    let holders = this.#holders.get(id)
    if (held) {
      if (!holders) this.#holders.set(id, (holders = new Set()))
      holders.add(query)
    } else if (holders) {
      holders.delete(query)
      if (holders.size === 0) this.#holders.delete(id)
    }
  }

  stopped(query: LiveQuery): void {
    if (!this.queries.delete(query)) return
    this.#index.remove(query)
    for (const id of [...query.ids()]) this.track(query, id, false)
    if (this.queries.size === 0) this.#onIdle(this)
  }

  /** Resolves once every change committed before the call has reached the queries. */
  async fence(): Promise<void> {
    await this.store.fence?.()
    const feed = this.#feed
    const target = feed.received ?? this.#handled
    if (this.#handled < target)
      await new Promise<void>((resolve) => this.#waiters.push({ feed, target, resolve }))
    await this.#serial(async () => undefined)
  }

  observerFailed(_query: LiveQuery, error: unknown): void {
    this.#logger.error(
      { collection: this.name, error: errorFields(error) },
      'A live-query observer threw; the query goes on',
    )
  }

  close(): void {
    this.#closed = true
    for (const query of this.queries) query.detach()
    void this.#feed.return?.()
    for (const waiter of this.#waiters.splice(0)) waiter.resolve()
  }

  #open(): Feed {
    const feed = this.store.watch() as Feed
    this.#handled = 0
    void this.#pump(feed)
    return feed
  }

  async #pump(feed: Feed): Promise<void> {
    try {
      for (;;) {
        const next = await feed.next()
        if (next.done) return
        await this.#serial(() => this.#dispatch(next.value))
        this.#handled++
        this.#wake(feed)
      }
    } catch (error) {
      void feed.return?.()
      if (!this.#closed) await this.#recover(error)
    }
  }

  /** Hands a change to the queries it may concern; those left unsure re-run together. */
  async #dispatch(event: ChangeEvent): Promise<void> {
    const candidates = new Set<LiveQuery>(this.#holders.get(event.id))
    if (event.type !== 'delete') this.#index.collect(event.doc, candidates)
    const refills: LiveQuery[] = []
    for (const query of candidates) if (query.apply(event)) refills.push(query)
    if (refills.length > 0) await Promise.all(refills.map((query) => query.resync()))
  }

  /** Watches again, then re-runs every query: whatever the lost feed would have said is in the result. */
  async #recover(cause: unknown): Promise<void> {
    this.#logger.warn(
      { collection: this.name, error: errorFields(cause) },
      'A live-query change feed failed; watching again and re-running its queries',
    )
    let delay = RETRY_FIRST_MS
    while (!this.#closed) {
      const stale = this.#waiters.splice(0)
      this.#feed = this.#open()
      try {
        await this.#serial(() => this.#resyncAll())
        for (const waiter of stale) waiter.resolve()
        return
      } catch (error) {
        this.#waiters.push(...stale)
        void this.#feed.return?.()
        this.#logger.warn(
          { collection: this.name, error: errorFields(error) },
          'Live queries could not re-run; retrying',
        )
        await new Promise((resolve) => setTimeout(resolve, delay))
        delay = Math.min(delay * 2, RETRY_MAX_MS)
      }
    }
  }

  async #resyncAll(): Promise<void> {
    for (const query of this.queries) await query.resync()
  }

  #wake(feed: Feed): void {
    if (this.#waiters.length === 0) return
    this.#waiters = this.#waiters.filter((waiter) => {
      if (waiter.feed !== feed || this.#handled < waiter.target) return true
      waiter.resolve()
      return false
    })
  }

  /** Runs `task` after every task queued before it; a failure does not stop the ones after. */
  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(task)
    this.#tail = run.then(
      () => undefined,
      () => undefined,
    )
    return run
  }
}
