// The documents a live query keeps: the first K matches in find()'s order (the skipped
// ones, the published window, and a small buffer past it), kept exact change by change.
// Pure: no store, no observer. When it cannot stay exact on its own (the window ran short
// and more matches may exist beyond what it holds, or the order of two tied documents is
// unknown) it asks for a refill: the caller re-runs the query and calls `load()`.
//
// Ties: find() orders documents with equal sort keys by insertion (the stores' stable
// sort). A document's insertion rank is known when it came from one query in one tie
// group (positions in a result are insertion order among ties), or between two inserts
// seen in the feed (commit order). A tie between documents whose ranks cannot be
// compared asks for a refill rather than guessing.
//
// A query may run ahead of the feed (it sees writes whose changes are still on their
// way). That is safe: each change sets a document as it was then, so once the feed has
// caught up every document is as the store holds it; and the window only ever drops its
// last documents, so it stays the first K matches of what it has seen.

import type { Comparator } from '../../data/query/index.js'
import type { ChangeEvent, DocId, StoredDocument } from '../../data/store.js'

/** What a window knows of a document's insertion order. */
type Rank =
  | { kind: 'queried'; load: number; group: number; index: number }
  | { kind: 'inserted'; seq: number }
  | { kind: 'unknown' }

export interface Entry {
  readonly doc: StoredDocument
  readonly rank: Rank
  /** The projected fields, computed when first published. */
  fields?: Record<string, unknown>
}

export interface WindowSpec {
  matches(doc: StoredDocument): boolean
  /** find()'s sort comparator; undefined: natural (insertion) order. */
  sort: Comparator | undefined
  skip: number
  /** 0: no limit. */
  limit: number
  /** Whether the feed's inserts come in insertion order (see StoreCollection.insertsInOrder). */
  insertsInOrder: boolean
}

/** Whether order matters to the result: a sort, or a skip or limit over insertion order. */
export function isOrdered(spec: WindowSpec): boolean {
  return spec.sort !== undefined || spec.skip > 0 || spec.limit > 0
}

/** What `apply` needs next: nothing, or a re-run of the query (`refill`). */
export type Outcome = 'same' | 'changed' | 'refill'

let inserts = 0
let loads = 0

export class QueryWindow {
  readonly #spec: WindowSpec
  /** How many matches to hold: skip + limit + buffer (Infinity without a limit). */
  readonly capacity: number
  #top: Entry[] = []
  readonly #byId = new Map<DocId, Entry>()
  /** True when `#top` holds every match (the query found fewer than `capacity`). */
  #complete = false
  #ambiguous = false
  /** Called with each id that enters or leaves the window's documents. */
  readonly #track: (id: DocId, held: boolean) => void

  constructor(spec: WindowSpec, track: (id: DocId, held: boolean) => void = () => undefined) {
    this.#spec = spec
    this.#track = track
    // A buffer past the window means a document leaving it rarely costs a query (Meteor keeps one too).
    this.capacity =
      spec.limit > 0 ? spec.skip + spec.limit + Math.max(10, Math.ceil(spec.limit / 2)) : Infinity
  }

  /** The published part, in order: after `skip`, at most `limit`. */
  window(): Entry[] {
    const { skip, limit } = this.#spec
    return this.#top.slice(skip, limit > 0 ? skip + limit : undefined)
  }

  has(id: DocId): boolean {
    return this.#byId.has(id)
  }

  ids(): Iterable<DocId> {
    return this.#byId.keys()
  }

  /** Replaces what the window holds with a query's result (the first `capacity` matches, in order). */
  load(docs: StoredDocument[]): void {
    const load = ++loads
    const known = new Set(this.#byId.keys())
    this.#top = []
    this.#byId.clear()
    let group = 0
    docs.forEach((doc, index) => {
      if (index > 0 && this.#order(docs[index - 1], doc) !== 0) group = index
      const entry: Entry = { doc, rank: { kind: 'queried', load, group: this.#spec.sort ? group : 0, index } }
      this.#top.push(entry)
      this.#byId.set(doc._id, entry)
    })
    this.#complete = docs.length < this.capacity
    for (const id of known) if (!this.#byId.has(id)) this.#track(id, false)
    for (const id of this.#byId.keys()) if (!known.has(id)) this.#track(id, true)
  }

  /** Applies one change; 'refill' when the window can no longer be sure of its documents. */
  apply(event: ChangeEvent): Outcome {
    const held = this.#byId.get(event.id)
    const doc = event.type === 'delete' ? undefined : event.doc
    const matches = doc !== undefined && this.#spec.matches(doc)
    if (!held && !matches) return 'same'
    if (held) this.#remove(held)
    if (matches) {
      // A held document keeps its rank; an insert is ordered among the inserts seen, where
      // the feed brings them in insertion order; any other document's rank is unknown.
      const rank: Rank = held
        ? held.rank
        : event.type === 'insert' && this.#spec.insertsInOrder
          ? { kind: 'inserted', seq: ++inserts }
          : { kind: 'unknown' }
      this.#insert({ doc, rank })
    }
    if (this.#ambiguous) {
      this.#ambiguous = false
      return 'refill'
    }
    const { skip, limit } = this.#spec
    if (!this.#complete && (limit === 0 || this.#top.length < skip + limit)) return 'refill'
    return 'changed'
  }

  #remove(entry: Entry): void {
    this.#top.splice(this.#top.indexOf(entry), 1)
    this.#byId.delete(entry.doc._id)
    this.#track(entry.doc._id, false)
  }

  #insert(entry: Entry): void {
    const at = this.#position(entry)
    // Past the last held match of an incomplete window: somewhere beyond, unknown where.
    if (at === this.#top.length && !this.#complete) return
    this.#top.splice(at, 0, entry)
    this.#byId.set(entry.doc._id, entry)
    this.#track(entry.doc._id, true)
    if (this.#top.length > this.capacity) {
      const dropped = this.#top.pop()!
      this.#byId.delete(dropped.doc._id)
      this.#track(dropped.doc._id, false)
      this.#complete = false
    }
  }

  /** Where `entry` goes: after every held entry that sorts before it (binary search). */
  #position(entry: Entry): number {
    let low = 0
    let high = this.#top.length
    while (low < high) {
      const mid = (low + high) >> 1
      if (this.#compare(this.#top[mid], entry) <= 0) low = mid + 1
      else high = mid
    }
    return low
  }

  #compare(a: Entry, b: Entry): number {
    const order = this.#order(a.doc, b.doc)
    if (order !== 0) return order
    const ranks = compareRanks(a.rank, b.rank)
    if (ranks !== null) return ranks
    // An unsorted result without skip or limit is a set: any order will do.
    if (isOrdered(this.#spec)) this.#ambiguous = true
    return 0
  }

  #order(a: StoredDocument, b: StoredDocument): number {
    return this.#spec.sort ? this.#spec.sort(a, b) : 0
  }
}

/**
 * Insertion order of two documents, or null when unknown. Inserts seen in a feed that
 * brings them in insertion order compare (others are never ranked 'inserted'); but a seen insert and a queried document do
 * not: a query may run ahead of the feed (its changes still on their way), so the
 * queried document may be the newer one.
 */
function compareRanks(a: Rank, b: Rank): number | null {
  if (a.kind === 'inserted' && b.kind === 'inserted') return a.seq - b.seq
  if (a.kind === 'queried' && b.kind === 'queried' && a.load === b.load && a.group === b.group)
    return a.index - b.index
  return null
}
