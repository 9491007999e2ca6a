// Dotted paths the way MongoDB reads them in filters: a segment steps into a document;
// on an array it steps into every element that is a document, and a numeric segment
// also picks the element at that position. `{ 'a.b': 1 }` matches `{ a: [{ b: 1 }] }`.

import { DataError } from '../errors.js'
import { isPlainObject, valuesEqual } from './compare.js'

/** `'a.b.0'` -> `['a', 'b', '0']`, refusing a `__proto__` segment (see checkFieldName). */
export function splitPath(path: string): string[] {
  checkPath(path)
  return path.split('.')
}

/** Throws unless every segment of `path` may be a field name (see checkFieldName). */
export function checkPath(path: string): void {
  if (path.includes('__proto__')) for (const segment of path.split('.')) checkFieldName(segment, path)
}

/**
 * `__proto__` is no field name in Weft. Assigned on the way through a path, it reaches an
 * object's prototype, and through `{}` the prototype every object shares
 * (`$set: { '__proto__.admin': true }`); the HTTP and realtime layers refuse it as a key.
 */
export function checkFieldName(name: string, where = name): void {
  if (name === '__proto__')
    throw new DataError(
      'WEFT_DATA_BAD_FIELD',
      `"__proto__" may not be a field name${where === name ? '' : ` (in "${where}")`}: ` +
        "it would set an object's prototype. Rename the field.",
    )
}

/** A field of the record itself: inherited names (`constructor`, `toString`) are missing fields. */
export function ownField<V>(record: Record<string, V>, name: string): V | undefined {
  return Object.hasOwn(record, name) ? record[name] : undefined
}

export function isIndexSegment(segment: string): boolean {
  return /^(0|[1-9]\d*)$/.test(segment)
}

/**
 * Calls `visit` with every value the path reaches (`undefined` where a field is missing).
 * Stops early and returns true as soon as `visit` does. Arrays met at the end are
 * passed whole; spreading their elements is the caller's choice.
 */
export function someAtPath(
  value: unknown,
  segments: string[],
  visit: (leaf: unknown) => boolean,
  start = 0,
): boolean {
  if (start === segments.length) return visit(value)
  const segment = segments[start]
  if (Array.isArray(value)) {
    if (isIndexSegment(segment) && someAtPath(value[Number(segment)], segments, visit, start + 1)) return true
    return value.some(
      (item) => isPlainObject(item) && someAtPath(ownField(item, segment), segments, visit, start + 1),
    )
  }
  if (isPlainObject(value)) return someAtPath(ownField(value, segment), segments, visit, start + 1)
  return visit(undefined)
}

/** The single value at a path without array traversal (numeric segments index arrays). */
export function getPath(value: unknown, segments: string[]): unknown {
  let current = value
  for (const segment of segments) {
    if (Array.isArray(current) && isIndexSegment(segment)) current = current[Number(segment)]
    else if (isPlainObject(current)) current = ownField(current, segment)
    else return undefined
  }
  return current
}

/**
 * Every value a path reaches for sorting and distinct: through arrays at any step,
 * flattening one level of array at the end, as MongoDB's sort keys do.
 */
export function valuesAtPath(value: unknown, segments: string[]): unknown[] {
  const found: unknown[] = []
  collect(value, segments, 0, found)
  return found
}

/**
 * `distinct` over `docs`: each value the path reaches (see valuesAtPath), once, in order
 * of first appearance; `keep` copies a value the caller must not hand out as is.
 */
export function distinctValues(
  docs: Iterable<unknown>,
  segments: string[],
  keep: (value: unknown) => unknown = (value) => value,
): unknown[] {
  const values: unknown[] = []
  for (const doc of docs) {
    for (const value of valuesAtPath(doc, segments)) {
      if (value !== undefined && !values.some((seen) => valuesEqual(seen, value))) values.push(keep(value))
    }
  }
  return values
}

function collect(value: unknown, segments: string[], start: number, found: unknown[]): void {
  if (start === segments.length) {
    if (Array.isArray(value)) found.push(...value)
    else found.push(value)
    return
  }
  const segment = segments[start]
  if (Array.isArray(value)) {
    if (isIndexSegment(segment) && Number(segment) < value.length) {
      collect(value[Number(segment)], segments, start + 1, found)
      return
    }
    for (const item of value)
      if (isPlainObject(item)) collect(ownField(item, segment), segments, start + 1, found)
    return
  }
  if (isPlainObject(value)) collect(ownField(value, segment), segments, start + 1, found)
  else found.push(undefined)
}
