// The live queries of one instance: `Live` owns one hub, every publication observes
// through it. Queries on one collection share that collection's feed (see feed.ts).

import { Cursor, type LiveSource, liveSource } from '../../data/cursor.js'
import type { StoreCollection } from '../../data/store.js'
import { consoleLogger, type Logger } from '../../http/logger.js'
import type { ErrorCode } from '../../shared/error-codes.js'
import { CollectionFeed } from './feed.js'
import type { LiveHandle, LiveObserver } from './observer.js'

export interface LiveQueryHubOptions {
  logger?: Logger
}

export class LiveQueryHub {
  readonly #feeds = new Map<StoreCollection, CollectionFeed>()
  readonly #logger: Logger
  #closed = false

  constructor(options: LiveQueryHubOptions = {}) {
    this.#logger = options.logger ?? consoleLogger
  }

  /**
   * Runs the cursor's query, calls `observer.added` for each document in order, and
   * resolves after that; from then on the observer follows every change, from this
   * process or (PostgreSQL, MongoDB) any other. Rejects with the store's error if the
   * query is invalid.
   */
  async observe(cursor: Cursor<any>, observer: LiveObserver): Promise<LiveHandle> {
    const source = this.#source(cursor)
    const feed = this.#feed(source)
    try {
      return await feed.observe(source, observer)
    } catch (error) {
      this.#release(feed)
      throw error
    }
  }

  /**
   * Resolves once every write committed before this call, to any collection with live
   * queries on this hub, has been delivered to the observers (the write fence).
   */
  async fence(): Promise<void> {
    await Promise.all([...this.#feeds.values()].map((feed) => feed.fence()))
  }

  /** Stops every feed; the handles stop receiving changes. */
  async close(): Promise<void> {
    this.#closed = true
    for (const feed of this.#feeds.values()) feed.close()
    this.#feeds.clear()
  }

  /** Feeds open now (one per collection with live queries), for health pages and tests. */
  get feeds(): number {
    return this.#feeds.size
  }

  #source(cursor: Cursor<any>): LiveSource {
    if (this.#closed) throw liveError('WEFT_DATA_CLOSED', 'This live-query hub is closed.')
    const source = cursor instanceof Cursor ? liveSource(cursor) : undefined
    if (!source) {
      throw liveError(
        'WEFT_LIVE_QUERY_UNSUPPORTED',
        'Only a collection.find() cursor without populate can be observed live; ' +
          'publish the referenced collection as its own cursor instead.',
      )
    }
    return source
  }

  #feed(source: LiveSource): CollectionFeed {
    let feed = this.#feeds.get(source.store)
    if (!feed) {
      feed = new CollectionFeed(source.store, source.collection, this.#logger, (idle) => this.#release(idle))
      this.#feeds.set(source.store, feed)
    }
    return feed
  }

  /** A feed without queries stops: an idle collection costs nothing. */
  #release(feed: CollectionFeed): void {
    if (feed.queries.size > 0 || this.#feeds.get(feed.store) !== feed) return
    this.#feeds.delete(feed.store)
    feed.close()
  }
}

/** A TypeError carrying its code, as the realtime layer's programming errors do. */
function liveError(code: ErrorCode, message: string): TypeError {
  return Object.assign(new TypeError(`${code}: ${message}`), { code })
}
