// Which documents a filter can match, read from the memory store's indexes. Each
// top-level condition (and each one inside `$and`) on an indexed path names candidates:
// the ids filed under its value (`$eq`), its values (`$in`) or its range; the narrowest
// condition wins. The exact filter still runs on every candidate, so a lookup only has
// to return a superset; conditions it cannot read (null, regular expressions, documents,
// negations, `$or`) are left to that filter.

import { isPlainObject } from '../query/index.js'
import type { Filter } from '../store.js'
import type { Lookup, RangeBound, ScalarKey } from './memory-index.js'

/** The collection's side: candidates for values or a range on a path; null when no index serves it. */
export interface LookupSource {
  equal(path: string, values: ScalarKey[]): Lookup | null
  range(path: string, lower: RangeBound | null, upper: RangeBound | null): Lookup | null
}

/** The narrowest candidates the indexes give for `filter`, or null (scan everything). */
export function lookupFilter(filter: Filter, source: LookupSource): Lookup | null {
  let best: Lookup | null = null
  for (const key of Object.keys(filter)) {
    const value = filter[key]
    let found: Lookup | null = null
    if (key === '$and' && Array.isArray(value)) {
      for (const sub of value) {
        const inner = isPlainObject(sub) ? lookupFilter(sub, source) : null
        if (inner && (!found || inner.size < found.size)) found = inner
      }
    } else if (!key.startsWith('$')) found = lookupCondition(key, value, source)
    if (found && (!best || found.size < best.size)) best = found
    if (best?.size === 0) break
  }
  return best
}

function lookupCondition(path: string, condition: unknown, source: LookupSource): Lookup | null {
  if (isScalar(condition)) return source.equal(path, [condition])
  if (!isPlainObject(condition)) return null
  const keys = Object.keys(condition)
  if (keys.length === 0 || !keys.every((key) => key.startsWith('$'))) return null
  if (isScalar(condition.$eq)) return source.equal(path, [condition.$eq])
  const list = condition.$in
  if (Array.isArray(list) && list.every(isScalar)) return source.equal(path, list)
  const range = rangeOf(condition)
  return range ? source.range(path, range.lower, range.upper) : null
}

/** The range bounds of a condition (of one type, number or string), or null when it has none. */
export function rangeOf(condition: unknown): { lower: RangeBound | null; upper: RangeBound | null } | null {
  if (!isPlainObject(condition) || !Object.keys(condition).every((key) => key.startsWith('$'))) return null
  const lower = bound(condition, '$gte', '$gt')
  const upper = bound(condition, '$lte', '$lt')
  if (lower && upper && typeof lower.value !== typeof upper.value) return { lower, upper: null }
  return lower || upper ? { lower, upper } : null
}

function bound(condition: Record<string, unknown>, inclusive: string, exclusive: string): RangeBound | null {
  for (const op of [inclusive, exclusive]) {
    const value = condition[op]
    if (typeof value === 'number' || typeof value === 'string') return { value, inclusive: op === inclusive }
  }
  return null
}

function isScalar(value: unknown): value is ScalarKey {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
}
