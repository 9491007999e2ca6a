// Change feeds for every store: a hub fans each change out to its subscribers, and each
// subscriber is a bounded async queue. A consumer that falls more than `limit` events
// behind is ended with WEFT_DATA_WATCH_OVERFLOW rather than letting memory grow without
// bound; it should re-read and watch again.

import { DataError } from './errors.js'
import { compileFilter } from './query/index.js'
import type { ChangeEvent, Filter, StoredDocument } from './store.js'

export interface WatchOptions {
  /** Only changes to documents matching this filter (before or after the change). */
  filter?: Filter
  /** Events buffered for a slow consumer before its feed fails. Default 10 000. */
  limit?: number
  /** Called once when the feed ends (return(), overflow or hub close). */
  onClose?: () => void
}

/** Matches an event against a filter: the new document, or the document as it was before. */
export function eventMatcher(filter: Filter | undefined) {
  if (!filter || Object.keys(filter).length === 0) return () => true
  const matches = compileFilter(filter)
  return (event: ChangeEvent, before?: StoredDocument) =>
    (event.type !== 'delete' && matches(event.doc)) || (before !== undefined && matches(before))
}

/** One subscriber's feed: push() from the store, `for await` in the consumer. */
export class WatchQueue implements AsyncIterableIterator<ChangeEvent> {
  readonly #buffer: ChangeEvent[] = []
  readonly #waiting: {
    resolve: (result: IteratorResult<ChangeEvent>) => void
    reject: (error: Error) => void
  }[] = []
  readonly #limit: number
  readonly #matches: (event: ChangeEvent, before?: StoredDocument) => boolean
  readonly #onClose: (() => void) | undefined
  #failure: Error | null = null
  #closed = false
  #received = 0

  constructor(options: WatchOptions = {}) {
    this.#limit = options.limit ?? 10_000
    this.#matches = eventMatcher(options.filter)
    this.#onClose = options.onClose
  }

  /** Offers an event; `before` is the document before an update or delete, when known. */
  push(event: ChangeEvent, before?: StoredDocument): void {
    if (this.#closed || !this.#matches(event, before)) return
    this.#received++
    const waiter = this.#waiting.shift()
    if (waiter) waiter.resolve({ value: event, done: false })
    else if (this.#buffer.length >= this.#limit) this.#overflow()
    else this.#buffer.push(event)
  }

  /**
   * How many events this feed has accepted so far (read or not): a consumer that counts
   * the events it has handled knows it is up to date when its count reaches this.
   */
  get received(): number {
    return this.#received
  }

  next(): Promise<IteratorResult<ChangeEvent>> {
    const event = this.#buffer.shift()
    if (event) return Promise.resolve({ value: event, done: false })
    if (this.#failure) {
      const failure = this.#failure
      this.#failure = null
      return Promise.reject(failure)
    }
    if (this.#closed) return Promise.resolve({ value: undefined, done: true })
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }))
  }

  /** Stops the feed: pending and future next() calls resolve as done. */
  return(): Promise<IteratorResult<ChangeEvent>> {
    this.#buffer.length = 0
    this.#close()
    return Promise.resolve({ value: undefined, done: true })
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ChangeEvent> {
    return this
  }

  /** Ends the feed with `error`: the consumer's next() rejects with it, once. */
  fail(error: Error): void {
    if (this.#closed) return
    this.#buffer.length = 0
    const waiter = this.#waiting.shift()
    if (waiter) waiter.reject(error)
    else this.#failure = error
    this.#close()
  }

  #overflow(): void {
    this.fail(
      new DataError(
        'WEFT_DATA_WATCH_OVERFLOW',
        `A change feed fell more than ${this.#limit} events behind and was stopped. ` +
          'Consume events faster (do slow work outside the loop), or re-read and watch again.',
      ),
    )
  }

  #close(): void {
    if (this.#closed) return
    this.#closed = true
    for (const waiter of this.#waiting.splice(0)) waiter.resolve({ value: undefined, done: true })
    this.#onClose?.()
  }
}

/** All feeds of one collection (or store): publish once, every matching subscriber gets it. */
export class WatchHub {
  readonly #queues = new Set<WatchQueue>()

  subscribe(filter?: Filter, limit?: number): WatchQueue {
    const queue: WatchQueue = new WatchQueue({ filter, limit, onClose: () => this.#queues.delete(queue) })
    this.#queues.add(queue)
    return queue
  }

  publish(event: ChangeEvent, before?: StoredDocument): void {
    for (const queue of this.#queues) queue.push(event, before)
  }

  get size(): number {
    return this.#queues.size
  }

  close(): void {
    for (const queue of [...this.#queues]) void queue.return()
  }

  /** Ends every feed with `error` (their consumers should re-read and watch again). */
  fail(error: Error): void {
    for (const queue of [...this.#queues]) queue.fail(error)
  }
}
