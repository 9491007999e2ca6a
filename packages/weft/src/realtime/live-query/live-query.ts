// One observed query: what it has published, and how a change reaches its observer.
// This version re-runs the query whenever a change may concern it and publishes the
// difference; exact by construction, and the baseline the incremental window is tested
// against.

import type { LiveSource } from '../../data/cursor.js'
import { compileFilter, compileProjection } from '../../data/query/index.js'
import type { ChangeEvent, DocId, StoredDocument } from '../../data/store.js'
import { type Published, publishDiff } from './diff.js'
import type { LiveHandle, LiveObserver } from './observer.js'

export class LiveQuery implements LiveHandle {
  readonly source: LiveSource
  readonly #observer: LiveObserver
  readonly #matches: (doc: StoredDocument) => boolean
  readonly #project: (doc: StoredDocument) => Record<string, unknown>
  readonly #ordered: boolean
  #published: Published[] = []
  #ids = new Set<DocId>()
  #docs: Map<DocId, Record<string, unknown>> | null = null
  #stopped = false
  readonly #onStop: (query: LiveQuery) => void

  constructor(source: LiveSource, observer: LiveObserver, onStop: (query: LiveQuery) => void) {
    this.source = source
    this.#observer = observer
    this.#onStop = onStop
    this.#matches = compileFilter(source.filter)
    const project = compileProjection(source.options.projection)
    this.#project = (doc) => {
      const { _id, ...fields } = project(doc)
      return fields
    }
    this.#ordered = source.options.sort !== undefined && Object.keys(source.options.sort).length > 0
  }

  get docs(): ReadonlyMap<DocId, Record<string, unknown>> {
    this.#docs ??= new Map(this.#published.map((doc) => [doc.id, doc.fields]))
    return this.#docs
  }

  get stopped(): boolean {
    return this.#stopped
  }

  stop(): void {
    if (this.#stopped) return
    this.#stopped = true
    this.#onStop(this)
  }

  /** Runs the query and publishes what differs from what the observer has (all of it, at first). */
  async resync(): Promise<void> {
    const { sort, skip, limit } = this.source.options
    const found = (await this.source.run({ sort, skip, limit })) as StoredDocument[]
    this.#publish(found.map((doc) => ({ id: doc._id, fields: this.#project(doc) })))
  }

  /** A change to the collection: re-query if it may change this result. */
  async apply(event: ChangeEvent): Promise<void> {
    if (this.#stopped || !this.#concerns(event)) return
    await this.resync()
  }

  #concerns(event: ChangeEvent): boolean {
    if (this.#ids.has(event.id)) return true
    if (this.source.options.skip) return true
    return event.type !== 'delete' && this.#matches(event.doc)
  }

  #publish(next: Published[]): void {
    if (this.#stopped) return
    const prev = this.#published
    this.#published = next
    this.#ids = new Set(next.map((doc) => doc.id))
    this.#docs = null
    publishDiff(prev, next, this.#observer, this.#ordered)
  }
}
