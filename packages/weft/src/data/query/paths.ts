// Dotted paths the way MongoDB reads them in filters: a segment steps into a document;
// on an array it steps into every element that is a document, and a numeric segment
// also picks the element at that position. `{ 'a.b': 1 }` matches `{ a: [{ b: 1 }] }`.

import { isPlainObject } from './compare.js'

/** `'a.b.0'` -> `['a', 'b', '0']`. */
export function splitPath(path: string): string[] {
  return path.split('.')
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
    return value.some((item) => isPlainObject(item) && someAtPath(item[segment], segments, visit, start + 1))
  }
  if (isPlainObject(value)) return someAtPath(value[segment], segments, visit, start + 1)
  return visit(undefined)
}

/** The single value at a path without array traversal (numeric segments index arrays). */
export function getPath(value: unknown, segments: string[]): unknown {
  let current = value
  for (const segment of segments) {
    if (Array.isArray(current) && isIndexSegment(segment)) current = current[Number(segment)]
    else if (isPlainObject(current)) current = current[segment]
    else return undefined
  }
  return current
}

/**
 * Sets a field of `record` itself: defined for `__proto__`, which must stay a field
 * (assigning it would set the prototype).
 */
export function setOwn<R extends Record<string, unknown>>(record: R, field: string, value: unknown): R {
  if (field === '__proto__')
    Object.defineProperty(record, field, { value, enumerable: true, writable: true, configurable: true })
  else (record as Record<string, unknown>)[field] = value
  return record
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
    for (const item of value) if (isPlainObject(item)) collect(item[segment], segments, start + 1, found)
    return
  }
  if (isPlainObject(value)) collect(value[segment], segments, start + 1, found)
  else found.push(undefined)
}
