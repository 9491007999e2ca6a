// Applies a MongoDB update document to a document and returns the new document; the
// input is never changed. Like MongoDB 5+, the fields are updated in path order, two
// operators may not touch the same path (or a path and its parent), and `_id` is immutable.

import { UpdateError } from '../errors.js'
import type { Filter, UpdateSpec } from '../store.js'
import { compareValues, isPlainObject, valuesEqual } from './compare.js'
import { isOperatorObject } from './match.js'
import { updateOperators } from './operators.js'
import { getPath, isIndexSegment, splitPath } from './paths.js'
import { addToSet, pop, pull, pullAll, push } from './update-arrays.js'
import {
  compileArrayFilters,
  expandPath,
  isPositionalSegment,
  type PositionalContext,
} from './update-positional.js'
import { cloneValue, crossesArray, removePath, writePath } from './write-path.js'

export interface ApplyUpdateOptions extends PositionalContext {
  /** True when an upsert inserts this document: `$setOnInsert` applies. */
  isUpsertInsert?: boolean
}

interface Action {
  op: string
  path: string
  segments: string[]
  arg: unknown
}

type Doc = Record<string, unknown>

/** True when `update` is an operator update (`{ $set: ... }`) rather than a replacement. */
export function isOperatorUpdate(update: UpdateSpec): boolean {
  return Object.keys(update).some((key) => key.startsWith('$'))
}

/** `applyUpdate({ _id: 1, n: 1 }, { $inc: { n: 1 } })` -> `{ _id: 1, n: 2 }`. */
export function applyUpdate<T extends Doc>(doc: T, update: UpdateSpec, options: ApplyUpdateOptions = {}): T {
  const planned = planActions(update)
  const actions =
    planned.positional || options.arrayFilters?.length
      ? resolvePositional(doc, planned.actions, options)
      : planned.actions
  const result = cloneValue(doc) as Doc
  for (const action of actions) {
    if (action.op === '$setOnInsert' && !options.isUpsertInsert) continue
    applyAction(result, action)
  }
  if ('_id' in doc && !valuesEqual(doc._id, result._id)) {
    throw new UpdateError(
      "Performing an update on the path '_id' would modify the immutable field '_id'. " +
        'Insert a new document with the new _id and delete the old one instead.',
    )
  }
  return result as T
}

function planActions(update: UpdateSpec): { actions: Action[]; positional: boolean } {
  if (!isPlainObject(update) || !isOperatorUpdate(update)) {
    throw new UpdateError(
      'An update needs update operators, e.g. { $set: { done: true } }. Use replaceOne to replace.',
    )
  }
  const actions: Action[] = []
  for (const op of Object.keys(update)) {
    if (!updateOperators.has(op)) {
      throw new UpdateError(`Unknown update operator ${op}. Supported: ${[...updateOperators].join(' ')}.`)
    }
    const fields = update[op]
    if (!isPlainObject(fields))
      throw new UpdateError(`${op} needs an object of fields, e.g. { ${op}: { a: 1 } }.`)
    for (const path of Object.keys(fields)) {
      checkPath(op, path)
      actions.push({ op, path, segments: splitPath(path), arg: fields[path] })
    }
  }
  const positional = actions.some((action) => action.segments.some(isPositionalSegment))
  if (!positional) refuseConflicts(actions)
  return { actions: positional ? actions : actions.sort(byPath), positional }
}

const byPath = (a: Action, b: Action) => comparePaths(a.segments, b.segments)

function checkPath(op: string, path: string): void {
  const segments = splitPath(path)
  const positional = op !== '$rename' && op !== '$setOnInsert'
  if (
    segments.some(
      (segment) =>
        segment === '' || (segment.startsWith('$') && !(positional && isPositionalSegment(segment))),
    )
  ) {
    throw new UpdateError(
      `${op} path '${path}' is invalid: use field names, positions, or $, $[] and $[name] (not in $rename).`,
    )
  }
}

// Positional paths become the plain paths they stand for in this document; then the
// usual conflict rule applies to what is really written.
function resolvePositional(doc: Doc, actions: Action[], context: PositionalContext): Action[] {
  const arrayFilters = compileArrayFilters(context.arrayFilters)
  const used = new Set<string>()
  const resolved = actions.flatMap((action) => {
    if (!action.segments.some(isPositionalSegment)) return [action]
    return expandPath(doc, action.segments, context, arrayFilters, used).map((segments) => ({
      ...action,
      segments,
      path: segments.join('.'),
    }))
  })
  for (const name of arrayFilters.keys()) {
    if (!used.has(name))
      throw new UpdateError(`The array filter for identifier '${name}' was not used in the update.`)
  }
  refuseConflicts(resolved)
  return resolved.sort(byPath)
}

function touchedPaths(action: Action): string[][] {
  if (action.op !== '$rename') return [action.segments]
  if (typeof action.arg !== 'string' || action.arg === '') {
    throw new UpdateError(`$rename target for '${action.path}' must be a non-empty string.`)
  }
  return [action.segments, splitPath(action.arg)]
}

