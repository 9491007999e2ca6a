// Which live queries a changed document may concern, without asking each of them: the
// queries are indexed by one equality condition of their filter (`{ board: 'b1' }`,
// `{ board: { $eq: 'b1' } }`, `{ board: { $in: ['b1', 'b2'] } }`, also inside a top-level
// `$and`), so a change to a document of board b7 visits the queries on b7 only: with a
// thousand queries of one shape a write costs a lookup, not a thousand filter runs.
// Queries without such a condition are visited on every change. The index is a
// pre-filter: each candidate still runs its own compiled filter.

import { isPlainObject, splitPath, valuesAtPath } from '../../data/query/index.js'
import type { Filter, StoredDocument } from '../../data/store.js'

type Scalar = string | number | boolean

/** One indexable condition: a path and the values it must take (one of). */
export interface EqualityKey {
  path: string
  values: Scalar[]
}

/** The first equality condition of `filter` that can serve as an index key, if any. */
export function equalityKey(filter: Filter): EqualityKey | null {
  for (const [path, condition] of Object.entries(filter)) {
    if (path === '$and' && Array.isArray(condition)) {
      for (const part of condition) {
        const key = isPlainObject(part) ? equalityKey(part) : null
        if (key) return key
      }
      continue
    }
    // Numeric segments pick array positions; keep the index to plain field paths.
    if (path.startsWith('$') || splitPath(path).some((segment) => /^\d+$/.test(segment))) continue
    const values = equalityValues(condition)
    if (values) return { path, values }
  }
  return null
}

function equalityValues(condition: unknown): Scalar[] | null {
  if (isScalar(condition)) return [condition]
  if (!isPlainObject(condition)) return null
  const operators = Object.keys(condition)
  if (operators.length !== 1) return null
  const [operator] = operators
  const operand = condition[operator]
  if (operator === '$eq' && isScalar(operand)) return [operand]
  if (operator === '$in' && Array.isArray(operand) && operand.length > 0 && operand.every(isScalar))
    return operand as Scalar[]
  return null
}

function isScalar(value: unknown): value is Scalar {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  )
}

/** Index key of a scalar: `1` and `1.0` are one number, `'1'` another value. */
function keyOf(value: Scalar): string {
  return `${typeof value}:${String(value)}`
}

export class EqualityIndex<Q> {
  /** path -> value key -> queries. */
  readonly #byPath = new Map<string, { segments: string[]; byValue: Map<string, Set<Q>> }>()
  readonly #keys = new Map<Q, EqualityKey>()
  /** Queries with no equality condition: candidates for every change. */
  readonly unindexed = new Set<Q>()

  add(query: Q, filter: Filter): void {
    const key = equalityKey(filter)
    if (!key) return void this.unindexed.add(query)
    this.#keys.set(query, key)
    let path = this.#byPath.get(key.path)
    if (!path) {
      path = { segments: splitPath(key.path), byValue: new Map() }
      this.#byPath.set(key.path, path)
    }
    for (const value of key.values) {
      const bucket = path.byValue.get(keyOf(value)) ?? new Set<Q>()
      bucket.add(query)
      path.byValue.set(keyOf(value), bucket)
    }
  }

  remove(query: Q): void {
    this.unindexed.delete(query)
    const key = this.#keys.get(query)
    if (!key) return
    this.#keys.delete(query)
    const path = this.#byPath.get(key.path)!
    for (const value of key.values) {
      const bucket = path.byValue.get(keyOf(value))
      bucket?.delete(query)
      if (bucket?.size === 0) path.byValue.delete(keyOf(value))
    }
    if (path.byValue.size === 0) this.#byPath.delete(key.path)
  }

  /** Adds to `out` every query whose filter `doc` may match (a superset; unindexed ones included). */
  collect(doc: StoredDocument, out: Set<Q>): void {
    for (const query of this.unindexed) out.add(query)
    for (const { segments, byValue } of this.#byPath.values()) {
      for (const value of valuesAtPath(doc, segments)) {
        if (!isScalar(value)) continue
        const bucket = byValue.get(keyOf(value))
        if (bucket) for (const query of bucket) out.add(query)
      }
    }
  }
}
