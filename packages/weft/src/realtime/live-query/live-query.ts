// One observed query: its window of documents (window.ts), kept exact change by change,
// and what its observer has been told. A change that leaves the window unsure re-runs
// the query (a refill) and publishes the difference, as does a feed that had to recover.

import { checkFindOptions } from '../../data/collection-checks.js'
import type { LiveSource } from '../../data/cursor.js'
import { compileFilter, compileProjection, compileSort } from '../../data/query/index.js'
import type { ChangeEvent, DocId, StoredDocument } from '../../data/store.js'
import { type Published, publishDiff } from './diff.js'
import type { LiveHandle, LiveObserver } from './observer.js'
import { type Entry, QueryWindow } from './window.js'

export interface QueryHost {
  /** The window now holds (or no longer holds) document `id`: changes to it concern this query. */
  track(query: LiveQuery, id: DocId, held: boolean): void
  stopped(query: LiveQuery): void
  /** The observer threw: reported, and the query goes on (one broken observer must not stall the feed). */
  observerFailed(query: LiveQuery, error: unknown): void
}

export class LiveQuery implements LiveHandle {
  readonly source: LiveSource
  readonly #observer: LiveObserver
  readonly #host: QueryHost
  readonly #project: (doc: StoredDocument) => Record<string, unknown>
  readonly #ordered: boolean
  readonly #window: QueryWindow
  #published: Published[] = []
  #docs: Map<DocId, Record<string, unknown>> | null = null
  #stopped = false

  constructor(source: LiveSource, observer: LiveObserver, host: QueryHost) {
    this.source = source
    this.#observer = observer
    this.#host = host
    const { sort, skip = 0, limit = 0, projection } = source.options
    checkFindOptions(source.options)
    const project = compileProjection(projection)
    this.#project = (doc) => {
      const { _id, ...fields } = project(doc)
      return fields
    }
    const sorted = sort !== undefined && Object.keys(sort).length > 0
    this.#ordered = sorted
    this.#window = new QueryWindow(
      {
        matches: compileFilter(source.filter),
        sort: sorted ? compileSort(sort) : undefined,
        skip,
        limit,
        insertsInOrder: source.store.insertsInOrder === true,
      },
      (id, held) => this.#host.track(this, id, held),
    )
  }

  get docs(): ReadonlyMap<DocId, Record<string, unknown>> {
    this.#docs ??= new Map(this.#published.map((doc) => [doc.id, doc.fields]))
    return this.#docs
  }

  /** The ids of the documents the window holds (published or not). */
  ids(): Iterable<DocId> {
    return this.#window.ids()
  }

  get stopped(): boolean {
    return this.#stopped
  }

  stop(): void {
    if (this.#stopped) return
    this.#stopped = true
    this.#host.stopped(this)
  }

  /** The feed closed: no call reaches the observer any more. */
  detach(): void {
    this.#stopped = true
  }

  /**
   * Applies a change that may concern this query. Returns true when the window needs a
   * refill (call `resync()`); otherwise the observer has been told already.
   */
  apply(event: ChangeEvent): boolean {
    if (this.#stopped) return false
    const outcome = this.#window.apply(event)
    if (outcome === 'changed') this.#publish()
    return outcome === 'refill'
  }

  /** Re-runs the query (the window's documents and its buffer) and publishes the difference. */
  async resync(): Promise<void> {
    const capacity = this.#window.capacity
    // From the first match: the skipped documents are held too, so one leaving shifts the window.
    const found = (await this.source.run({
      sort: this.source.options.sort,
      skip: 0,
      limit: capacity === Infinity ? undefined : capacity,
    })) as StoredDocument[]
    if (this.#stopped) return
    this.#window.load(found)
    this.#publish()
  }

  #publish(): void {
    if (this.#stopped) return
    const next = this.#window.window().map((entry) => this.#entryOf(entry))
    const prev = this.#published
    this.#published = next
    this.#docs = null
    try {
      publishDiff(prev, next, this.#observer, this.#ordered)
    } catch (error) {
      this.#host.observerFailed(this, error)
    }
  }

  #entryOf(entry: Entry): Published {
    entry.fields ??= this.#project(entry.doc)
    return { id: entry.doc._id, fields: entry.fields }
  }
}
