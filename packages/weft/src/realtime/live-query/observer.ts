// What a live query tells whoever follows it (the publication, a test, a cache).
//
// Ids are the documents' own `_id` values, unchanged (a string or a number: the data
// layer's DocId); `docs` map keys and observer ids are the same values, so `1` and `'1'`
// stay two documents, as they are in the store.

import type { DocId } from '../../data/store.js'

export interface LiveObserver {
  /**
   * A document entered the result; `fields` is the projected document without `_id`.
   * `before` is the id it now sits before in sort order (null = last), for sorted queries
   * only. A document that moves within a sorted result is removed, then added again.
   */
  added(id: DocId, fields: Record<string, unknown>, before?: DocId | null): void
  /** Only the fields whose value changed (projected), and the top-level fields that were cleared. */
  changed(id: DocId, fields: Record<string, unknown>, cleared: string[]): void
  removed(id: DocId): void
}

export interface LiveHandle {
  /** The result as published now: id -> projected fields (no _id), in sort order. */
  readonly docs: ReadonlyMap<DocId, Record<string, unknown>>
  stop(): void
}
