// Indexes of the memory store. Unique ones keep the keys of unique-keys.ts (MongoDB's:
// missing is null, an array indexes each element) in a Map. Field indexes (every index's
// leading path, unique or not) answer lookups: equality, $in and ranges.

import { DuplicateKeyError } from '../errors.js'
import { isPlainObject } from '../query/index.js'
import { isIndexSegment } from '../query/paths.js'
import type { StoredDocument } from '../store.js'
import { UniqueKeys } from './unique-keys.js'

/** A unique index of the memory store: its keys (see unique-keys.ts) in a Map. */
export class UniqueIndex extends UniqueKeys {
  // key -> id key of the document holding it
  #entries = new Map<string, string>()

  /** Throws DuplicateKeyError if `doc` would clash with a document other than `owner`. */
  check(doc: StoredDocument, owner: string): void {
    for (const key of this.keysOf(doc)) {
      const holder = this.#entries.get(key)
      if (holder !== undefined && holder !== owner)
        throw new DuplicateKeyError(this.name, this.keyFields(doc))
    }
  }

  add(doc: StoredDocument, owner: string): void {
    for (const key of this.keysOf(doc)) this.#entries.set(key, owner)
  }

  remove(doc: StoredDocument, owner: string): void {
    for (const key of this.keysOf(doc)) if (this.#entries.get(key) === owner) this.#entries.delete(key)
  }

  copyEntries(): Map<string, string> {
    return new Map(this.#entries)
  }

  setEntries(entries: Map<string, string>): void {
    this.#entries = entries
  }
}

/** A key a lookup can use: MongoDB equality on these is JavaScript's (a Map's SameValueZero). */
export type ScalarKey = string | number | boolean

// Filed with a document's keys when the path meets an array on the way or at the end.
const ARRAY = Symbol('array')
const NOT_SINGLE = Symbol('not single')

/** What a document is filed under: a scalar, a bigint (kept aside, see `#inexact`), or ARRAY. */
type IndexKey = ScalarKey | bigint | typeof ARRAY

export interface RangeBound {
  value: number | string
  inclusive: boolean
}

/**
 * A secondary index on one path (unique or not): a Map from each scalar the path reaches
 * to the ids holding it. Like MongoDB's multikey indexes, an array indexes each element
 * (and `a.b` reaches into documents inside an array). It only narrows: the caller runs
 * the exact filter on the candidates, so values it does not key (null, documents, whole
 * arrays, Dates) never need to be found through it.
 */
export class FieldIndex {
  readonly #path: string[]
  // One id as a plain string until a second shares the key: a Set per key would cost a
  // field where nearly every value is distinct (an email) more than the Map itself.
  #entries = new Map<ScalarKey, string | Set<string>>()
  // Documents holding a bigint here: a bigint equals a number but its key could round,
  // so they are candidates for every numeric lookup.
  readonly #inexact = new Set<string>()
  // Documents with an array on the path: they sort by their smallest or largest element,
  // not by each key they are filed under.
  readonly #arrays = new Set<string>()
  // Distinct numbers and strings in order, for ranges; rebuilt after the set of keys changes.
  #sorted: { numbers: number[]; strings: string[] } | null = null
  // Each set of ids lists them in insertion order: true until an update moves a document
  // to other keys (it joins their sets at the end), again after a rebuild.
  #inOrder = true

  constructor(path: string[]) {
    this.#path = path
  }

  /** Whether a path can be indexed this way: no positional segment like `a.0`. */
  static covers(path: string[]): boolean {
    return !path.some(isIndexSegment)
  }

  keysOf(doc: StoredDocument): IndexKey[] {
    const keys: IndexKey[] = []
    collectKeys(doc, this.#path, 0, keys)
    return keys
  }

  add(doc: StoredDocument, owner: string): void {
    const key = this.#singleKey(doc)
    this.#addKeys(key === NOT_SINGLE ? this.keysOf(doc) : [key], owner)
  }

  remove(doc: StoredDocument, owner: string): void {
    const key = this.#singleKey(doc)
    this.#removeKeys(key === NOT_SINGLE ? this.keysOf(doc) : [key], owner)
  }

  /** Moves `owner` from the keys of `before` to those of `after`; nothing to do when they agree. */
  replace(before: StoredDocument, after: StoredDocument, owner: string): void {
    const single = this.#singleKey(before)
    if (single !== NOT_SINGLE && Object.is(single, this.#singleKey(after))) return
    const old = this.keysOf(before)
    const next = this.keysOf(after)
    if (old.length !== next.length || old.some((key, i) => !Object.is(key, next[i]))) {
      this.#removeKeys(old, owner)
      this.#addKeys(next, owner)
      this.#inOrder = false
    }
  }

  clear(): void {
    this.#entries = new Map()
    this.#inexact.clear()
    this.#arrays.clear()
    this.#sorted = null
    this.#inOrder = true
  }

  /**
   * True when `range` gives its sets in the order a sort on this path wants (ascending
   * keys): no document holds an array, a bigint or NaN here.
   */
  get sortsByKey(): boolean {
    return this.#arrays.size === 0 && this.#inexact.size === 0 && !this.#entries.has(Number.NaN)
  }

  /** True when every set of ids lists them in insertion order. */
  get inOrder(): boolean {
    return this.#inOrder
  }

  /** Ids that may hold `value` at the path (a superset); counted by `size`. */
  equal(value: ScalarKey): Lookup {
    const sets: Ids[] = []
    const found = this.#entries.get(value)
    if (found !== undefined) sets.push(asIds(found))
    if (typeof value === 'number' && this.#inexact.size > 0) sets.push(this.#inexact)
    return lookup(sets)
  }

  /** Ids that may hold a value between the bounds (of one type: numbers or strings). */
  range(lower: RangeBound | null, upper: RangeBound | null): Lookup {
    const numeric = typeof (lower ?? upper)!.value === 'number'
    const sorted = this.#sortedKeys()
    const keys: (number | string)[] = numeric ? sorted.numbers : sorted.strings
    const sets: Ids[] = []
    let i = lower ? firstAbove(keys, lower) : 0
    for (; i < keys.length; i++) {
      const key = keys[i]
      if (upper && (key > upper.value || (key === upper.value && !upper.inclusive))) break
      sets.push(asIds(this.#entries.get(key)!))
    }
    if (numeric) {
      // NaN sits outside the order; the exact filter decides.
      const nan = this.#entries.get(Number.NaN)
      if (nan !== undefined) sets.push(asIds(nan))
      if (this.#inexact.size > 0) sets.push(this.#inexact)
    }
    return lookup(sets)
  }

  // The common case without the general walk: documents all the way down to one string,
  // number or boolean.
  #singleKey(doc: StoredDocument): ScalarKey | typeof NOT_SINGLE {
    let value: unknown = doc
    for (const segment of this.#path) {
      if (!isPlainObject(value)) return NOT_SINGLE
      value = value[segment]
    }
    const type = typeof value
    if (type === 'string' || type === 'boolean') return value as ScalarKey
    if (type === 'number') return value === 0 ? 0 : (value as number)
    return NOT_SINGLE
  }

  #addKeys(keys: IndexKey[], owner: string): void {
    for (const key of keys) {
      if (typeof key === 'bigint' || key === ARRAY) {
        ;(key === ARRAY ? this.#arrays : this.#inexact).add(owner)
        continue
      }
      const ids = this.#entries.get(key)
      if (ids === undefined) {
        this.#entries.set(key, owner)
        if (typeof key !== 'boolean') this.#sorted = null
      } else if (typeof ids === 'string') {
        if (ids !== owner) this.#entries.set(key, new Set([ids, owner]))
      } else ids.add(owner)
    }
  }

  #removeKeys(keys: IndexKey[], owner: string): void {
    for (const key of keys) {
      if (typeof key === 'bigint' || key === ARRAY) {
        ;(key === ARRAY ? this.#arrays : this.#inexact).delete(owner)
        continue
      }
      const ids = this.#entries.get(key)
      if (ids === undefined) continue
      if (typeof ids !== 'string') ids.delete(owner)
      else if (ids !== owner) continue
      if (typeof ids === 'string' || ids.size === 0) {
        this.#entries.delete(key)
        if (typeof key !== 'boolean') this.#sorted = null
      }
    }
  }

  #sortedKeys(): { numbers: number[]; strings: string[] } {
    if (this.#sorted) return this.#sorted
    const numbers: number[] = []
    const strings: string[] = []
    for (const key of this.#entries.keys()) {
      if (typeof key === 'number') {
        if (!Number.isNaN(key)) numbers.push(key)
      } else if (typeof key === 'string') strings.push(key)
    }
    numbers.sort((a, b) => a - b)
    // UTF-16 code unit order, which is how MongoDB's comparison runs here (see compare.ts).
    strings.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    this.#sorted = { numbers, strings }
    return this.#sorted
  }
}

/** Ids under one key, in the order they were filed. */
export type Ids = ReadonlySet<string> | readonly string[]

/** Candidate ids from one or more index entries, with their total count. */
export interface Lookup {
  size: number
  sets: Ids[]
}

function asIds(entry: string | Set<string>): Ids {
  return typeof entry === 'string' ? [entry] : entry
}

function lookup(sets: Ids[]): Lookup {
  let size = 0
  for (const ids of sets) size += 'size' in ids ? ids.size : ids.length
  return { size, sets }
}

// The first position whose key lies inside the lower bound (binary search).
function firstAbove(keys: (number | string)[], lower: RangeBound): number {
  let lo = 0
  let hi = keys.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    const key = keys[mid]
    if (key < lower.value || (key === lower.value && !lower.inclusive)) lo = mid + 1
    else hi = mid
  }
  return lo
}

// The scalars the path reaches, as the filter matcher walks it (see someAtPath): into
// documents inside arrays on the way, and an array at the end by element. Distinct, in
// the order found.
function collectKeys(value: unknown, path: string[], start: number, keys: IndexKey[]): void {
  if (start === path.length) {
    addKey(value, keys)
    if (Array.isArray(value)) {
      if (!keys.includes(ARRAY)) keys.push(ARRAY)
      for (const item of value) addKey(item, keys)
    }
    return
  }
  if (Array.isArray(value)) {
    if (!keys.includes(ARRAY)) keys.push(ARRAY)
    for (const item of value) if (isPlainObject(item)) collectKeys(item[path[start]], path, start + 1, keys)
  } else if (isPlainObject(value)) collectKeys(value[path[start]], path, start + 1, keys)
}

function addKey(value: unknown, keys: IndexKey[]): void {
  const type = typeof value
  if (type !== 'string' && type !== 'number' && type !== 'boolean' && type !== 'bigint') return
  // -0 and 0 are one key (as in a Map), NaN is one key.
  const key = value === 0 ? 0 : (value as IndexKey)
  if (!keys.some((seen) => Object.is(seen, key))) keys.push(key)
}
