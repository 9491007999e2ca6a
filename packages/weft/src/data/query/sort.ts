// Sorting like MongoDB: values compare across types in BSON order; a missing field sorts
// as null; an array sorts by its smallest element ascending and its largest descending;
// an empty array sorts below null.

import { QueryError } from '../errors.js'
import type { SortSpec } from '../store.js'
import { compareValues, isPlainObject } from './compare.js'
import { isIndexSegment, ownField, splitPath } from './paths.js'

export type Comparator = (a: unknown, b: unknown) => number

const emptyArray = Symbol('empty array')

/** `compileSort({ age: -1, _id: 1 })` -> a comparator for `Array.prototype.sort`. */
export function compileSort(spec: SortSpec): Comparator {
  if (!isPlainObject(spec)) throw new QueryError('A sort must be an object, e.g. { createdAt: -1 }.')
  const keys = Object.keys(spec).map((path) => {
    const direction = spec[path]
    if (direction !== 1 && direction !== -1) {
      throw new QueryError(`Sort direction for "${path}" must be 1 or -1, got ${JSON.stringify(direction)}.`)
    }
    return { segments: splitPath(path), direction }
  })
  return (a, b) => {
    for (const { segments, direction } of keys) {
      const order = compareKeys(sortKey(a, segments, direction), sortKey(b, segments, direction))
      if (order !== 0) return order * direction
    }
    return 0
  }
}

function compareKeys(a: unknown, b: unknown): number {
  if (a === emptyArray || b === emptyArray) return a === b ? 0 : a === emptyArray ? -1 : 1
  return compareValues(a, b)
}

/** The value a document sorts by on one path: min (ascending) or max (descending). */
export function sortKey(doc: unknown, segments: string[], direction: 1 | -1): unknown {
  const values: unknown[] = []
  collectSortValues(doc, segments, 0, values)
  if (values.length === 0) return emptyArray
  let best = values[0]
  for (const value of values) {
    const order = compareKeys(value, best)
    if (direction === 1 ? order < 0 : order > 0) best = value
  }
  return best
}

function collectSortValues(value: unknown, segments: string[], start: number, out: unknown[]): void {
  if (start === segments.length) {
    if (!Array.isArray(value)) out.push(value === undefined ? null : value)
    else if (value.length === 0) out.push(emptyArray)
    else out.push(...value)
    return
  }
  const segment = segments[start]
  if (Array.isArray(value)) {
    if (isIndexSegment(segment) && Number(segment) < value.length) {
      collectSortValues(value[Number(segment)], segments, start + 1, out)
      return
    }
    if (value.length === 0) out.push(null)
    for (const item of value) {
      if (isPlainObject(item)) collectSortValues(ownField(item, segment), segments, start + 1, out)
      else out.push(null)
    }
    return
  }
  if (isPlainObject(value)) collectSortValues(ownField(value, segment), segments, start + 1, out)
  else out.push(null)
}