function refuseConflicts(actions: Action[]): void {
  const paths = actions.flatMap(touchedPaths)
  for (let i = 0; i < paths.length; i++) {
    for (let j = i + 1; j < paths.length; j++) {
      const shorter = paths[i].length <= paths[j].length ? paths[i] : paths[j]
      const longer = shorter === paths[i] ? paths[j] : paths[i]
      if (shorter.every((segment, k) => longer[k] === segment)) {
        throw new UpdateError(
          `Updating the path '${longer.join('.')}' would create a conflict at '${shorter.join('.')}'. ` +
            'Touch each field with one operator only.',
        )
      }
    }
  }
}

// MongoDB 5+ orders updated fields: names as strings, numeric names as numbers.
export function comparePaths(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] === b[i]) continue
    if (isIndexSegment(a[i]) && isIndexSegment(b[i])) return Number(a[i]) - Number(b[i])
    return a[i] < b[i] ? -1 : 1
  }
  return a.length - b.length
}

const unchanged = Symbol('unchanged')

function applyAction(doc: Doc, { op, path, segments, arg }: Action): void {
  if (op === '$unset') removePath(doc, segments)
  else if (op === '$rename') rename(doc, path, segments, arg as string)
  else {
    const next = nextValue(op, path, getPath(doc, segments), arg)
    if (next !== unchanged) writePath(doc, segments, next)
  }
}

function nextValue(op: string, path: string, current: unknown, arg: unknown): unknown {
  switch (op) {
    case '$set':
    case '$setOnInsert':
      return cloneValue(arg)
    case '$inc':
    case '$mul':
      return arithmetic(op, path, current, arg)
    case '$min':
    case '$max':
      return minMax(op, current, arg)
    case '$currentDate':
      return currentDate(path, arg)
    case '$pop':
      return pop(path, current, arg) ?? unchanged
    default:
      return arrayOperation(op, path, current, cloneValue(arg)) ?? unchanged
  }
}

// $pull and $pullAll leave a missing field missing (undefined); $push and $addToSet create it.
function arrayOperation(op: string, path: string, current: unknown, arg: unknown): unknown[] | undefined {
  if (op === '$push') return push(path, current, arg)
  if (op === '$addToSet') return addToSet(path, current, arg)
  if (op === '$pull') return pull(path, current, arg)
  return pullAll(path, current, arg)
}

function arithmetic(op: string, path: string, current: unknown, arg: unknown): number {
  if (typeof arg !== 'number')
    throw new UpdateError(`${op} needs a number for '${path}', got ${JSON.stringify(arg)}.`)
  if (current === undefined) return op === '$inc' ? arg : 0
  if (typeof current !== 'number') {
    throw new UpdateError(
      `Cannot apply ${op} to a value of non-numeric type at '${path}' (found ${JSON.stringify(current)}). ` +
        'Use $set to give the field a number first.',
    )
  }
  return op === '$inc' ? current + arg : current * arg
}

function minMax(op: string, current: unknown, arg: unknown): unknown {
  const order = compareValues(arg, current)
  const replace = current === undefined || (op === '$min' ? order < 0 : order > 0)
  return replace ? cloneValue(arg) : unchanged
}

function rename(doc: Doc, path: string, segments: string[], target: string): void {
  const targetSegments = splitPath(target)
  if (segments[0] === '_id' || targetSegments[0] === '_id')
    throw new UpdateError('$rename cannot rename _id.')
  if (crossesArray(doc, segments) || crossesArray(doc, targetSegments)) {
    throw new UpdateError(`$rename cannot move '${path}' to '${target}' through an array element.`)
  }
  const value = getPath(doc, segments)
  if (value === undefined) return
  removePath(doc, segments)
  writePath(doc, targetSegments, value)
}

function currentDate(path: string, arg: unknown): Date {
  const ok = arg === true || (isPlainObject(arg) && (arg.$type === 'date' || arg.$type === 'timestamp'))
  if (!ok) throw new UpdateError(`$currentDate for '${path}' needs true or { $type: 'date' }.`)
  return new Date()
}

/**
 * The document an upsert inserts when nothing matched: the equality conditions of the
 * filter (`{ a: 1 }`, `{ a: { $eq: 1 } }`, inside `$and`), then the update applied with
 * `$setOnInsert`; or, for a replacement, the replacement with the filter's `_id`.
 */
export function upsertDocument(filter: Filter, update: UpdateSpec): Doc {
  const seed: Doc = {}
  collectEqualities(filter, seed)
  if (!isOperatorUpdate(update)) {
    const { _id: givenId, ...rest } = cloneValue(update) as Doc
    const id = seed._id !== undefined ? seed._id : givenId
    return id === undefined ? rest : { _id: id, ...rest }
  }
  return applyUpdate(seed, update, { isUpsertInsert: true })
}

function collectEqualities(filter: Filter, seed: Doc): void {
  for (const key of Object.keys(filter)) {
    const value = filter[key]
    if (key === '$and' && Array.isArray(value)) {
      for (const part of value) collectEqualities(part as Filter, seed)
    } else if (!key.startsWith('$')) {
      const equal = isOperatorObject(value) ? ('$eq' in value ? { v: value.$eq } : undefined) : { v: value }
      if (equal && !(equal.v instanceof RegExp)) writePath(seed, splitPath(key), cloneValue(equal.v))
    }
  }
}
