// Reading and writing one exact dotted path, as update operators do: numeric segments
// index arrays, missing parents are created as documents, and writing through a scalar
// is an error (MongoDB: "Cannot create field 'b' in element {a: 5}").

import { UpdateError } from '../errors.js'
import { isPlainObject } from './compare.js'
import { isIndexSegment, ownField } from './paths.js'

type Container = Record<string, unknown> | unknown[]

/** Writes `value` at the path, creating missing documents on the way. */
export function writePath(root: Record<string, unknown>, segments: string[], value: unknown): void {
  const parent = parentFor(root, segments, true)!
  putChild(parent, segments, segments.length - 1, value)
}

/** Removes the field; an array element becomes null, as in MongoDB. */
export function removePath(root: Record<string, unknown>, segments: string[]): void {
  const parent = parentFor(root, segments, false)
  if (!parent) return
  const last = segments[segments.length - 1]
  if (Array.isArray(parent)) {
    if (isIndexSegment(last) && Number(last) < parent.length) parent[Number(last)] = null
  } else delete parent[last]
}

/** True when the path goes through an array (its parent or an ancestor is an array). */
export function crossesArray(root: Record<string, unknown>, segments: string[]): boolean {
  let current: unknown = root
  for (const segment of segments.slice(0, -1)) {
    if (Array.isArray(current)) return true
    if (!isPlainObject(current)) return false
    current = ownField(current, segment)
  }
  return Array.isArray(current)
}

function parentFor(
  root: Record<string, unknown>,
  segments: string[],
  create: boolean,
): Container | undefined {
  let current: Container = root
  for (let i = 0; i < segments.length - 1; i++) {
    let child = childOf(current, segments, i)
    if (child === undefined) {
      if (!create) return undefined
      child = {}
      putChild(current, segments, i, child)
    }
    if (!isPlainObject(child) && !Array.isArray(child)) {
      if (!create) return undefined
      throw new UpdateError(
        `Cannot create field '${segments[i + 1]}' in element {${segments[i]}: ${JSON.stringify(child)}}: ` +
          `'${segments.slice(0, i + 1).join('.')}' is not a document. Set the whole field instead.`,
      )
    }
    current = child
  }
  return current
}

function childOf(container: Container, segments: string[], index: number): unknown {
  const segment = segments[index]
  if (!Array.isArray(container)) return ownField(container, segment)
  if (!isIndexSegment(segment)) return undefined
  return container[Number(segment)]
}

function putChild(container: Container, segments: string[], index: number, value: unknown): void {
  const segment = segments[index]
  if (!Array.isArray(container)) {
    container[segment] = value
    return
  }
  if (!isIndexSegment(segment)) {
    throw new UpdateError(
      `Cannot create field '${segment}' in an array at '${segments.slice(0, index).join('.')}': ` +
        'use a numeric position (e.g. "items.0.name") or update the whole array.',
    )
  }
  const position = Number(segment)
  while (container.length < position) container.push(null)
  container[position] = value
}

/** Deep copy of plain documents and arrays; Dates are copied, other objects shared. */
export function cloneValue<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneValue) as T
  if (value instanceof Date) return new Date(value.getTime()) as T
  if (!isPlainObject(value)) return value
  const copy: Record<string, unknown> = {}
  for (const key of Object.keys(value)) if (value[key] !== undefined) copy[key] = cloneValue(value[key])
  return copy as T
}
